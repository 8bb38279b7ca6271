"""resilience:jointable on a Chinese yearbook table: the key and year columns are recognised
(城市, 年份 …), a table keyed by city names joins on the cities' names, and each field keeps its
indicator's name as its alias: on the output layer, in the layer QGIS loads (its style) and so in
a project saved and read again. (QGIS 3.22 keeps no alias in a GeoPackage's own schema: an output
file opened on its own gets them from the style stored with it.)"""

from __future__ import annotations

import pytest

CITIES = ("北京市", "天津市", "上海市")


def write_yearbook(path, header=("城市", "年份", "宽带用户", "人均GDP")):
    lines = [",".join(header)]
    for i, city in enumerate(CITIES):
        for year in (2011, 2012):
            lines.append(f"{city},{year},{20 + i + year - 2011},{50000 + 1000 * i}")
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return path


def run(parameters):
    """Run as the Toolbox does (the output loaded with its style, which holds the aliases):
    (results, {field: alias} of the loaded layer)."""
    import processing
    from qgis.core import QgsProject

    result = processing.runAndLoadResults("resilience:jointable", parameters)
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])  # a temporary output: its id
    return result, {field.name(): field.alias() for field in layer.fields()}


@pytest.mark.parametrize("header", [("城市", "年份", "宽带用户", "人均GDP"),
                                    ("城市名称", "年度", "宽带用户", "人均GDP"),
                                    ("地区", "年份", "宽带用户", "人均GDP")])
def test_a_gbk_yearbook_joins_with_default_parameters(provider, cities_path, tmp_path, header,
                                                      qgis_new_project):
    table = write_yearbook(tmp_path / "yearbook.csv", header)
    result, aliases = run({"INPUT": str(cities_path), "TABLE": str(table), "OUTPUT": "TEMPORARY_OUTPUT",
                           "REPORT": "TEMPORARY_OUTPUT"})
    assert result["MATCHED_ROWS"] == 6 and result["UNMATCHED_ROWS"] == 0
    stems = result["FIELDS"].split(",")
    assert len(stems) == 2
    # The Chinese indicator names are the aliases of the generated field names (V01_2011 …).
    assert aliases[f"{stems[0]}_2011"] == "宽带用户 2011" and aliases[f"{stems[1]}_2012"] == "人均GDP 2012"
    # The join report names each indicator with the field stem it was written as.
    from qgis.core import QgsProject

    report = QgsProject.instance().mapLayer(result["REPORT"])
    renamed = {f["key"]: f["unit"] for f in report.getFeatures() if f["issue"] == "renamed"}
    assert renamed == {"宽带用户": stems[0], "人均GDP": stems[1]}


def test_aliases_are_read_back_in_a_fresh_project(provider, cities_path, tmp_path, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    table = write_yearbook(tmp_path / "yearbook.csv")
    result = processing.runAndLoadResults("resilience:jointable", {
        "INPUT": str(cities_path), "TABLE": str(table), "OUTPUT": str(tmp_path / "joined.gpkg")})
    stem = result["FIELDS"].split(",")[0]
    loaded, = QgsProject.instance().mapLayers().values()
    assert loaded.fields().field(f"{stem}_2011").alias() == "宽带用户 2011"
    assert QgsProject.instance().write(str(tmp_path / "p.qgz"))
    fresh = QgsProject()
    assert fresh.read(str(tmp_path / "p.qgz"))
    layer = next(iter(fresh.mapLayers().values()))
    assert layer.fields().field(f"{stem}_2011").alias() == "宽带用户 2011"
    assert layer.fields().field(f"{stem}_2012").alias() == "宽带用户 2012"
    del layer, loaded


def test_the_sample_indicators_get_the_indicator_system_names(provider, cities_path, sample_dir, qgis_new_project):
    _, aliases = run({"INPUT": str(cities_path), "TABLE": str(sample_dir / "synthetic_panel.csv"),
                      "INDICATORS": "BBAND,GDPPC", "OUTPUT": "TEMPORARY_OUTPUT"})
    assert aliases["BBAND_2019"] == "Broadband internet subscribers per 100 people 2019"
    assert aliases["GDPPC_2011"].startswith("GDP per capita")


def test_in_chinese_the_sample_indicators_get_name_zh(provider, cities_path, sample_dir, qgis_new_project):
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.processing.translation import install_translator

    translator = install_translator("zh-Hans")
    try:
        _, aliases = run({"INPUT": str(cities_path), "TABLE": str(sample_dir / "synthetic_panel.csv"),
                          "INDICATORS": "BBAND", "OUTPUT": "TEMPORARY_OUTPUT"})
    finally:
        QCoreApplication.removeTranslator(translator)
    assert aliases["BBAND_2019"] == "互联网宽带接入用户数/百人 2019"  # name_zh of indicator_system.csv
