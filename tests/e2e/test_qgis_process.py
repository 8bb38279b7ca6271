"""The provider in qgis_process (batch use without the desktop GUI)."""

import pytest

pytestmark = pytest.mark.e2e


def test_qgis_process_lists_the_provider(qgis_process):
    listing = qgis_process("list").stdout
    assert "Digital Resilience" in listing
    assert "resilience:spatialweights" in listing


def test_qgis_process_help_shows_parameters(qgis_process):
    text = qgis_process("help", "resilience:spatialweights").stdout
    for name in ("INPUT", "ID_FIELD", "KIND", "K", "OUTPUT", "WEIGHTS_OUTPUT"):
        assert name in text


def test_qgis_process_runs_spatial_weights(run_algorithm, cities_path, tmp_path):
    out = run_algorithm("spatialweights", INPUT=cities_path, ID_FIELD="adcode", KIND=0,
                        OUTPUT=tmp_path / "links.gpkg", WEIGHTS_OUTPUT=tmp_path / "w.gal")
    results = out["results"]
    assert (results["UNITS"], results["LINKS"], results["ISLANDS"]) == (367, 1934, 1)
    assert (tmp_path / "w.gal").read_text().startswith("0 367 ")
    assert (tmp_path / "links.gpkg").exists()
