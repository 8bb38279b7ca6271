"""resilience:corenodecoverage through Processing, as a user runs it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp.*")

_spec = importlib.util.spec_from_file_location("coverage_reference",
                                               Path(__file__).parents[1] / "coverage_reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def run(parameters, **kwargs):
    import processing

    return processing.run("resilience:corenodecoverage", parameters, **kwargs)


def features(layer):
    return list(layer.getFeatures())


def test_set_covering_of_the_cities_at_300_km(cities_path, provider, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "POINTS": 2,
                  "LON_FIELD": "lon", "LAT_FIELD": "lat", "OUTPUT": str(tmp_path / "cities.gpkg"),
                  "CORES": "TEMPORARY_OUTPUT",
                  "CIRCLES": "TEMPORARY_OUTPUT", "LINKS": "TEMPORARY_OUTPUT",
                  "REPORT": str(tmp_path / "coverage.html")})
    assert result["N_CORES"] == 44 and result["OPTIMAL"] is True and result["GAP"] == 0.0
    assert result["CITIES_SHARE"] == 1.0 and result["MAX_KM"] <= 300.0
    cities = QgsVectorLayer(result["OUTPUT"], "cities", "ogr")
    assert cities.featureCount() == 367
    new_fields = {"IS_CORE", "CORE_ID", "CORE_NAME", "CORE_KM", "COVERED", "N_COVER"}
    assert new_fields <= set(cities.fields().names())
    # every city within 300 km of its core: Vincenty on the lon/lat fields the model used
    rows = {f["adcode"]: f for f in features(cities)}
    for f in rows.values():
        core = rows[f["CORE_ID"]]
        d = reference.vincenty_km(f["lon"], f["lat"], core["lon"], core["lat"])
        assert d <= 300.0 and d == pytest.approx(f["CORE_KM"], abs=1e-6)
        assert f["COVERED"] == 1 and f["N_COVER"] >= 1
    assert sum(f["IS_CORE"] for f in rows.values()) == 44
    cores = result["CORES"]
    assert cores.featureCount() == 44
    assert sum(f["N_NODES"] for f in features(cores)) == 367
    assert result["CIRCLES"].featureCount() == 44
    links = result["LINKS"]
    assert links.featureCount() == 367 - 44
    assert max(f["DIST_KM"] for f in features(links)) == pytest.approx(result["MAX_KM"])
    html = (tmp_path / "coverage.html").read_text(encoding="utf-8")
    assert "proven optimal" in html and "Comparison over radii" in html
    for radius in ("200", "300", "500"):
        assert f'<td class="text">{radius}</td>' in html


def test_outputs_are_styled_when_loaded(cities_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject, QgsSimpleMarkerSymbolLayerBase

    result = processing.runAndLoadResults("resilience:corenodecoverage", {
        "INPUT": str(cities_path), "ID_FIELD": "adcode", "COMPARE_RADII": "",
        "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT", "CIRCLES": "TEMPORARY_OUTPUT",
        "LINKS": "TEMPORARY_OUTPUT"})
    project = QgsProject.instance()
    cores = project.mapLayer(result["CORES"])
    assert cores.name() == f"Cores ({result['N_CORES']})"
    marker = cores.renderer().symbol().symbolLayer(0)
    assert marker.shape() == QgsSimpleMarkerSymbolLayerBase.Star
    assert cores.labelsEnabled() and cores.labeling().settings().fieldName == "NAME"
    cities = project.mapLayer(result["OUTPUT"])
    assert isinstance(cities.renderer(), QgsGraduatedSymbolRenderer)
    assert cities.renderer().classAttribute() == "CORE_KM"
    assert cities.attributeAlias(cities.fields().lookupField("CORE_KM")) == "Distance to the core (km, geodesic)"
    circles = project.mapLayer(result["CIRCLES"])
    assert circles.name() == "Coverage areas (300 km)"
    links = project.mapLayer(result["LINKS"])
    assert links.name() == "Core–node links"
    assert [c.label() for c in links.renderer().categories()] == ["within 300 km", "beyond 300 km"]


def test_maximal_covering_with_candidates_and_existing_cores(cities_path, cities_frame, provider):
    import numpy as np

    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "PROBLEM": 1, "P": 6, "POINTS": 2,
                  "LON_FIELD": "lon", "LAT_FIELD": "lat", "WEIGHT_FIELD": "area_km2",
                  "CANDIDATES": '"area_km2" >= q3("area_km2")', "EXISTING": '"adcode" = 110100',
                  "COMPARE_RADII": "", "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    cores = {f["CORE_ID"]: f for f in features(result["CORES"])}
    assert len(cores) == 6 and 110100 in cores and cores[110100]["EXISTING"] == 1
    q3 = np.percentile(cities_frame.area_km2, 75)
    area = dict(zip(cities_frame.adcode, cities_frame.area_km2))
    assert all(area[c] >= q3 - 1e-9 or c == 110100 for c in cores)
    # the covered demand equals a plain PuLP model over the same candidates (Vincenty distances)
    lon, lat = cities_frame.lon.to_numpy(), cities_frame.lat.to_numpy()
    candidates = [j for j, c in enumerate(cities_frame.adcode) if area[c] >= q3 - 1e-9 or c == 110100]
    beijing = list(cities_frame.adcode).index(110100)
    weights = cities_frame.area_km2.to_numpy()
    rows = [[k for k, j in enumerate(candidates)
             if reference.vincenty_km(lon[i], lat[i], lon[j], lat[j]) <= 300.0] for i in range(len(lon))]
    best = reference.pulp_max_cover(rows, len(candidates), weights, 6, fixed=[candidates.index(beijing)])
    covered = sum(f["area_km2"] for f in features(result["OUTPUT"]) if f["COVERED"] == 1)
    assert covered == pytest.approx(best, rel=1e-9)
    assert covered / weights.sum() == pytest.approx(result["DEMAND_SHARE"])


def test_selected_cities_are_kept_as_existing_cores(cities_layer, provider):
    cities_layer.selectByExpression('"adcode" IN (650100, 540100)')
    try:
        result = run({"INPUT": cities_layer, "ID_FIELD": "adcode", "EXISTING_SELECTED": True,
                      "COMPARE_RADII": "", "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    finally:
        cities_layer.removeSelection()
    existing = {f["CORE_ID"] for f in features(result["CORES"]) if f["EXISTING"] == 1}
    assert existing == {650100, 540100}
    assert result["CITIES_SHARE"] == 1.0


def test_projected_layer_gives_geodesic_km(cities_frame, provider, tmp_path):
    path = tmp_path / "albers.gpkg"
    cities_frame.to_crs("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=WGS84").to_file(path, layer="cities")
    result = run({"INPUT": f"{path}|layername=cities", "ID_FIELD": "adcode", "POINTS": 2,
                  "LON_FIELD": "lon", "LAT_FIELD": "lat", "COMPARE_RADII": "",
                  "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT", "LINKS": "TEMPORARY_OUTPUT"})
    assert result["N_CORES"] == 44 and result["MAX_KM"] <= 300.0
    lon = dict(zip(cities_frame.adcode, cities_frame.lon))
    lat = dict(zip(cities_frame.adcode, cities_frame.lat))
    for f in features(result["LINKS"])[:60]:
        d = reference.vincenty_km(lon[f["CITY_ID"]], lat[f["CITY_ID"]], lon[f["CORE_ID"]], lat[f["CORE_ID"]])
        assert f["DIST_KM"] == pytest.approx(d, abs=1e-3)
    assert result["CORES"].crs().isGeographic() is False


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"RADIUS": 0}, r"The radius must be a positive distance in km, not 0"),
        ({"RADIUS": -300}, r"not -300"),
        ({"PROBLEM": 1, "P": 400}, r"p = 400 cores is more than the 367 candidate cities"),
        ({"RADIUS": 100, "CANDIDATES": '"province" = \'北京市\''},
         # named as a planner reads them: name and adcode (the layer's "adcode" field), e.g. 天津市 (120100)
         r"cities cannot be covered: no candidate lies within 100 km of [^,(]+ \(\d{6}\), "),
        ({"COMPARE_RADII": "200, abc"}, r"“abc” in the radii to compare is not a number"),
        ({"COMPARE_RADII": "0, 300"}, r"The radii to compare must be positive distances in km, not 0"),
        ({"CANDIDATES": '"nofield" > 1'},
         r"The expression \"nofield\" > 1 uses fields that are not in the layer: nofield"),
        ({"POINTS": 2}, r"need both a longitude and a latitude field"),
        ({"EXISTING_SELECTED": True},
         r"No city of china_cities is selected, but the selected cities should be the existing cores"),
    ],
)
def test_bad_input_gives_a_clear_message(cities_path, provider, parameters, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT", **parameters})


def points_layer(rows, fields="name:string&field=demand:double"):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer(f"Point?crs=EPSG:4326&field={fields}", "points", "memory")
    for lon, lat, *attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes(attributes)
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        layer.dataProvider().addFeatures([feature])
    return layer


def test_empty_layer_or_selection_is_refused_as_empty(provider, qgis_app):
    from qgis.core import QgsProcessingException, QgsProcessingFeatureSourceDefinition

    empty = r"The layer has no feature \(or none is selected\); choose a layer with at least one feature"
    with pytest.raises(QgsProcessingException, match=empty):
        run({"INPUT": points_layer([]), "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    layer = points_layer([(116.4, 39.9, "Beijing", 1.0), (121.5, 31.2, "Shanghai", 2.0)])
    layer.removeSelection()
    selected = QgsProcessingFeatureSourceDefinition(layer.id(), True)
    from qgis.core import QgsProject

    QgsProject.instance().addMapLayer(layer)
    try:
        with pytest.raises(QgsProcessingException, match=empty):
            run({"INPUT": selected, "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    # Features that exist but have no geometry keep their own message.
    from qgis.core import QgsFeature

    no_geometry = points_layer([])
    feature = QgsFeature(no_geometry.fields())
    feature.setAttributes(["Nowhere", 1.0])
    no_geometry.dataProvider().addFeatures([feature])
    with pytest.raises(QgsProcessingException, match=r"No feature of the layer has a geometry"):
        run({"INPUT": no_geometry, "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})


def test_demand_of_zero_everywhere_is_refused(provider, qgis_app):
    from qgis.core import QgsProcessingException

    # Before: maximal covering ran and reported 100 % of the (zero) demand covered.
    layer = points_layer([(116.4, 39.9, "Beijing", 0.0), (121.5, 31.2, "Shanghai", 0.0),
                          (113.3, 23.1, "Guangzhou", 0.0)])
    with pytest.raises(QgsProcessingException,
                       match=r"The demand \(weight\) is zero for every city; choose another demand field"):
        run({"INPUT": layer, "ID_FIELD": "name", "PROBLEM": 1, "P": 1, "WEIGHT_FIELD": "demand",
             "COMPARE_RADII": "", "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})


def test_cancel_stops_the_run(cities_path, provider):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run({"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"},
            feedback=feedback)


def test_input_layer_is_not_modified(cities_layer, provider):
    before = [f.attributes() for f in cities_layer.getFeatures()]
    fields = cities_layer.fields().names()
    run({"INPUT": cities_layer, "COMPARE_RADII": "", "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    assert cities_layer.fields().names() == fields
    assert [f.attributes() for f in cities_layer.getFeatures()] == before


def test_shapefile_outputs_keep_every_field(cities_path, provider, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run({"INPUT": str(cities_path), "ID_FIELD": "adcode", "COMPARE_RADII": "",
                  "OUTPUT": str(tmp_path / "cities.shp"), "CORES": str(tmp_path / "cores.shp"),
                  "CIRCLES": str(tmp_path / "circles.shp"), "LINKS": str(tmp_path / "links.shp")})
    expected = {
        "cities": {"IS_CORE", "CORE_ID", "CORE_NAME", "CORE_KM", "COVERED", "N_COVER"},
        "cores": {"CORE_ID", "NAME", "EXISTING", "N_NODES", "N_COVER", "DEMAND", "MAX_KM"},
        "circles": {"CORE_ID", "NAME", "RADIUS_KM"},
        "links": {"CITY_ID", "CITY_NAME", "CORE_ID", "CORE_NAME", "DIST_KM", "COVERED"},
    }
    for name, fields in expected.items():
        layer = QgsVectorLayer(str(tmp_path / f"{name}.shp"), name, "ogr")
        assert layer.isValid() and fields <= set(layer.fields().names()), name
    assert QgsVectorLayer(str(tmp_path / "cores.shp"), "c", "ogr").featureCount() == result["N_CORES"]
