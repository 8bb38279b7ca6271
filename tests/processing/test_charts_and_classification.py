"""Issue 8 through Processing: the index ranking chart of compositeindex, the HTML reports of
globalautocorrelation and localmoran (chart embedded, key numbers), and the shared choice of
classification of every algorithm that attaches a graduated map."""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pandas as pd
import pytest

REFERENCE = "tests/reference/autocorrelation"


def run(name, parameters):
    import processing

    return processing.run(f"resilience:{name}", parameters)


def number(value):
    return np.nan if value is None or (hasattr(value, "isNull") and value.isNull()) else float(value)


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


def svg_texts(path) -> list[str]:
    """The texts of a matplotlib SVG (drawn as paths; each line preceded by a comment holding it)."""
    return [html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", open(path, encoding="utf-8").read())]


# ------------------------------------------------------------------ ranking chart
def test_ranking_chart_names_the_top_and_bottom_cities(joined_path, provider, tmp_path):
    chart = tmp_path / "ranking.svg"
    result = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT", "RANKING_INDEX": "URI",
                                    "RANKING_COUNT": 5, "RANKING_CHART": str(chart)})
    assert result["RANKING_CHART"] == str(chart)
    # Independently: rank the layer's URI_2019 values.
    layer = result["OUTPUT"]
    rows = sorted(((number(f["URI_2019"]), f["name"]) for f in layer.getFeatures()), reverse=True)
    top, bottom = [n for _, n in rows[:5]], [n for _, n in rows[-5:]]
    texts = svg_texts(chart)
    assert open(chart, encoding="utf-8").read(200).lstrip().startswith("<?xml")
    names = [t for t in texts if t in {n for _, n in rows}]
    assert names == top + bottom  # highest first, as drawn from the top
    assert f"{rows[0][0]:.3f}" in texts  # the best city's value at its bar
    assert {"Urban resilience index (城市韧性指数) 2019", "top and bottom 5 cities"} <= set(texts)  # the title


def test_ranking_chart_of_a_chosen_year_as_png(joined_path, provider, tmp_path):
    from qgis.PyQt.QtGui import QImage

    chart = tmp_path / "ranking.png"
    result = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT", "RANKING_YEAR": 2015,
                                    "RANKING_CHART": str(chart)})
    assert open(result["RANKING_CHART"], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(chart))
    assert not image.isNull() and image.width() > 500 and image.height() > 500  # 20 bars


def test_ranking_chart_bad_index_or_year(joined_path, provider, tmp_path):
    from qgis.core import QgsProcessingException

    for extra, message in (({"RANKING_INDEX": "NOPE"}, "NOPE, is not an output"),
                           ({"RANKING_YEAR": 2030}, r"2030, is not in the data \(2011–2019\)")):
        with pytest.raises(QgsProcessingException, match=message):
            run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT",
                                   "RANKING_CHART": str(tmp_path / "r.png"), **extra})


def test_no_ranking_chart_by_default(joined_path, provider):
    result = run("compositeindex", {"INPUT": joined_path, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert not result.get("RANKING_CHART")


# ------------------------------------------------------------------ HTML reports
@pytest.fixture()
def columbus_layer(root, qgis_app):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    data = pd.read_csv(root / REFERENCE / "columbus.csv")
    layer = QgsVectorLayer("Point?crs=EPSG:32617", "columbus", "memory")
    layer.dataProvider().addAttributes([new_field("POLYID", FieldType.INT), new_field("CRIME", FieldType.DOUBLE)])
    layer.updateFields()
    features = []
    for row in data.itertuples():
        feature = QgsFeature(layer.fields())
        feature.setAttributes([int(row.POLYID), float(row.CRIME)])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(row.X, row.Y)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def columbus_parameters(root, **extra):
    return {"WEIGHTS_FILE": str(root / REFERENCE / "columbus_queen.gal"), "WEIGHTS_ID_FIELD": "POLYID",
            "OUTPUT": "TEMPORARY_OUTPUT", **extra}


def embedded_images(text: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', text)]


def test_global_report_embeds_the_chart_and_moran_i(root, columbus_layer, provider, tmp_path):
    report = tmp_path / "global.html"
    result = run("globalautocorrelation", {"INPUT": columbus_layer, "FIELDS": ["CRIME"], "PERMUTATIONS": 0,
                                           "REPORT": str(report), **columbus_parameters(root)})
    assert result["REPORT"] == str(report)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    images = embedded_images(text)
    assert len(images) == 1 and images[0][:8] == b"\x89PNG\r\n\x1a\n"
    # GeoDa's and spdep's Moran's I of CRIME under queen contiguity: 0.500188557.
    assert "Moran's I of CRIME: 0.5002" in html.unescape(text)
    assert "<td>0.5002</td>" in text  # in the table
    assert text.count("<tr>") == 1 + 5  # Moran (2), Geary (2), General G (1)


def gal_neighbours(path) -> dict[int, list[int]]:
    lines = open(path).read().split("\n")[1:]
    neighbours = {}
    for head, tail in zip(lines[::2], lines[1::2]):
        if head.strip():
            neighbours[int(head.split()[0])] = [int(v) for v in tail.split()]
    return neighbours


def test_local_moran_report_counts_the_clusters(root, columbus_layer, provider, tmp_path):
    report = tmp_path / "lisa.html"
    result = run("localmoran", {"INPUT": columbus_layer, "FIELD": "CRIME", "PERMUTATIONS": 0,
                                "REPORT": str(report), **columbus_parameters(root)})
    assert result["REPORT"] == str(report)
    # Independently: quadrants of z and its row-standardised lag, significance from R spdep's p-values.
    data = pd.read_csv(root / REFERENCE / "columbus.csv").set_index("POLYID")
    z = (data["CRIME"] - data["CRIME"].mean()) / data["CRIME"].std(ddof=0)
    lag = pd.Series({i: z.loc[js].mean() for i, js in gal_neighbours(root / REFERENCE / "columbus_queen.gal").items()})
    lag = lag.loc[z.index]
    values = pd.read_csv(root / REFERENCE / "spdep_values.csv")
    rows = values[(values.case == "columbus/queen_W/CRIME/localmoran/conditional") & (values.quantity == "p")]
    significant = rows.sort_values("i").value.to_numpy() <= 0.05
    high, high_lag = (z > 0).to_numpy(), (lag > 0).to_numpy()
    expected = [int((significant & q).sum()) for q in (high & high_lag, ~high & ~high_lag, ~high & high_lag,
                                                       high & ~high_lag)]
    expected.append(int((~significant).sum()))
    text = report.read_text(encoding="utf-8")
    images = embedded_images(text)
    assert len(images) == 1 and images[0][:8] == b"\x89PNG\r\n\x1a\n"
    cells = "".join(f"<td>{count}</td>" for count in expected)
    assert f'<td class="text">CRIME</td><td>0.5002</td>{cells}<td>0</td><td>0</td>' in text
    hh, ll, lh, hl, _ = expected
    assert (f"CRIME: Moran's I = 0.5002; High-High {hh}, Low-Low {ll}, Low-High {lh}, High-Low {hl} cities."
            in html.unescape(text))
    assert (result["HIGH_HIGH"], result["LOW_LOW"]) == (hh, ll)


def test_reports_are_optional(root, columbus_layer, provider):
    for name, extra in (("globalautocorrelation", {"FIELDS": ["CRIME"]}), ("localmoran", {"FIELD": "CRIME"})):
        result = run(name, {"INPUT": columbus_layer, "PERMUTATIONS": 0, **extra, **columbus_parameters(root)})
        assert not result.get("REPORT")


# ------------------------------------------------------------------ classification
GRADUATED = ("compositeindex", "jointable", "zonalstatistics", "convergence", "spatialdurbin", "reportmap")


def test_every_graduated_map_offers_the_same_classification(provider):
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    reference = registry.algorithmById("resilience:reportmap")
    options = reference.parameterDefinition("CLASSIFICATION").options()
    assert options[:5] == ["Natural breaks (Fisher–Jenks)", "Quantiles", "Equal interval", "Standard deviation",
                           "Box plot"]
    for name in GRADUATED:
        algorithm = registry.algorithmById(f"resilience:{name}")
        scheme, classes = algorithm.parameterDefinition("CLASSIFICATION"), algorithm.parameterDefinition("CLASSES")
        assert scheme is not None and classes is not None, name
        assert scheme.options() == options and scheme.defaultValue() == 0, name
        assert (classes.defaultValue(), classes.minimum(), classes.maximum()) == (5, 2, 12), name


def ranges_of(result, key="OUTPUT"):
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject

    layer = QgsProject.instance().mapLayer(result[key])
    renderer = layer.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer)
    return layer, renderer.classAttribute(), [r.upperValue() for r in renderer.ranges()]


def test_composite_index_map_in_quantiles(joined_path, provider, qgis_new_project):
    import processing

    result = processing.runAndLoadResults("resilience:compositeindex", {
        "INPUT": joined_path, "SYSTEM": 2, "OUTPUT": "TEMPORARY_OUTPUT", "CLASSIFICATION": 1, "CLASSES": 4})
    layer, attribute, uppers = ranges_of(result)
    assert attribute == "URI_2019"
    values = np.array([number(f["URI_2019"]) for f in layer.getFeatures()])
    assert uppers == pytest.approx(list(np.quantile(values, [0.25, 0.5, 0.75, 1.0])), rel=1e-12)
    default = processing.runAndLoadResults("resilience:compositeindex", {
        "INPUT": joined_path, "SYSTEM": 2, "OUTPUT": "TEMPORARY_OUTPUT"})
    import mapclassify

    assert ranges_of(default)[2] == pytest.approx(list(mapclassify.FisherJenks(values, k=5).bins))


def test_joined_layer_map_in_quantiles(cities_path, sample_dir, provider, qgis_new_project):
    import processing

    result = processing.runAndLoadResults("resilience:jointable", {
        "INPUT": str(cities_path), "TABLE": str(sample_dir / "synthetic_panel.csv"), "OUTPUT": "TEMPORARY_OUTPUT",
        "CLASSIFICATION": 1, "CLASSES": 6})
    layer, attribute, uppers = ranges_of(result)
    assert attribute == "BBAND_2019"
    values = np.array([number(f["BBAND_2019"]) for f in layer.getFeatures()])
    assert uppers == pytest.approx(list(np.quantile(values, np.arange(1, 7) / 6)), rel=1e-12)
