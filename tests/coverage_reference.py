"""Independent references for the coverage model's tests (loaded by path: the tests run
in importlib mode): Vincenty's inverse formula, brute-force covering, a plain PuLP model.

Vincenty's inverse formula on the WGS84 ellipsoid is written out (no pyproj): an
independent check of the geodesic distances the coverage model uses (pyproj's
Karney algorithm). Vincenty (1975) converges to about 0.1 mm except for nearly
antipodal points, which the tests do not use.
"""

from __future__ import annotations

import math

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)


def vincenty_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    if lon1 == lon2 and lat1 == lat2:
        return 0.0
    u1 = math.atan((1 - F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - F) * math.tan(math.radians(lat2)))
    big_l = math.radians(lon2 - lon1)
    lam = big_l
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha ** 2
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm ** 2)))
        if abs(lam - previous) < 1e-13:
            break
    u_sq = cos2_alpha * (A * A - B * B) / (B * B)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm ** 2)
        - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma ** 2) * (-3 + 4 * cos_2sm ** 2)))
    return B * big_a * (sigma - delta_sigma) / 1000.0


def brute_force_cover(covers: list[set], n_cities: int, fixed=(), candidates=None):
    """The smallest covers (all of them) by enumeration: itertools.combinations of sizes 1, 2, …"""
    from itertools import combinations

    candidates = list(range(len(covers))) if candidates is None else list(candidates)
    free = [j for j in candidates if j not in set(fixed)]
    everything = set(range(n_cities))
    for size in range(len(fixed), len(fixed) + len(free) + 1):
        found = []
        for extra in combinations(free, size - len(fixed)):
            chosen = (*fixed, *extra)
            if set().union(*(covers[j] for j in chosen)) >= everything:
                found.append(chosen)
        if found:
            return size, found
    return None, []


def brute_force_max_cover(covers: list[set], weights, p: int, fixed=()):
    """The largest demand p sites can cover, by enumeration."""
    from itertools import combinations

    free = [j for j in range(len(covers)) if j not in set(fixed)]
    best = -1.0
    for extra in combinations(free, p - len(fixed)):
        covered = set().union(*(covers[j] for j in (*fixed, *extra))) if p else set()
        best = max(best, float(sum(weights[i] for i in covered)))
    return best


def pulp_cover(coverage_rows: list[list[int]], n_sites: int) -> float:
    """Set covering written as a plain PuLP model (binary y, no reductions), solved with CBC."""
    import pulp

    model = pulp.LpProblem("lscp_reference", pulp.LpMinimize)
    y = [pulp.LpVariable(f"y{j}", cat="Binary") for j in range(n_sites)]
    model += pulp.lpSum(y)
    for row in coverage_rows:
        model += pulp.lpSum(y[j] for j in row) >= 1
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[model.status] == "Optimal" and model.sol_status == 1
    return float(pulp.value(model.objective))


def pulp_max_cover(coverage_rows: list[list[int]], n_sites: int, weights, p: int, fixed=()) -> float:
    """Maximal covering written as a plain PuLP model (binary x and y), solved with CBC."""
    import pulp

    model = pulp.LpProblem("mclp_reference", pulp.LpMaximize)
    y = [pulp.LpVariable(f"y{j}", cat="Binary") for j in range(n_sites)]
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(len(coverage_rows))]
    model += pulp.lpSum(float(w) * xi for w, xi in zip(weights, x))
    for i, row in enumerate(coverage_rows):
        model += x[i] <= pulp.lpSum(y[j] for j in row)
    model += pulp.lpSum(y) == p
    for j in fixed:
        model += y[j] == 1
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[model.status] == "Optimal" and model.sol_status == 1
    return float(pulp.value(model.objective))
