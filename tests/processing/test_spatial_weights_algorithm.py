"""resilience:spatialweights through Processing, as a user runs it."""

from __future__ import annotations

import pytest


def run(parameters, context=None):
    import processing

    return processing.run("resilience:spatialweights", parameters, context=context)


def test_queen_weights_file_and_connectivity(cities_path, cities_frame, provider, tmp_path):
    import libpysal
    from libpysal.weights import Queen
    from qgis.core import QgsVectorLayer

    gal = tmp_path / "queen.gal"
    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": 0,
                  "OUTPUT": str(tmp_path / "links.gpkg"), "WEIGHTS_OUTPUT": str(gal),
                  "REPORT": str(tmp_path / "w.html")})
    assert (result["UNITS"], result["LINKS"], result["ISLANDS"]) == (367, 1934, 1)
    # The file, read by libpysal, equals libpysal's own queen contiguity of the layer.
    saved = libpysal.io.open(str(gal)).read()
    expected = Queen.from_dataframe(cities_frame, ids=cities_frame.adcode.astype(str).tolist(),
                                    use_index=False, silence_warnings=True)
    assert {k: set(saved.neighbors[k]) for k in saved.id_order} == {
        k: set(expected.neighbors[k]) for k in expected.id_order
    }
    links = QgsVectorLayer(result["OUTPUT"], "links", "ogr")
    assert links.featureCount() == 1934
    assert [f.name() for f in links.fields()][-4:] == ["from_id", "to_id", "weight", "dist_km"]
    weights = {}
    for feature in links.getFeatures():
        weights.setdefault(feature["from_id"], []).append(feature["weight"])
    assert all(abs(sum(w) - 1.0) < 1e-12 for w in weights.values())  # row-standardised
    html = (tmp_path / "w.html").read_text(encoding="utf-8")
    assert "460300" in html and "1934" in html


def test_knn_link_lengths_are_geodesic_km(cities_path, cities_frame, provider):
    import pyproj

    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": 2, "K": 4,
                  "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = result["OUTPUT"]
    assert layer.featureCount() == 367 * 4
    centroids = cities_frame.set_index("adcode").geometry.centroid
    geod = pyproj.Geod(ellps="WGS84")
    for feature in list(layer.getFeatures())[:200]:
        a, b = centroids[feature["from_id"]], centroids[feature["to_id"]]
        _, _, metres = geod.inv(a.x, a.y, b.x, b.y)
        assert abs(feature["dist_km"] * 1000 - metres) < 1.0


def test_output_to_shapefile_keeps_fields(cities_path, provider, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": 1,
                  "OUTPUT": str(tmp_path / "links.shp")})
    layer = QgsVectorLayer(result["OUTPUT"], "links", "ogr")
    assert layer.featureCount() == result["LINKS"]
    assert {"from_id", "to_id", "weight", "dist_km"} <= {f.name() for f in layer.fields()}


def test_connectivity_layer_is_styled_when_loaded(cities_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsProject, QgsSingleSymbolRenderer

    result = processing.runAndLoadResults(
        "resilience:spatialweights", {"INPUT": str(cities_path), "ID_FIELD": "adcode", "KIND": 0,
                                      "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert layer.name() == "Connectivity (queen)"
    assert isinstance(layer.renderer(), QgsSingleSymbolRenderer)
    assert layer.renderer().symbol().color().name() == "#505050"
    assert layer.attributeAlias(layer.fields().lookupField("to_id")) == "Neighbour"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"ID_FIELD": "province"}, r"The id field province is not unique: .* occur more than once"),
        ({"KIND": 2, "K": 400}, r"k = 400 needs more than 400 units, but the layer has 367"),
    ],
)
def test_bad_input_gives_a_clear_message(cities_path, provider, parameters, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT", **parameters})


def test_contiguity_of_points_is_refused(provider, qgis_app):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingException, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:4326", "pts", "memory")
    features = []
    for x in range(5):
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100 + x, 30)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    with pytest.raises(QgsProcessingException, match="Contiguity weights need polygons"):
        run({"INPUT": layer, "KIND": 0, "OUTPUT": "TEMPORARY_OUTPUT"})
    result = run({"INPUT": layer, "KIND": 2, "K": 2, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert result["LINKS"] == 10


@pytest.mark.parametrize("when", ["before", "during"])
def test_cancel_stops_the_run(cities_path, provider, when):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    if when == "before":
        feedback.cancel()
    else:  # as the Cancel button does, once the algorithm has reported progress
        feedback.progressChanged.connect(lambda progress: feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run("resilience:spatialweights",
                       {"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)


def test_unit_ids_default_to_feature_ids(cities_path, provider, tmp_path):
    gal = tmp_path / "fid.gal"
    run({"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS_OUTPUT": str(gal)})
    header, first = gal.read_text().splitlines()[:2]
    assert header.endswith(" fid")
    assert first.split()[0] == "1"
