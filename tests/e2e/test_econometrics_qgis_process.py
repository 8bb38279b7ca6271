"""resilience:spatialdurbin from qgis_process.bin, as a batch user runs it: R's columbus with
R's neighbour file gives the log-likelihood and ρ that R spatialreg printed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def test_qgis_process_runs_the_spatial_durbin_model(qgis_process, tmp_path):
    import json

    import geopandas as gpd

    frame = pd.read_csv(REFERENCE / "columbus.csv")
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.X, frame.Y), crs="EPSG:3857")
    layer.to_file(tmp_path / "columbus.gpkg", layer="columbus", driver="GPKG")
    table = pd.read_csv(REFERENCE / "spatialreg_reference.csv")
    r = dict(zip(table[table.case == "sdm"].quantity, table[table.case == "sdm"].value))
    arguments = [f"INPUT={tmp_path / 'columbus.gpkg'}", "LAYOUT=1", "DEPENDENT=CRIME",
                 "EXPLANATORY=INC", "EXPLANATORY=HOVAL",  # a multiple field parameter: repeated
                 "WEIGHTS_ID_FIELD=POLYID", f"WEIGHTS_FILE={REFERENCE / 'columbus_queen.gal'}", "MODEL=3",
                 f"REPORT={tmp_path / 'report.html'}", f"LISA={tmp_path / 'lisa.gpkg'}"]
    stdout = qgis_process("--json", "run", "resilience:spatialdurbin", "--", *arguments).stdout
    results = json.loads(stdout[stdout.index("{"):])["results"]
    assert results["LOGLIK"] == pytest.approx(r["loglik"], rel=1e-6)
    assert results["SPATIAL"] == pytest.approx(r["rho"], rel=1e-4)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("SDM †") >= 1
    assert (tmp_path / "lisa.gpkg").exists()
