"""resilience:spatialweights with every kind, as a user runs it, and the shared weights
parameters as other algorithms use them (prefix WEIGHTS_).

The numbers of each kind are tested in tests/core against R, libpysal and brute force;
here the Processing options must reach the core unchanged, files and messages must be
right, and independent expectations (pandas on the panel CSV, libpysal reading our
files) must hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

KIND = {"queen": 0, "rook": 1, "knn": 2, "distance_band": 3, "inverse_distance": 4, "kernel": 5,
        "economic": 6, "economic_geographic": 7, "block": 8}


def run(parameters, feedback=None):
    import processing

    return processing.run("resilience:spatialweights", parameters, feedback=feedback)


_KEEP: list = []  # feedback objects stay alive for the session (SIP and QGIS may still use them)


def messages():
    """A QgsProcessingFeedback that keeps the warnings and infos it is given."""
    from qgis.core import QgsProcessingFeedback

    class Collecting(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings, self.infos = [], []

        def pushWarning(self, text):
            self.warnings.append(text)

        def pushInfo(self, text):
            self.infos.append(text)

    feedback = Collecting()
    _KEEP.append(feedback)
    return feedback


@pytest.fixture(scope="module")
def panel(sample_dir):
    return pd.read_csv(sample_dir / "synthetic_panel.csv")


@pytest.fixture(scope="module")
def wide_path(cities_frame, panel, tmp_path_factory):
    """The cities with GDPPC_2011 … GDPPC_2019 (a wide panel layer, as jointable writes)."""
    from digital_resilience.core.panel import long_to_wide

    wide = long_to_wide(panel, "adcode", "year", ["GDPPC"])
    frame = cities_frame.merge(wide, left_on="adcode", right_index=True)
    path = tmp_path_factory.mktemp("wide") / "cities_wide.gpkg"
    frame.to_file(path, layer="cities")
    return path


@pytest.mark.parametrize(("kind", "options"), [
    ("queen", {"ORDER": 2, "CUMULATIVE": True}),
    ("rook", {"ATTACH_ISLANDS": True}),
    ("knn", {"K": 5, "SYMMETRIC": True}),
    ("distance_band", {"DISTANCE": 300, "ATTACH_ISLANDS": True}),
    ("distance_band", {}),
    ("inverse_distance", {"POWER": 2, "DISTANCE": 500, "ATTACH_ISLANDS": True}),
    ("kernel", {"KERNEL": 4, "ADAPTIVE": True, "K": 8, "POINTS": 1}),
    ("kernel", {"KERNEL": 2, "DISTANCE": 1200}),
    ("economic", {"ECON_FIELD": "GDPPC_2015"}),
    ("economic_geographic", {"ECON_FIELD": "GDPPC_2019", "ECON_SHARE": 0.3}),
    ("economic_geographic", {"ECON_FIELD": "GDPPC_2019", "ECON_NESTING": 1, "POWER": 2}),
    ("block", {"BLOCK_FIELD": "province", "TRANSFORM": 2}),
])
def test_every_kind_gives_the_cores_weights(wide_path, provider, tmp_path, kind, options):
    import geopandas as gpd

    from digital_resilience.core.weights.build import WeightsSpec, build_weights
    from digital_resilience.core.weights.files import read_weights_file
    from digital_resilience.processing.parameters.weights import KERNELS, NESTINGS, POINT_METHODS, TRANSFORMS

    path = tmp_path / "w.gal"
    result = run({"INPUT": str(wide_path), "ID_FIELD": "adcode", "KIND": KIND[kind], **options,
                  "WEIGHTS_OUTPUT": str(path), "OUTPUT": "TEMPORARY_OUTPUT"})
    frame = gpd.read_file(wide_path, layer="cities")
    spec = WeightsSpec(
        kind, k=options.get("K", 6), symmetric=options.get("SYMMETRIC", False),
        transform=TRANSFORMS[options.get("TRANSFORM", 0)], point_method=POINT_METHODS[options.get("POINTS", 0)],
        order=options.get("ORDER", 1), cumulative=options.get("CUMULATIVE", False),
        attach_islands=options.get("ATTACH_ISLANDS", False), distance=options.get("DISTANCE", 0.0),
        power=options.get("POWER", 1.0), kernel=KERNELS[options.get("KERNEL", 0)],
        adaptive=options.get("ADAPTIVE", False), field=options.get("ECON_FIELD"),
        all_years=options.get("ECON_ALL_YEARS", True), share=options.get("ECON_SHARE", 0.5),
        nesting=NESTINGS[options.get("ECON_NESTING", 0)], block_field=options.get("BLOCK_FIELD"),
    )
    expected = build_weights(frame, frame.adcode.to_numpy(), spec)
    assert (result["UNITS"], result["LINKS"]) == (367, expected.n_links)
    binary = kind in ("queen", "rook", "knn", "distance_band", "block")
    saved_path = result["WEIGHTS_OUTPUT"]
    assert saved_path.endswith(".gal" if binary else ".gwt")
    saved = read_weights_file(saved_path, expected.ids)
    assert np.allclose(saved.transformed("O").toarray(), expected.transformed("O").toarray(), rtol=1e-11)
    links = result["OUTPUT"]
    assert links.featureCount() == expected.n_links
    weights = np.array([f["weight"] for f in links.getFeatures()])
    assert np.allclose(np.sort(weights), np.sort(expected.transformed().data), rtol=1e-9)


def test_economic_weights_are_one_over_the_difference_of_mean_gdp(wide_path, panel, provider, tmp_path):
    """Independent: pandas means of the panel CSV; libpysal reads the GWT file."""
    import libpysal

    gwt = tmp_path / "econ.gwt"
    run({"INPUT": str(wide_path), "ID_FIELD": "adcode", "KIND": KIND["economic"], "ECON_FIELD": "GDPPC_2011",
         "WEIGHTS_OUTPUT": str(gwt)})
    mean = panel.groupby("adcode").GDPPC.mean()
    w = libpysal.io.open(str(gwt)).read()
    for unit in ("110100", "440300", "652700"):
        got = dict(zip(w.neighbors[unit], w.weights[unit]))
        assert len(got) == 366
        for other in ("310100", "530100"):
            if other != unit:
                expected = 1 / abs(mean[int(unit)] - mean[int(other)])
                assert got[other] == pytest.approx(expected, rel=1e-11)


def test_one_year_with_equal_values_is_refused_naming_the_pair(wide_path, panel, provider):
    from qgis.core import QgsProcessingException

    year = panel[panel.year == 2015]
    tied = year[year.GDPPC.duplicated(keep=False)]  # independent: pandas
    pairs = sorted("–".join(str(a) for a in sorted(group.adcode)) for _, group in tied.groupby("GDPPC"))
    assert pairs == ["150800–430400", "152900–460400", "230800–511900", "320600–431200"]
    with pytest.raises(QgsProcessingException, match=r"4 pair\(s\) of units have the same value, so "
                       r"1/\|difference\| is infinite: " + ", ".join(pairs) + r"\. Average the field over its years"):
        run({"INPUT": str(wide_path), "ID_FIELD": "adcode", "KIND": KIND["economic"],
             "ECON_FIELD": "GDPPC_2015", "ECON_ALL_YEARS": False})


def test_block_links_are_pairs_within_provinces(cities_path, cities_frame, provider):
    result = run({"INPUT": str(cities_path), "KIND": KIND["block"], "BLOCK_FIELD": "province_adcode",
                  "OUTPUT": "TEMPORARY_OUTPUT"})
    sizes = cities_frame.province_adcode.value_counts()
    assert result["LINKS"] == int((sizes * (sizes - 1)).sum())
    assert result["ISLANDS"] == int((sizes == 1).sum()) == 4  # the municipalities


def test_weighted_kinds_named_gal_are_saved_as_gwt(cities_path, provider, tmp_path):
    feedback = messages()
    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": KIND["inverse_distance"],
                  "WEIGHTS_OUTPUT": str(tmp_path / "idw.gal")}, feedback)
    assert result["WEIGHTS_OUTPUT"] == str(tmp_path / "idw.gwt")
    assert not (tmp_path / "idw.gal").exists()
    assert any("saved as a GWT file" in w for w in feedback.warnings)
    assert result["LINKS"] == 367 * 366


def test_log_tells_how_the_weights_were_built(cities_path, provider):
    feedback = messages()
    run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": KIND["distance_band"]}, feedback)
    text = "\n".join(feedback.infos)
    assert "Building distance band (automatic), transformation R." in text
    assert "Distance threshold: 1051.07 km (automatic: the smallest that gives every unit a neighbour)" in text
    assert "Neighbours (min / mean / median / max): 1 /" in text


def test_html_summary_has_a_histogram_and_names_islands(cities_path, provider, tmp_path):
    report = tmp_path / "queen.html"
    run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": KIND["queen"], "REPORT": str(report)})
    html = report.read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in html and 'alt="Histogram of neighbour counts"' in html
    assert "Units without neighbours" in html and "460300" in html


@pytest.mark.parametrize(("parameters", "message"), [
    ({"KIND": KIND["distance_band"], "DISTANCE": 300},
     r"Within 300 km, 7 unit\(s\) have no neighbour: 150700, 232700, 460300, .* Use at least 1051\.07 km"),
    ({"KIND": KIND["economic"]}, r"Economic weights need a numeric field .* choose the economic field"),
    ({"KIND": KIND["block"]}, r"Block weights need a category field"),
    ({"KIND": KIND["kernel"], "ADAPTIVE": True, "K": 367}, r"k = 367 needs more than 367 units"),
])
def test_bad_options_give_clear_messages(cities_path, provider, parameters, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": str(cities_path), "ID_FIELD": "adcode", **parameters})


def polygon_layer(wkts):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "cells", "memory")
    layer.dataProvider().addAttributes([new_field("code", FieldType.STRING)])
    layer.updateFields()
    features = []
    for code, wkt in wkts:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([code])
        if wkt:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_invalid_geometries_are_repaired_and_empty_ones_left_out(provider, qgis_app):
    import processing
    from qgis.core import QgsFeatureRequest, QgsProcessingContext, QgsProcessingException, QgsProject

    layer = polygon_layer([
        ("A", "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"),
        ("B", "POLYGON((1 0, 2 1, 2 0, 1 1, 1 0))"),  # a bow-tie (self-intersecting)
        ("C", "POLYGON((2 0, 3 0, 3 1, 2 1, 2 0))"),
        ("D", None),
    ])
    parameters = {"INPUT": layer, "ID_FIELD": "code", "KIND": KIND["queen"], "OUTPUT": "TEMPORARY_OUTPUT"}

    def run_with(policy):
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        context.setInvalidGeometryCheck(policy)
        feedback = messages()
        return processing.run("resilience:spatialweights", parameters, context=context,
                              feedback=feedback), feedback

    # Processing's default policy (stop): every invalid feature is named by its id. (QGIS's
    # own check would stop inside the feature iterator; on QGIS 3.22 the *next* run then
    # crashed, which the runs below would reveal.)
    with pytest.raises(QgsProcessingException, match=r"1 feature\(s\) have invalid geometries: B\. Repair "
                       r"them with Vector geometry › Fix geometries, or set Processing's"):
        run(parameters)  # the context of processing.run carries the user's (default) policy
    result, feedback = run_with(QgsFeatureRequest.GeometrySkipInvalid)
    assert (result["UNITS"], result["LINKS"]) == (2, 0)  # A and C do not touch
    assert any("1 feature(s) with invalid geometry were left out: B" in w for w in feedback.warnings)
    result, feedback = run_with(QgsFeatureRequest.GeometryNoCheck)
    assert result["UNITS"] == 3
    assert any("1 feature(s) without geometry were left out: D" in w for w in feedback.warnings)
    assert any("1 invalid geometries were repaired" in w and "B" in w for w in feedback.warnings)
    assert result["LINKS"] == 4  # A–B and B–C share vertices, both ways
    assert layer.featureCount() == 4 and not layer.getFeature(2).geometry().isGeosValid()  # unchanged


def test_layers_without_a_crs_get_contiguity_and_knn_and_nothing_needing_km(provider, tmp_path):
    """Contiguity and k nearest neighbours need no CRS (planar ranks); a distance in km does, and is
    refused before anything is written."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException

    layer = polygon_layer([(c, f"POLYGON(({x} 0, {x + 1} 0, {x + 1} 1, {x} 1, {x} 0))")
                           for c, x in (("A", 0), ("B", 1), ("C", 2), ("D", 4))])
    layer.setCrs(QgsCoordinateReferenceSystem())
    assert not layer.crs().isValid()
    feedback = messages()
    queen = run({"INPUT": layer, "ID_FIELD": "code", "KIND": KIND["queen"], "ATTACH_ISLANDS": True,
                 "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)
    assert queen["LINKS"] == 6  # A–B, B–C, and D attached to C
    knn = run({"INPUT": layer, "ID_FIELD": "code", "KIND": KIND["knn"], "K": 1, "OUTPUT": "TEMPORARY_OUTPUT",
               "WEIGHTS_OUTPUT": str(tmp_path / "knn.gal")}, feedback)
    assert knn["LINKS"] == 4 and (tmp_path / "knn.gal").read_text().split("\n")[1:3] == ["A 1", "B"]
    assert any("Distances: planar, in the layer's units (the layer has no CRS)" in i for i in feedback.infos)
    target = tmp_path / "band.gal"
    with pytest.raises(QgsProcessingException, match="no coordinate reference system"):
        run({"INPUT": layer, "ID_FIELD": "code", "KIND": KIND["distance_band"], "DISTANCE": 2.0,
             "OUTPUT": str(tmp_path / "band.gpkg"), "WEIGHTS_OUTPUT": str(target)})
    assert not target.exists() and not (tmp_path / "band.gpkg").exists()


def test_connectivity_is_skipped_beyond_the_limit(cities_path, provider, monkeypatch):
    from digital_resilience.processing.algorithms import spatial_weights

    monkeypatch.setattr(spatial_weights, "MAX_CONNECTIVITY_LINKS", 1000)
    feedback = messages()
    result = run({"INPUT": str(cities_path), "KIND": KIND["queen"], "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)
    assert "OUTPUT" not in result and result["LINKS"] == 1934
    assert any("connectivity layer was not written: 1,934 links" in w for w in feedback.warnings)


# ------------------------------------------------ the shared parameters (WEIGHTS_)
@pytest.fixture()
def consumer(provider):
    """An algorithm as the autocorrelation/econometrics ones are: INPUT + WEIGHTS_ options."""
    from qgis.core import QgsProcessingParameterFeatureSource

    from digital_resilience.processing.algorithm import ResilienceAlgorithm
    from digital_resilience.processing.parameters.weights import add_weights_parameters

    class Consumer(ResilienceAlgorithm):
        NAME = "weightsconsumer"

        def initAlgorithm(self, config=None):
            self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Input"))
            add_weights_parameters(self)

    from qgis.PyQt import sip

    algorithm = Consumer()
    algorithm.initAlgorithm()
    sip.transferto(algorithm, None)  # C++ owns it: Python must not delete it after QGIS exits
    _KEEP.append(algorithm)
    return algorithm


def test_other_algorithms_get_every_option_with_defaults(consumer):
    from qgis.core import QgsProcessingParameterDefinition

    names = [p.name() for p in consumer.parameterDefinitions()]
    for name in ("WEIGHTS_KIND", "WEIGHTS_K", "WEIGHTS_DISTANCE", "WEIGHTS_TRANSFORM", "WEIGHTS_ORDER",
                 "WEIGHTS_ECON_FIELD", "WEIGHTS_BLOCK_FIELD", "WEIGHTS_KERNEL", "WEIGHTS_FILE"):
        assert name in names
    visible = [p.name() for p in consumer.parameterDefinitions()
               if not p.flags() & QgsProcessingParameterDefinition.FlagAdvanced]
    assert visible == ["INPUT", "WEIGHTS_ID_FIELD", "WEIGHTS_FILE", "WEIGHTS_KIND", "WEIGHTS_K",
                       "WEIGHTS_DISTANCE", "WEIGHTS_TRANSFORM"]


def test_resolve_weights_reads_the_economic_fields_itself(consumer, wide_path, panel, context_and_feedback):
    """A consumer reads only its own fields; the weights' fields come from the layer."""
    from qgis.core import QgsVectorLayer

    from digital_resilience.processing.io.bridge import read_frame
    from digital_resilience.processing.parameters.weights import resolve_weights

    context, _ = context_and_feedback
    layer = QgsVectorLayer(f"{wide_path}|layername=cities", "wide", "ogr")
    parameters = {"INPUT": layer, "WEIGHTS_KIND": KIND["economic"], "WEIGHTS_ECON_FIELD": "GDPPC_2019"}
    frame = read_frame(layer, fields=["adcode"])
    frame = frame.iloc[::2]  # e.g. features without geometry left out: alignment by feature id
    weights = resolve_weights(consumer, parameters, context, frame, frame.adcode.to_numpy())
    assert "GDPPC_2011" not in frame.columns  # the caller's frame is not modified
    mean = panel.groupby("adcode").GDPPC.mean().loc[frame.adcode.to_numpy()].to_numpy()
    expected = 1 / np.abs(mean[:, None] - mean[None, :])
    np.fill_diagonal(expected, 0)
    assert np.allclose(weights.transformed("O").toarray(), expected, rtol=1e-11)


def test_resolve_weights_checks_a_file_against_the_layer(consumer, cities_path, cities_layer, tmp_path,
                                                         context_and_feedback):
    from digital_resilience.core.errors import InputError
    from digital_resilience.processing.io.bridge import read_frame
    from digital_resilience.processing.parameters.weights import resolve_weights

    context, _ = context_and_feedback
    gal = tmp_path / "q.gal"
    run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "WEIGHTS_OUTPUT": str(gal)})
    parameters = {"INPUT": str(cities_path), "WEIGHTS_FILE": str(gal), "WEIGHTS_TRANSFORM": 1}
    frame = read_frame(cities_layer, fields=["adcode", "name"])
    weights = resolve_weights(consumer, parameters, context, frame, frame.adcode.to_numpy())
    assert (weights.n_links, weights.transform) == (1934, "B")
    with pytest.raises(InputError, match=r"has 367 id\(s\) that are not in the layer"):
        resolve_weights(consumer, parameters, context, frame, frame.name.to_numpy())


def test_distances_in_a_projected_layer_are_geodesic_unless_planar_is_chosen(cities_path, provider, tmp_path):
    """The sample in EPSG:3857: a 300 km band gave 26 % fewer links than in EPSG:4326 (the projection
    stretches distances); now it gives the geodesic links, the same as the geographic layer, and PLANAR
    gives spdep's longlat = FALSE links. The log names the method."""
    import geopandas as gpd

    mercator = tmp_path / "mercator.gpkg"
    gpd.read_file(cities_path, layer="cities").to_crs("EPSG:3857").to_file(mercator, layer="cities")
    band = {"ID_FIELD": "adcode", "KIND": KIND["distance_band"], "DISTANCE": 300.0, "ATTACH_ISLANDS": True,
            "POINTS": 1, "OUTPUT": "TEMPORARY_OUTPUT"}
    feedback = messages()
    geodesic = run({"INPUT": str(mercator), **band}, feedback)["LINKS"]
    assert any(i.startswith("Distances: geodesic on the WGS 84 ellipsoid") for i in feedback.infos)
    planar = run({"INPUT": str(mercator), "PLANAR": True, **band}, feedback)["LINKS"]
    assert any(i == "Distances: planar, straight lines in WGS 84 / Pseudo-Mercator." for i in feedback.infos)
    geographic = run({"INPUT": str(cities_path), **band})["LINKS"]
    assert geodesic == geographic
    assert planar < 0.8 * geodesic
