"""Network redundancy of a core–node network: what each single core failure costs (N−1),
which cities have a backup core, and the fewest additional cores that keep every city
covered under any single failure.

A city stays covered when any one core fails exactly when at least two cores lie within
the radius. Restoring that is an integer programme (solved with HiGHS):

    min Σ_j y_j (additional cores)  s.t.  Σ_j a_ij y_j ≥ b_i for every city i,
    y_j = 1 for the existing cores, y binary,

with b_i = min(2, number of candidates within the radius of city i): a city with a
single candidate within reach cannot be protected (reported, and kept covered once), a
city with none cannot be covered at all (reported, left out).

Distances and the coverage matrix come from :mod:`.costs` (geodesic, km).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, Message, preview
from ..progress import report, span
from .analysis import _check_weights, _positive, _require_solution, describe_status
from .costs import pairs_within
from .county_target import CountyTarget, check_county_inputs, county_target
from .sites import Sites
from .solver import INFINITY, MipResult, solve_mip

# per-city status in the existing network
BACKUP, SINGLE, UNCOVERED = "backup", "single", "uncovered"


@dataclass
class Failure:
    """What the failure of one core costs: the cities that no other core covers."""

    core: int  # city index of the core
    cities: np.ndarray  # city indices that lose coverage
    demand: float


@dataclass
class RedundancyResult:
    radius_km: float
    names: np.ndarray
    weights: np.ndarray
    cores: np.ndarray  # city indices of the existing cores
    candidates: np.ndarray  # city indices of the candidate sites for additional cores
    cover_count: np.ndarray  # per city: existing cores within the radius
    sole_core: np.ndarray  # per city: the only core covering it (city index), −1 otherwise
    failures: list[Failure]  # one per existing core, in the order of ``cores``
    reachable: np.ndarray  # per city: candidates (existing cores included) within the radius
    added: np.ndarray | None  # city indices of the additional cores (None without a solution)
    cover_count_after: np.ndarray | None  # per city: cores within the radius after the additions
    failures_after: list[Failure] | None  # N−1 in the extended network, one per core of it
    result: MipResult
    target_added: np.ndarray | None = None  # fewest additions for the 100 % target (single coverage)
    target_result: MipResult | None = None
    counties: CountyTarget | None = None  # the county-level target, when a county layer is given

    @property
    def status(self) -> np.ndarray:
        """backup (two cores or more), single (one core: lost if it fails), uncovered."""
        return np.where(self.cover_count >= 2, BACKUP, np.where(self.cover_count == 1, SINGLE, UNCOVERED))

    @property
    def covered_share(self) -> float:
        return float((self.cover_count >= 1).mean())

    @property
    def backup_share(self) -> float:
        return float((self.cover_count >= 2).mean())

    @property
    def unprotectable(self) -> np.ndarray:
        """Cities with exactly one candidate (existing cores included) within the radius."""
        return np.flatnonzero(self.reachable == 1)

    @property
    def unreachable(self) -> np.ndarray:
        """Cities with no candidate within the radius."""
        return np.flatnonzero(self.reachable == 0)

    @property
    def worst(self) -> Failure | None:
        """The single failure that loses the most demand (then the most cities)."""
        if not self.failures:
            return None
        return max(self.failures, key=lambda f: (f.demand, len(f.cities)))

    def as_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for the log and the report (labels translated by the caller)."""
        n = len(self.names)
        total = self.weights.sum()
        worst = self.worst
        single = int((self.cover_count == 1).sum())
        rows = [
            ("Radius", f"{self.radius_km:g} km"),
            ("Cities", str(n)),
            ("Existing cores", str(len(self.cores))),
            ("Cities covered", f"{int((self.cover_count >= 1).sum())} ({100 * self.covered_share:.1f} %)"),
            ("Cities covered twice or more (backup)",
             f"{int((self.cover_count >= 2).sum())} ({100 * self.backup_share:.1f} %)"),
            ("Cities lost if their only core fails", f"{single} ({100 * single / n:.1f} %)"),
        ]
        if worst is not None and len(worst.cities):
            rows.append(("Worst single failure", Message(
                "{core}: {cities} cities, {demand} % of demand", core=str(self.names[worst.core]),
                cities=len(worst.cities), demand=f"{100 * worst.demand / total:.2f}" if total > 0 else "0")))
        else:
            rows.append(("Worst single failure", Message("none: no single failure uncovers a city")))
        if self.added is not None:
            rows.append(("Additional cores for coverage under any single failure", str(len(self.added))))
            after = self.cover_count_after
            rows.append(("Cities covered twice or more after the additions",
                         f"{int((after >= 2).sum())} ({100 * float((after >= 2).mean()):.1f} %)"))
        if self.target_added is not None:
            rows.append(("Coverage target: cities within the radius", Message(
                "{share} % against the target of 100 %", share=f"{100 * self.covered_share:.1f}")))
            rows.append(("Fewest additional cores to reach the target (every city a candidate can reach)",
                         f"{len(self.target_added)} ({describe_status(self.target_result)})"))
        if self.counties is not None:
            rows.extend(self.counties.as_rows())
        rows.append(("Cities that cannot be protected (one candidate within the radius)",
                     str(len(self.unprotectable))))
        rows.append(("Cities out of reach of every candidate", str(len(self.unreachable))))
        rows.append(("Solution", describe_status(self.result)))
        rows.append(("Solver time", f"{self.result.seconds:.2f} s"))
        return rows


def single_failures(coverage: sp.csr_matrix, cores, weights) -> tuple[np.ndarray, np.ndarray, list[Failure]]:
    """N−1 for the ``cores`` (positions in the columns of ``coverage``, which is cities ×
    sites): per city the number of cores within the radius, the position of its only
    core (−1 when it has none or several), and one :class:`Failure` per core."""
    cores = np.asarray(cores, dtype=np.int64)
    sub = sp.csr_matrix(coverage[:, cores], dtype=np.int32)
    count = np.asarray(sub.sum(axis=1)).ravel()
    sole = np.full(coverage.shape[0], -1, dtype=np.int64)
    single = np.flatnonzero(count == 1)
    if single.size:
        rows = sub[single]
        sole[single] = cores[rows.indices[rows.indptr[:-1]]]
    failures = []
    for core in cores:
        lost = np.flatnonzero(sole == core)
        failures.append(Failure(int(core), lost, float(weights[lost].sum())))
    return count, sole, failures


def protect_network(coverage: sp.csr_matrix, fixed, time_limit: float = 60.0,
                    progress=None) -> tuple[np.ndarray | None, MipResult]:
    """The fewest sites to add to ``fixed`` (positions of the existing cores among the
    columns) so that every city is covered by min(2, sites within reach) cores."""
    m = coverage.shape[1]
    a = sp.csr_matrix(coverage, dtype=float)
    need = np.minimum(np.diff(a.indptr), 2).astype(float)
    fixed = np.asarray(fixed, dtype=np.int64)
    have = np.asarray(a[:, fixed].sum(axis=1)).ravel() if len(fixed) else np.zeros(a.shape[0])
    residual = np.maximum(need - have, 0.0)
    if residual.max(initial=0.0) <= 1.0:
        return _residual_cover(a, fixed, residual, time_limit, progress)
    lower = np.zeros(m)
    lower[np.asarray(fixed, dtype=np.int64)] = 1.0
    cost = 1.0 - lower  # existing cores cost nothing: the objective counts the additions
    keep = need > 0
    result = solve_mip(cost, a[keep], need[keep], np.full(int(keep.sum()), INFINITY), lower, np.ones(m),
                       np.ones(m, dtype=bool), time_limit=time_limit, progress=progress,
                       start=np.ones(m))  # every site: always feasible
    if not result.has_solution:
        return None, result
    chosen = np.flatnonzero((result.x > 0.5) & (lower == 0))
    return chosen, result


def _residual_cover(a: sp.csr_matrix, fixed: np.ndarray, residual: np.ndarray, time_limit: float,
                    progress) -> tuple[np.ndarray | None, MipResult]:
    """Protection when the existing cores leave every city at most one core short (e.g. they
    cover every city, as a set-covering solution does): the cities one short must each get one
    more core among the other sites, which is set covering of those cities by those sites, so
    its exact reductions and solver settings apply (:func:`.models.set_covering`).

    Measured (issue 16; N−1 of the 46 set-covering cores of the 2,848 county points at 300 km,
    44 additions, proven optimal): the full programme with HiGHS's defaults took 69 s of CPU;
    this one, reduced from 2,068 cities × 2,802 sites to 1,249 × 1,630, 10–11 s with HiGHS's
    defaults (one node: the root's heuristics and cuts close it) and 40 s with the options that
    suit the first stage (``models.PROOF_OPTIONS``, 327 nodes), hence ``RESIDUAL_OPTIONS``."""
    from .models import set_covering

    free = np.setdiff1d(np.arange(a.shape[1]), fixed)
    short = residual > 0
    solution = set_covering(sp.csr_matrix(a[short][:, free]), None, time_limit, progress, options=RESIDUAL_OPTIONS)
    if solution.cores is None:
        return None, solution.result
    return free[solution.cores], solution.result


#: HiGHS options for the residual set covering of :func:`protect_network` (see :func:`_residual_cover`):
#: the defaults, with the gap closed (the objective is integral).
RESIDUAL_OPTIONS = {"mip_rel_gap": 0.0}


def coverage_target(coverage: sp.csr_matrix, fixed, time_limit: float = 60.0,
                    progress=None) -> tuple[np.ndarray | None, MipResult]:
    """The fewest sites to add to ``fixed`` so that every city some candidate reaches is
    covered once (the 100 % target): set covering with the existing cores fixed."""
    from .models import set_covering

    reachable = np.diff(coverage.indptr) > 0
    solution = set_covering(sp.csr_matrix(coverage[reachable]), fixed, time_limit, progress)
    if solution.cores is None:
        return None, solution.result
    added = np.setdiff1d(solution.cores, np.asarray(fixed, dtype=np.int64))
    return added, _shift_to_additions(solution.result, len(fixed))


def _shift_to_additions(result: MipResult, fixed: int) -> MipResult:
    """Set covering counts every core; the target counts the additions."""
    objective = None if result.objective is None else result.objective - fixed
    bound = None if result.bound is None else max(result.bound - fixed, 0.0)
    gap = result.gap
    if objective is not None and bound is not None:
        gap = abs(objective - bound) / objective if objective > 0 else 0.0
    return MipResult(result.status, result.optimal, objective, bound, gap, result.seconds, result.nodes, result.x)


def network_redundancy(sites: Sites, names, cores, radius_km: float, candidates=None, weights=None,
                       time_limit: float = 60.0, progress=None, labels=None, counties: Sites | None = None,
                       county_names=None, county_share: float = 0.9) -> RedundancyResult:
    """N−1 analysis of the existing ``cores`` (a boolean mask over the cities) and the
    cheapest additional cores (among ``candidates``, a mask; default every city) that
    keep every city covered under any single core failure.

    ``counties``: the points of a finer demand layer (county-level units, ``county_names``
    their labels): their share within the radius and the fewest additional cores for
    ``county_share`` of them (:mod:`.county_target`)."""
    n = len(sites)
    names = np.asarray(names, dtype=object)
    labels = names if labels is None else np.asarray(labels, dtype=object)
    if n == 0:
        raise InputError("The layer has no cities (no feature, or none selected); choose a layer "
                         "with at least one feature.")
    if not _positive(radius_km):
        raise InputError("The radius must be a positive distance in km, not {radius}; enter e.g. 300.",
                         radius=f"{radius_km:g}")
    if not (np.isfinite(time_limit) and time_limit > 0):
        raise InputError("The time limit must be a positive number of seconds, not {limit}.",
                         limit=f"{time_limit:g}")
    core_mask = np.asarray(cores, dtype=bool)
    if not core_mask.any():
        raise InputError("No city is a core: the core field or expression matches no city. Choose the "
                         "field that marks the cores (e.g. IS_CORE from Core–node coverage) or an "
                         "expression such as \"is_core\" = 1.")
    weights = np.ones(n) if weights is None else _check_weights(weights, labels)
    if counties is not None:
        check_county_inputs(counties, county_share)
    candidate_mask = np.ones(n, dtype=bool) if candidates is None else np.asarray(candidates, bool).copy()
    candidate_mask |= core_mask
    candidate_index = np.flatnonzero(candidate_mask)
    fixed = np.flatnonzero(core_mask[candidate_index])  # positions in the candidate list
    pairs = pairs_within(sites, candidate_index, radius_km, span(progress, 0.0, 0.2))
    coverage = pairs.coverage()
    reachable = np.diff(coverage.indptr)

    count, sole, failures = single_failures(coverage, fixed, weights)
    sole = np.where(sole >= 0, candidate_index[np.maximum(sole, 0)], -1)
    for failure in failures:
        failure.core = int(candidate_index[failure.core])
    report(progress, 0.3)

    end = 0.95 if counties is None else 0.7
    target_pos, target_result = coverage_target(coverage, fixed, time_limit, span(progress, 0.3, 0.5))
    added_pos, result = protect_network(coverage, fixed, time_limit, span(progress, 0.5, end))
    _require_solution(result, _Limit(time_limit))
    county_result = None
    if counties is not None:
        county_names = np.arange(len(counties)).astype(str) if county_names is None else county_names
        county_result = county_target(sites, counties, county_names, candidate_index, fixed, radius_km,
                                      county_share, time_limit, span(progress, end, 0.95),
                                      protected=candidate_index[added_pos])
    after_cores = np.union1d(fixed, added_pos)
    count_after, _, failures_after = single_failures(coverage, after_cores, weights)
    for failure in failures_after:
        failure.core = int(candidate_index[failure.core])
    report(progress, 1.0)
    return RedundancyResult(float(radius_km), names, weights, candidate_index[fixed], candidate_index, count,
                            sole, failures, reachable, candidate_index[added_pos], count_after, failures_after,
                            result, None if target_pos is None else candidate_index[target_pos], target_result,
                            county_result)


@dataclass
class _Limit:
    time_limit: float


def unprotectable_message(result: RedundancyResult) -> Message | None:
    """A warning naming the cities that no added core can protect, or None."""
    lone = result.unprotectable
    if not lone.size:
        return None
    return Message("{count} cities have only one candidate core within {radius} km and cannot be protected "
                   "against its failure: {names}. Add candidates near them or raise the radius.",
                   count=len(lone), radius=f"{result.radius_km:g}", names=preview(result.names[lone]))


CITY_FIELDS = ("IS_CORE", "NEW_CORE", "N_COVER", "STATUS", "LOST_IF", "LOST_NAME", "N_AFTER", "CNTY_CORE")


def cities_frame(frame, ids, result: RedundancyResult):
    """The input cities (a copy, geometry kept) with their cover count, status and the core
    whose failure would leave them uncovered (empty when none would)."""
    from .layers import _values

    cities = frame.drop(columns=[c for c in CITY_FIELDS if c in frame.columns]).copy()
    n = len(frame)
    is_core = np.zeros(n, dtype=np.int32)
    is_core[result.cores] = 1
    new = np.zeros(n, dtype=np.int32)
    if result.added is not None:
        new[result.added] = 1
    sole = result.sole_core
    has = sole >= 0
    lost_if = np.full(n, None, dtype=object)
    lost_if[has] = _values(ids, sole[has])
    if np.asarray(ids).dtype.kind in "iu":  # integer ids stay integers, empty where no single core
        import pandas as pd

        lost_if = pd.array(lost_if, dtype="Int64")
    lost_name = np.full(n, None, dtype=object)
    lost_name[has] = result.names[sole[has]]
    cities["IS_CORE"] = is_core
    cities["NEW_CORE"] = new
    cities["N_COVER"] = result.cover_count.astype(np.int32)
    cities["STATUS"] = result.status.astype(object)
    cities["LOST_IF"] = lost_if
    cities["LOST_NAME"] = lost_name
    after = result.cover_count_after if result.cover_count_after is not None else result.cover_count
    cities["N_AFTER"] = after.astype(np.int32)
    if result.counties is not None:  # the additional cores of the county target
        county_core = np.zeros(n, dtype=np.int32)
        if result.counties.added is not None:
            county_core[result.counties.added] = 1
        cities["CNTY_CORE"] = county_core
    return cities


def cores_frame(sites, ids, result: RedundancyResult, target_crs=None):
    """One point per core, existing and added, with what its failure costs: LOST_N cities
    and LOST_DEM demand in the existing network (empty for added cores), AFTER_N cities
    once the additions are built."""
    import geopandas as gpd
    import shapely

    from .layers import _points, _values

    added = result.added if result.added is not None else np.zeros(0, dtype=np.int64)
    cores = np.concatenate([result.cores, added]).astype(np.int64)
    k = len(result.cores)
    total = result.weights.sum()
    lost_n = np.full(len(cores), np.nan)
    lost_dem = np.full(len(cores), np.nan)
    lost_n[:k] = [len(f.cities) for f in result.failures]
    lost_dem[:k] = [f.demand for f in result.failures]
    after = {f.core: len(f.cities) for f in (result.failures_after or [])}
    reach = np.asarray([len(f) for f in _covered_by(sites, cores, result.radius_km)], dtype=np.int32)
    x, y = _points(sites, cores, target_crs)
    return gpd.GeoDataFrame({
        "CORE_ID": _values(ids, cores),
        "NAME": np.asarray(result.names[cores], dtype=object),
        "NEW": np.concatenate([np.zeros(k, np.int32), np.ones(len(added), np.int32)]),
        "N_COVER": reach,
        "LOST_N": lost_n,
        "LOST_DEM": lost_dem,
        "LOST_SH": lost_dem / total if total > 0 else lost_dem * 0.0,
        "AFTER_N": np.asarray([after.get(int(c), 0) for c in cores], dtype=np.int32),
    }, geometry=shapely.points(x, y), crs=target_crs)


def _covered_by(sites, cores, radius_km):
    """For each core, the cities within the radius."""
    pairs = pairs_within(sites, cores, radius_km)
    coverage = pairs.coverage().tocsc()
    return [coverage.indices[coverage.indptr[j]:coverage.indptr[j + 1]] for j in range(len(cores))]
