"""Network redundancy (core/coverage/redundancy) against brute force: every single core
failure enumerated on Vincenty distances (independent of pyproj), and every subset of
additional cores enumerated by size (itertools.combinations)."""

from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from digital_resilience.core.coverage.redundancy import network_redundancy
from digital_resilience.core.coverage.sites import sites_from_lonlat
from digital_resilience.core.errors import Cancelled, InputError

_spec = importlib.util.spec_from_file_location("coverage_reference",
                                               Path(__file__).parents[1] / "coverage_reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def random_sites(n: int, seed: int):
    rng = np.random.default_rng(seed)
    return sites_from_lonlat(rng.uniform(110.0, 116.0, n), rng.uniform(28.0, 33.0, n))


def within(sites, radius):
    """within[i][j]: city j within ``radius`` of city i, by Vincenty."""
    n = len(sites)
    return np.array([[reference.vincenty_km(sites.lon[i], sites.lat[i], sites.lon[j], sites.lat[j]) <= radius
                      for j in range(n)] for i in range(n)])


def brute_failures(near, cores, weights):
    """For each core: the cities covered by the intact network and by no other core."""
    covered = near[:, cores].any(axis=1)
    out = {}
    for k in cores:
        others = [c for c in cores if c != k]
        still = near[:, others].any(axis=1) if others else np.zeros(len(near), bool)
        lost = np.flatnonzero(covered & ~still)
        out[k] = (set(lost.tolist()), float(weights[lost].sum()))
    return out


def brute_additions(near, cores, candidates):
    """The fewest additional candidates after which every single failure leaves every
    city covered that can be (cities with one candidate in reach: covered once)."""
    sites = sorted(set(candidates) | set(cores))
    need = np.minimum(near[:, sites].sum(axis=1), 2)
    free = [j for j in sites if j not in set(cores)]
    for size in range(len(free) + 1):
        found = [set(extra) for extra in combinations(free, size)
                 if (near[:, [*cores, *extra]].sum(axis=1) >= need).all()]
        if found:
            # and the defining property, checked by failing each core in turn
            for extra in found:
                network = [*cores, *extra]
                for k in network:
                    rest = [c for c in network if c != k]
                    protectable = need >= 2
                    assert near[np.ix_(protectable, rest)].any(axis=1).all()
            return size, found
    raise AssertionError("no solution")


@pytest.mark.parametrize(("seed", "radius", "n_cores"), [(1, 180.0, 3), (2, 220.0, 2), (3, 150.0, 4),
                                                         (4, 250.0, 1), (5, 200.0, 3)])
def test_n_minus_1_and_additions_equal_brute_force(seed, radius, n_cores):
    n = 12
    sites = random_sites(n, seed)
    rng = np.random.default_rng(seed + 100)
    weights = rng.uniform(1.0, 10.0, n)
    cores = sorted(rng.choice(n, n_cores, replace=False).tolist())
    mask = np.zeros(n, bool)
    mask[cores] = True
    near = within(sites, radius)
    result = network_redundancy(sites, np.array([f"c{i}" for i in range(n)], dtype=object), mask, radius,
                                weights=weights)
    expected = brute_failures(near, cores, weights)
    assert [f.core for f in result.failures] == cores
    for failure in result.failures:
        cities, demand = expected[failure.core]
        assert set(failure.cities.tolist()) == cities
        assert failure.demand == pytest.approx(demand)
    np.testing.assert_array_equal(result.cover_count, near[:, cores].sum(axis=1))
    assert result.backup_share == pytest.approx((near[:, cores].sum(axis=1) >= 2).mean())
    worst = max(expected.values(), key=lambda v: v[1])
    assert result.worst.demand == pytest.approx(worst[1])
    size, optimal = brute_additions(near, cores, range(n))
    assert result.result.optimal
    assert len(result.added) == size
    assert set(result.added.tolist()) in optimal
    np.testing.assert_array_equal(result.unprotectable, np.flatnonzero(near.sum(axis=1) == 1))
    # the 100 % target: the fewest additions covering every city once
    free = [j for j in range(n) if j not in cores]
    target = next(k for k in range(n) if any(near[:, [*cores, *extra]].any(axis=1).all()
                                             for extra in combinations(free, k)))
    assert result.target_result.optimal and len(result.target_added) == target
    assert near[:, [*cores, *result.target_added.tolist()]].any(axis=1).all()
    # after the additions no single failure uncovers a protectable city
    for failure in result.failures_after:
        assert set(failure.cities.tolist()) <= set(result.unprotectable.tolist())


def test_candidates_limit_the_additions_and_lone_cities_are_reported():
    # three clusters 300+ km apart; the right one has a single city: it can only be covered once
    lon = [100.0, 100.5, 101.0, 110.0, 110.4, 120.0]
    sites = sites_from_lonlat(lon, [30.0] * 6)
    names = np.array(list("ABCDEF"), dtype=object)
    cores = np.array([1, 0, 0, 1, 0, 1], bool)
    result = network_redundancy(sites, names, cores, 120.0, candidates=np.array([1, 1, 0, 1, 1, 0], bool))
    near = within(sites, 120.0)
    candidates = [0, 1, 3, 4]
    sub = np.zeros_like(near)
    sub[:, [*candidates, 5]] = near[:, [*candidates, 5]]
    size, optimal = brute_additions(sub, [0, 3, 5], [1, 4])
    assert len(result.added) == size and set(result.added.tolist()) in optimal
    assert result.unprotectable.tolist() == [5]  # F: only itself within reach
    assert result.names[result.unprotectable].tolist() == ["F"]
    # C (101.0) is covered only by... A at ~96 km: A's failure loses C (B is no core)
    lost = {f.core: set(f.cities.tolist()) for f in result.failures}
    assert 2 in lost[0]
    assert result.sole_core[2] == 0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cores": [0] * 4}, r"No city is a core"),
    ({"radius_km": 0.0}, r"The radius must be a positive distance in km, not 0"),
    ({"radius_km": -10.0}, r"not -10"),
    ({"time_limit": 0.0}, r"The time limit must be a positive number"),
    ({"weights": [1.0, np.nan, 1.0, 1.0]}, r"The demand \(weight\) is empty for 1 cities: B"),
])
def test_bad_input_gets_a_clear_message(kwargs, message):
    args = {"cores": [1, 0, 0, 0], "radius_km": 300.0}
    args.update(kwargs)
    args["cores"] = np.asarray(args["cores"], bool)
    sites = sites_from_lonlat([100, 101, 102, 103], [30] * 4)
    with pytest.raises(InputError, match=message):
        network_redundancy(sites, np.array(list("ABCD"), dtype=object), **args)


def test_cancel_stops_the_analysis():
    sites = random_sites(30, 9)

    def progress(fraction):
        if fraction > 0.25:
            raise Cancelled()

    with pytest.raises(Cancelled):
        network_redundancy(sites, np.array([str(i) for i in range(30)], dtype=object),
                           np.eye(1, 30, 0, dtype=bool).ravel(), 200.0, progress=progress)


@pytest.mark.parametrize(("seed", "radius"), [(11, 180.0), (12, 220.0), (13, 160.0), (14, 250.0)])
def test_additions_to_a_full_cover_equal_brute_force(seed, radius):
    """Existing cores that cover every city (a set-covering solution, the usual input): protection is
    then set covering of the singly covered cities (``_residual_cover``, with its reductions)."""
    n = 12
    sites = random_sites(n, seed)
    near = within(sites, radius)
    cover = next(list(c) for k in range(1, n + 1) for c in combinations(range(n), k)
                 if near[:, list(c)].any(axis=1).all())
    mask = np.zeros(n, bool)
    mask[cover] = True
    result = network_redundancy(sites, np.array([f"c{i}" for i in range(n)], dtype=object), mask, radius)
    size, optimal = brute_additions(near, cover, range(n))
    assert result.result.optimal and result.result.objective == size
    assert len(result.added) == size and set(result.added.tolist()) in optimal
    np.testing.assert_array_equal(result.cover_count_after, near[:, [*cover, *result.added.tolist()]].sum(axis=1))
