"""The core-node coverage analysis: the one entry point the Processing algorithm calls.

Checks the input (with messages that name the problem and the fix), computes the
geodesic coverage once for the largest radius needed, solves the chosen model, assigns
every city to its nearest core and compares the model over several radii.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, Message, preview
from ..progress import report, span
from .assignment import Assignment, assign_to_cores
from .costs import pairs_within
from .models import CoverSolution, backup_covering, maximal_covering, set_covering
from .options import PROBLEMS
from .sites import Sites


@dataclass
class CoverageSpec:
    """What to solve. ``p`` is the number of cores for maximal covering; ``backup``
    (set covering only) picks, among optimal covers, the one covering most cities twice."""

    problem: str = "set_covering"
    radius_km: float = 300.0
    p: int | None = None
    backup: bool = False
    time_limit: float = 60.0
    compare_radii: tuple = (200.0, 300.0, 500.0)


@dataclass
class RadiusRow:
    """The model at one radius (the comparison table)."""

    radius_km: float
    cores: int | None
    cities_share: float | None
    demand_share: float | None
    max_km: float | None
    optimal: bool
    gap: float | None
    note: str = ""


@dataclass
class CoverageResult:
    spec: CoverageSpec
    names: np.ndarray
    weights: np.ndarray
    candidates: np.ndarray  # city indices
    existing: np.ndarray  # city indices of existing cores (always kept)
    solution: CoverSolution
    cores: np.ndarray  # city indices of the chosen cores
    assignment: Assignment
    twice: int | None  # cities covered at least twice (backup coverage)
    comparison: list[RadiusRow] = field(default_factory=list)

    @property
    def result(self):
        return self.solution.result

    @property
    def cities_share(self) -> float:
        return float(self.assignment.covered.mean())

    @property
    def demand_share(self) -> float:
        total = self.weights.sum()
        return float(self.weights[self.assignment.covered].sum() / total) if total > 0 else 1.0

    def as_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for the log and the report (labels translated by the caller)."""
        spec, result = self.spec, self.result
        a = self.assignment
        rows = [
            ("Model", (Message("set covering with backup coverage") if spec.backup else Message("set covering"))
             if spec.problem == "set_covering" else Message("maximal covering (p = {p})", p=spec.p)),
            ("Radius", f"{spec.radius_km:g} km"),
            ("Cities", str(len(self.names))),
            ("Candidate sites", str(len(self.candidates))),
            ("Existing cores kept", str(len(self.existing))),
            ("Cores", str(len(self.cores))),
            ("Cities covered", f"{int(a.covered.sum())} ({100 * self.cities_share:.1f} %)"),
            ("Demand covered", f"{100 * self.demand_share:.2f} %"),
            ("Largest city-to-core distance", f"{a.km.max():.1f} km"),
            ("Mean city-to-core distance", f"{a.km.mean():.1f} km"),
            ("Cities covered by two cores or more", str(int((a.cover_count >= 2).sum()))),
            ("Solution", describe_status(result)),
            ("Solver time", f"{result.seconds:.2f} s"),
        ]
        if self.solution.reduced_shape is not None:
            rows.append(("Integer programme after reductions",
                         "{} cities × {} sites".format(*self.solution.reduced_shape)))
        if self.solution.backup is not None:
            rows.append(("Backup coverage", describe_status(self.solution.backup)))
        return rows


def describe_status(result) -> str:
    """'proven optimal', or the status with the gap: what the log must say (a core Message,
    English as a string, translated by the Processing layer)."""
    if result.optimal:
        return Message("proven optimal")
    gap = Message("unknown") if result.gap is None else f"{100 * result.gap:.2f} %"
    if result.bound is None:
        return Message("not proven optimal ({status}): gap {gap}", status=result.status, gap=gap)
    return Message("not proven optimal ({status}): gap {gap}, best bound {bound}", status=result.status,
                   gap=gap, bound=f"{result.bound:.4g}")


def _check_spec(spec: CoverageSpec, n: int) -> None:
    if n == 0:
        raise InputError("The layer has no cities (no feature, or none selected); choose a layer "
                         "with at least one feature.")
    if spec.problem not in PROBLEMS:
        raise InputError("Unknown problem “{problem}”; use set_covering or maximal_covering.",
                         problem=spec.problem)
    if not _positive(spec.radius_km):
        raise InputError("The radius must be a positive distance in km, not {radius}; enter e.g. 300.",
                         radius=f"{spec.radius_km:g}")
    bad = [r for r in spec.compare_radii if not _positive(r)]
    if bad:
        raise InputError("The radii to compare must be positive distances in km, not {radius}; enter e.g. "
                         "200, 300, 500, or leave the list empty.", radius=f"{bad[0]:g}")
    if not (np.isfinite(spec.time_limit) and spec.time_limit > 0):
        raise InputError("The time limit must be a positive number of seconds, not {limit}.",
                         limit=f"{spec.time_limit:g}")


def _positive(radius) -> bool:
    return bool(np.isfinite(radius) and radius > 0)


def _check_weights(weights, names) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    missing = ~np.isfinite(weights)
    if missing.any():
        raise InputError("The demand (weight) is empty for {count} cities: {names}. Fill the field "
                         "or choose another one.", count=int(missing.sum()), names=preview(names[missing]))
    negative = weights < 0
    if negative.any():
        raise InputError("The demand (weight) is negative for {count} cities: {names}. Demand must "
                         "be zero or more.", count=int(negative.sum()), names=preview(names[negative]))
    if len(weights) and not (weights > 0).any():
        # Nothing to cover: every solution would report 100 % of a demand of zero.
        raise InputError("The demand (weight) is zero for every city; choose another demand field, or "
                         "leave it empty to count every city once.")
    return weights


def core_node_coverage(sites: Sites, names, spec: CoverageSpec, candidates=None, existing=None,
                       weights=None, progress=None, labels=None) -> CoverageResult:
    """Solve the coverage model for the cities ``sites`` (labels ``names``; messages name
    them by ``labels``, e.g. "三沙市 (460300)", default ``names``).

    ``candidates`` / ``existing``: boolean masks over the cities (default: every city is
    a candidate, none is an existing core); existing cores are always candidates and are
    kept. ``weights``: the demand of each city (default 1).
    """
    n = len(sites)
    _check_spec(spec, n)
    names = np.asarray(names, dtype=object)
    labels = names if labels is None else np.asarray(labels, dtype=object)
    weights = np.ones(n) if weights is None else _check_weights(weights, labels)
    candidate_mask = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, bool).copy()
    existing_mask = np.zeros(n, dtype=bool) if existing is None else np.asarray(existing, bool)
    candidate_mask |= existing_mask
    if not candidate_mask.any():
        raise InputError("No city is a candidate core: the candidate expression matches no city. "
                         "Change the expression or leave it empty to consider every city.")
    candidate_index = np.flatnonzero(candidate_mask)
    fixed = np.flatnonzero(existing_mask[candidate_index])  # positions in the candidate list
    m = len(candidate_index)
    if spec.problem == "maximal_covering":
        if spec.p is None or spec.p < 1:
            raise InputError("Maximal covering needs the number of cores p (at least 1).")
        if spec.p > m:
            raise InputError("p = {p} cores is more than the {m} candidate cities; choose p ≤ {m} or "
                             "widen the candidates.", p=spec.p, m=m)
        if spec.p < len(fixed):
            raise InputError("p = {p} cores is fewer than the {k} existing cores that must stay; "
                             "choose p ≥ {k}.", p=spec.p, k=len(fixed))

    largest = max([spec.radius_km, *spec.compare_radii])
    pairs = pairs_within(sites, candidate_index, largest, span(progress, 0.0, 0.1))
    coverage = pairs.coverage(spec.radius_km)
    solution, twice = _solve(coverage, spec, spec.radius_km, fixed, weights, labels, span(progress, 0.1, 0.7))
    cores = candidate_index[solution.cores]
    assignment = assign_to_cores(sites, cores, spec.radius_km)
    result = CoverageResult(spec, names, weights, candidate_index, np.flatnonzero(existing_mask),
                            solution, cores, assignment, twice)
    result.comparison = _compare(sites, pairs, candidate_index, fixed, weights, labels, spec, result,
                                 span(progress, 0.7, 1.0))
    report(progress, 1.0)
    return result


def uncoverable(coverage) -> np.ndarray:
    """Cities that no candidate covers."""
    return np.flatnonzero(np.diff(coverage.indptr) == 0)


def _solve(coverage, spec, radius, fixed, weights, names, progress):
    if spec.problem == "maximal_covering":
        solution = maximal_covering(coverage, weights, spec.p, fixed, spec.time_limit, progress)
        _require_solution(solution.result, spec)
        return solution, None
    lost = uncoverable(coverage)
    if lost.size:
        raise InputError(
            "{count} cities cannot be covered: no candidate lies within {radius} km of {names}. "
            "Add candidates near them, raise the radius, or use maximal covering.",
            count=len(lost), radius=f"{radius:g}", names=preview(names[lost]),
        )
    solution = set_covering(coverage, fixed, spec.time_limit, span(progress, 0.0, 0.6 if spec.backup else 1.0))
    _require_solution(solution.result, spec)
    twice = None
    if spec.backup:
        cores, backup = backup_covering(coverage, len(solution.cores), fixed, solution.cores,
                                        spec.time_limit, span(progress, 0.6, 1.0))
        if cores is not None:
            solution.cores = cores
            twice = round(backup.objective)
        solution.backup = backup
    return solution, twice


def _require_solution(result, spec) -> None:
    if not result.has_solution:
        if result.status == "infeasible":
            raise InputError("The model has no solution with these candidates and existing cores; "
                             "widen the candidates.")
        raise InputError("The solver found no solution within the time limit of {limit} s; raise the "
                         "time limit.", limit=f"{spec.time_limit:g}")


def _compare(sites, pairs, candidate_index, fixed, weights, names, spec, main, progress) -> list[RadiusRow]:
    radii = sorted({float(r) for r in spec.compare_radii} | {float(spec.radius_km)})
    rows = []
    total = weights.sum()
    for k, radius in enumerate(radii):
        if radius == spec.radius_km:
            a = main.assignment
            rows.append(RadiusRow(radius, len(main.cores), main.cities_share, main.demand_share,
                                  float(a.km.max()), main.result.optimal, main.result.gap))
            continue
        coverage = pairs.coverage(radius)
        local = span(progress, k / len(radii), (k + 1) / len(radii))
        quick = CoverageSpec(spec.problem, radius, spec.p, False, spec.time_limit, ())
        if spec.problem == "set_covering" and uncoverable(coverage).size:
            count = uncoverable(coverage).size
            rows.append(RadiusRow(radius, None, None, None, None, False, None,
                                  Message("{count} cities out of reach of every candidate", count=count)))
            continue
        solution, _ = _solve(coverage, quick, radius, fixed, weights, names, local)
        cores = candidate_index[solution.cores]
        a = assign_to_cores(sites, cores, radius)
        demand = float(weights[a.covered].sum() / total) if total > 0 else 1.0
        rows.append(RadiusRow(radius, len(cores), float(a.covered.mean()), demand, float(a.km.max()),
                              solution.result.optimal, solution.result.gap))
    return rows
