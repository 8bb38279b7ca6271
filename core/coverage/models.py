"""Set covering (LSCP), maximal covering (MCLP) and backup coverage as integer programmes.

The formulations are spopt's (Church & Murray 2018, as in ``spopt.locate.LSCP``,
``MCLP`` and ``LSCPB``), written here as sparse matrices for HiGHS: spopt builds every
constraint as a dense Python sum over all candidates (n × m terms: about a minute for
2,848 points before the solver starts) and only from a planar cost matrix.

* Set covering: min Σ_j y_j  s.t.  Σ_j a_ij y_j ≥ 1 for every city i; y binary.
* Maximal covering: max Σ_i w_i x_i  s.t.  x_i ≤ Σ_j a_ij y_j, Σ_j y_j = p, y binary,
  0 ≤ x ≤ 1 (x is integral at the optimum because the a_ij are 0/1).
* Backup coverage, second stage after set covering: with the number of cores fixed at
  the set-covering optimum p*, max Σ_i u_i  s.t.  Σ_j a_ij y_j ≥ 1 + u_i, Σ_j y_j = p*,
  0 ≤ u ≤ 1 (u_i = 0 where only one candidate covers city i).

Existing cores (``fixed``) enter every model as y_j = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..progress import span
from .reduction import reduce_cover, reduce_max_cover
from .solver import INFINITY, MipResult, solve_mip

# HiGHS options for set covering. Measured on the 2,848 county points of China at 300 km
# (1,768 cities × 1,851 sites after the reductions; LP bound 44.5, optimum 46, so the
# proof needs branching), 1 thread: HiGHS's defaults take 60–120 s; these take 12–17 s
# (41–58 nodes, depending on the random seed), found and proven. Two defaults cost that:
# * reliability branching strong-branches every candidate 8 times before trusting its
#   pseudo-costs: 110–190 thousand of the 300–400 thousand LP iterations of a run, each
#   on a dense LP (150 sites per city); pseudo-costs from the first branchings do as
#   well here (mip_pscost_minreliable 0);
# * the primal heuristics (RENS, RINS, the root reduced-cost sub-MIP, feasibility jump)
#   spend 15–30 s in sub-MIPs at the root; branching on the LP finds the optimal cover
#   within a few nodes anyway, and the greedy start keeps a cover if time runs out.
# At 350 and 500 km these options prove the optimum in 13 s and 8 s (defaults: no proof
# in 60 s, and 20 s). Some instances do better with the defaults (2,000 synthetic
# points spread like counties: 7 s with the defaults, 19 s with these).
# Measured and not used: an optimal start (13.7 s against 13.2 s from greedy's 51
# cores: the proof is the work); 2 threads (HiGHS runs the tree on one); racing two
# option sets on the two cores (halves each when the machine is busy, and which optimal
# cover comes back would depend on timing). The objective is integral, so the gap
# tolerance is zero: "optimal" means the bound reached the cover's size.
PROOF_OPTIONS = {
    "mip_rel_gap": 0.0,
    "mip_pscost_minreliable": 0,
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_root_reduced_cost": False,
}

# HiGHS options for the models whose demand variables are continuous (maximal and partial
# covering: 0 ≤ x_i ≤ Σ_j a_ij y_j, integral at an optimum anyway). Two things besides
# PROOF_OPTIONS' branching and heuristics:
# * presolve off: HiGHS's presolve declares the coverage variables implied integers (335 of the
#   sample's 351 rows at 300 km), and they then take part in cut separation and branching as if
#   they were integer; declaring them integer outright is slower still (47 s, issue 16);
# * no cut separation below the root: the nodes' LPs stay small, and the tree hardly grows.
# Measured on the 367 sample cities (centroids, synthetic 2019 data; 1 thread, time to the proof,
# 18 maximal-covering instances: 200/300/400 km × POP/GDP × p = 10/20/30): HiGHS's defaults
# 75 s in all (12.5 s for the demo's p = 20, 300 km, POP), PROOF_OPTIONS 39 s (5.4 s), with
# presolve off 16 s (2.1 s), and without cuts at the nodes 13 s (1.6 s); the random seed moves a
# single instance by up to ±50 % but not the order. Partial covering (12 instances: 200/300 km ×
# POP/GDP × 80/90/95 % of the demand): defaults 29.4 s in all, these 11.6 s. Each instance gave
# the same optimum under every option set; where several covers are optimal, the options decide
# which one comes back (the demo's maximal cover is the same as with the defaults).
COVERAGE_OPTIONS = {
    **{name: value for name, value in PROOF_OPTIONS.items() if name != "mip_rel_gap"},
    "presolve": "off",
    "mip_allow_cut_separation_at_nodes": False,
}


@dataclass
class CoverSolution:
    """The cores a model chose (positions in the candidate list) and how it was solved."""

    cores: np.ndarray
    result: MipResult  # the main stage (objective: cores, or covered demand)
    backup: MipResult | None = None  # the second stage of backup coverage
    reduced_shape: tuple[int, int] | None = None  # size of set covering after reductions


def _fixed_mask(fixed, m: int) -> np.ndarray:
    mask = np.zeros(m, dtype=bool)
    if fixed is not None:
        mask[np.asarray(fixed, dtype=np.int64)] = True
    return mask


def set_covering(coverage: sp.csr_matrix, fixed=None, time_limit: float = 60.0,
                 progress=None, options: dict | None = None) -> CoverSolution:
    """The fewest cores (including ``fixed`` ones) that cover every city.

    ``coverage``: cities × candidates, a_ij = 1 when candidate j covers city i; every
    city must be covered by at least one candidate (checked by the caller). ``options``:
    HiGHS options (default :data:`PROOF_OPTIONS`).
    """
    m = coverage.shape[1]
    fixed = _fixed_mask(fixed, m)
    reduced = reduce_cover(coverage, fixed, span(progress, 0.0, 0.1))
    rows, cols = reduced.matrix.shape
    if rows == 0:
        chosen = np.zeros(0, dtype=np.int64)
        result = MipResult("optimal", True, 0.0, 0.0, 0.0, 0.0, 0, np.zeros(0))
    else:
        result = solve_mip(
            cost=np.ones(cols), matrix=reduced.matrix,
            row_lower=np.ones(rows), row_upper=np.full(rows, INFINITY),
            col_lower=np.zeros(cols), col_upper=np.ones(cols), integer=np.ones(cols, dtype=bool),
            time_limit=time_limit, progress=span(progress, 0.1, 1.0), start=greedy_cover(reduced.matrix),
            options=PROOF_OPTIONS if options is None else options,
        )
        chosen = reduced.cols[result.x > 0.5] if result.has_solution else None
    forced = len(reduced.forced)
    result = _shift(result, forced)
    cores = None if chosen is None else np.union1d(reduced.forced, chosen)
    return CoverSolution(cores, result, reduced_shape=(rows, cols))


def greedy_cover(matrix: sp.csr_matrix, weights=None, target: float | None = None) -> np.ndarray:
    """A cover by Chvátal's greedy rule (the site covering most uncovered cities first, or the
    most uncovered ``weights``): the solver's starting point, so a run stopped by the time limit
    still has a cover. With ``target``, it stops once the covered weight reaches it (a partial
    cover; every row covered when ``target`` is None)."""
    by_column = sp.csc_matrix(matrix, dtype=np.float64 if weights is not None else np.int32)
    uncovered = (np.ones(matrix.shape[0], dtype=np.int32) if weights is None
                 else np.asarray(weights, dtype=np.float64).copy())
    chosen = np.zeros(matrix.shape[1])
    covered = 0.0
    while uncovered.any() and (target is None or covered < target - 1e-9):
        gains = uncovered @ by_column
        best = int(np.argmax(gains))
        chosen[best] = 1.0
        covered += float(gains[best])
        rows = by_column.indices[by_column.indptr[best]:by_column.indptr[best + 1]]
        uncovered[rows] = 0
    return chosen


def _shift(result: MipResult, offset: int) -> MipResult:
    """The result of a reduced problem, as the original problem's (forced sites added)."""
    objective = None if result.objective is None else result.objective + offset
    bound = None if result.bound is None else result.bound + offset
    gap = result.gap
    if objective and bound is not None:
        gap = abs(objective - bound) / abs(objective)
    return MipResult(result.status, result.optimal, objective, bound, gap, result.seconds,
                     result.nodes, result.x)


def backup_covering(coverage: sp.csr_matrix, cores_count: int, fixed=None, start=None,
                    time_limit: float = 60.0, progress=None) -> tuple[np.ndarray | None, MipResult]:
    """Among covers with ``cores_count`` cores, the one that covers the most cities twice.

    ``start``: a cover with that many cores (the set-covering solution), so a run cut
    short by the time limit still returns a cover at least as good.
    """
    n, m = coverage.shape
    fixed = _fixed_mask(fixed, m)
    coverage = sp.csr_matrix(coverage, dtype=float)
    # variables: y (m) then u (n); rows: A y − u ≥ 1 (n), Σ y = cores_count (1)
    twice_possible = np.diff(coverage.indptr) >= 2
    matrix = sp.vstack([
        sp.hstack([coverage, -sp.identity(n, format="csr")]),
        sp.hstack([sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, n))]),
    ], format="csr")
    row_lower = np.concatenate([np.ones(n), [cores_count]])
    row_upper = np.concatenate([np.full(n, INFINITY), [cores_count]])
    col_lower = np.concatenate([fixed.astype(float), np.zeros(n)])
    col_upper = np.concatenate([np.ones(m), twice_possible.astype(float)])
    integer = np.concatenate([np.ones(m, dtype=bool), np.zeros(n, dtype=bool)])
    initial = None
    if start is not None:
        y = np.zeros(m)
        y[np.asarray(start, dtype=np.int64)] = 1.0
        counts = coverage @ y
        initial = np.concatenate([y, np.clip(counts - 1.0, 0.0, 1.0) * twice_possible])
    result = solve_mip(np.concatenate([np.zeros(m), np.ones(n)]), matrix, row_lower, row_upper,
                       col_lower, col_upper, integer, maximize=True, time_limit=time_limit,
                       progress=progress, start=initial)
    cores = np.flatnonzero(result.x[:m] > 0.5) if result.has_solution else None
    return cores, result


def maximal_covering(coverage: sp.csr_matrix, weights, p: int, fixed=None,
                     time_limit: float = 60.0, progress=None) -> CoverSolution:
    """The ``p`` cores (including ``fixed`` ones) that cover the most demand ``weights``.

    The problem is first reduced exactly (:func:`reduce_max_cover`: identical cities
    merged, dominated sites dropped), which shrinks it several times on city layers.

    HiGHS runs with :data:`COVERAGE_OPTIONS` (the measurements are there): the sample's p = 20 at
    300 km (reduced to 351 × 279) is proven in about 1.6 s instead of 12.5 s with the defaults.
    Measured and not used (issue 16, a loaded machine): integer coverage variables 47 s; symmetry
    detection off 34 s; more heuristic effort 34 s; an optimal start (the proof is the work); the
    greedy cover as start (1.95 s against 1.84 s, another of the tied covers). On the 2,848 counties
    (random demand, reduced to 2,826 × 2,408) neither option set proves p = 20 or 40 within 60 s,
    but these options end 0.7 % and 0.08 % from the bound, above the greedy cover (78,469 and 88,885
    against 81,728 and 90,339), where HiGHS's defaults are still at the root with worse covers than
    greedy's (gaps 50 % and 186 %).
    """
    m = coverage.shape[1]
    fixed = np.flatnonzero(_fixed_mask(fixed, m))
    reduced = reduce_max_cover(coverage, weights, fixed, p)
    free = p - len(fixed)
    rows, cols = reduced.matrix.shape
    if free == 0 or rows == 0:
        chosen = reduced.cols[:free]  # nothing left to cover: any sites will do
        result = MipResult("optimal", True, reduced.covered_by_fixed, reduced.covered_by_fixed, 0.0, 0.0, 0,
                           np.zeros(0))
        return CoverSolution(np.union1d(fixed, chosen).astype(np.int64), result, reduced_shape=(rows, cols))
    # variables: y (cols) then x (rows); constraints: x − A y ≤ 0 (rows), Σ y = free (1)
    matrix = sp.vstack([
        sp.hstack([-sp.csr_matrix(reduced.matrix, dtype=float), sp.identity(rows, format="csr")]),
        sp.hstack([sp.csr_matrix(np.ones((1, cols))), sp.csr_matrix((1, rows))]),
    ], format="csr")
    row_lower = np.concatenate([np.full(rows, -INFINITY), [free]])
    row_upper = np.concatenate([np.zeros(rows), [free]])
    integer = np.concatenate([np.ones(cols, dtype=bool), np.zeros(rows, dtype=bool)])
    result = solve_mip(np.concatenate([np.zeros(cols), reduced.weights]), matrix, row_lower, row_upper,
                       np.zeros(cols + rows), np.ones(cols + rows), integer, maximize=True,
                       time_limit=time_limit, progress=progress, options=COVERAGE_OPTIONS)
    cores = None
    if result.has_solution:
        cores = np.union1d(fixed, reduced.cols[result.x[:cols] > 0.5]).astype(np.int64)
    return CoverSolution(cores, _shift(result, reduced.covered_by_fixed), reduced_shape=(rows, cols))


def partial_covering(coverage: sp.csr_matrix, weights, target: float, fixed=None,
                     time_limit: float = 60.0, progress=None) -> CoverSolution:
    """The fewest cores (``fixed`` ones kept and not counted) that cover at least ``target``
    demand ``weights`` (e.g. 90 % of the counties): maximal covering's model with the roles of
    the objective and the constraint swapped,

        min Σ_j y_j  s.t.  x_i ≤ Σ_j a_ij y_j,  Σ_i w_i x_i ≥ target,  y binary, 0 ≤ x ≤ 1,

    on the same exact reductions (:func:`reduce_max_cover`: demand the fixed cores cover counts
    and leaves, identical rows merged, dominated sites dropped: swapping a site for one covering
    a superset never loses demand), started from the greedy partial cover and solved with
    :data:`COVERAGE_OPTIONS`. ``target`` must be
    reachable (at most the demand some candidate covers; checked by the caller). The result's
    objective counts the additions; ``cores`` holds the fixed ones and the additions.
    """
    m = coverage.shape[1]
    fixed = np.flatnonzero(_fixed_mask(fixed, m))
    reduced = reduce_max_cover(coverage, weights, fixed, len(fixed))
    rest = float(target) - reduced.covered_by_fixed
    rows, cols = reduced.matrix.shape
    if rest <= 1e-9:
        result = MipResult("optimal", True, 0.0, 0.0, 0.0, 0.0, 0, np.zeros(0))
        return CoverSolution(fixed.astype(np.int64), result, reduced_shape=(rows, cols))
    # variables: y (cols) then x (rows); constraints: x − A y ≤ 0 (rows), Σ w x ≥ rest (1)
    matrix = sp.vstack([
        sp.hstack([-sp.csr_matrix(reduced.matrix, dtype=float), sp.identity(rows, format="csr")]),
        sp.hstack([sp.csr_matrix((1, cols)), sp.csr_matrix(reduced.weights[None, :])]),
    ], format="csr")
    row_lower = np.concatenate([np.full(rows, -INFINITY), [rest]])
    row_upper = np.concatenate([np.zeros(rows), [INFINITY]])
    integer = np.concatenate([np.ones(cols, dtype=bool), np.zeros(rows, dtype=bool)])
    y = greedy_cover(reduced.matrix, reduced.weights, rest)
    x = np.minimum(reduced.matrix @ y, 1.0)
    result = solve_mip(np.concatenate([np.ones(cols), np.zeros(rows)]), matrix, row_lower, row_upper,
                       np.zeros(cols + rows), np.ones(cols + rows), integer, time_limit=time_limit,
                       progress=progress, start=np.concatenate([y, x]), options=COVERAGE_OPTIONS)
    cores = None
    if result.has_solution:
        cores = np.union1d(fixed, reduced.cols[result.x[:cols] > 0.5]).astype(np.int64)
    return CoverSolution(cores, result, reduced_shape=(rows, cols))
