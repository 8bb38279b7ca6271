"""The county-level target of network redundancy (core/coverage/county_target.py, and
models.partial_covering under it) against brute force: every subset of additional cores
enumerated by size (itertools.combinations) on Vincenty distances (independent of pyproj),
and each county's nearest core and distance from a Vincenty loop."""

from __future__ import annotations

import importlib.util
import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from digital_resilience.core.coverage.county_target import counties_frame, unattainable_message
from digital_resilience.core.coverage.models import partial_covering
from digital_resilience.core.coverage.redundancy import network_redundancy
from digital_resilience.core.coverage.report import summary_rows, write_redundancy_report
from digital_resilience.core.coverage.sites import sites_from_lonlat
from digital_resilience.core.errors import InputError, english

_spec = importlib.util.spec_from_file_location("coverage_reference",
                                               Path(__file__).parents[1] / "coverage_reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def vincenty(a, i, b, j):
    return reference.vincenty_km(a.lon[i], a.lat[i], b.lon[j], b.lat[j])


def case(seed, n_cities=10, n_counties=40):
    rng = np.random.default_rng(seed)
    cities = sites_from_lonlat(rng.uniform(110.0, 116.0, n_cities), rng.uniform(28.0, 33.0, n_cities))
    counties = sites_from_lonlat(rng.uniform(109.5, 116.5, n_counties), rng.uniform(27.5, 33.5, n_counties))
    return rng, cities, counties


def brute_target(near, cores, candidates, needed):
    """The fewest additions among ``candidates`` after which ≥ ``needed`` counties are covered."""
    free = [j for j in candidates if j not in set(cores)]
    for size in range(len(free) + 1):
        found = [set(extra) for extra in combinations(free, size)
                 if near[:, [*cores, *extra]].any(axis=1).sum() >= needed]
        if found:
            return size, found
    raise AssertionError("unreachable target")


@pytest.mark.parametrize(("seed", "radius", "n_cores", "share"), [
    (1, 150.0, 1, 0.9), (2, 180.0, 2, 0.75), (3, 120.0, 1, 0.6), (4, 200.0, 2, 1.0), (5, 160.0, 1, 0.9)])
def test_county_target_equals_brute_force(seed, radius, n_cores, share):
    rng, cities, counties = case(seed)
    n, k = len(cities), len(counties)
    cores = sorted(rng.choice(n, n_cores, replace=False).tolist())
    candidates = np.ones(n, bool)
    candidates[rng.choice(n, 2, replace=False)] = False  # two cities cannot host a core
    candidates[cores] = True
    mask = np.zeros(n, bool)
    mask[cores] = True
    km = np.array([[vincenty(counties, i, cities, j) for j in range(n)] for i in range(k)])
    near = km <= radius
    near[:, ~candidates] = False
    result = network_redundancy(cities, np.array([f"c{i}" for i in range(n)], dtype=object), mask, radius,
                                candidates=candidates, counties=counties,
                                county_names=np.array([f"k{i}" for i in range(k)], dtype=object), county_share=share)
    target = result.counties
    # before: each county's nearest existing core and its distance, by Vincenty
    np.testing.assert_allclose(target.existing.km, km[:, cores].min(axis=1), rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(target.existing.core, np.asarray(cores)[km[:, cores].argmin(axis=1)])
    np.testing.assert_array_equal(target.existing.covered, km[:, cores].min(axis=1) <= radius)
    np.testing.assert_array_equal(target.reachable, near.any(axis=1))
    needed = math.ceil(share * k - 1e-9)
    assert target.needed == needed
    aim = min(needed, int(near.any(axis=1).sum()))
    size, optimal = brute_target(near, cores, np.flatnonzero(candidates).tolist(), aim)
    assert target.result.optimal
    assert len(target.added) == size and set(target.added.tolist()) in optimal
    network = [*cores, *target.added.tolist()]
    assert target.after.covered.sum() == near[:, network].any(axis=1).sum() >= aim
    np.testing.assert_allclose(target.after.km, km[:, network].min(axis=1), rtol=1e-9, atol=1e-6)
    # with the cores added for N−1 protection
    protected = [*cores, *result.added.tolist()]
    np.testing.assert_array_equal(target.protected.covered, km[:, protected].min(axis=1) <= radius)


def test_partial_covering_with_demand_weights_equals_brute_force():
    rng = np.random.default_rng(7)
    import scipy.sparse as sp

    for _ in range(6):
        a = (rng.random((14, 8)) < 0.3).astype(np.int8)
        weights = rng.integers(1, 6, 14).astype(float)
        a[rng.integers(0, 14, 3)] = 0  # cities no site covers
        fixed = [int(rng.integers(0, 8))]
        reachable = weights[a.any(axis=1)].sum()
        target = float(rng.uniform(0.3, 1.0) * reachable)
        solution = partial_covering(sp.csr_matrix(a), weights, target, fixed)
        free = [j for j in range(8) if j not in fixed]
        best = next(size for size in range(len(free) + 1) if any(
            weights[a[:, [*fixed, *extra]].any(axis=1)].sum() >= target - 1e-9
            for extra in combinations(free, size)))
        assert solution.result.optimal
        assert len(solution.cores) - 1 == best == round(solution.result.objective)
        assert set(fixed) <= set(solution.cores.tolist())
        assert weights[a[:, solution.cores].any(axis=1)].sum() >= target - 1e-9


def test_unattainable_target_covers_every_reachable_county_and_says_so():
    # counties far from every city (1,000 km east): out of reach, so 90 % cannot be met
    cities = sites_from_lonlat([100.0, 101.0, 102.0], [30.0] * 3)
    counties = sites_from_lonlat([100.1, 101.1, 102.1, 112.0, 112.5], [30.0] * 5)
    result = network_redundancy(cities, np.array(list("ABC"), dtype=object), np.array([1, 0, 0], bool), 60.0,
                                counties=counties, county_names=np.array(list("pqrst"), dtype=object))
    target = result.counties
    assert not target.attainable and target.needed == 5 and target.aim == 3
    assert target.unreachable.tolist() == [3, 4]
    assert sorted(target.added.tolist()) == [1, 2] and target.after.covered.tolist() == [1, 1, 1, 0, 0]
    message = english(unattainable_message(target))
    assert "cannot be met" in message and "60.0 %" in message and "s, t" in message


def test_counties_frame_report_and_rows(tmp_path):
    import pandas as pd

    cities = sites_from_lonlat([100.0, 101.0, 102.0], [30.0] * 3)
    counties = sites_from_lonlat([100.1, 101.1, 102.1, 102.2], [30.0] * 4)
    result = network_redundancy(cities, np.array(list("ABC"), dtype=object), np.array([1, 0, 0], bool), 60.0,
                                counties=counties, county_names=np.array(list("pqrs"), dtype=object),
                                county_share=0.5)
    frame = pd.DataFrame({"name": list("pqrs"), "COVERED": [9, 9, 9, 9]})
    out = counties_frame(frame, np.array([11, 12, 13]), np.array(list("ABC"), dtype=object), result.counties)
    assert out["COVERED"].tolist() == [1, 0, 0, 0]  # the old COVERED column is replaced
    assert out["CORE_ID"].tolist() == [11, 11, 11, 11] and out["CORE_NAME"].tolist() == ["A"] * 4
    assert out["COV_AFTER"].sum() >= 2 and frame["COVERED"].tolist() == [9] * 4  # input unchanged
    np.testing.assert_allclose(out["DIST_KM"], [vincenty(counties, i, cities, 0) for i in range(4)], rtol=1e-9)
    rows = dict(summary_rows(result))
    assert rows["Coverage target: counties within the radius"] == "25.0 % (1) against the target of 50 %"
    assert rows["Fewest additional cores to reach the county target"].startswith("1 (proven optimal")
    html = Path(write_redundancy_report(tmp_path / "r.html", result, "cities")).read_text(encoding="utf-8")
    assert "County-level target" in html and "50 % of counties within 60 km" in html


@pytest.mark.parametrize(("share", "counties", "message"), [
    (0.0, [100.0], r"The county target must be a share between 0 and 100 %, not 0 %"),
    (1.5, [100.0], r"not 150 %"),
    (float("nan"), [100.0], r"not nan %"),
    (0.9, [], r"The county layer has no feature"),
])
def test_bad_county_input_gets_a_clear_message(share, counties, message):
    cities = sites_from_lonlat([100.0, 101.0], [30.0, 30.0])
    with pytest.raises(InputError, match=message):
        network_redundancy(cities, np.array(list("AB"), dtype=object), np.array([1, 0], bool), 100.0,
                           counties=sites_from_lonlat(counties, [30.0] * len(counties)), county_share=share)


def test_counties_in_another_crs_are_taken_to_the_cities_ellipsoid():
    """Counties from a projected layer (Web Mercator) and cities in WGS84 lon/lat: the same distances."""
    import pyproj
    import shapely

    from digital_resilience.core.coverage.sites import joined, sites_from_geometries

    lon, lat = np.array([100.2, 101.3, 102.1]), np.array([30.1, 30.4, 29.8])
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    counties = sites_from_geometries(shapely.points(x, y), pyproj.CRS.from_epsg(3857), "centroid")
    cities = sites_from_lonlat([100.0, 101.0], [30.0, 30.0])
    both = joined(cities, counties)
    assert both.crs == cities.crs and len(both) == 5
    np.testing.assert_allclose(both.lon[2:], lon, atol=1e-9)
    np.testing.assert_allclose(both.lat[2:], lat, atol=1e-9)
    result = network_redundancy(cities, np.array(list("AB"), dtype=object), np.array([1, 0], bool), 100.0,
                                counties=counties, county_share=0.5)
    expected = [min(reference.vincenty_km(lo, la, c, 30.0) for c in (100.0,)) for lo, la in zip(lon, lat)]
    np.testing.assert_allclose(result.counties.existing.km, expected, rtol=1e-9)
