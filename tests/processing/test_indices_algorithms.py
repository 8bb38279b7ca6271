"""resilience:jointable, compositeindex, couplingcoordination and zonalstatistics through Processing."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest


def run(name, parameters, **kwargs):
    import processing

    return processing.run(f"resilience:{name}", parameters, **kwargs)


def attr(feature, field):
    """The attribute as Python (None for NULL: QGIS 3.22 returns a null QVariant)."""
    from qgis.PyQt.QtCore import QVariant

    value = feature[field]
    return None if value is None or (isinstance(value, QVariant) and value.isNull()) else value


def values(layer, field):
    return np.array([np.nan if attr(f, field) is None else attr(f, field) for f in layer.getFeatures()], dtype=float)


@pytest.fixture(scope="module")
def joined_path(tmp_path_factory, sample_dir, cities_frame):
    """The sample cities with the synthetic panel attached (written by the core, not by Processing)."""
    from digital_resilience.core.indices.join import join_panel
    from digital_resilience.core.indices.table_shapes import table_to_panel
    from digital_resilience.core.indices.tables import read_table

    table = read_table(sample_dir / "synthetic_panel.csv")
    frame = join_panel(cities_frame, "adcode", table_to_panel(table.frame, "adcode")).frame
    path = tmp_path_factory.mktemp("joined") / "joined.gpkg"
    frame.to_file(path, layer="joined")
    return str(path)


# ------------------------------------------------------------------ jointable
def test_join_the_sample_panel_by_code(cities_path, sample_dir, provider, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run("jointable", {"INPUT": str(cities_path), "LAYER_KEY": "adcode",
                               "TABLE": str(sample_dir / "synthetic_panel.csv"), "OUTPUT": str(tmp_path / "j.gpkg"),
                               "REPORT": "TEMPORARY_OUTPUT"})
    assert (result["MATCHED_ROWS"], result["UNMATCHED_ROWS"], result["UNITS_WITHOUT_DATA"]) == (3303, 0, 0)
    assert result["FIELDS"].split(",")[:3] == ["BBAND", "MOBIL", "TELEC"]
    layer = QgsVectorLayer(result["OUTPUT"], "j", "ogr")
    assert layer.featureCount() == 367
    names = [f.name() for f in layer.fields()]
    added = [n for n in names if "_20" in n]
    assert "GDPPC_2011" in added and "URB_2019" in added and len(added) == 32 * 9
    assert all(len(n) <= 10 for n in added)
    raw = pd.read_csv(sample_dir / "synthetic_panel.csv").set_index(["adcode", "year"])
    for feature in list(layer.getFeatures())[::50]:
        assert feature["TELEC_2016"] == raw.loc[(feature["adcode"], 2016), "TELEC"]
    assert [f["issue"] for f in result["REPORT"].getFeatures()] == ["skipped_column"]  # the name column


GBK_TABLE = """城市,年份,人均GDP,宽带用户
北京,2018,140211,30.5
北京市,2019,164220,35.1
延边州,2019,"45,120",12.5
襄樊市,2019,50000,10.0
天津市,2019,90371,—
"""


def test_join_a_gbk_table_by_name_reports_everything(cities_path, provider, tmp_path):
    table = tmp_path / "yearbook.csv"
    table.write_bytes(GBK_TABLE.encode("gbk"))
    result = run("jointable", {"INPUT": str(cities_path), "LAYER_KEY": "name", "JOIN_BY": 1, "TABLE": str(table),
                               "RENAME": "人均GDP=GDPPC", "OUTPUT": "TEMPORARY_OUTPUT", "REPORT": "TEMPORARY_OUTPUT"})
    layer = result["OUTPUT"]
    by_name = {f["name"]: f for f in layer.getFeatures()}
    assert by_name["北京市"]["GDPPC_2019"] == 164220 and by_name["北京市"]["GDPPC_2018"] == 140211
    assert by_name["延边朝鲜族自治州"]["GDPPC_2019"] == 45120
    assert attr(by_name["天津市"], "V01_2019") is None
    report = [(f["issue"], f["key"]) for f in result["REPORT"].getFeatures()]
    expected = {("normalised", "北京"), ("normalised", "延边州"), ("unmatched", "襄樊市"), ("renamed", "宽带用户")}
    assert expected <= set(report)
    assert sum(1 for issue, _ in report if issue == "no_data") == 367 - 3
    assert (result["MATCHED_ROWS"], result["UNMATCHED_ROWS"]) == (4, 1)


def test_join_reads_yearbook_cells_by_rule_and_reports_them(cities_path, provider, tmp_path):
    """Text `inf` was stored as +inf without a report line; it is a missing value, and the report lists
    every cell that was not a plain number with the decision taken (— and n/a missing, 1,234.5 read with
    a thousands separator)."""
    table = tmp_path / "yearbook.csv"
    table.write_text("adcode,year,GDPPC,BB\n110100,2019,inf,\"1,234.5\"\n120100,2019,—,12\n"
                     "130100,2019,n/a,-Infinity\n", encoding="utf-8")
    result = run("jointable", {"INPUT": str(cities_path), "TABLE": str(table), "OUTPUT": "TEMPORARY_OUTPUT",
                               "REPORT": "TEMPORARY_OUTPUT"})
    by_code = {f["adcode"]: f for f in result["OUTPUT"].getFeatures()}
    assert attr(by_code[110100], "GDPPC_2019") is None and by_code[110100]["BB_2019"] == 1234.5
    assert attr(by_code[130100], "BB_2019") is None
    assert np.isfinite(values(result["OUTPUT"], "GDPPC_2019")[~np.isnan(values(result["OUTPUT"], "GDPPC_2019"))]).all()
    report = {(f["issue"], f["key"]): (f["lines"], f["detail"]) for f in result["REPORT"].getFeatures()}
    assert report[("not_finite", "GDPPC")] == ("2", "not finite numbers, read as missing: “inf”")
    assert report[("missing_mark", "GDPPC")] == ("3, 4", "no-data marks read as missing: “—”, “n/a”")
    assert report[("thousands", "BB")][1] == "read with “,” as the thousands separator: “1,234.5” → 1234.5"
    assert report[("not_finite", "BB")][0] == "4"


def test_join_long_output_and_xlsx(cities_path, provider, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["adcode", "year", "indicator", "value"])
    for adcode, year, value in ((110100, 2018, 1.0), (110100, 2019, 2.0), ("120100", 2019, 3.0)):
        sheet.append([adcode, year, "NTL", value])
    book.save(tmp_path / "long.xlsx")
    result = run("jointable", {"INPUT": str(cities_path), "TABLE": str(tmp_path / "long.xlsx"), "SHAPE": 1,
                               "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = result["OUTPUT"]
    assert layer.featureCount() == 367 * 2
    rows = {(f["adcode"], f["year"]): f["NTL"] for f in layer.getFeatures() if attr(f, "NTL") is not None}
    assert rows == {(110100, 2018): 1.0, (110100, 2019): 2.0, (120100, 2019): 3.0}


def test_join_one_feature_per_city_and_year_into_a_geopackage(cities_path, sample_dir, provider, tmp_path):
    """The input's fid repeats once per year, so it cannot be the GeoPackage's primary key: it is kept
    as fid_src (this failed with "UNIQUE constraint failed: long.fid")."""
    from qgis.core import QgsVectorLayer

    result = run("jointable", {"INPUT": str(cities_path), "TABLE": str(sample_dir / "synthetic_panel.csv"),
                               "SHAPE": 1, "OUTPUT": str(tmp_path / "long.gpkg")})
    layer = QgsVectorLayer(result["OUTPUT"], "long", "ogr")
    assert layer.isValid() and layer.featureCount() == 367 * 9
    names = [f.name() for f in layer.fields()]
    assert names[:2] == ["fid", "fid_src"]  # the GeoPackage's own key, then the input's feature id
    source = QgsVectorLayer(f"{cities_path}|layername=cities", "cities", "ogr")
    fid_of = {f["adcode"]: f.id() for f in source.getFeatures()}
    raw = pd.read_csv(sample_dir / "synthetic_panel.csv").set_index(["adcode", "year"])
    features = list(layer.getFeatures())
    assert len({f.id() for f in features}) == len(features)
    for feature in features[::97]:
        assert feature["fid_src"] == fid_of[feature["adcode"]]
        assert feature["GDPPC"] == raw.loc[(feature["adcode"], feature["year"]), "GDPPC"]


def test_join_tables_that_cannot_be_joined_are_explained(cities_path, provider, tmp_path):
    from qgis.core import QgsProcessingException

    clash = tmp_path / "clash.csv"
    clash.write_text("adcode,X_2019,X2019\n110100,1,2\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match=r"same indicator and year: X_2019 / X2019 \(X 2019\)"):
        run("jointable", {"INPUT": str(cities_path), "TABLE": str(clash), "OUTPUT": "TEMPORARY_OUTPUT"})
    nowhere = tmp_path / "nowhere.csv"
    nowhere.write_text("name,year,X\n火星,2019,1\n金星,2019,2\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="No name of the table matches exactly one unit of the layer"):
        run("jointable", {"INPUT": str(cities_path), "LAYER_KEY": "name", "JOIN_BY": 1, "TABLE": str(nowhere),
                          "OUTPUT": "TEMPORARY_OUTPUT"})
    old = tmp_path / "yearbook.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")  # the start of an old Excel (OLE2) file
    with pytest.raises(QgsProcessingException, match=r"Old Excel \.xls files are not supported; .* save it as \.xlsx"):
        run("jointable", {"INPUT": str(cities_path), "TABLE": str(old), "OUTPUT": "TEMPORARY_OUTPUT"})


def test_join_errors_are_clear(cities_path, provider, tmp_path):
    from qgis.core import QgsProcessingException

    table = tmp_path / "dup.csv"
    table.write_text("name,year,X\n北京,2019,1\n北京市,2019,2\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match=r"more than one row for a unit and year: 北京市 2019"):
        run("jointable", {"INPUT": str(cities_path), "LAYER_KEY": "name", "JOIN_BY": 1, "TABLE": str(table),
                          "OUTPUT": "TEMPORARY_OUTPUT"})
    with pytest.raises(QgsProcessingException, match="Cannot tell which column holds the codes"):
        table.write_text("city,year,X\n110100,2019,1\n", encoding="utf-8")
        run("jointable", {"INPUT": str(cities_path), "TABLE": str(table), "OUTPUT": "TEMPORARY_OUTPUT"})


def test_joined_layer_is_styled_when_loaded(cities_path, sample_dir, provider, qgis_new_project):
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:jointable", {
        "INPUT": str(cities_path), "TABLE": str(sample_dir / "synthetic_panel.csv"), "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert isinstance(layer.renderer(), QgsGraduatedSymbolRenderer)
    assert layer.renderer().classAttribute() == "BBAND_2019"
    # A known indicator code gets its name from the indicator system (indicator_system.csv).
    alias = layer.attributeAlias(layer.fields().lookupField("BBAND_2019"))
    assert alias == "Broadband internet subscribers per 100 people 2019"


# ------------------------------------------------------------------ compositeindex
def test_composite_index_of_the_sample(joined_path, sample_dir, provider):
    result = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT",
                                    "WEIGHTS": "TEMPORARY_OUTPUT", "TOPSIS": True})
    assert result["INDICES"] == "DEI,DEIT,URI,URSOC,URECO,URINF,URENV,URIT" and result["LATEST_YEAR"] == 2019
    layer = result["OUTPUT"]
    names = {f.name() for f in layer.fields()}
    assert {f"{stem}_{year}" for stem in ("DEI", "URI", "URSOC", "URECO", "URINF", "URENV")
            for year in range(2011, 2020)} <= names
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    adcodes = values(layer, "adcode")
    for year in (2011, 2015, 2019):
        truth = latent[latent.year == year].set_index("adcode").loc[adcodes]
        assert np.corrcoef(values(layer, f"DEI_{year}"), truth.digital_economy)[0, 1] > 0.92
        assert np.corrcoef(values(layer, f"URI_{year}"), truth.resilience)[0, 1] > 0.93
    parts = sum(values(layer, f"{stem}_2019") for stem in ("URSOC", "URECO", "URINF", "URENV"))
    assert parts == pytest.approx(values(layer, "URI_2019"))
    weights = list(result["WEIGHTS"].getFeatures())
    assert len(weights) == 25 and all(attr(f, "year") is None for f in weights)
    assert sum(f["weight"] for f in weights if f["index"] == "resilience") == pytest.approx(1.0)
    assert all(0 < f["entropy"] < 1 and f["diverg"] == pytest.approx(1 - f["entropy"]) for f in weights)


def test_composite_index_names_indicators_in_the_users_language(joined_path, sample_dir, provider):
    """The weights table names each indicator with the system's name_zh under the Chinese
    translation (name_en otherwise), as in the sample's indicator_system.csv."""
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.processing.translation import install_translator

    system = pd.read_csv(sample_dir / "indicator_system.csv").set_index("code")
    english = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS": "TEMPORARY_OUTPUT"})
    translator = install_translator("zh-Hans")
    try:
        chinese = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT",
                                         "WEIGHTS": "TEMPORARY_OUTPUT"})
    finally:
        QCoreApplication.removeTranslator(translator)
    for result, column in ((english, "name_en"), (chinese, "name_zh")):
        names = {f["indicator"]: f["name"] for f in result["WEIGHTS"].getFeatures()}
        assert len(names) == 25 and names == system.loc[list(names), column].to_dict()


def test_long_layer_and_dialog_table_give_the_same_index(joined_path, provider):
    import geopandas as gpd

    from digital_resilience.core.panel import wide_to_long

    wide = gpd.read_file(joined_path)
    long = wide_to_long(wide.set_index("adcode"), stems=["GDPPC", "SO2"])  # adcode, year, GDPPC, SO2
    table = ["GDPPC", "green", "", "+", "", "SO2", "green", "", "-", ""]
    from_long = run("compositeindex", {"INPUT": _table_layer(long), "SYSTEM_TABLE": table, "YEAR_FIELD": "year",
                                       "ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    from_wide = run("compositeindex", {"INPUT": joined_path, "SYSTEM_TABLE": table,
                                       "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    by_unit_year = {(f["adcode"], f["year"]): f["GREEN"] for f in from_long.getFeatures()}
    for feature in list(from_wide.getFeatures())[::40]:
        for year in (2011, 2019):
            assert feature[f"GREEN_{year}"] == pytest.approx(by_unit_year[(feature["adcode"], year)], abs=1e-12)


def test_composite_index_of_a_long_layer_into_a_geopackage(joined_path, provider, tmp_path):
    """A long layer whose fid field repeats (one feature per city and year) written to a GeoPackage;
    equal weights, so the index is the mean of the min–max values (pooled), computed here by hand."""
    import geopandas as gpd
    from qgis.core import QgsVectorLayer

    from digital_resilience.core.panel import wide_to_long

    wide = gpd.read_file(joined_path).iloc[:40]
    long = wide_to_long(wide.set_index("adcode"), stems=["GDPPC", "SO2"])  # adcode, year, GDPPC, SO2
    long.insert(0, "fid", long["adcode"].map({a: i + 1 for i, a in enumerate(wide["adcode"])}))
    table = ["GDPPC", "green", "", "+", "", "SO2", "green", "", "-", ""]
    result = run("compositeindex", {"INPUT": _table_layer(long), "SYSTEM_TABLE": table, "METHOD": 3,
                                    "YEAR_FIELD": "year", "ID_FIELD": "adcode", "OUTPUT": str(tmp_path / "ci.gpkg")})
    layer = QgsVectorLayer(result["OUTPUT"], "ci", "ogr")
    assert layer.featureCount() == 40 * 9
    gdp = (long.GDPPC - long.GDPPC.min()) / (long.GDPPC.max() - long.GDPPC.min())
    so2 = (long.SO2.max() - long.SO2) / (long.SO2.max() - long.SO2.min())
    expected = ((gdp + so2) / 2).set_axis(pd.MultiIndex.from_frame(long[["adcode", "year"]]))
    for feature in layer.getFeatures():
        assert feature["GREEN"] == pytest.approx(expected[(feature["adcode"], feature["year"])], abs=1e-12)
        assert feature["fid_src"] == long.loc[long.adcode == feature["adcode"], "fid"].iloc[0]


def test_composite_index_text_fields_and_too_few_cities(joined_path, provider, tmp_path):
    import geopandas as gpd
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    from digital_resilience.core.panel import wide_to_long

    wide = gpd.read_file(joined_path).iloc[:30]
    wide["TXT_2018"], wide["TXT_2019"] = "abc", "x"
    path = tmp_path / "text.gpkg"
    wide.to_file(path, layer="text")
    with pytest.raises(QgsProcessingException, match="Indicators TXT_2018, TXT_2019 are not numeric fields"):
        run("compositeindex", {"INPUT": str(path), "SYSTEM_TABLE": ["BBAND", "A", "", "+", "", "TXT", "A", "", "+", ""],
                               "OUTPUT": "TEMPORARY_OUTPUT"})

    long = wide_to_long(wide.set_index("adcode"), stems=["GDPPC", "SO2"])
    table = ["GDPPC", "green", "", "+", "", "SO2", "green", "", "-", ""]
    one_city = _table_layer(long[long.adcode == long.adcode.iloc[0]])  # 1 city x 9 years
    with pytest.raises(QgsProcessingException, match="needs at least two; the layer has 1"):
        run("compositeindex", {"INPUT": one_city, "SYSTEM_TABLE": table, "YEAR_FIELD": "year",
                               "OUTPUT": "TEMPORARY_OUTPUT"})

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)

    feedback = Warnings()
    run("compositeindex", {"INPUT": _table_layer(long), "SYSTEM_TABLE": table, "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback=feedback)
    assert any("choose year as the year field" in text for text in feedback.warnings)
    with pytest.raises(QgsProcessingException, match="The unit id field adcode repeats values"):
        run("compositeindex", {"INPUT": _table_layer(long), "SYSTEM_TABLE": table, "ID_FIELD": "adcode",
                               "OUTPUT": "TEMPORARY_OUTPUT"})


def _table_layer(frame):
    """A memory table (no geometry) holding ``frame``."""
    from qgis.core import QgsFeature, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("None", "long", "memory")
    fields = [new_field(c, FieldType.DOUBLE if frame[c].dtype.kind == "f" else FieldType.LONGLONG)
              for c in frame.columns]
    layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    features = []
    for row in frame.itertuples(index=False):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([v.item() if hasattr(v, "item") else v for v in row])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_composite_index_is_styled_when_loaded(joined_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:compositeindex", {
        "INPUT": joined_path, "SYSTEM": 2, "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert layer.name() == "Urban resilience index (城市韧性指数) 2019"
    renderer = layer.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer) and renderer.classAttribute() == "URI_2019"
    assert len(renderer.ranges()) == 5
    assert layer.attributeAlias(layer.fields().lookupField("URSOC_2019")) == "Social resilience (社会韧性) 2019"
    weights = QgsProject.instance().mapLayer(result["WEIGHTS"])
    assert weights.attributeAlias(weights.fields().lookupField("diverg")) == "Divergence d_j = 1 − e_j"


@pytest.mark.parametrize(("parameters", "message"), [
    ({"SYSTEM_TABLE": ["NOPE", "x", "", "+", ""]}, r"neither yearly fields \(e\.g\. NOPE_2019\)"),
    ({"SYSTEM_TABLE": ["GDPPC", "x", "", "up", ""]}, "direction “up”"),
    ({"METHOD": 4}, "User weights need a weight for every indicator"),
    ({"SYSTEM_TABLE": ["GDPPC", "x", "", "+", ""], "SYSTEM_FILE": "/tmp/x.csv"}, "either as a file or as a table"),
])
def test_composite_index_bad_input(joined_path, provider, parameters, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT", **parameters})


# ------------------------------------------------------------------ couplingcoordination
def test_coupling_coordination_by_hand(joined_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject

    indices = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    result = processing.runAndLoadResults("resilience:couplingcoordination", {
        "INPUT": indices, "FIELD_A": "DEI_2019", "FIELD_B": "URI_2019", "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    for feature in list(layer.getFeatures())[::30]:
        for year in (2011, 2019):
            u1, u2 = feature[f"DEI_{year}"], feature[f"URI_{year}"]
            c = 2 * math.sqrt(u1 * u2) / (u1 + u2)
            t = 0.5 * u1 + 0.5 * u2
            assert feature[f"CPL_{year}"] == pytest.approx(c, abs=1e-12)
            assert feature[f"CPT_{year}"] == pytest.approx(t, abs=1e-12)
            assert feature[f"CCD_{year}"] == pytest.approx(math.sqrt(c * t), abs=1e-12)
            assert feature[f"CCL_{year}"] == min(int(math.sqrt(c * t) * 10) + 1, 10)
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer) and renderer.classAttribute() == "CCL_2019"
    labels = [c.label() for c in renderer.categories()]
    assert len(labels) == 10 and labels[5] == "6 勉强协调 Barely coordinated [0.5, 0.6)"
    assert layer.name() == "Coupling coordination 2019"
    assert layer.attributeAlias(layer.fields().lookupField("CCD_2019")).startswith("Coupling coordination degree D")


def test_coupling_needs_indices_on_zero_one(joined_path, provider):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"indices on \[0, 1\]; GDPPC_2019, SO2_2019 have values outside"):
        run("couplingcoordination", {"INPUT": joined_path, "FIELD_A": "GDPPC_2019", "FIELD_B": "SO2_2019",
                                     "OUTPUT": "TEMPORARY_OUTPUT"})
    rescaled = run("couplingcoordination", {"INPUT": joined_path, "FIELD_A": "GDPPC_2019", "FIELD_B": "GREEN_2019",
                                            "RESCALE": True, "ALL_YEARS": False, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert {f.name() for f in rescaled["OUTPUT"].fields()} >= {"CPL_2019", "CCD_2019", "CCT_2019"}


# ------------------------------------------------------------------ zonalstatistics
@pytest.fixture(scope="module")
def rasters(tmp_path_factory):
    """Two 0.1° rasters over China with random values and a no-data hole."""
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    folder = tmp_path_factory.mktemp("rasters")
    paths = []
    for year in (2018, 2019):
        data = (np.random.default_rng(year).random((380, 640)) * 60).astype("float32")
        data[100:120, 300:330] = -1
        path = folder / f"ntl_{year}.tif"
        with rasterio.open(path, "w", driver="GTiff", width=640, height=380, count=1, dtype="float32",
                           crs="EPSG:4326", transform=from_origin(73.0, 54.0, 0.1, 0.1), nodata=-1) as target:
            target.write(data, 1)
        paths.append(str(path))
    return paths


def test_zonal_statistics_agree_with_qgis(cities_path, rasters, provider):
    """QGIS's native:zonalstatisticsfb uses pixel centres too, except for zones with at most one pixel
    centre (then it weighs partial pixels): compare every city with at least two."""
    ours = run("zonalstatistics", {"INPUT": str(cities_path), "RASTERS": rasters, "STATISTICS": [0, 1, 2, 3, 4],
                                   "STEM": "NTL", "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    theirs = run_native(cities_path, rasters[1])
    compared = 0
    ours_by = {f["adcode"]: f for f in ours.getFeatures()}
    for feature in theirs.getFeatures():
        mine = ours_by[feature["adcode"]]
        if mine["NTLCT_2019"] < 2:
            continue
        compared += 1
        assert mine["NTLCT_2019"] == feature["q_count"]
        assert mine["NTLSM_2019"] == pytest.approx(feature["q_sum"], rel=1e-9)
        assert mine["NTLMN_2019"] == pytest.approx(feature["q_mean"], rel=1e-9)
        assert (mine["NTLMI_2019"], mine["NTLMX_2019"]) == pytest.approx((feature["q_min"], feature["q_max"]))
    assert compared > 300


def run_native(cities_path, raster):
    return run_qgis("native:zonalstatisticsfb", {"INPUT": str(cities_path), "INPUT_RASTER": raster,
                                                 "RASTER_BAND": 1, "COLUMN_PREFIX": "q_", "STATISTICS": [0, 1, 2, 5, 6],
                                                 "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]


def run_qgis(name, parameters):
    import processing

    return processing.run(name, parameters)


def test_zonal_statistics_years_share_and_style(cities_path, rasters, provider, qgis_new_project):
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:zonalstatistics", {
        "INPUT": str(cities_path), "RASTERS": list(reversed(rasters)), "STATISTICS": [5], "THRESHOLD": 30,
        "STEM": "LIT", "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    names = [f.name() for f in layer.fields()]
    assert names[-2:] == ["LIT_2018", "LIT_2019"]  # sorted by year, whatever the order given
    share = values(layer, "LIT_2019")
    assert np.nanmean(share) == pytest.approx(0.5, abs=0.02)  # uniform 0–60 values: half above 30
    assert isinstance(layer.renderer(), QgsGraduatedSymbolRenderer)
    assert layer.renderer().classAttribute() == "LIT_2019"
    assert layer.attributeAlias(layer.fields().lookupField("LIT_2019")) == "LIT share of pixels above 30.0 2019"


def test_zonal_statistics_bad_input(cities_path, rasters, provider, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="needs the threshold"):
        run("zonalstatistics", {"INPUT": str(cities_path), "RASTERS": rasters, "STATISTICS": [5],
                                "OUTPUT": "TEMPORARY_OUTPUT"})
    with pytest.raises(QgsProcessingException, match="1 years were given for 2 rasters"):
        run("zonalstatistics", {"INPUT": str(cities_path), "RASTERS": rasters, "YEARS": "2011",
                                "OUTPUT": "TEMPORARY_OUTPUT"})
    with pytest.raises(QgsProcessingException, match="1–5 letters"):
        run("zonalstatistics", {"INPUT": str(cities_path), "RASTERS": rasters, "STEM": "NIGHTLIGHTS",
                                "OUTPUT": "TEMPORARY_OUTPUT"})


@pytest.mark.parametrize("name", ["zonalstatistics", "compositeindex"])
def test_cancel_stops_the_run(name, cities_path, joined_path, rasters, provider):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: feedback.cancel() if progress > 0 else None)
    parameters = ({"INPUT": str(cities_path), "RASTERS": rasters, "OUTPUT": "TEMPORARY_OUTPUT"}
                  if name == "zonalstatistics" else {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT"})
    with pytest.raises(QgsProcessingException, match="Cancelled by the user"):
        run(name, parameters, feedback=feedback)
