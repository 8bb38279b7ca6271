"""The four autocorrelation algorithms through Processing, as users run them.

Numbers: Columbus (a point layer built from spData's attributes, weights from the queen
GAL file that R wrote) against the values R spdep printed (tests/reference/autocorrelation).
Panels, layouts, styles and bad input: the sample cities joined with the synthetic panel's
latent indicators (digital economy DEI_YYYY, resilience RES_YYYY), written to a GeoPackage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

REFERENCE = "tests/reference/autocorrelation"


def run(name, parameters, **kwargs):
    import processing

    return processing.run(f"resilience:{name}", parameters, **kwargs)


@pytest.fixture(scope="module")
def spdep(root):
    values = pd.read_csv(root / REFERENCE / "spdep_values.csv")

    def get(case, quantity):
        rows = values[(values.case == case) & (values.quantity == quantity)].sort_values("i")
        return rows.value.to_numpy() if len(rows) > 1 else float(rows.value.iloc[0])

    return get


@pytest.fixture()
def columbus_layer(root, qgis_app):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    data = pd.read_csv(root / REFERENCE / "columbus.csv")
    layer = QgsVectorLayer("Point?crs=EPSG:32617", "columbus", "memory")
    fields = [new_field("POLYID", FieldType.INT)] + [new_field(c, FieldType.DOUBLE) for c in ("CRIME", "INC", "HOVAL")]
    layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    features = []
    for row in data.itertuples():
        feature = QgsFeature(layer.fields())
        feature.setAttributes([int(row.POLYID), float(row.CRIME), float(row.INC), float(row.HOVAL)])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(row.X, row.Y)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def columbus_parameters(root, **extra):
    return {"WEIGHTS_FILE": str(root / REFERENCE / "columbus_queen.gal"), "WEIGHTS_ID_FIELD": "POLYID",
            "OUTPUT": "TEMPORARY_OUTPUT", **extra}


def column(layer, name):
    """A numeric field as floats (NULL -> NaN)."""
    def number(value):
        return np.nan if value is None or (hasattr(value, "isNull") and value.isNull()) else float(value)

    return np.array([number(f[name]) for f in layer.getFeatures()], dtype=float)


@pytest.fixture(scope="module")
def panel_path(tmp_path_factory, cities_path, sample_dir):
    """The cities with DEI_2011 … DEI_2019 and RES_2011 … RES_2019 (synthetic latent values)."""
    import geopandas as gpd

    cities = gpd.read_file(cities_path, layer="cities")
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    wide = latent.pivot(index="adcode", columns="year", values=["digital_economy", "resilience"])
    wide.columns = [f"{'DEI' if name == 'digital_economy' else 'RES'}_{year}" for name, year in wide.columns]
    frame = cities.merge(wide, left_on="adcode", right_index=True)
    frame["CONST"] = 1.5
    frame["GAPS"] = frame["DEI_2019"].where(frame.index % 50 != 0)
    frame["SHIFT"] = frame["DEI_2019"] + 1.0  # SHIFT − DEI_2019 is 1 up to rounding (1 ± 2e-16)
    path = tmp_path_factory.mktemp("panel") / "panel.gpkg"
    frame.to_file(path, layer="panel", driver="GPKG")
    return f"{path}|layername=panel"


def panel_parameters(panel_path, **extra):
    return {"INPUT": panel_path, "WEIGHTS_ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT", **extra}


# ---------------------------------------------------------------- numbers vs R
def test_local_moran_matches_spdep(root, columbus_layer, provider, spdep):
    result = run("localmoran", {"INPUT": columbus_layer, "FIELD": "CRIME", "PERMUTATIONS": 0,
                                **columbus_parameters(root)})
    layer = result["OUTPUT"]
    case = "columbus/queen_W/CRIME/localmoran/conditional"
    np.testing.assert_allclose(column(layer, "LISA_I"), spdep(case, "Ii"), rtol=1e-8)
    np.testing.assert_allclose(column(layer, "LISA_Z"), spdep(case, "Z.Ii"), rtol=1e-8)
    np.testing.assert_allclose(column(layer, "LISA_P"), spdep(case, "p"), rtol=1e-8)
    # GeoDa's published Moran's I of CRIME under queen contiguity.
    assert round(result["MORAN_I"], 3) == 0.500
    significant = spdep(case, "p") <= 0.05
    labels = [f["LISA_LAB"] for f in layer.getFeatures()]
    assert sum(label != "Not significant" for label in labels) == significant.sum()


def test_global_table_matches_spdep(root, columbus_layer, provider, spdep):
    result = run("globalautocorrelation", {"INPUT": columbus_layer, "FIELDS": ["CRIME"], "PERMUTATIONS": 99,
                                           "ALTERNATIVE": 1, **columbus_parameters(root)})
    rows = {(f["statistic"], f["inference"]): f for f in result["OUTPUT"].getFeatures()}
    assert set(rows) == {(s, i) for s in ("Moran's I", "Geary's C") for i in ("normality", "randomisation",
                                                                                "permutation")} | {
        ("Getis-Ord General G", "randomisation"), ("Getis-Ord General G", "permutation")}
    moran = rows[("Moran's I", "randomisation")]
    case = "columbus/queen_W/CRIME/moran/randomisation/greater"
    for ours, quantity in (("value", "statistic"), ("expected", "expectation"), ("variance", "variance"),
                           ("z", "z"), ("p_value", "p")):
        assert moran[ours] == pytest.approx(spdep(case, quantity), rel=1e-8)
    g = rows[("Getis-Ord General G", "randomisation")]
    assert g["z"] == pytest.approx(spdep("columbus/queen_W/CRIME/getisord/randomisation/greater", "z"), rel=1e-8)
    assert rows[("Moran's I", "permutation")]["perms"] == 99
    assert result["MORAN_I"] == pytest.approx(0.500188557, abs=1e-9)


def test_hotspots_match_spdep_gi_star(root, columbus_layer, provider, spdep):
    result = run("hotspots", {"INPUT": columbus_layer, "FIELD": "CRIME", "WEIGHTS_TRANSFORM": 1,
                              **columbus_parameters(root)})
    layer = result["OUTPUT"]
    z = column(layer, "GI_Z")
    np.testing.assert_allclose(z, spdep("columbus/queen_B/CRIME/localGstar", "Z"), rtol=1e-8)
    p = spdep("columbus/queen_B/CRIME/localGstar", "p")
    by_hand = np.sign(z) * np.select([p <= 0.01, p <= 0.05, p <= 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(column(layer, "GI_BIN"), by_hand)


def test_local_geary_matches_spdep(root, columbus_layer, provider, spdep):
    result = run("localgeary", {"INPUT": columbus_layer, "FIELD": "CRIME", "PERMUTATIONS": 99,
                                **columbus_parameters(root)})
    np.testing.assert_allclose(column(result["OUTPUT"], "LG_C"), spdep("columbus/queen_W/CRIME/localC", "C"),
                               rtol=1e-8)


# --------------------------------------------------------------- panels, layouts
def test_every_year_as_fields_and_as_layers(panel_path, provider, tmp_path):
    from qgis.core import QgsVectorLayer

    fields_result = run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", ALL_YEARS=True,
                                                       PERMUTATIONS=99, CORRECTION=1))
    names = [f.name() for f in fields_result["OUTPUT"].fields()]
    for year in range(2011, 2020):
        assert {f"LI_{year}", f"LP_{year}", f"LPADJ_{year}", f"LCL_{year}", f"LLAB_{year}"} <= set(names)
    added = names[names.index("LI_2011"):]
    assert len(added) == 9 * 8 and all(len(name) <= 10 for name in added)
    layers_result = run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", ALL_YEARS=True,
                                                       PERMUTATIONS=99, LAYOUT=1, CORRECTION=1,
                                                       YEAR_LAYERS=str(tmp_path / "years")))
    paths = layers_result["OUTPUT_LAYERS"]
    assert [p.rsplit("_", 1)[1] for p in paths] == [f"{y}.gpkg" for y in range(2011, 2020)]
    year_2015 = QgsVectorLayer(paths[4], "2015", "ogr")
    assert year_2015.featureCount() == 367 and "LISA_I" in year_2015.fields().names()
    # Same seed, same result, whichever layout.
    np.testing.assert_array_equal(column(year_2015, "LISA_P"), column(fields_result["OUTPUT"], "LP_2015"))
    last = layers_result["OUTPUT"]
    np.testing.assert_array_equal(column(last, "LISA_PADJ"), column(fields_result["OUTPUT"], "LPADJ_2019"))


def test_lisa_layer_is_styled_with_geoda_colours_and_a_significance_style(panel_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    result = processing.runAndLoadResults("resilience:localmoran", panel_parameters(
        panel_path, FIELD="DEI_2019", KIND=1, FIELD_2="RES_2019", ALL_YEARS=True, PERMUTATIONS=99))
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours == {"High-High": "#ff0000", "Low-Low": "#0000ff", "Low-High": "#9696ff", "High-Low": "#ff9696",
                       "Not significant": "#f0f0f0", "No neighbours": "#8c8c8c", "No data": "#464646"}
    assert layer.renderer().classAttribute() == "LLAB_2019"
    styles = layer.styleManager().styles()
    assert "Significance — DEI_2015 × W·RES_2015" in styles and "LISA clusters — DEI_2011 × W·RES_2011" in styles
    assert layer.styleManager().currentStyle() == "LISA clusters — DEI_2019 × W·RES_2019"
    assert layer.attributeAlias(layer.fields().lookupField("LI_2019")).startswith("Local Moran's I")
    layer.styleManager().setCurrentStyle("Significance — DEI_2019 × W·RES_2019")
    significance = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert significance["p <= 0.05"] == "#4bff50" and significance["p <= 0.0001"] == "#014603"
    assert '"LP_2019" <= 0.05' in layer.renderer().classAttribute()


def test_one_layer_per_year_loads_every_year_styled(panel_path, provider, qgis_new_project, tmp_path):
    import processing
    from qgis.core import QgsProject

    result = processing.runAndLoadResults("resilience:hotspots", panel_parameters(
        panel_path, FIELD="DEI_2019", ALL_YEARS=True, LAYOUT=1, YEAR_LAYERS=str(tmp_path / "hot")))
    names = sorted(layer.name() for layer in QgsProject.instance().mapLayers().values())
    assert names == [f"Hot spots Gi* (DEI_{year})" for year in range(2011, 2020)]
    for layer in QgsProject.instance().mapLayers().values():
        year = layer.name()[-5:-1]
        assert layer.renderer().classAttribute() == "GI_LAB"
        assert layer.styleManager().currentStyle() == f"Hot spots — DEI_{year}"
    assert len(result["OUTPUT_LAYERS"]) == 9


def test_global_table_loads_with_aliases(panel_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    result = processing.runAndLoadResults("resilience:globalautocorrelation", panel_parameters(
        panel_path, FIELDS=["DEI_2019"], PERMUTATIONS=0))
    table = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert table.name() == "Global autocorrelation" and table.featureCount() == 5
    assert table.attributeAlias(table.fields().lookupField("z")).startswith("z = (value − expected)")


def test_hot_spot_and_geary_styles(panel_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    hot = processing.runAndLoadResults("resilience:hotspots", panel_parameters(panel_path, FIELD="DEI_2019"))
    layer = QgsProject.instance().mapLayer(hot["OUTPUT"])
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours["Hot spot (99% confidence)"] == "#d62f27" and colours["Cold spot (99% confidence)"] == "#4575b5"
    bins = column(layer, "GI_BIN")
    assert (bins == 3).sum() > 10 and (bins < 0).sum() > 10  # the east–west gradient of the synthetic panel
    geary = processing.runAndLoadResults("resilience:localgeary", panel_parameters(panel_path, FIELD="DEI_2019",
                                                                                  PERMUTATIONS=99))
    layer = QgsProject.instance().mapLayer(geary["OUTPUT"])
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours["High-High"] == "#b2182b" and colours["Other positive"] == "#fddbc7"


def test_synthetic_panel_has_the_documented_clusters(panel_path, provider):
    """SYNTHETIC_PANEL.md: Moran's I of D ≈ 0.62 (2011) and 0.64 (2019) with queen contiguity;
    High-High clusters in the Pearl River Delta (Guangdong), Low-Low ones in Xinjiang."""
    result = run("globalautocorrelation", panel_parameters(panel_path, FIELDS=["DEI_2019"], ALL_YEARS=True,
                                                           STATISTICS=[0], PERMUTATIONS=0))
    values = {f["year"]: f["value"] for f in result["OUTPUT"].getFeatures() if f["inference"] == "randomisation"}
    assert round(values[2011], 2) == 0.62 and round(values[2019], 2) == 0.64
    lisa = run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", PERMUTATIONS=999))["OUTPUT"]
    by_province = pd.DataFrame([(f["province"], f["LISA_LAB"]) for f in lisa.getFeatures()],
                               columns=["province", "label"])
    counts = by_province.groupby(["province", "label"]).size()
    assert counts.get(("广东省", "High-High"), 0) >= 10
    assert counts.get(("新疆维吾尔自治区", "Low-Low"), 0) >= 10


def test_scatter_plot_and_chart_files(panel_path, provider, tmp_path):
    lisa = run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", PERMUTATIONS=99,
                                              SCATTER_PLOT=str(tmp_path / "scatter.svg")))
    assert (tmp_path / "scatter.svg").stat().st_size > 10_000 and lisa["SCATTER_PLOT"].endswith("scatter.svg")
    table = run("globalautocorrelation", panel_parameters(panel_path, FIELDS=["DEI_2019", "RES_2019"], ALL_YEARS=True,
                                                          PERMUTATIONS=0, CHART=str(tmp_path / "chart.png")))
    assert open(table["CHART"], "rb").read(4) == b"\x89PNG"


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("localmoran", {"FIELD": "CONST"}, r"CONST has the same value \(1.5\) at every unit.*undefined"),
        ("globalautocorrelation", {"FIELDS": ["CONST"]}, r"CONST has the same value"),
        ("localmoran", {"FIELD": "GAPS", "NULLS": 1}, r"GAPS is NULL for 8 unit\(s\): 110100, "),
        # Before: the differential LISA ran on rounding noise and reported Moran's I = 0.17.
        ("localmoran", {"FIELD": "SHIFT", "KIND": 2, "FIELD_2": "DEI_2019"},
         r"SHIFT − DEI_2019 has the same value \(1\) at every unit.*undefined"),
        ("localmoran", {"FIELD": "DEI_2019", "KIND": 1}, r"needs a second field"),
        ("hotspots", {"FIELD": "DEI_2019", "YEAR_FIELD": "province", "WEIGHTS_ID_FIELD": None},
         r"A long layer .* needs its unit id field"),
    ],
)
def test_bad_input_gives_a_clear_message(panel_path, provider, name, extra, message):
    from qgis.core import QgsProcessingException

    parameters = panel_parameters(panel_path, **extra)
    parameters = {k: v for k, v in parameters.items() if v is not None}
    with pytest.raises(QgsProcessingException, match=message):
        run(name, parameters)


def test_nulls_are_left_out_and_reported(panel_path, provider, cities_frame):
    from qgis.core import QgsProcessingFeedback

    from digital_resilience.core.weights.build import WeightsSpec, build_weights

    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)

    feedback = Recorder()
    layer = run("localmoran", panel_parameters(panel_path, FIELD="GAPS", PERMUTATIONS=0), feedback=feedback)["OUTPUT"]
    labels = [f["LISA_LAB"] for f in layer.getFeatures()]
    # Leaving units out can strand a neighbour: the islands are those of the remaining units.
    kept = np.flatnonzero(np.arange(367) % 50 != 0)
    islands = build_weights(cities_frame, cities_frame.adcode.to_numpy(), WeightsSpec("queen")).subset(kept).islands
    assert labels.count("No data") == 8 and labels.count("No neighbours") == len(islands) >= 1
    assert any("8 unit(s) with NULL values left out" in w for w in feedback.warnings)
    assert any("without neighbours" in w and "460300" in w for w in feedback.warnings)


def test_weights_file_for_another_layer_is_refused(root, panel_path, provider):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"has 49 id\(s\) that are not in the layer"):
        run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019",
                                           WEIGHTS_FILE=str(root / REFERENCE / "columbus_queen.gal")))


def test_fewer_than_three_units_is_refused(provider, qgis_app):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingException, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Point?crs=EPSG:4326", "two", "memory")
    layer.dataProvider().addAttributes([new_field("v", FieldType.DOUBLE)])
    layer.updateFields()
    for x, v in ((100, 1.0), (101, 2.0)):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([v])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, 30)))
        layer.dataProvider().addFeatures([feature])
    with pytest.raises(QgsProcessingException, match=r"only 2 unit\(s\); spatial autocorrelation needs at least 3"):
        run("localmoran", {"INPUT": layer, "FIELD": "v", "WEIGHTS_KIND": 2, "WEIGHTS_K": 1,
                           "OUTPUT": "TEMPORARY_OUTPUT"})


@pytest.mark.parametrize(("name", "field"), [("localmoran", "FIELD"), ("localgeary", "FIELD"),
                                            ("hotspots", "FIELD"), ("globalautocorrelation", "FIELDS")])
def test_empty_layer_is_called_empty(provider, qgis_app, name, field):
    from qgis.core import QgsProcessingException, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=v:double", "empty", "memory")
    with pytest.raises(QgsProcessingException,
                       match=r"The layer has no feature \(or none is selected\); choose a layer with at least"):
        run(name, {"INPUT": layer, field: ["v"] if field == "FIELDS" else "v", "WEIGHTS_KIND": 2,
                   "WEIGHTS_K": 1, "OUTPUT": "TEMPORARY_OUTPUT"})


def test_cancel_stops_the_permutations(panel_path, provider):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: feedback.cancel() if progress > 30 else None)
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", ALL_YEARS=True, PERMUTATIONS=999),
            feedback=feedback)


def test_inputs_are_not_modified(panel_path, provider):
    from qgis.core import QgsVectorLayer

    before = QgsVectorLayer(panel_path, "panel", "ogr")
    names = before.fields().names()
    run("localmoran", panel_parameters(panel_path, FIELD="DEI_2019", PERMUTATIONS=9))
    assert QgsVectorLayer(panel_path, "panel", "ogr").fields().names() == names


@pytest.mark.parametrize(("name", "fields"), [("localmoran", ("LISA_I", "LISA_CL", "LISA_LAB")),
                                               ("hotspots", ("GI_Z", "GI_BIN", "GI_LAB"))])
def test_every_feature_is_in_the_output_and_repaired_geometries_fit_its_type(provider, qgis_app, name, fields):
    """A feature without geometry vanished from the LISA and Gi* layers; it stays, with NULL results (as a NULL
    attribute does). Under "do not filter" a repaired bow-tie (a MultiPolygon) was written into a layer
    declared Polygon: the output is declared MultiPolygon."""
    import processing
    from qgis.core import (
        QgsFeature,
        QgsFeatureRequest,
        QgsGeometry,
        QgsProcessingContext,
        QgsProject,
        QgsVectorLayer,
        QgsWkbTypes,
    )

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "grid", "memory")
    layer.dataProvider().addAttributes([new_field("code", FieldType.INT), new_field("v", FieldType.DOUBLE)])
    layer.updateFields()
    features = []
    for code in range(17):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([code, float((code * 7) % 5 + code % 3)])
        if code == 5:
            feature.setGeometry(QgsGeometry.fromWkt("POLYGON((1 1, 2 2, 2 1, 1 2, 1 1))"))  # bow-tie
        elif code < 16:
            x, y = code % 4, code // 4
            feature.setGeometry(QgsGeometry.fromWkt(f"POLYGON(({x} {y}, {x + 1} {y}, {x + 1} {y + 1}, "
                                                    f"{x} {y + 1}, {x} {y}))"))
        features.append(feature)  # code 16: no geometry
    layer.dataProvider().addFeatures(features)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
    out = processing.run(f"resilience:{name}", {"INPUT": layer, "FIELD": "v", "WEIGHTS_ID_FIELD": "code",
                                                 "PERMUTATIONS": 0, "OUTPUT": "TEMPORARY_OUTPUT"},
                         context=context)["OUTPUT"]
    assert out.featureCount() == 17
    assert out.wkbType() == QgsWkbTypes.MultiPolygon
    rows = {f["code"]: f for f in out.getFeatures()}
    assert sorted(rows) == list(range(17))
    assert all(rows[16][field] is None or (hasattr(rows[16][field], "isNull") and rows[16][field].isNull())
               for field in fields)
    assert rows[16].geometry().isNull()
    assert all(rows[c][fields[0]] is not None for c in range(16))
    assert rows[5].geometry().wkbType() == QgsWkbTypes.MultiPolygon and rows[5].geometry().isGeosValid()
