"""resilience:networkredundancy through Processing, as a user runs it: on the cores that
corenodecoverage chooses, checked with Vincenty distances written out (no pyproj)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("coverage_reference",
                                               Path(__file__).parents[1] / "coverage_reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


@pytest.fixture
def covered_cities(cities_path, tmp_path, provider):
    """The sample cities with IS_CORE from a set covering at 300 km."""
    import processing

    out = tmp_path / "covered.gpkg"
    processing.run("resilience:corenodecoverage", {
        "INPUT": str(cities_path), "ID_FIELD": "adcode", "POINTS": 2, "LON_FIELD": "lon", "LAT_FIELD": "lat",
        "COMPARE_RADII": "", "OUTPUT": str(out), "CORES": "TEMPORARY_OUTPUT"})
    return out


def test_n_minus_1_of_the_set_covering_cores(covered_cities, provider, tmp_path):
    import processing
    from qgis.core import NULL, QgsVectorLayer

    result = processing.run("resilience:networkredundancy", {
        "INPUT": str(covered_cities), "ID_FIELD": "adcode", "POINTS": 2, "LON_FIELD": "lon", "LAT_FIELD": "lat",
        "CORE_EXPRESSION": '"IS_CORE" = 1', "RADIUS": 300.0,
        "OUTPUT": str(tmp_path / "cities.gpkg"), "CORES": "TEMPORARY_OUTPUT",
        "REPORT": str(tmp_path / "redundancy.html")})
    cities = {f["adcode"]: f for f in QgsVectorLayer(result["OUTPUT"], "c", "ogr").getFeatures()}
    cores = [a for a, f in cities.items() if f["IS_CORE"] == 1]
    added = [a for a, f in cities.items() if f["NEW_CORE"] == 1]
    assert len(cores) == 44 and len(added) == result["N_ADDED"] > 0
    network = cores + added
    single = 0
    for f in cities.values():
        near = [c for c in network
                if reference.vincenty_km(f["lon"], f["lat"], cities[c]["lon"], cities[c]["lat"]) <= 300.0]
        near_existing = [c for c in near if c in cores]
        assert f["N_COVER"] == len(near_existing) >= 1  # a set cover: every city covered
        assert f["N_AFTER"] == len(near)
        if len(near_existing) == 1:
            single += 1
            assert f["STATUS"] == "single" and f["LOST_IF"] == near_existing[0]
        else:
            assert f["STATUS"] == "backup" and (f["LOST_IF"] is None or f["LOST_IF"] == NULL)
    assert result["BACKUP_SHARE"] == pytest.approx(1 - single / len(cities))
    assert result["COVERED_SHARE"] == 1.0
    # after the additions, cities with two candidates in reach have two cores
    assert result["N_UNPROTECTABLE"] == sum(
        1 for f in cities.values()
        if sum(reference.vincenty_km(f["lon"], f["lat"], g["lon"], g["lat"]) <= 300.0 for g in cities.values()) == 1)
    assert all(f["N_AFTER"] >= 2 for f in cities.values()) or result["N_UNPROTECTABLE"] > 0
    layer = result["CORES"]
    rows = list(layer.getFeatures())
    assert len(rows) == len(network)
    lost = {f["CORE_ID"]: f["LOST_N"] for f in rows if f["NEW"] == 0}
    assert sum(lost.values()) == single
    assert result["WORST_LOST"] == max(lost.values())
    # No demand field: the worst failure is the one that uncovers the most cities (first of a tie).
    assert result["WORST_CORE"] == str(next(core for core, n in lost.items() if n == max(lost.values())))
    html = (tmp_path / "redundancy.html").read_text(encoding="utf-8")
    assert result["N_TARGET"] == 0  # a set cover reaches the 100 % target already
    assert "Single failures (N−1)" in html and "Coverage target" in html and ("proven optimal" in html or "gap" in html)


@pytest.mark.parametrize(("parameters", "message"), [
    ({"CORE_EXPRESSION": '"adcode" = -1'}, r"No city is a core"),
    ({"RADIUS": 0.0}, r"The radius must be a positive distance in km, not 0"),
    ({"CORE_EXPRESSION": '"IS_CORE" = 1'}, r"uses fields that are not in the layer: IS_CORE"),
])
def test_bad_input_gives_a_clear_message(cities_path, provider, parameters, message):
    import processing
    from qgis.core import QgsProcessingException

    base = {"INPUT": str(cities_path), "ID_FIELD": "adcode", "CORE_EXPRESSION": '"adcode" = 110100',
            "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"}
    base.update(parameters)
    with pytest.raises(QgsProcessingException, match=message):
        processing.run("resilience:networkredundancy", base)


def test_expression_messages_are_chinese_in_every_algorithm(cities_path, provider):
    """Before: the expression filter was a method of Core–node coverage translated with ``self.tr``,
    whose context is the running class: network redundancy's messages stayed English in Chinese."""
    import processing
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.plugin.plugin import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        with pytest.raises(QgsProcessingException, match="使用了图层中不存在的字段：IS_CORE"):
            processing.run("resilience:networkredundancy", {
                "INPUT": str(cities_path), "ID_FIELD": "adcode", "CORE_EXPRESSION": '"IS_CORE" = 1',
                "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    finally:
        QCoreApplication.removeTranslator(translator)


def test_cancel_stops_the_run(covered_cities, provider):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: value > 20 and feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run("resilience:networkredundancy", {
            "INPUT": str(covered_cities), "ID_FIELD": "adcode", "CORE_EXPRESSION": '"IS_CORE" = 1',
            "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"}, feedback=feedback)


def test_existing_cores_only_and_input_not_modified(cities_layer, provider):
    """Cores given as the study's four municipalities; the layer is left as it was."""
    import processing

    before = [f.attributes() for f in cities_layer.getFeatures()]
    fields = cities_layer.fields().names()
    result = processing.run("resilience:networkredundancy", {
        "INPUT": cities_layer, "ID_FIELD": "adcode",
        "CORE_EXPRESSION": '"adcode" in (110100, 120100, 310100, 500000)',
        "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})
    assert [f.attributes() for f in cities_layer.getFeatures()] == before
    assert cities_layer.fields().names() == fields
    assert result["COVERED_SHARE"] < 0.5 and result["N_TARGET"] > 0 and result["N_ADDED"] >= result["N_TARGET"]


def test_outputs_are_styled_when_loaded(covered_cities, provider, qgis_new_project):
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject, QgsSimpleMarkerSymbolLayerBase

    result = processing.runAndLoadResults("resilience:networkredundancy", {
        "INPUT": str(covered_cities), "ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT",
        "CORES": "TEMPORARY_OUTPUT"})
    project = QgsProject.instance()
    cities = project.mapLayer(result["OUTPUT"])
    assert cities.name() == "Cities by redundancy (300 km)"
    assert isinstance(cities.renderer(), QgsCategorizedSymbolRenderer)
    assert cities.renderer().classAttribute() == "STATUS"
    assert {c.value() for c in cities.renderer().categories()} >= {"backup", "single", "uncovered"}
    assert cities.attributeAlias(cities.fields().lookupField("LOST_IF")) == "Uncovered if this core fails"
    cores = project.mapLayer(result["CORES"])
    assert isinstance(cores.renderer(), QgsCategorizedSymbolRenderer)
    assert cores.renderer().classAttribute() == "NEW"  # existing and additional cores told apart
    categories = {c.value(): c for c in cores.renderer().categories()}
    assert set(categories) == {0, 1}
    assert [categories[v].label() for v in (0, 1)] == ["Existing core", "Additional core"]
    assert all(c.symbol().symbolLayer(0).shape() == QgsSimpleMarkerSymbolLayerBase.Star for c in categories.values())
    assert categories[0].symbol().color() != categories[1].symbol().color()
    assert cores.attributeAlias(cores.fields().lookupField("LOST_N")) == "Cities lost if it fails"


@pytest.fixture
def counties_path(sample_dir, tmp_path):
    import shutil

    copy = tmp_path / "china_counties.gpkg"
    shutil.copyfile(sample_dir / "china_counties.gpkg", copy)
    return copy


def test_county_target_on_the_sample_counties(cities_path, counties_path, provider, tmp_path):
    """The cores of the eastern provinces only (adcode < 400000): the counties' share within 300 km,
    each county's nearest core and distance, and the additions reaching 90 %, all by Vincenty."""
    import math

    import processing
    from qgis.core import QgsVectorLayer

    result = processing.run("resilience:networkredundancy", {
        "INPUT": str(cities_path), "ID_FIELD": "adcode", "POINTS": 2, "LON_FIELD": "lon", "LAT_FIELD": "lat",
        "CORE_EXPRESSION": '"adcode" in (110100, 310100, 370100, 320100, 340100, 130100, 210100)',
        "RADIUS": 300.0, "COUNTIES": str(counties_path), "COUNTY_TARGET": 90.0,
        "OUTPUT": str(tmp_path / "cities.gpkg"), "CORES": "TEMPORARY_OUTPUT",
        "COUNTIES_OUTPUT": str(tmp_path / "counties.gpkg"), "REPORT": str(tmp_path / "r.html")})
    cities = {f["adcode"]: f for f in QgsVectorLayer(result["OUTPUT"], "c", "ogr").getFeatures()}
    cores = [a for a, f in cities.items() if f["IS_CORE"] == 1]
    added = [a for a, f in cities.items() if f["CNTY_CORE"] == 1]
    assert len(cores) == 7 and len(added) == result["N_COUNTY_TARGET"] > 0
    counties = list(QgsVectorLayer(result["COUNTIES_OUTPUT"], "k", "ogr").getFeatures())
    assert len(counties) == 2848

    def nearest(f, network):
        point = f.geometry().asPoint()
        return min((reference.vincenty_km(point.x(), point.y(), cities[c]["lon"], cities[c]["lat"]), c)
                   for c in network)

    covered = covered_after = 0
    for f in counties:
        km, core = nearest(f, cores)
        assert f["DIST_KM"] == pytest.approx(km, abs=1e-6) and f["CORE_ID"] == core
        assert f["CORE_NAME"] == cities[core]["name"] and f["COVERED"] == int(km <= 300.0)
        km_after, _ = nearest(f, cores + added)
        assert f["DIST_AFTER"] == pytest.approx(km_after, abs=1e-6) and f["COV_AFTER"] == int(km_after <= 300.0)
        covered += km <= 300.0
        covered_after += km_after <= 300.0
    assert result["COUNTY_SHARE"] == pytest.approx(covered / 2848) and covered / 2848 < 0.5
    assert result["COUNTY_SHARE_AFTER"] == pytest.approx(covered_after / 2848)
    assert covered_after >= math.ceil(0.9 * 2848)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "County-level target" in html and "90 % of counties within 300 km" in html


def test_county_target_bad_share(cities_path, counties_path, provider):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"The county target must be a share between 0 and 100 %"):
        processing.run("resilience:networkredundancy", {
            "INPUT": str(cities_path), "ID_FIELD": "adcode", "CORE_EXPRESSION": '"adcode" = 110100',
            "COUNTIES": str(counties_path), "COUNTY_TARGET": 120.0,
            "OUTPUT": "TEMPORARY_OUTPUT", "CORES": "TEMPORARY_OUTPUT"})


def test_counties_output_is_styled_when_loaded(cities_path, counties_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:networkredundancy", {
        "INPUT": str(cities_path), "ID_FIELD": "adcode", "CORE_EXPRESSION": '"adcode" in (110100, 500000)',
        "COUNTIES": str(counties_path), "COUNTY_TARGET": 50.0, "OUTPUT": "TEMPORARY_OUTPUT",
        "CORES": "TEMPORARY_OUTPUT", "COUNTIES_OUTPUT": "TEMPORARY_OUTPUT"})
    counties = QgsProject.instance().mapLayer(result["COUNTIES_OUTPUT"])
    assert counties.name() == "Counties by coverage (300 km)" and counties.featureCount() == 2848
    assert isinstance(counties.renderer(), QgsCategorizedSymbolRenderer)
    assert counties.renderer().classAttribute() == "COVERED"
    assert counties.attributeAlias(counties.fields().lookupField("DIST_KM")) == \
        "Distance to the nearest core (km, geodesic)"
    assert result["N_COUNTY_TARGET"] > 0 and result["COUNTY_SHARE_AFTER"] >= 0.5 > result["COUNTY_SHARE"]
