"""The study chain model from the command line, as a batch user runs it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample"


def test_help_lists_the_model_s_inputs_and_outputs(qgis_process):
    """qgis_process loads the plugin after QGIS's providers: the model's steps must be attached
    once the provider is registered, or its outputs would be missing."""
    text = qgis_process("help", "resilience:studychain").stdout
    assert "Study chain" in text
    for name in ("CITIES", "TABLE", "YEAR", "RADIUS", "lisa:LISA", "coverage:CORES", "spillover:SPILLOVER_REPORT",
                 "weights:WEIGHTS", "moran:MORAN"):
        assert f"{name}:" in text, name


def test_the_model_runs_with_qgis_process(run_algorithm, cities_path, tmp_path):
    from qgis.core import QgsVectorLayer

    cities = tmp_path / "cities.gpkg"
    shutil.copyfile(cities_path, cities)
    result = run_algorithm(
        "studychain", CITIES=cities, TABLE=SAMPLE / "synthetic_panel.csv", PERMUTATIONS=999, RADIUS=300,
        **{"lisa:LISA": tmp_path / "lisa.gpkg", "coverage:CORES": tmp_path / "cores.gpkg",
           "weights:WEIGHTS": tmp_path / "queen.gal", "spillover:SPILLOVER_REPORT": tmp_path / "sdm.html",
           "moran:MORAN": tmp_path / "moran.csv", "scenario:SCENARIO": tmp_path / "scenario.gpkg",
           "targeting:TARGETING": tmp_path / "targeting.gpkg", "redundancy:REDUNDANCY_REPORT": tmp_path / "n1.html"})
    outputs = result["results"]
    assert outputs["lisa:LISA"] == str(tmp_path / "lisa.gpkg")
    cores = QgsVectorLayer(str(tmp_path / "cores.gpkg"), "cores", "ogr")
    assert cores.featureCount() == 42  # the sample's proven optimum at 300 km (centroids)
    lisa = QgsVectorLayer(str(tmp_path / "lisa.gpkg"), "lisa", "ogr")
    labels = {f["LISA_LAB"] for f in lisa.getFeatures()}
    assert lisa.featureCount() == 367 and {"High-High", "Low-Low", "Not significant"} <= labels
    # The steps' styles travel with the model's outputs (no post-processor runs here): the LISA
    # GeoPackage's default style is GeoDa's, the cores' a star marker (issue 13).
    for path, table in ((tmp_path / "lisa.gpkg", "lisa"), (tmp_path / "cores.gpkg", "cores")):
        with sqlite3.connect(path) as db:
            defaults = db.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault").fetchall()
        assert defaults == [(table,)], (path, defaults)
    colours = {c.value(): c.symbol().color().name() for c in lisa.renderer().categories()}
    assert colours["High-High"] == "#ff0000" and colours["Low-Low"] == "#0000ff"
    assert cores.renderer().type() == "singleSymbol"
    assert (tmp_path / "queen.gal").read_text(encoding="utf-8").split("\n")[0].split()[1] == "367"
    report = (tmp_path / "sdm.html").read_text(encoding="utf-8")
    assert "SDM of URI" in report and "PATNT" in report  # the resilience index on DEI and the controls
    assert sum(1 for _ in (tmp_path / "moran.csv").open(encoding="utf-8")) > 2 * 9
    # Outputs left out became temporary files (gone with qgis_process's temporary folder): the
    # steps' mandatory outputs did not stop the run.
    assert outputs["coverage:COVERAGE_REPORT"].endswith("REPORT.html")
    # The policy steps: every city raised by 10 % (no policy cities given), 20 cities to invest in first,
    # the N−1 of the 42 cores.
    scenario = QgsVectorLayer(str(tmp_path / "scenario.gpkg"), "scenario", "ogr")
    assert scenario.featureCount() >= 366 and all(f["SC_TOTAL"] > 0 for f in scenario.getFeatures())
    targeting = QgsVectorLayer(str(tmp_path / "targeting.gpkg"), "targeting", "ogr")
    assert sum(1 for f in targeting.getFeatures() if f["TG_CHOSEN"] == 1) == 20
    assert "42" in (tmp_path / "n1.html").read_text(encoding="utf-8")
