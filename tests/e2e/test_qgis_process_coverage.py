"""resilience:corenodecoverage in qgis_process (batch use without the desktop GUI)."""

import pytest

pytestmark = pytest.mark.e2e


def test_qgis_process_runs_core_node_coverage(run_algorithm, cities_path, tmp_path):
    out = run_algorithm("corenodecoverage", INPUT=cities_path, ID_FIELD="adcode", POINTS=2,
                        LON_FIELD="lon", LAT_FIELD="lat", RADIUS=300, COMPARE_RADII="200,500",
                        OUTPUT=tmp_path / "cities.gpkg", CORES=tmp_path / "cores.gpkg",
                        CIRCLES=tmp_path / "circles.gpkg", LINKS=tmp_path / "links.gpkg",
                        REPORT=tmp_path / "coverage.html")
    results = out["results"]
    assert results["N_CORES"] == 44 and results["OPTIMAL"] is True
    assert results["CITIES_SHARE"] == 1.0 and results["MAX_KM"] <= 300.0
    for name in ("cities", "cores", "circles", "links"):
        assert (tmp_path / f"{name}.gpkg").exists()
    assert "proven optimal" in (tmp_path / "coverage.html").read_text(encoding="utf-8")
