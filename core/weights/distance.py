"""Distances between the units' points, shared by the distance-based kinds of weights.

* :func:`pairs_within`: every pair of points at most a threshold apart (distance band,
  inverse distance with a cut-off, fixed-bandwidth kernels);
* :func:`all_pairs`: every pair (inverse distance without cut-off, economic-geographic);
* :func:`smallest_threshold`: the smallest distance that gives every unit a neighbour.

Distances are geodesic in km on the layer's ellipsoid (pyproj ``Geod``) for geographic
CRSs and planar otherwise (km for metre/foot CRSs, CRS units else), as ``core.geodesy``
defines. libpysal's ``DistanceBand`` measures great circles on a sphere (``radius=``),
which differ from the ellipsoid by up to 0.5 % and so can add or drop pairs near the
threshold; here candidates come from a KD-tree on 3-D unit vectors with a radius
widened by that bound, and the exact geodesic distance decides. Planar distances are
``sqrt(dx*dx + dy*dy)``, the formula of R spdep's ``dnearneigh``, so that ties at the
threshold fall the same way.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, preview
from ..geodesy import Metric, pairwise_distances, unit_vectors
from ..progress import report, span
from .knn import EARTH_RADIUS_KM, SPHERE_ERROR, nearest_neighbours

#: Relative tolerance when comparing a distance with a threshold: the same pair's
#: distance computed in the other direction (or by the k-nearest search) may differ in
#: the last bit, and a threshold taken from a distance must keep that pair (1 µm/1000 km).
TOLERANCE = 1e-12
#: Pairs evaluated per block (bounds memory and gives progress/cancel points).
BLOCK = 2_000_000
#: Largest number of units for weights that link every pair of units (dense matrices).
MAX_DENSE_UNITS = 5000


def distances(metric: Metric, x, y, i, j) -> np.ndarray:
    """Distances between points ``i`` and ``j`` (index arrays), in km or CRS units."""
    if metric.geographic:
        return pairwise_distances(metric, x[i], y[i], x[j], y[j])
    dx, dy = x[j] - x[i], y[j] - y[i]
    planar = np.sqrt(dx * dx + dy * dy)
    return planar * metric.unit_to_km if metric.unit_to_km else planar


def _blocked_distances(metric, x, y, i, j, progress):
    """:func:`distances` in blocks, reporting progress (and so honouring cancel)."""
    out = np.empty(len(i))
    for start in range(0, len(i), BLOCK):
        stop = min(start + BLOCK, len(i))
        out[start:stop] = distances(metric, x, y, i[start:stop], j[start:stop])
        report(progress, stop / max(len(i), 1))
    return out


def pairs_within(x, y, threshold: float, metric: Metric, progress=None):
    """(i, j, d) for every ordered pair i != j with distance d <= ``threshold``.

    Both directions are listed with the same distance, so weights built from them are
    exactly symmetric.
    """
    from scipy.spatial import cKDTree

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if not threshold > 0:
        raise InputError("The distance threshold must be positive; got {value}.", value=threshold)
    if metric.geographic:
        arc = threshold / (EARTH_RADIUS_KM * (1.0 - SPHERE_ERROR))  # widest possible angle
        radius = 2.0 * np.sin(min(arc, np.pi) / 2.0) * (1 + 1e-9)  # chord of that angle
        tree = cKDTree(unit_vectors(x, y))
    else:
        radius = threshold / metric.unit_to_km if metric.unit_to_km else threshold
        radius *= 1 + 1e-9  # the tree's own rounding must not lose a pair at the threshold
        tree = cKDTree(np.column_stack([x, y]))
    report(progress, 0.05)
    pairs = tree.query_pairs(radius, output_type="ndarray")
    report(progress, 0.2)
    i, j = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    d = _blocked_distances(metric, x, y, i, j, span(progress, 0.2, 1.0))
    keep = d <= threshold * (1 + TOLERANCE)
    i, j, d = i[keep], j[keep], d[keep]
    return np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([d, d])


def all_pairs(x, y, metric: Metric, progress=None):
    """(i, j, d) for every ordered pair i != j (dense; refused beyond MAX_DENSE_UNITS)."""
    n = len(x)
    if n > MAX_DENSE_UNITS:
        raise InputError(
            "Weights without a cut-off link every pair of units: {n} units would make {links} links, "
            "more than fits in memory. Set a cut-off distance, or use k-nearest neighbours or a "
            "distance band.",
            n=n, links=f"{n * (n - 1):,}",
        )
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    i, j = np.triu_indices(n, k=1)
    d = _blocked_distances(metric, x, y, i, j, progress)
    return np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([d, d])


def smallest_threshold(x, y, metric: Metric) -> float:
    """The smallest distance at which every unit has at least one neighbour
    (the largest nearest-neighbour distance; GeoDa's and spdep's usual default)."""
    if len(x) < 2:
        raise InputError("Distance weights need at least two units; the layer has {n}.", n=len(x))
    _, nearest = nearest_neighbours(x, y, 1, metric)
    return float(nearest.max())


def require_neighbours(weights, threshold: float, x, y, metric, can_attach: bool = True) -> None:
    """Refuse a threshold that leaves units without neighbours, naming them and the fix."""
    islands = weights.islands
    if not len(islands):
        return
    params = {"threshold": f"{threshold:g}", "unit": metric.label, "count": len(islands),
              "ids": preview(weights.ids[islands]), "smallest": f"{smallest_threshold(x, y, metric):.6g}"}
    if can_attach:
        raise InputError(
            "Within {threshold} {unit}, {count} unit(s) have no neighbour: {ids}. Use at least {smallest} {unit} "
            "(the smallest distance that gives every unit a neighbour; 0 chooses it), or tick “attach islands to "
            "their nearest neighbour”.", **params)
    raise InputError(
        "Within {threshold} {unit}, {count} unit(s) have no neighbour: {ids}. Use at least {smallest} {unit} "
        "(the smallest distance that gives every unit a neighbour; 0 chooses it).", **params)
