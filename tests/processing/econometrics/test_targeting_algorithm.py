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


def test_fairness_objectives_equal_brute_force(provider, columbus_layer_path, queen_gal, reference, tmp_path):
    """OBJECTIVE 1 (raise the worst-off) and 2 (close the gap): the best subsets of at most K of the 12
    candidates by brute force over the dense multiplier, the comparisons and the report."""
    from qgis.core import QgsVectorLayer

    ids, S = dense(reference)
    frame = pd.read_csv(REFERENCE / "columbus.csv").set_index("POLYID").loc[[int(i) for i in ids]]
    position = {int(unit): i for i, unit in enumerate(ids)}
    candidates = [int(i) for i in ids if int(i) <= 12]
    crime = frame.CRIME.to_numpy()
    worst = crime <= np.sort(crime)[9]  # the 20 % (10 of 49) with the lowest current CRIME

    def change(subset):  # +1 HOVAL in the subset's tracts
        return S[:, [position[u] for u in subset]].sum(axis=1)

    options = [c for size in (1, 2) for c in itertools.combinations(candidates, size)]
    best_floor = max(change(c)[worst].min() for c in options)
    best_total = max(change(c).sum() for c in options)
    result = run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "K": 2, "OBJECTIVE": 1,
                  "CANDIDATES": '"POLYID" <= 12', "OUTPUT": str(tmp_path / "worst.gpkg"),
                  "REPORT": str(tmp_path / "worst.html")})
    assert result["GAP"] == 0.0
    assert result["OBJECTIVE_VALUE"] == pytest.approx(best_floor, rel=1e-4)
    assert result["TOTAL_OPTIMUM"] == pytest.approx(best_total, rel=1e-4)
    assert result["PRICE_OF_FAIRNESS"] == pytest.approx(best_total - result["GAIN"], rel=1e-6, abs=1e-9)
    layer = QgsVectorLayer(result["OUTPUT"], "worst", "ogr")
    features = {f["POLYID"]: f for f in layer.getFeatures()}
    chosen = [u for u, f in features.items() if f["TG_CHOSEN"]]
    assert change(chosen)[worst].min() == pytest.approx(best_floor, rel=1e-4)
    assert {u for u, f in features.items() if f["TG_GROUP"] == 1} == {int(u) for u, w in zip(ids, worst) if w}
    naive = sorted(candidates, key=lambda u: -frame.HOVAL[u])[:2]  # the highest current HOVAL
    assert {u for u, f in features.items() if f["TG_NAIVE"]} == set(naive)
    assert result["NAIVE_VALUE"] == pytest.approx(change(naive)[worst].min(), rel=1e-4)
    for unit, feature in features.items():
        assert feature["TG_CHANGE"] == pytest.approx(change(chosen)[position[unit]], rel=1e-4, abs=1e-8)
        assert feature["TG_CHG_NAI"] == pytest.approx(change(naive)[position[unit]], rel=1e-4, abs=1e-8)
    html = (tmp_path / "worst.html").read_text(encoding="utf-8")
    assert "Price of fairness" in html and "proven optimal" in html
    import sqlite3

    with sqlite3.connect(tmp_path / "worst.gpkg") as db:  # the change map, and the choice and groups beside it
        styles = dict(db.execute("SELECT styleName, useAsDefault FROM layer_styles").fetchall())
    assert styles == {"Predicted change": 1, "Chosen cities": 0, "Groups": 0}

    # close the gap: the east (X ≥ 35) lags; the most total gain with mean gain(east) ≥ mean gain(west)
    east = frame.X.to_numpy() >= 35
    options = [c for size in (1, 2, 3) for c in itertools.combinations(candidates, size)]
    keeping = [c for c in options if change(c)[~east].mean() - change(c)[east].mean() <= 1e-12]
    best = max(keeping, key=lambda c: change(c).sum())
    result = run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "K": 3, "OBJECTIVE": 2,
                  "CANDIDATES": '"POLYID" <= 12', "LAGGING": '"X" >= 35', "OUTPUT": str(tmp_path / "gap.gpkg")})
    assert result["GAP"] == 0.0
    assert result["GAIN"] == pytest.approx(change(best).sum(), rel=1e-4)
    assert result["GROUP_GAP_CHANGE"] == pytest.approx(change(best)[~east].mean() - change(best)[east].mean(),
                                                       rel=1e-4, abs=1e-9)
    assert result["TOTAL_OPTIMUM"] == pytest.approx(max(change(c).sum() for c in options), rel=1e-4)
    assert result["PRICE_OF_FAIRNESS"] > 1e-3  # the gap row binds: the total optimum widens the gap


@pytest.mark.parametrize(("extra", "message"), [
    ({"K": 60}, "candidate cities for 60"),
    ({"OBJECTIVE": 1, "K": 60}, "candidate cities for 60"),
    ({"OBJECTIVE": 2}, "needs the lagging group"),
    ({"OBJECTIVE": 2, "LAGGING": '"POLYID" > 1000'}, "lagging group chooses no city"),
    ({"OBJECTIVE": 2, "LAGGING": '"X" < 35', "LEADING": '"X" < 40'}, "in both the leading and the lagging"),
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


@pytest.fixture
def chinese(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.plugin.plugin import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "resources/i18n/digital_resilience_zh_CN.qm is missing"
    yield translator
    QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize(("extra", "message"), [
    ({"OBJECTIVE": 1, "K": 60}, "要选择 60 个城市，但只有 12 个候选城市"),
    ({"OBJECTIVE": 2}, "缩小差距目标需要落后组"),
    ({"OBJECTIVE": 2, "LAGGING": '"POLYID" > 1000'}, "落后组的表达式未选中任何城市"),
    ({"OBJECTIVE": 2, "LAGGING": '"X" < 35', "LEADING": '"X" < 40'}, "个城市同时属于领先组和落后组"),
])
def test_bad_input_messages_in_chinese(provider, chinese, columbus_layer_path, queen_gal, tmp_path, extra, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        run({**BASE, "INPUT": columbus_layer_path, "WEIGHTS_FILE": queen_gal, "CANDIDATES": '"POLYID" <= 12',
             "OUTPUT": str(tmp_path / "o.gpkg"), **extra})
    assert not (tmp_path / "o.gpkg").exists()
