"""k-nearest-neighbour weights, geodesic for geographic coordinates.

Planar coordinates: an exact KD-tree query. Geographic coordinates: libpysal and
scikit-learn offer only great-circle (haversine) distances on a sphere, which differ
from the ellipsoid by up to 0.5 % and can swap neighbours, so here candidates come
from a KD-tree on 3-D unit vectors and are re-ranked by exact geodesic distances
(pyproj ``Geod``). The candidate set is widened until the k-th exact distance is
provably smaller than any non-candidate's (sphere and ellipsoid distances differ by
less than 0.6 %), so the result is the exact geodesic k nearest neighbours.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..geodesy import Metric, pairwise_distances, unit_vectors
from ..progress import report
from .model import SpatialWeights

EARTH_RADIUS_KM = 6371.0088
# Geodesic distance on any Earth ellipsoid / great-circle distance on the mean sphere
# lies within [1 - 0.0056, 1 + 0.0056]; the margin keeps the bound conservative.
SPHERE_ERROR = 0.0067


def nearest_neighbours(x, y, k: int, metric: Metric, progress=None):
    """Indices (n×k) and distances (n×k, km or CRS units) of each point's k nearest others."""
    from scipy.spatial import cKDTree

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if k < 1:
        raise InputError("k must be at least 1.")
    if k >= n:
        raise InputError(
            "k = {k} needs more than {k} units, but the layer has {n}; choose k ≤ {max_k}.",
            k=k,
            n=n,
            max_k=n - 1,
        )
    if not metric.geographic:
        tree = cKDTree(np.column_stack([x, y]))
        distances, indices = tree.query(np.column_stack([x, y]), k=k + 1)
        indices, distances = _drop_self(indices, distances, k)
        if metric.unit_to_km:
            distances = distances * metric.unit_to_km
        report(progress, 1.0)
        return indices, distances

    vectors = unit_vectors(x, y)
    tree = cKDTree(vectors)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k))
    pending = np.arange(n)
    extra = max(4, k)
    while pending.size:
        m = min(k + 1 + extra, n)
        chord, candidates = tree.query(vectors[pending], k=m)
        chord = chord.reshape(len(pending), m)
        candidates = candidates.reshape(len(pending), m)
        origin = np.repeat(pending, m)
        exact = pairwise_distances(
            metric, x[origin], y[origin], x[candidates.ravel()], y[candidates.ravel()]
        ).reshape(len(pending), m)
        exact[candidates == pending[:, None]] = np.inf  # not one's own neighbour
        order = np.argsort(exact, axis=1, kind="stable")[:, :k]
        best = np.take_along_axis(exact, order, axis=1)
        if m == n:
            proven = np.ones(len(pending), dtype=bool)
        else:
            # Smallest possible geodesic distance of any point outside the candidates.
            arc = 2.0 * np.arcsin(np.minimum(chord[:, -1] / 2.0, 1.0)) * EARTH_RADIUS_KM
            proven = best[:, -1] <= arc * (1.0 - SPHERE_ERROR)
        done = pending[proven]
        indices[done] = np.take_along_axis(candidates[proven], order[proven], axis=1)
        distances[done] = best[proven]
        pending = pending[~proven]
        extra *= 2
        report(progress, 1.0 - pending.size / n)
    return indices, distances


def _drop_self(indices, distances, k):
    """Remove each point from its own neighbour list (it is not always first on ties)."""
    n = indices.shape[0]
    own = indices == np.arange(n)[:, None]
    has_self = own.any(axis=1)
    # Rows where self was not returned (duplicate points): drop the last column.
    own[~has_self, -1] = True
    keep = ~own
    return indices[keep].reshape(n, k), distances[keep].reshape(n, k)


def knn(x, y, ids, k: int, metric: Metric, symmetric: bool = False, progress=None) -> SpatialWeights:
    """k-nearest-neighbour weights (binary; row-standardised by default when used)."""
    indices, distances = nearest_neighbours(x, y, k, metric, progress)
    n = len(x)
    rows = np.repeat(np.arange(n), k)
    matrix = sp.csr_matrix((np.ones(n * k), (rows, indices.ravel())), shape=(n, n))
    weights = SpatialWeights(ids, matrix, "knn", "R", {"k": k, "max_distance": float(distances.max())})
    return weights.symmetrized() if symmetric else weights
