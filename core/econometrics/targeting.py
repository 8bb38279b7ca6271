"""Where to invest first (``resilience:targeting``, first part): each city's network reach and the
exact choice of k cities when the objective is linear.

With ``S = (I − ρW)⁻¹(β_k I + θ_k W)`` (SAR/SDM; ``β_k I + θ_k W`` for SLX/SDEM; ``β_k I`` for
OLS/SEM), raising the policy variable by ``Δx_j`` in city j changes the outcome of every city by
``S e_j Δx_j``. Its **reach** is what that does to a group of cities ``L`` (all of them by default,
or e.g. the least resilient ones, or the central and western cities): ``r_j = 1_L' S e_j``, the
j-th entry of ``S' 1_L`` — one sparse solve with ``(I − ρW)'`` for every city at once.

The total gain of a set C of chosen cities in L is ``Σ_{j∈C} Δx_j r_j``: linear in the choice, so
the best k cities are exactly the k largest ``Δx_j r_j`` (no search needed; ties broken by the
order of the units). With a budget and a cost per city the choice is a 0–1 knapsack, solved
exactly by HiGHS (``choose_within_budget``: proven optimal or the gap stated). Objectives that
are not linear in the gains (the gain of the worst-off city) are not here yet.
"""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError
from .design import LAG_MODELS
from .scenario import Policy, _check_regressor, _positions, baseline_values, policy_change
from .spillover import SpilloverResult


@dataclass
class Reach:
    """Per unit (the fitted model's order): the policy's change of the regressor there (``dx``), the
    gain in the target group per unit of the regressor (``per_unit``) and for the policy's change
    (``gain = dx · per_unit``)."""

    unit_ids: np.ndarray
    dx: np.ndarray
    per_unit: np.ndarray
    gain: np.ndarray

    def top(self, k: int) -> np.ndarray:
        """Positions of the k units with the largest gain (the exact optimum of a linear objective)."""
        if not 1 <= k <= len(self.gain):
            raise InputError("Choose between 1 and {n} cities (asked for {k}).", n=len(self.gain), k=k)
        return np.argsort(-self.gain, kind="stable")[:k]


def network_reach(fitted: SpilloverResult, policy: Policy, target=None) -> Reach:
    """Each city's reach for the policy variable, on the cities of ``target`` (a boolean mask in the
    model's unit order; None: every city). ``policy.chosen`` is ignored: every city is a candidate."""
    _check_regressor(policy, fitted.data.names)
    model, data = fitted.main, fitted.data
    n = data.n
    weights = np.ones(n) if target is None else np.asarray(target, dtype=np.float64)
    if weights.shape != (n,) or not weights.any():
        raise InputError("The target group of cities is empty: choose at least one city whose gain counts.")
    beta_at, theta_at = _positions(model, policy.regressor)
    beta = model.coefficients[beta_at]
    theta = model.coefficients[theta_at] if theta_at >= 0 else 0.0
    W = sp.csr_matrix(fitted.spectrum.W)
    carried = weights
    if model.model in LAG_MODELS:
        A = sp.csc_matrix(sp.identity(n, format="csc") - model.spatial * W)
        carried = spla.splu(A).solve(weights, trans="T")  # (I − ρW)'⁻¹ 1_L
    per_unit = beta * carried + theta * (W.T @ carried)
    dx = policy_change(policy, baseline_values(data, policy.regressor), np.ones(n, dtype=bool))
    return Reach(data.unit_ids, dx, per_unit, dx * per_unit)


@dataclass
class BudgetChoice:
    """The cities chosen within a budget: positions, total gain and cost, and how sure the solver is."""

    chosen: np.ndarray
    gain: float
    cost: float
    optimal: bool
    gap: float | None
    status: str


def choose_within_budget(gain, costs, budget: float, candidates=None, time_limit: float = 60.0,
                         progress=None) -> BudgetChoice:
    """The set of candidate cities with the largest total gain whose costs fit in ``budget``
    (a 0–1 knapsack, solved by HiGHS: proven optimal or the gap stated)."""
    from ..coverage.solver import solve_mip

    gain = np.asarray(gain, dtype=np.float64)
    costs = np.asarray(costs, dtype=np.float64)
    n = len(gain)
    if costs.shape != (n,) or not np.isfinite(costs).all() or (costs < 0).any():
        raise InputError("Every city needs a cost that is a number ≥ 0; fill the cost field.")
    if not np.isfinite(budget) or budget <= 0:
        raise InputError("The budget must be a positive number (in the units of the cost field).")
    upper = np.ones(n) if candidates is None else np.asarray(candidates, dtype=np.float64)
    upper = np.where(gain > 0, upper, 0.0)  # a city that loses or gains nothing is never worth its cost
    result = solve_mip(gain, sp.csr_matrix(costs.reshape(1, -1)), [-np.inf], [budget], np.zeros(n), upper,
                       np.ones(n, dtype=bool), maximize=True, time_limit=time_limit, progress=progress)
    if not result.has_solution:
        raise InputError("No set of cities fits the budget within the time limit; raise the time limit.")
    chosen = np.flatnonzero(result.x > 0.5)
    return BudgetChoice(chosen, float(gain[chosen].sum()), float(costs[chosen].sum()), result.optimal, result.gap,
                        result.status)
