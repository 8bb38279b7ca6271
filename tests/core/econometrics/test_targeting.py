"""Network reach and the best k cities: against dense matrices and brute force over every
k-subset (numpy.linalg.inv, itertools), independently of the sparse solve."""

# ruff: noqa: N803, N806 - matrix notation (W, S) as in the econometrics literature
from __future__ import annotations

import itertools

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
    candidates = np.arange(12)  # brute force over the 12-city subsets of size 3, gains summed densely
    best = max(itertools.combinations(candidates, 3),
               key=lambda chosen: (target.astype(float) @ S @ np.where(np.isin(np.arange(data.n), chosen), dx, 0.0)))
    gains = in_target.gain.copy()
    ours = set(candidates[np.argsort(-gains[candidates], kind="stable")[:3]])
    assert ours == set(best)
    assert set(in_target.top(3)) == set(np.argsort(-gains)[:3])


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
