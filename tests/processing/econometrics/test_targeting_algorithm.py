"""resilience:targeting through Processing: R's columbus SDM (the coefficients R spatialreg printed),
R's neighbour file, the multiplier's column sums computed densely and the best subsets by brute force."""

# ruff: noqa: N806 - matrix notation (W, S) as in the econometrics literature
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from .conftest import REFERENCE
from .test_scenario_algorithm import dense_queen

BASE = {"LAYOUT": 1, "DEPENDENT": "CRIME", "EXPLANATORY": ["INC", "HOVAL"], "WEIGHTS_ID_FIELD": "POLYID",
        "MODEL": 3, "DRAWS": 0, "REGRESSOR": "HOVAL", "DELTA": 1.0}


def run(parameters):
    import processing

    return processing.run("resilience:targeting", parameters)


def dense(reference):
    ids, W = dense_queen()
    r = reference["sdm"]
    n = len(ids)
    S = np.linalg.inv(np.eye(n) - r["rho"] * W) @ (r["coef[HOVAL]"] * np.eye(n) + r["coef[lag.HOVAL]"] * W)
    return ids, S


def test_best_k_and_budget_choices_equal_brute_force(provider, columbus_layer_path, queen_gal, reference, tmp_path):
    from qgis.core import QgsVectorLayer

    ids, S = dense(reference)
    poor = pd.read_csv(REFERENCE / "columbus.csv").set_index("POLYID").loc[[int(i) for i in ids], "INC"] < 12
    target = poor.to_numpy()
    reach = target.astype(float) @ S  # the gain in the poorer tracts from +1 HOVAL in each tract
    candidates = [int(i) for i in ids if int(i) <= 12]
    result = run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "K": 3,
                  "CANDIDATES": '"POLYID" <= 12', "TARGET": '"INC" < 12', "OUTPUT": str(tmp_path / "k.gpkg")})
    position = {int(unit): i for i, unit in enumerate(ids)}
    best = max(itertools.combinations(candidates, 3), key=lambda c: sum(reach[position[u]] for u in c))
    layer = QgsVectorLayer(result["OUTPUT"], "k", "ogr")
    chosen = {f["POLYID"] for f in layer.getFeatures() if f["TG_CHOSEN"]}
    assert chosen == set(best)
    assert result["GAIN"] == pytest.approx(sum(reach[position[u]] for u in best), rel=2e-4)
    for feature in layer.getFeatures():
        assert feature["TG_REACH"] == pytest.approx(reach[position[feature["POLYID"]]], rel=2e-4, abs=1e-7)
    dx = np.array([1.0 if int(u) in chosen else 0.0 for u in ids])
    change = S @ dx
    for feature in layer.getFeatures():
        assert feature["TG_CHANGE"] == pytest.approx(change[position[feature["POLYID"]]], rel=2e-4, abs=1e-7)
    # a budget with costs (the tract's X coordinate / 10): brute force over the candidates
    budget = 12.0
    costs = pd.read_csv(REFERENCE / "columbus.csv").set_index("POLYID").X / 10
    result = run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "COST_FIELD": "X",
                  "BUDGET": budget * 10, "CANDIDATES": '"POLYID" <= 12', "TARGET": '"INC" < 12',
                  "OUTPUT": str(tmp_path / "budget.gpkg")})
    best_gain = max(sum(reach[position[u]] for u in c) for size in range(len(candidates) + 1)
                    for c in itertools.combinations(candidates, size) if sum(costs[u] * 10 for u in c) <= budget * 10)
    assert result["GAP"] == 0.0
    assert result["GAIN"] == pytest.approx(best_gain, rel=2e-4)


@pytest.mark.parametrize(("extra", "message"), [
    ({"K": 60}, "candidate cities for 60"),
    ({"CANDIDATES": '"POLYID" > 1000'}, "chooses no city"),
    ({"COST_FIELD": "X"}, "needs a budget"),
    ({"REGRESSOR": "CRIME", "DEPENDENT": "HOVAL", "EXPLANATORY": ["INC"]}, "not an explanatory variable"),
])
def test_bad_input_messages(provider, columbus_layer_path, queen_gal, tmp_path, extra, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "OUTPUT": str(tmp_path / "o.gpkg"),
             **extra})
    assert not (tmp_path / "o.gpkg").exists()
