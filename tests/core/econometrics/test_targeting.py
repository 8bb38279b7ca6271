"""Network reach and the best k cities: against dense matrices and brute force over every
k-subset (numpy.linalg.inv, itertools), independently of the sparse solve."""

# ruff: noqa: N803, N806 - matrix notation (W, S) as in the econometrics literature
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from digital_resilience.core.econometrics.scenario import Policy
from digital_resilience.core.econometrics.spillover import SpilloverSpec, run_spillover
from digital_resilience.core.econometrics.targeting import network_reach
from digital_resilience.core.errors import InputError


def dense_multiplier(W, main, regressor):
    names, c = main.names, main.coefficients
    beta = c[names.index(regressor)]
    theta = c[names.index(f"W·{regressor}")] if f"W·{regressor}" in names else 0.0
    n = W.shape[0]
    S = beta * np.eye(n) + theta * W
    if main.model in ("SAR", "SDM"):
        S = np.linalg.inv(np.eye(n) - c[-1] * W) @ S
    return S


@pytest.mark.parametrize("model", ["SDM", "SAR", "SLX", "SDEM"])
def test_reach_is_the_column_sum_and_top_k_is_the_brute_force_optimum(columbus, model):
    data, queen, _ = columbus
    fitted = run_spillover(data, queen, SpilloverSpec(model=model, draws=0, compare=False))
    W = queen.transformed().toarray()
    S = dense_multiplier(W, fitted.main, "INC")
    policy = Policy("INC", "percent", 10.0)
    reach = network_reach(fitted, policy)
    np.testing.assert_allclose(reach.per_unit, S.sum(axis=0), rtol=1e-10)
    target = np.asarray(data.column("HOVAL") < np.median(data.column("HOVAL")))  # e.g. the poorer half
    in_target = network_reach(fitted, policy, target)
    np.testing.assert_allclose(in_target.per_unit, target.astype(float) @ S, rtol=1e-10, atol=1e-14)
    dx = data.column("INC") * 0.1

    def dense_gain(chosen):
        return target.astype(float) @ S @ np.where(np.isin(np.arange(data.n), list(chosen)), dx, 0.0)

    candidates = np.arange(12)  # brute force over the 12-city subsets of size 3, gains summed densely
    best = max(dense_gain(chosen) for chosen in itertools.combinations(candidates, 3))
    gains = in_target.gain.copy()
    ours = candidates[np.argsort(-gains[candidates], kind="stable")[:3]]
    # values, not sets: several cities can tie (gains of exactly or nearly 0 where the coefficient
    # makes the effect on the target vanish), and which tied city sorts first depends on rounding
    scale = 1e-10 * max(1.0, np.abs(gains).max())
    assert dense_gain(ours) == pytest.approx(best, abs=scale)
    top = in_target.top(3)
    assert len(set(top)) == 3 and np.all(gains[top] >= np.sort(gains)[-3] - scale)


def test_bad_input(columbus):
    data, queen, _ = columbus
    fitted = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=0, compare=False))
    reach = network_reach(fitted, Policy("INC", "absolute", 1.0))
    with pytest.raises(InputError, match="between 1 and 49"):
        reach.top(0)
    with pytest.raises(InputError, match="target group"):
        network_reach(fitted, Policy("INC", "absolute", 1.0), np.zeros(49, dtype=bool))
    with pytest.raises(InputError, match="not an explanatory variable"):
        network_reach(fitted, Policy("CRIME", "absolute", 1.0))


def test_budget_choice_is_the_brute_force_optimum(columbus):
    from digital_resilience.core.econometrics.targeting import choose_within_budget

    data, queen, _ = columbus
    fitted = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=0, compare=False))
    reach = network_reach(fitted, Policy("INC", "absolute", 1.0))
    rng = np.random.default_rng(4)
    costs = rng.uniform(1.0, 5.0, size=data.n)
    candidates = np.zeros(data.n, dtype=bool)
    candidates[rng.choice(data.n, 14, replace=False)] = True
    budget = 9.0
    gain = -reach.gain  # INC lowers CRIME: the fall of crime is the gain
    choice = choose_within_budget(gain, costs, budget, candidates)
    pool = np.flatnonzero(candidates)
    best = 0.0
    for size in range(len(pool) + 1):
        for subset in itertools.combinations(pool, size):
            subset = list(subset)
            if costs[subset].sum() <= budget:
                best = max(best, float(gain[subset].sum()))
    assert best > 0 and len(choice.chosen) >= 2  # a real choice, not the empty set
    assert choice.optimal
    assert choice.gain == pytest.approx(best, rel=1e-9)
    assert choice.cost <= budget + 1e-9 and set(choice.chosen) <= set(pool)
    with pytest.raises(InputError, match="budget must be a positive"):
        choose_within_budget(reach.gain, costs, 0.0)
    with pytest.raises(InputError, match="cost"):
        choose_within_budget(reach.gain, -costs, 5.0)


# ---------------------------------------------------------------- fairness objectives (brute force)
@pytest.fixture(scope="module")
def hoval():
    """columbus with HOVAL as the outcome (INC raises it): (fitted SDM, dense gains S·diag(Δx), frame)."""
    import pandas as pd

    from digital_resilience.core.econometrics.data import cross_section

    from .conftest import REFERENCE, gal_weights

    frame = pd.read_csv(REFERENCE / "columbus.csv")
    queen = gal_weights("columbus_queen.gal")
    frame.index = frame.POLYID.astype(str)
    frame = frame.loc[queen.ids]
    data = cross_section(frame, "HOVAL", ["INC", "CRIME"], queen.ids)
    fitted = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=0, compare=False))
    S = dense_multiplier(queen.transformed().toarray(), fitted.main, "INC")
    dx = 0.1 * data.column("INC")  # +10 % of INC
    return fitted, S * dx[None, :], frame


POLICY = Policy("INC", "percent", 10.0)


def subsets(pool, k=None, costs=None, budget=None):
    """Every non-empty subset of ``pool`` with at most k cities or within the budget."""
    sizes = range(1, (k if k is not None else len(pool)) + 1)
    for size in sizes:
        for subset in itertools.combinations(pool, size):
            if budget is None or costs[list(subset)].sum() <= budget:
                yield list(subset)


def limits(n):
    costs = np.random.default_rng(7).uniform(1.0, 4.0, size=n)
    return [{"k": 2}, {"k": 3}, {"costs": costs, "budget": 6.5}]


def candidate_mask(n, worst):
    """12 candidates: 5 of the least resilient tracts and 7 others."""
    pool = [*np.flatnonzero(worst)[:5], *np.flatnonzero(~worst)[:7]]
    mask = np.zeros(n, dtype=bool)
    mask[pool] = True
    return mask, pool


@pytest.mark.parametrize("which", range(3))
def test_worst_off_is_the_brute_force_max_min(hoval, which):
    from digital_resilience.core.econometrics.targeting import plan

    fitted, G, frame = hoval
    n = len(frame)
    limit = limits(n)[which]
    worst = frame.HOVAL.to_numpy() <= np.sort(frame.HOVAL.to_numpy())[9]  # the 10 lowest values (no ties)
    candidates, pool = candidate_mask(n, worst)
    result = plan(fitted, POLICY, "worst_off", candidates=candidates, worst_share=0.2, **limit)
    assert set(np.flatnonzero(result.worst)) == set(np.flatnonzero(worst))
    assert result.choice.optimal and result.choice.gap == 0.0

    def floor(subset):
        return float(G[worst][:, subset].sum(axis=1).min())

    def total(subset):
        return float(G[:, subset].sum())

    options = list(subsets(pool, limit.get("k"), limit.get("costs"), limit.get("budget")))
    best = max(floor(s) for s in options)
    assert best > 0
    assert result.value() == pytest.approx(best, rel=1e-6)
    assert floor(list(result.chosen.chosen)) == pytest.approx(best, rel=1e-6)  # the dense value of our choice
    # among the choices with that floor, the most total gain
    assert result.chosen.total == pytest.approx(max(total(s) for s in options if floor(s) >= best * (1 - 1e-9)),
                                                rel=1e-9)
    # the comparisons: the total-gain optimum and the price of fairness, the naive choices
    best_total = max(total(s) for s in options)
    assert result.evaluations["total_optimum"].total == pytest.approx(best_total, rel=1e-9)
    assert result.price_of_fairness == pytest.approx(best_total - result.chosen.total, abs=1e-12)
    assert result.price_of_fairness >= -1e-12
    naive = result.evaluations["naive_policy"]
    np.testing.assert_allclose(naive.change, G[:, naive.chosen].sum(axis=1), rtol=1e-10, atol=1e-14)
    if "k" in limit:
        inc = frame.INC.to_numpy()
        assert set(naive.chosen) == set(sorted(pool, key=lambda i: -inc[i])[:limit["k"]])
        hov = frame.HOVAL.to_numpy()
        assert set(result.evaluations["naive_outcome"].chosen) == set(sorted(pool, key=lambda i: hov[i])[:limit["k"]])
    assert best >= result.evaluations["naive_outcome"].worst_min - 1e-12


@pytest.mark.parametrize("which", range(3))
@pytest.mark.parametrize("side", ["west", "east"])
def test_gap_is_the_brute_force_optimum_that_keeps_the_gap(hoval, which, side):
    from digital_resilience.core.econometrics.targeting import plan

    fitted, G, frame = hoval
    n = len(frame)
    limit = limits(n)[which]
    west = frame.X.to_numpy() < np.median(frame.X.to_numpy())
    lagging = west if side == "west" else ~west
    candidates = np.zeros(n, dtype=bool)
    pool = [*np.flatnonzero(west)[:6], *np.flatnonzero(~west)[:6]]
    candidates[pool] = True
    result = plan(fitted, POLICY, "gap", candidates=candidates, lagging=lagging, **limit)

    def gap_change(subset):
        change = G[:, subset].sum(axis=1)
        return change[~lagging].mean() - change[lagging].mean()

    options = list(subsets(pool, limit.get("k"), limit.get("costs"), limit.get("budget")))
    keeping = [s for s in options if gap_change(s) <= 1e-12]
    best = max(float(G[:, s].sum()) for s in keeping)
    best_total = max(float(G[:, s].sum()) for s in options)
    assert result.choice.optimal
    assert result.chosen.total == pytest.approx(best, rel=1e-6)
    assert gap_change(list(result.chosen.chosen)) <= 1e-9
    assert result.chosen.gap_change == pytest.approx(gap_change(list(result.chosen.chosen)), abs=1e-12)
    assert result.evaluations["total_optimum"].total == pytest.approx(best_total, rel=1e-9)
    binding = best < best_total * (1 - 1e-9)
    assert ("gap row" in result.choice.method) == binding
    # the gap row binds in half of these cases (east with k = 2, 3; west with the budget): both paths are tested
    assert binding == ((side, which) in {("east", 0), ("east", 1), ("west", 2)})


def test_worst_off_over_every_tract_searches_thresholds(hoval):
    """All 49 tracts as candidates, k = 3: the greedy start is not optimal, the threshold search
    takes covering programmes (steps) to reach and prove the brute-force optimum."""
    from digital_resilience.core.econometrics.targeting import plan

    fitted, G, frame = hoval
    result = plan(fitted, POLICY, "worst_off", k=3)
    worst = result.worst
    rows = G[worst]
    best = max(float(rows[:, list(s)].sum(axis=1).min()) for size in (1, 2, 3)
               for s in itertools.combinations(range(len(frame)), size))
    assert result.choice.optimal
    assert "0 steps" not in result.choice.method
    assert result.value() == pytest.approx(best, rel=1e-6)


@pytest.mark.parametrize("negative", [False, True])
def test_max_min_programmes_on_random_gains(negative):
    """best_worst_off alone on random gains (some negative: the direct max–min programme), k = 3 of
    11 and a budget, against every subset."""
    from digital_resilience.core.econometrics.targeting import Limit, best_worst_off

    rng = np.random.default_rng(11)
    rows = rng.exponential(size=(6, 11)) * (rng.uniform(size=(6, 11)) < 0.5)
    if negative:
        rows = rng.exponential(size=(6, 11)) - 0.2  # a few negative gains (e.g. a negative θ)
        assert (rows < 0).any()
    gain = rng.uniform(0.5, 1.5, size=11)
    costs = rng.uniform(1.0, 3.0, size=11)
    candidates = np.ones(11, dtype=bool)
    candidates[4] = False
    for limit in (Limit(k=3), Limit(costs=costs, budget=5.0)):
        choice = best_worst_off(rows, gain, limit, candidates)
        options = [list(s) for s in subsets(np.flatnonzero(candidates), limit.k, limit.costs, limit.budget)]
        best = max(rows[:, s].sum(axis=1).min() for s in options)
        assert choice.optimal
        assert rows[:, choice.chosen].sum(axis=1).min() == pytest.approx(best, rel=1e-6)
        assert ("max–min integer programme" in choice.method) == negative
        top = max(gain[s].sum() for s in options if rows[:, s].sum(axis=1).min() >= best - 1e-9 * abs(best))
        assert gain[choice.chosen].sum() == pytest.approx(top, rel=1e-9)
        assert 4 not in choice.chosen


def test_multiplier_rows_and_products_equal_the_dense_inverse(columbus):
    from digital_resilience.core.econometrics.targeting import Multiplier

    data, queen, _ = columbus
    W = queen.transformed().toarray()
    for model in ("SDM", "SAR", "SLX"):
        fitted = run_spillover(data, queen, SpilloverSpec(model=model, draws=0, compare=False))
        S = dense_multiplier(W, fitted.main, "INC")
        multiplier = Multiplier(fitted, Policy("INC", "percent", 10.0))
        dx = 0.1 * data.column("INC")
        at = np.array([3, 0, 17, 48, 9, 11, 22, 30, 31, 5])  # more than one block of 8
        np.testing.assert_allclose(multiplier.rows(at), S[at] * dx[None, :], rtol=1e-10, atol=1e-14)
        chosen = np.zeros(data.n, dtype=bool)
        chosen[[1, 7, 20]] = True
        np.testing.assert_allclose(multiplier.apply(chosen), S @ np.where(chosen, dx, 0.0), rtol=1e-10, atol=1e-14)


def test_fairness_bad_input(hoval):
    from digital_resilience.core.econometrics.targeting import plan, worst_off_group

    fitted, _, frame = hoval
    n = len(frame)
    none = np.zeros(n, dtype=bool)
    few = np.arange(n) < 3
    with pytest.raises(InputError, match="Only 3 candidate cities for 5"):
        plan(fitted, POLICY, "worst_off", k=5, candidates=few)
    with pytest.raises(InputError, match="candidate group is empty"):
        plan(fitted, POLICY, "total", k=1, candidates=none)
    with pytest.raises(InputError, match="needs the lagging group"):
        plan(fitted, POLICY, "gap", k=2)
    with pytest.raises(InputError, match="lagging group is empty"):
        plan(fitted, POLICY, "gap", k=2, lagging=none)
    with pytest.raises(InputError, match="leading group is empty"):
        plan(fitted, POLICY, "gap", k=2, lagging=np.ones(n, dtype=bool))
    with pytest.raises(InputError, match="in both the leading and the lagging"):
        plan(fitted, POLICY, "gap", k=2, lagging=few, leading=np.arange(n) < 10)
    with pytest.raises(InputError, match="share of the least resilient"):
        worst_off_group(frame.HOVAL.to_numpy(), np.ones(n, dtype=bool), 0.0)
    with pytest.raises(InputError, match="budget must be a positive"):
        plan(fitted, POLICY, "worst_off", costs=np.ones(n), budget=0.0)
    with pytest.raises(InputError, match="Unknown objective"):
        plan(fitted, POLICY, "fair", k=2)
    # the least resilient share of the target cities, at least one city
    target = np.arange(n) < 10
    group = worst_off_group(frame.HOVAL.to_numpy(), target, 0.01)
    assert group.sum() == 1 and group[np.argmin(np.where(target, frame.HOVAL.to_numpy(), np.inf))]


@pytest.mark.parametrize("objective", ["total", "worst_off", "gap"])
def test_report_of_every_objective(hoval, tmp_path, objective):
    from digital_resilience.core.econometrics.targeting import plan
    from digital_resilience.core.econometrics.targeting_report import write_targeting_report

    fitted, G, frame = hoval
    n = len(frame)
    west = frame.X.to_numpy() < np.median(frame.X.to_numpy())
    costs = np.random.default_rng(7).uniform(1.0, 4.0, size=n)
    result = plan(fitted, POLICY, objective, costs=costs, budget=6.5, lagging=west)
    html = Path(write_targeting_report(result, tmp_path / "r.html", "Targeting")).read_text(encoding="utf-8")
    for text in ("The choice", "Total-gain optimum", "Naive: least resilient cities first", "Gains of the least "
                 "resilient cities", "Change of the gap", "Limit: a budget of 6.5"):
        assert text in html
    assert ("Price of fairness" in html) == (objective != "total")
    chosen = result.chosen
    np.testing.assert_allclose(chosen.change, G[:, chosen.chosen].sum(axis=1), rtol=1e-10, atol=1e-14)
    assert chosen.cost == pytest.approx(costs[chosen.chosen].sum()) and chosen.cost <= 6.5


def test_max_min_search_stops_on_cancel():
    """A hard max–min (dense random gains, 60 rows, 300 candidates, k = 10, a 60 s limit) stops
    within about a second of the cancel check saying stop."""
    import time

    from digital_resilience.core.econometrics.targeting import Limit, best_worst_off
    from digital_resilience.core.errors import Cancelled
    from digital_resilience.core.progress import cancellable

    rng = np.random.default_rng(3)
    rows = rng.exponential(size=(60, 300)) ** 3
    started = time.perf_counter()
    with cancellable(lambda: time.perf_counter() > started + 0.5), pytest.raises(Cancelled):
        best_worst_off(rows, rows.sum(axis=0), Limit(k=10), np.ones(300, dtype=bool), time_limit=60.0)
    assert time.perf_counter() - started < 5.0
