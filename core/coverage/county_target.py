"""The county-level coverage target of a core–node network: the share of county-level units
(a second, finer demand layer, e.g. the 2,848 counties of ``china_counties.gpkg``) within the
radius of a core, and the fewest additional cores (among the candidate cities) that bring it
to a target share (≥ 90 % of counties in the 2030 targets).

The fewest additions solve a partial set-covering integer programme (HiGHS,
:func:`.models.partial_covering`): min Σ_j y_j over the candidate cities with the existing
cores fixed, such that at least ⌈target · counties⌉ counties lie within the radius of a
chosen core. When fewer counties than that are within reach of any candidate, the target
cannot be met: the programme then covers every county some candidate reaches (reported).

Distances are geodesic (:mod:`.costs`), the counties taken to the cities' ellipsoid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Message, preview
from ..progress import span
from .analysis import describe_status
from .costs import distance_matrix, pairs_within
from .models import partial_covering
from .sites import Sites, joined
from .solver import MipResult


@dataclass
class CountyCoverage:
    """Each county's nearest core of one network and whether it is within the radius."""

    core: np.ndarray  # city index of the nearest core
    km: np.ndarray  # geodesic distance to it
    covered: np.ndarray  # bool: within the radius

    @property
    def share(self) -> float:
        return float(self.covered.mean()) if len(self.covered) else 0.0


@dataclass
class CountyTarget:
    radius_km: float
    target_share: float  # 0..1
    names: np.ndarray  # county labels
    existing: CountyCoverage  # with the existing cores
    reachable: np.ndarray  # bool per county: some candidate within the radius
    needed: int  # counties the target asks for: ⌈target · counties⌉
    aim: int  # counties the programme covers: needed, or every reachable county if fewer
    added: np.ndarray | None  # city indices of the fewest additional cores (None without a solution)
    after: CountyCoverage | None  # with the existing cores and the additions
    result: MipResult
    protected: CountyCoverage | None = None  # with the cores added for coverage under any single failure

    @property
    def attainable(self) -> bool:
        return self.aim >= self.needed

    @property
    def unreachable(self) -> np.ndarray:
        return np.flatnonzero(~self.reachable)

    def as_rows(self) -> list[tuple[str, object]]:
        n = len(self.names)
        target = f"{100 * self.target_share:g}"
        rows = [
            ("Counties", str(n)),
            ("Coverage target: counties within the radius", Message(
                "{share} % ({count}) against the target of {target} %",
                share=f"{100 * self.existing.share:.1f}", count=int(self.existing.covered.sum()), target=target)),
        ]
        if self.protected is not None:
            rows.append(("Counties within the radius after the additions for any single failure",
                         f"{int(self.protected.covered.sum())} ({100 * self.protected.share:.1f} %)"))
        if self.added is not None:
            rows.append(("Fewest additional cores to reach the county target",
                         f"{len(self.added)} ({describe_status(self.result)})"))
            rows.append(("Counties within the radius with them",
                         f"{int(self.after.covered.sum())} ({100 * self.after.share:.1f} %)"))
        rows.append(("Counties out of reach of every candidate", str(len(self.unreachable))))
        return rows


def _nearest(sites: Sites, counties, cores) -> tuple[np.ndarray, np.ndarray]:
    """The nearest of ``cores`` (rows of ``sites``) to each of ``counties`` and its distance (km)."""
    km = distance_matrix(sites, counties, cores)
    nearest = np.argmin(km, axis=1)
    return np.asarray(cores)[nearest], km[np.arange(len(counties)), nearest]


def county_coverage(sites: Sites, n_cities: int, cores, radius_km: float) -> CountyCoverage:
    """Coverage of the counties (rows ``n_cities`` … of the joined ``sites``) by ``cores`` (city indices)."""
    counties = np.arange(n_cities, len(sites))
    core, km = _nearest(sites, counties, np.asarray(cores, dtype=np.int64))
    return CountyCoverage(core, km, km <= radius_km)


def check_county_inputs(county_sites: Sites, target_share: float) -> None:
    """Bad county input, before any work: no county, a target share outside (0, 100 %]."""
    if len(county_sites) == 0:
        raise InputError("The county layer has no feature (or none selected); choose a layer with the "
                         "county-level units, e.g. resources/sample/china_counties.gpkg.")
    if not (np.isfinite(target_share) and 0.0 < target_share <= 1.0):
        raise InputError("The county target must be a share between 0 and 100 %, not {target} %; enter e.g. 90.",
                         target=f"{100 * target_share:g}")


def county_target(city_sites: Sites, county_sites: Sites, county_names, candidate_index, fixed, radius_km: float,
                  target_share: float = 0.9, time_limit: float = 60.0, progress=None,
                  protected=None) -> CountyTarget:
    """The county target for the network whose existing cores are ``candidate_index[fixed]``
    (city indices; ``fixed`` are positions in ``candidate_index``, the candidate cities).
    ``protected``: city indices of cores added for another purpose (N−1), to report the
    counties' share with them too."""
    check_county_inputs(county_sites, target_share)
    n = len(city_sites)
    k = len(county_sites)
    candidate_index = np.asarray(candidate_index, dtype=np.int64)
    fixed = np.asarray(fixed, dtype=np.int64)
    sites = joined(city_sites, county_sites)
    # pairs among every point; the county rows against the candidate cities are the ones used
    pairs = pairs_within(sites, candidate_index, radius_km, span(progress, 0.0, 0.3))
    coverage = pairs.coverage()[n:]
    reachable = np.diff(coverage.indptr) > 0
    existing = county_coverage(sites, n, candidate_index[fixed], radius_km)
    needed = int(np.ceil(target_share * k - 1e-9))
    aim = min(needed, int(reachable.sum()))
    solution = partial_covering(coverage, np.ones(k), aim, fixed, time_limit, span(progress, 0.3, 0.95))
    added = after = None
    if solution.cores is not None:
        added = candidate_index[np.setdiff1d(solution.cores, fixed)]
        after = county_coverage(sites, n, candidate_index[solution.cores], radius_km)
    protected_coverage = None
    if protected is not None:
        cores = np.union1d(candidate_index[fixed], np.asarray(protected, dtype=np.int64))
        protected_coverage = county_coverage(sites, n, cores, radius_km)
    return CountyTarget(float(radius_km), float(target_share), np.asarray(county_names, dtype=object), existing,
                        reachable, needed, aim, added, after, solution.result, protected_coverage)


def unattainable_message(target: CountyTarget) -> Message | None:
    """A warning when fewer counties than the target asks for are within reach of any candidate."""
    if target.attainable:
        return None
    return Message("The county target of {target} % cannot be met: only {share} % of the counties ({count}) lie "
                   "within {radius} km of a candidate core; out of reach: {names}. The additional cores cover "
                   "every county within reach. Add candidates near them or raise the radius.",
                   target=f"{100 * target.target_share:g}", share=f"{100 * target.aim / len(target.names):.1f}",
                   count=target.aim, radius=f"{target.radius_km:g}", names=preview(target.names[target.unreachable]))


COUNTY_FIELDS = ("COVERED", "DIST_KM", "CORE_ID", "CORE_NAME", "COV_AFTER", "DIST_AFTER")


def counties_frame(frame, city_ids, city_names, target: CountyTarget):
    """The input counties (a copy, geometry kept) with their nearest existing core (CORE_ID,
    CORE_NAME, DIST_KM), whether it is within the radius (COVERED), and the same once the
    target's additional cores are built (COV_AFTER, DIST_AFTER)."""
    from .layers import _values

    counties = frame.drop(columns=[c for c in COUNTY_FIELDS if c in frame.columns]).copy()
    now = target.existing
    counties["COVERED"] = now.covered.astype(np.int32)
    counties["DIST_KM"] = now.km
    counties["CORE_ID"] = _values(city_ids, now.core)
    counties["CORE_NAME"] = np.asarray(np.asarray(city_names, dtype=object)[now.core], dtype=object)
    after = target.after if target.after is not None else now
    counties["COV_AFTER"] = after.covered.astype(np.int32)
    counties["DIST_AFTER"] = after.km
    return counties
