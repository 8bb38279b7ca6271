"""Where to invest first (``resilience:targeting``): each city's network reach and the best choice
of k cities (or of cities within a budget) for three objectives.

With ``S = (I − ρW)⁻¹(β_k I + θ_k W)`` (SAR/SDM; ``β_k I + θ_k W`` for SLX/SDEM; ``β_k I`` for
OLS/SEM), raising the policy variable by ``Δx_j`` in city j changes the outcome of city i by
``G_ij = S_ij Δx_j`` (the **gain**; z_j = 1 when city j is chosen). Its **reach** is what it does to
a group of cities ``L`` (the *target* cities: every city by default): ``r_j = 1_L' S e_j``, the j-th
entry of ``S' 1_L`` — one sparse solve with ``(I − ρW)'`` for every city at once.

Objectives (``options.TARGETING_OBJECTIVES``), each with "at most k cities" (``Σ z_j ≤ k``) or a
budget (``Σ c_j z_j ≤ B``), candidates restricted by ``z_j = 0`` outside them:

* ``total`` — the total gain in the target cities ``Σ_j r_j Δx_j z_j``: linear, so the best k cities
  are exactly the k largest gains (ranking); with a budget a 0–1 knapsack, solved by HiGHS.
* ``worst_off`` — raise the worst-off: the smallest gain among the least resilient cities ``L⁻``
  (the share of the target cities with the lowest current outcome, e.g. the bottom 20 %):
  ``max t  s.t.  t ≤ Σ_j G_ij z_j  (i ∈ L⁻)``. The rows ``S[L⁻, :]`` come from one transposed
  sparse solve per city of ``L⁻`` (in blocks, no dense inverse); entries below 10⁻¹² of the largest
  are left out (they change no gain by more than n·10⁻¹² of the largest entry). Solved as p-centre
  problems are: with no negative gain, by bisection on the floor τ — does a choice within the limit
  give every city of L⁻ at least τ? — each a covering programme ``Σ_j min(G_ij/τ, 1) z_j ≥ 1`` (the
  same binary choices as ``Σ_j G_ij z_j ≥ τ``, a far tighter relaxation than the max–min form) that
  minimises the number (cost) of cities, so that its bound proves "no choice" quickly; a greedy
  cover and swaps give the start and improve each choice found. Proven optimal when the largest τ
  reached and the smallest τ proven out of reach are within 10⁻⁶ (relative), else that gap is
  stated. With negative gains (a negative θ) the max–min programme itself goes to HiGHS. The
  optimum is seldom unique (one city sets the minimum), so a last programme keeps the smallest gain
  at its optimum and maximises the total gain in the target cities among those choices
  (lexicographic: a planner who raises the floor does not give away total gain for nothing).
* ``gap`` — close the gap between a leading group A (e.g. the east) and a lagging group B (e.g. the
  central and western cities): the most total gain in the target cities such that the gap between
  the groups' mean outcomes does not widen, i.e. the mean gain in B is at least that in A:
  ``Σ_j (m^B_j − m^A_j) z_j ≥ 0`` with ``m^G_j = 1_G' S e_j Δx_j / |G|``. A planning bureau asks for
  the largest national gain that does not leave the lagging regions further behind; maximising
  mean gain(B) − mean gain(A) alone (linear, a ranking) would prefer investments whose benefit
  stays out of the east however small they are, and a weighted sum of the two needs a weight with
  no unit a planner can defend. When the total-gain optimum keeps the gap it is the answer (exact,
  by ranking or the knapsack); otherwise the one extra linear row makes it an integer programme.

Every integer programme goes to :func:`core.coverage.solver.solve_mip` (HiGHS, a time limit,
progress and cancel): proven optimal, or the relative gap stated. Each choice is compared with the
naive ones — the cities with the highest current policy variable, and the least resilient cities
first — and with the total-gain optimum (the **price of fairness**: the total gain given up).
"""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError, Message
from ..progress import checkpoint, report, span
from .design import LAG_MODELS
from .options import TARGETING_OBJECTIVES
from .scenario import BLOCK, Policy, _check_regressor, _positions, baseline_values, policy_change
from .spillover import SpilloverResult

#: Entries of the worst-off rows of S (relative to the largest) left out of the integer programme.
DROP_BELOW = 1e-12
#: HiGHS tolerances for these programmes: a binary within 1e-6 of 0 or 1 (HiGHS's default) would
#: let a row of small gains be violated by more than the smallest gains themselves.
TOLERANCES = {"mip_feasibility_tolerance": 1e-9, "primal_feasibility_tolerance": 1e-9}
#: Most swaps of the local search on a max–min choice (each tries every chosen city against every candidate).
SWAP_ROUNDS = 50
#: Most element comparisons for removing dominated columns of a covering step (367 cities × 74 rows:
#: 10⁷, done; 2,848 points × 570 rows: 4.6·10⁹, skipped).
DOMINANCE_WORK = 3e8
#: Relative distance of the two ends of the max–min threshold search at which it stops (proven optimal).
SEARCH_TOLERANCE = 1e-6
#: The default share of the target cities counted as the least resilient (``worst_off``).
WORST_SHARE = 0.2
#: The comparisons of every plan, in the report's order (``TargetingPlan.evaluations``).
COMPARISONS = ("chosen", "total_optimum", "naive_policy", "naive_outcome")


class Multiplier:
    """The policy's multiplier ``S = (I − ρW)⁻¹(βI + θW)`` and its change ``Δx`` (every city a
    candidate), through one sparse LU of ``I − ρW``: column sums, rows and products, never a dense
    inverse."""

    def __init__(self, fitted: SpilloverResult, policy: Policy):
        _check_regressor(policy, fitted.data.names)
        model, data = fitted.main, fitted.data
        self.n = data.n
        beta_at, theta_at = _positions(model, policy.regressor)
        self.beta = float(model.coefficients[beta_at])
        self.theta = float(model.coefficients[theta_at]) if theta_at >= 0 else 0.0
        self.W = sp.csr_matrix(fitted.spectrum.W, dtype=np.float64)
        self.lu = None
        if model.model in LAG_MODELS:
            A = sp.csc_matrix(sp.identity(self.n, format="csc") - model.spatial * self.W)
            self.lu = spla.splu(A)
        self.dx = policy_change(policy, baseline_values(data, policy.regressor), np.ones(self.n, dtype=bool))

    def column_sums(self, weights) -> np.ndarray:
        """``S' w``: entry j is the weighted sum of what one unit of the policy variable in city j
        does to every city."""
        carried = np.asarray(weights, dtype=np.float64)
        if self.lu is not None:
            carried = self.lu.solve(carried, trans="T")  # (I − ρW)'⁻¹ w
        return self.beta * carried + self.theta * (self.W.T @ carried)

    def apply(self, chosen) -> np.ndarray:
        """Each city's change of the outcome when the cities of ``chosen`` (a boolean mask) take
        the policy: ``S (Δx ∘ z)``."""
        v = np.where(np.asarray(chosen, dtype=bool), self.dx, 0.0)
        u = self.beta * v + self.theta * (self.W @ v)
        return self.lu.solve(u) if self.lu is not None else u

    def rows(self, at, progress=None) -> np.ndarray:
        """``G[at, :]``: the gain of each city of ``at`` (positions) from the policy in each city,
        ``S_ij Δx_j`` (row i of ``(I − ρW)⁻¹`` is a transposed solve; blocks of BLOCK columns)."""
        at = np.asarray(at, dtype=int)
        out = np.empty((len(at), self.n))
        Wt = self.W.T.tocsr()
        for start in range(0, len(at), BLOCK):
            cols = at[start:start + BLOCK]
            unit = np.zeros((self.n, len(cols)), order="F")
            unit[cols, np.arange(len(cols))] = 1.0
            inverse_rows = self.lu.solve(unit, trans="T") if self.lu is not None else unit
            out[start:start + len(cols)] = (self.beta * inverse_rows + self.theta * (Wt @ inverse_rows)).T
            report(progress, (start + len(cols)) / max(len(at), 1))
        return out * self.dx[None, :]


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


def network_reach(fitted: SpilloverResult, policy: Policy, target=None, multiplier: Multiplier | None = None) -> Reach:
    """Each city's reach for the policy variable, on the cities of ``target`` (a boolean mask in the
    model's unit order; None: every city). ``policy.chosen`` is ignored: every city is a candidate."""
    multiplier = multiplier or Multiplier(fitted, policy)
    n = multiplier.n
    weights = np.ones(n) if target is None else np.asarray(target, dtype=np.float64)
    if weights.shape != (n,) or not weights.any():
        raise InputError("The target group of cities is empty: choose at least one city whose gain counts.")
    per_unit = multiplier.column_sums(weights)
    return Reach(fitted.data.unit_ids, multiplier.dx, per_unit, multiplier.dx * per_unit)


# ------------------------------------------------------------------ the limit: k cities or a budget
@dataclass(frozen=True)
class Limit:
    """At most ``k`` cities, or cities whose ``costs`` sum to at most ``budget``."""

    k: int | None = None
    costs: np.ndarray | None = None
    budget: float | None = None

    @property
    def by_budget(self) -> bool:
        return self.costs is not None

    def row(self, n: int) -> tuple[np.ndarray, float]:
        """The limit as one row of an integer programme: coefficients and right-hand side."""
        if self.by_budget:
            return np.asarray(self.costs, dtype=np.float64), float(self.budget)
        return np.ones(n), float(self.k)

    def check(self, candidates: np.ndarray) -> None:
        count = int(candidates.sum())
        if self.by_budget:
            costs = np.asarray(self.costs, dtype=np.float64)
            if costs.shape != candidates.shape or not np.isfinite(costs).all() or (costs < 0).any():
                raise InputError("Every city needs a cost that is a number ≥ 0; fill the cost field.")
            if self.budget is None or not np.isfinite(self.budget) or self.budget <= 0:
                raise InputError("The budget must be a positive number (in the units of the cost field).")
        elif self.k is None or not 1 <= self.k <= count:
            raise InputError("Only {count} candidate cities for {k} to choose: choose fewer cities or more "
                             "candidates.", count=count, k=self.k)


@dataclass
class Choice:
    """The chosen positions and how sure the choice is (``gap``: relative optimality gap, 0 when
    proven optimal, None when unknown)."""

    chosen: np.ndarray
    optimal: bool
    gap: float | None
    status: str
    method: Message
    seconds: float = 0.0
    notes: list = field(default_factory=list)


def _ranked(key, limit: Limit, candidates) -> np.ndarray:
    """Cities in the order of ``key`` (largest first) among the candidates: the first k, or the
    first that fit the budget in that order (a greedy fill)."""
    order = np.argsort(-np.where(candidates, key, -np.inf), kind="stable")
    order = order[candidates[order]]
    if not limit.by_budget:
        return order[:limit.k]
    taken, spent = [], 0.0
    for i in order:
        if spent + limit.costs[i] <= limit.budget:
            taken.append(i)
            spent += limit.costs[i]
    return np.asarray(taken, dtype=int)


def _mip(cost, rows, lower, upper, col_upper, time_limit, progress, start=None, col_lower=None, free_last=False,
         maximize=True, options=None):
    from ..coverage.solver import solve_mip

    n_cols = len(cost)
    integer = np.ones(n_cols, dtype=bool)
    low = np.zeros(n_cols) if col_lower is None else col_lower
    if free_last:
        integer[-1] = False
    return solve_mip(cost, sp.csr_matrix(rows), lower, upper, low, col_upper, integer, maximize=maximize,
                     time_limit=time_limit, progress=progress, start=start, options={**TOLERANCES, **(options or {})})


def _from_mip(result, n: int, method: Message) -> Choice:
    if not result.has_solution:
        raise InputError("No choice of cities was found within the time limit; raise the time limit.")
    chosen = np.flatnonzero(result.x[:n] > 0.5)
    return Choice(chosen, result.optimal, result.gap_or(None), result.status, method, result.seconds)


def best_total(gain, limit: Limit, candidates, time_limit: float = 60.0, progress=None) -> Choice:
    """The most total gain: the k largest gains (exact), or a 0–1 knapsack within the budget (HiGHS)."""
    gain = np.asarray(gain, dtype=np.float64)
    if not limit.by_budget:
        return Choice(_ranked(gain, limit, candidates), True, 0.0, "optimal",
                      Message("ranking (exact: the objective is linear)"))
    choice = choose_within_budget(gain, limit.costs, limit.budget, candidates, time_limit, progress)
    return Choice(choice.chosen, choice.optimal, 0.0 if choice.optimal else choice.gap, choice.status,
                  Message("0–1 knapsack (integer programme, HiGHS)"), choice.seconds)


def best_worst_off(rows, gain, limit: Limit, candidates, time_limit: float = 60.0, progress=None) -> Choice:
    """The largest smallest gain among the rows' cities (``rows[i, j]``: city i's gain from city j),
    then the largest total ``gain`` with that smallest gain (see the module): by a threshold search
    over covering programmes when no gain is negative, else by the direct max–min programme."""
    rows = np.asarray(rows, dtype=np.float64)
    gain = np.asarray(gain, dtype=np.float64)
    candidates = np.asarray(candidates, dtype=bool)
    scale = float(np.max(np.abs(rows))) or 1.0
    scaled = rows / scale
    scaled[np.abs(scaled) < DROP_BELOW] = 0.0
    started = time.perf_counter()
    if (scaled < 0).any():
        choice = _direct_max_min(scaled, limit, candidates, time_limit, span(progress, 0.0, 0.7))
    else:
        choice = _threshold_search(scaled, limit, candidates, time_limit, span(progress, 0.0, 0.7))
    # second: the largest total gain among the choices whose smallest gain is at least the first's
    z = np.zeros(len(gain))
    z[choice.chosen] = 1.0
    floor = float(np.min(scaled @ z))
    remaining = max(time_limit - (time.perf_counter() - started), 0.1 * time_limit)
    second = _most_total_above(scaled, floor, gain, limit, candidates, z, remaining, span(progress, 0.7, 1.0))
    if second.has_solution:
        better = np.flatnonzero(second.x > 0.5)
        z2 = np.zeros(len(gain))
        z2[better] = 1.0
        if float(np.min(scaled @ z2)) >= floor * (1 - 1e-9) - 1e-12 and gain[better].sum() > gain[choice.chosen].sum():
            choice.chosen = better
    if not second.optimal:
        choice.notes.append(Message("Among the choices with the largest smallest gain, the one with the most total "
                                    "gain is not proven within the time limit ({status}).",
                                    status=second.status))
    choice.seconds = time.perf_counter() - started
    return choice


def _direct_max_min(scaled, limit: Limit, candidates, time_limit, progress) -> Choice:
    """``max t  s.t.  t ≤ Σ_j G_ij z_j``, the limit (any signs of the gains)."""
    m, n = scaled.shape
    limit_row, budget = limit.row(n)
    matrix = sp.vstack([sp.hstack([sp.csr_matrix(-scaled), sp.csr_matrix(np.ones((m, 1)))]),
                        sp.csr_matrix(np.append(limit_row, 0.0).reshape(1, -1))]).tocsr()
    result = _mip(np.append(np.zeros(n), 1.0), matrix, np.full(m + 1, -np.inf), np.append(np.zeros(m), budget),
                  np.append(candidates.astype(np.float64), np.inf), time_limit, progress,
                  col_lower=np.append(np.zeros(n), -np.inf), free_last=True)
    return _from_mip(result, n, Message("max–min integer programme (HiGHS)"))


def _cover_rows(scaled, floor: float) -> sp.csr_matrix:
    """``Σ_j min(G_ij/τ, 1) z_j ≥ 1``: city i gains at least τ (for binary z and G ≥ 0 the same set
    as ``Σ_j G_ij z_j ≥ τ``, with a much tighter linear relaxation: one city that alone gives τ
    counts once)."""
    return sp.csr_matrix(np.minimum(scaled / floor, 1.0))


def _greedy_cover(scaled, tau: float, limit: Limit, candidates) -> np.ndarray | None:
    """A choice within the limit that gives every row at least ``tau`` by the greedy rule of set
    covering (the candidate that removes most of the rows' remaining shortfall per unit of cost
    first), or None when the greedy rule runs out of room."""
    m, n = scaled.shape
    costs = limit.costs if limit.by_budget else np.ones(n)
    room = limit.budget if limit.by_budget else float(limit.k)
    shortfall = np.full(m, tau)
    free, chosen, spent = candidates.copy(), [], 0.0
    while shortfall.max() > 1e-9 * tau:
        checkpoint()
        fits = free & (spent + costs <= room + 1e-12)
        value = np.minimum(scaled, shortfall[:, None]).sum(axis=0)
        score = np.where(fits & (value > 0), value / np.maximum(costs, 1e-300), -np.inf)
        j = int(np.argmax(score))
        if not np.isfinite(score[j]):
            return None
        chosen.append(j)
        shortfall = np.maximum(shortfall - scaled[:, j], 0.0)
        spent += costs[j]
        free[j] = False
    return np.asarray(chosen, dtype=int)


def _greedy_max_min(scaled, limit: Limit, candidates, high: float) -> np.ndarray:
    """A start: the greedy cover of the largest threshold it reaches (bisection on a log scale)."""
    best, best_value = np.zeros(0, dtype=int), -np.inf
    low, top = np.log(max(high, 1e-300) * 1e-9), np.log(max(high, 1e-300))
    for _ in range(40):
        middle = 0.5 * (low + top)
        found = _greedy_cover(scaled, float(np.exp(middle)), limit, candidates)
        if found is None:
            top = middle
            continue
        value = float(np.min(scaled[:, found].sum(axis=1)))
        if value > best_value:
            best, best_value = found, value
        low = max(middle, np.log(value)) if value > 0 else middle
        if top - low < 1e-7:
            break
    return best


def _swapped(scaled, chosen, limit: Limit, candidates) -> np.ndarray:
    """Local search on a choice: swap a chosen city for another candidate (within the limit) while
    that raises the smallest gain."""
    chosen = [int(j) for j in chosen]
    costs = limit.costs if limit.by_budget else np.ones(scaled.shape[1])
    room = limit.budget if limit.by_budget else float(limit.k)
    for _ in range(SWAP_ROUNDS):
        checkpoint()
        current = scaled[:, chosen].sum(axis=1)
        value, move = float(current.min()), None
        spent = costs[chosen].sum()
        outside = candidates.copy()
        outside[chosen] = False
        for position, j in enumerate(chosen):
            fits = outside & (spent - costs[j] + costs <= room + 1e-12)
            floors = np.min((current - scaled[:, j])[:, None] + scaled, axis=0)
            floors[~fits] = -np.inf
            best = int(np.argmax(floors))
            if floors[best] > value * (1 + 1e-12) + 1e-300:
                value, move = float(floors[best]), (position, best)
        if move is None:
            break
        chosen[move[0]] = move[1]
    return np.asarray(chosen, dtype=int)


def _upper_bound(scaled, limit: Limit, candidates) -> float:
    """No choice gives city i more than its k largest gains (any budget: all its affordable ones)."""
    pool = scaled[:, candidates]
    if limit.by_budget:
        pool = pool[:, limit.costs[candidates] <= limit.budget]
        return float(np.min(pool.sum(axis=1))) if pool.size else 0.0
    k = min(limit.k, pool.shape[1])
    return float(np.min(np.sort(pool, axis=1)[:, -k:].sum(axis=1)))


def _undominated(cover, costs, candidates) -> np.ndarray:
    """The candidate columns no other candidate dominates (at least the same share of τ for every
    row at no more cost; of equal columns the first): a covering choice never needs a dominated
    one, as the dominating city does as much for no more. Skipped (every candidate kept) when the
    comparison would cost more than ``DOMINANCE_WORK`` operations."""
    pool = np.flatnonzero(candidates)
    a = cover[:, pool]
    c = np.asarray(costs, dtype=np.float64)[pool]
    m, n = a.shape
    if n * n * m > DOMINANCE_WORK:
        return pool
    keep = np.ones(n, dtype=bool)
    order = np.arange(n)
    for j in range(n):
        checkpoint()
        at_least = (a >= a[:, [j]]).all(axis=0) & (c <= c[j])
        better = (a > a[:, [j]]).any(axis=0) | (c < c[j]) | (order < j)
        at_least[j] = False
        if (at_least & better & keep).any():
            keep[j] = False
    return pool[keep]


def _threshold_search(scaled, limit: Limit, candidates, time_limit, progress) -> Choice:
    """The max–min optimum by bisection on the smallest gain τ (as p-centre problems are solved): is
    there a choice within the limit giving every row at least τ? Each answer is a covering
    programme (HiGHS); a choice found raises the lower end to its smallest gain, a proof of
    infeasibility lowers the upper end. Stops when the two ends are within ``SEARCH_TOLERANCE``."""
    m, n = scaled.shape
    started = time.perf_counter()
    high = _upper_bound(scaled, limit, candidates)
    best = _swapped(scaled, _greedy_max_min(scaled, limit, candidates, high), limit, candidates)
    z = np.zeros(n)
    z[best] = 1.0
    low = float(np.min(scaled @ z))
    limit_row, budget = limit.row(n)
    steps = 0
    proven = high  # the upper end proven (a threshold no choice reaches); ``high`` may be a step that timed out
    while high - low > SEARCH_TOLERANCE * max(low, 0.0) and high > DROP_BELOW:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0:
            break
        tau = np.sqrt(low * high) if low > 0 else 0.5 * high
        tau = min(max(tau, low + 0.25 * (high - low)), low + 0.75 * (high - low)) if low > 0 else tau
        cover = np.minimum(scaled / tau, 1.0)
        columns = _undominated(cover, limit_row, candidates)
        matrix = sp.vstack([sp.csr_matrix(cover[:, columns]), sp.csr_matrix(limit_row[columns].reshape(1, -1))])
        # the fewest cities (least cost) that give every row τ, stopped at the first choice within the
        # limit: its bound proves "none" far sooner than a search for any feasible choice. A step
        # gets a third of the time left: one that runs out lowers the search's upper end, not the proven one.
        result = _mip(limit_row[columns], matrix, np.append(np.ones(m), -np.inf),
                      np.append(np.full(m, np.inf), budget), np.ones(len(columns)), max(left / 3, min(left, 1.0)),
                      None, maximize=False, options={"mip_rel_gap": 1.0})
        steps += 1
        report(progress, min(0.99, steps / 30))
        if result.has_solution:
            found = _swapped(scaled, columns[result.x > 0.5], limit, candidates)
            z = np.zeros(n)
            z[found] = 1.0
            value = float(np.min(scaled @ z))
            if value > low:
                low, best = value, found
            else:  # within the solver's tolerances of τ but below it: treat τ as reached
                low = max(low, tau * (1 - 1e-9))
        elif result.status == "infeasible":
            high = proven = tau
        else:
            high = tau
    optimal = proven - low <= SEARCH_TOLERANCE * max(low, 0.0) or proven <= DROP_BELOW
    gap = (proven - low) / low if low > 0 else None
    return Choice(best, optimal, 0.0 if optimal else gap, "optimal" if optimal else "time limit",
                  Message("threshold search over covering programmes (HiGHS, {steps} steps)", steps=steps),
                  time.perf_counter() - started)


def _most_total_above(scaled, floor: float, gain, limit: Limit, candidates, start, time_limit, progress):
    """The most total gain among the choices whose rows all gain at least ``floor``."""
    m, n = scaled.shape
    limit_row, budget = limit.row(n)
    gain_scale = float(np.max(np.abs(gain))) or 1.0
    if floor > 0:
        rows = (_cover_rows(scaled, floor) if (scaled >= 0).all() else sp.csr_matrix(scaled / floor))
        matrix = sp.vstack([rows, sp.csr_matrix(limit_row.reshape(1, -1))]).tocsr()
        lower, upper = np.append(np.full(m, 1.0 - 1e-9), -np.inf), np.append(np.full(m, np.inf), budget)
    else:
        matrix = sp.vstack([sp.csr_matrix(scaled), sp.csr_matrix(limit_row.reshape(1, -1))]).tocsr()
        lower, upper = np.append(np.full(m, floor - 1e-12), -np.inf), np.append(np.full(m, np.inf), budget)
    return _mip(gain / gain_scale, matrix, lower, upper, candidates.astype(np.float64), time_limit, progress,
                start=start)


def best_without_widening(gain, lagging_gain, leading_gain, limit: Limit, candidates, time_limit: float = 60.0,
                          progress=None, total: Choice | None = None) -> Choice:
    """The most total ``gain`` such that the mean gain of the lagging group (``lagging_gain[j]``: its
    mean gain from city j) is at least that of the leading group: the total optimum when it keeps
    the gap, else an integer programme with that one more row."""
    gain = np.asarray(gain, dtype=np.float64)
    closing = np.asarray(lagging_gain, dtype=np.float64) - np.asarray(leading_gain, dtype=np.float64)
    n = len(gain)
    total = total or best_total(gain, limit, candidates, time_limit, progress)
    if closing[total.chosen].sum() >= 0:
        return Choice(total.chosen, total.optimal, total.gap, total.status,
                      Message("the total-gain optimum, which keeps the gap ({method})", method=total.method),
                      total.seconds)
    limit_row, budget = limit.row(n)
    scale = float(np.max(np.abs(closing))) or 1.0
    matrix = np.vstack([closing / scale, limit_row])
    gain_scale = float(np.max(np.abs(gain))) or 1.0
    result = _mip(gain / gain_scale, matrix, np.array([0.0, -np.inf]), np.array([np.inf, budget]),
                  np.asarray(candidates, dtype=np.float64), time_limit, progress)
    choice = _from_mip(result, n, Message("integer programme with the gap row (HiGHS)"))
    if not len(choice.chosen):
        raise InputError("No city can be chosen without widening the gap between the groups: every candidate "
                         "raises the leading group more than the lagging one. Allow candidates in or near the "
                         "lagging group, or choose the total gain.")
    return choice


# ------------------------------------------------------------------ the whole plan
@dataclass
class Evaluation:
    """One choice of cities and what it does (gains are changes of the outcome)."""

    chosen: np.ndarray  # positions
    change: np.ndarray  # each city's change
    total: float  # the sum over the target cities
    worst_min: float  # the smallest change among the least resilient cities
    worst_mean: float
    lagging_mean: float  # mean change in the lagging / leading group (NaN without groups)
    leading_mean: float
    cost: float  # NaN without costs

    @property
    def gap_change(self) -> float:
        """The change of the gap (leading minus lagging mean): below 0 it narrows."""
        return self.leading_mean - self.lagging_mean


@dataclass
class TargetingPlan:
    """Everything ``resilience:targeting`` shows: the reach, the choice, the comparisons."""

    objective: str
    unit_ids: np.ndarray
    reach: Reach
    baseline: np.ndarray  # the policy variable (latest year)
    outcome: np.ndarray  # the outcome (latest year)
    candidates: np.ndarray  # masks in the model's unit order
    target: np.ndarray
    worst: np.ndarray
    lagging: np.ndarray | None
    leading: np.ndarray | None
    limit: Limit
    choice: Choice
    total_choice: Choice
    evaluations: dict  # COMPARISONS -> Evaluation
    policy: Policy
    model: SpilloverResult
    notes: list = field(default_factory=list)

    @property
    def chosen(self) -> Evaluation:
        return self.evaluations["chosen"]

    def value(self, key: str = "chosen") -> float:
        """The objective's value for one of the compared choices."""
        evaluation = self.evaluations[key]
        return evaluation.worst_min if self.objective == "worst_off" else evaluation.total

    @property
    def price_of_fairness(self) -> float:
        """The total gain given up against the total-gain optimum (0 for ``total``)."""
        return self.evaluations["total_optimum"].total - self.chosen.total


def worst_off_group(outcome, target, share: float = WORST_SHARE) -> np.ndarray:
    """The ``share`` (0–1] of the target cities with the lowest outcome (at least one; ties by order)."""
    if not 0 < share <= 1:
        raise InputError("The share of the least resilient cities must be above 0 % and at most 100 % (asked "
                         "for {share:g} %).", share=100.0 * share)
    target = np.asarray(target, dtype=bool)
    pool = np.flatnonzero(target)
    count = max(1, math.ceil(share * len(pool) - 1e-9))
    order = pool[np.argsort(np.asarray(outcome)[pool], kind="stable")]
    mask = np.zeros(len(target), dtype=bool)
    mask[order[:count]] = True
    return mask


def _mask(values, n: int, what: Message, fallback=None) -> np.ndarray | None:
    if values is None:
        return fallback
    mask = np.asarray(values, dtype=bool)
    if mask.shape != (n,) or not mask.any():
        raise InputError("The {group} is empty: correct its expression so that it holds at least one city.",
                         group=what)
    return mask


def plan(fitted: SpilloverResult, policy: Policy, objective: str = "total", k: int | None = 20, costs=None,
         budget: float | None = None, candidates=None, target=None, worst_share: float = WORST_SHARE,
         lagging=None, leading=None, time_limit: float = 60.0, progress=None) -> TargetingPlan:
    """Choose the cities for ``objective`` (``TARGETING_OBJECTIVES``) and compare the choice.

    Masks are booleans in the model's unit order: ``candidates`` (None: every city), ``target``
    (whose gains count; None: every city), ``lagging`` and ``leading`` (the groups of the gap;
    ``leading`` None: every city not lagging; needed for ``gap``, shown for every objective when
    given). ``costs`` and ``budget``: the budget instead of ``k``."""
    if objective not in TARGETING_OBJECTIVES:
        raise InputError("Unknown objective “{objective}”; use one of {objectives}.", objective=objective,
                         objectives=", ".join(TARGETING_OBJECTIVES))
    data = fitted.data
    n = data.n
    notes = [note for note in fitted.notes]
    candidates = _mask(candidates, n, Message("candidate group"), np.ones(n, dtype=bool))
    target = _mask(target, n, Message("target group (cities whose gain counts)"), np.ones(n, dtype=bool))
    lagging = _mask(lagging, n, Message("lagging group"))
    if objective == "gap" and lagging is None:
        raise InputError("The gap objective needs the lagging group (e.g. the central and western cities): give "
                         "its expression.")
    if lagging is not None:
        leading = _mask(leading, n, Message("leading group"), ~lagging)
        if not leading.any():
            raise InputError("The {group} is empty: correct its expression so that it holds at least one city.",
                             group=Message("leading group"))
        if (leading & lagging).any():
            raise InputError("{count} cities are in both the leading and the lagging group; make the two "
                             "expressions exclusive.", count=int((leading & lagging).sum()))
    else:
        leading = None
    limit = Limit(k=None if costs is not None else k,
                  costs=None if costs is None else np.asarray(costs, dtype=np.float64), budget=budget)
    limit.check(candidates)
    multiplier = Multiplier(fitted, policy)
    reach = network_reach(fitted, policy, target, multiplier)
    if not np.isfinite(multiplier.dx).all():
        raise InputError("The policy variable {name} has no usable value in some chosen cities.",
                         name=policy.regressor)
    outcome = data.y.reshape(data.T, n)[-1]
    worst = worst_off_group(outcome, target, worst_share)
    report(progress, 0.1)
    total_choice = best_total(reach.gain, limit, candidates, time_limit, span(progress, 0.1, 0.3))
    if objective == "total":
        choice = total_choice
    elif objective == "worst_off":
        rows = multiplier.rows(np.flatnonzero(worst), span(progress, 0.3, 0.45))
        choice = best_worst_off(rows, reach.gain, limit, candidates, time_limit, span(progress, 0.45, 0.95))
    else:
        lag_gain = multiplier.dx * multiplier.column_sums(lagging / lagging.sum())
        lead_gain = multiplier.dx * multiplier.column_sums(leading / leading.sum())
        choice = best_without_widening(reach.gain, lag_gain, lead_gain, limit, candidates, time_limit,
                                       span(progress, 0.3, 0.95), total_choice)
    if not len(choice.chosen):
        raise InputError("No city is worth choosing: the policy gains nothing in the target cities (or nothing "
                         "fits the budget).")
    notes.extend(choice.notes)
    if not limit.by_budget and len(choice.chosen) < limit.k:
        notes.append(Message("{count} cities chosen, not {k}: any more would lower the objective or widen the gap.",
                             count=len(choice.chosen), k=limit.k))
    chosen_sets = {"chosen": choice.chosen, "total_optimum": total_choice.chosen,
                   "naive_policy": _ranked(baseline_values(data, policy.regressor), limit, candidates),
                   "naive_outcome": _ranked(-outcome, limit, candidates)}
    evaluations = {key: _evaluate(multiplier, positions, target, worst, lagging, leading, limit)
                   for key, positions in chosen_sets.items()}
    report(progress, 1.0)
    return TargetingPlan(objective, data.unit_ids, reach, baseline_values(data, policy.regressor), outcome,
                         candidates, target, worst, lagging, leading, limit, choice, total_choice, evaluations,
                         policy, fitted, notes)


def _evaluate(multiplier: Multiplier, positions, target, worst, lagging, leading, limit: Limit) -> Evaluation:
    mask = np.zeros(multiplier.n, dtype=bool)
    mask[positions] = True
    change = multiplier.apply(mask)
    nan = float("nan")
    return Evaluation(np.asarray(positions, dtype=int), change, float(change[target].sum()),
                      float(change[worst].min()), float(change[worst].mean()),
                      float(change[lagging].mean()) if lagging is not None else nan,
                      float(change[leading].mean()) if leading is not None else nan,
                      float(limit.costs[positions].sum()) if limit.by_budget else nan)


# ------------------------------------------------------------------ the knapsack (total gain, budget)
@dataclass
class BudgetChoice:
    """The cities chosen within a budget: positions, total gain and cost, and how sure the solver is."""

    chosen: np.ndarray
    gain: float
    cost: float
    optimal: bool
    gap: float | None
    status: str
    seconds: float = 0.0


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
                        result.status, result.seconds)
