"""resilience:scenario from qgis_process.bin, as a batch user runs it: R's columbus SDM, +1 INC in
the first 19 tracts; the totals are plain numbers in the JSON (numpy scalars would print "")."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def test_qgis_process_runs_a_scenario(qgis_process, tmp_path):
    import geopandas as gpd

    frame = pd.read_csv(REFERENCE / "columbus.csv")
    layer = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.X, frame.Y), crs="EPSG:3857")
    layer.to_file(tmp_path / "columbus.gpkg", layer="columbus", driver="GPKG")
    arguments = [f"INPUT={tmp_path / 'columbus.gpkg'}", "LAYOUT=1", "DEPENDENT=CRIME", "EXPLANATORY=INC",
                 "EXPLANATORY=HOVAL", "WEIGHTS_ID_FIELD=POLYID", f"WEIGHTS_FILE={REFERENCE / 'columbus_queen.gal'}",
                 "MODEL=3", "DRAWS=100", "REGRESSOR=INC", "DELTA=1", 'CITIES_EXPRESSION="POLYID" < 20',
                 f"OUTPUT={tmp_path / 'changes.gpkg'}", f"REPORT={tmp_path / 'scenario.html'}"]
    stdout = qgis_process("--json", "run", "resilience:scenario", "--", *arguments).stdout
    results = json.loads(stdout[stdout.index("{"):])["results"]
    assert results["CHOSEN"] == 19
    assert isinstance(results["TOTAL_CHANGE"], float) and results["TOTAL_CHANGE"] < 0  # INC lowers CRIME
    assert results["TOTAL_CHANGE"] == pytest.approx(results["TOTAL_OWN"] + results["TOTAL_RECEIVED"], rel=1e-12)
    assert (tmp_path / "changes.gpkg").exists()
    assert "Cities with the largest change" in (tmp_path / "scenario.html").read_text(encoding="utf-8")
