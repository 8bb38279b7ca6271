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
#: Points queried at a time (progress and cancel between chunks; bounded memory).
CHUNK = 100_000


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
        points = np.column_stack([x, y])
        # Sliding-midpoint trees build and query faster than balanced ones (scipy's docs).
        tree = cKDTree(points, balanced_tree=False, compact_nodes=False)
        indices = np.empty((n, k), dtype=np.int64)
        distances = np.empty((n, k))
        # Query in the tree's own order (neighbouring queries touch the same nodes: two to
        # three times faster on large layers than the layer's order), in chunks for
        # progress and cancel.
        order = tree.indices
        for start in range(0, n, CHUNK):
            rows = order[start:start + CHUNK]
            found, near = tree.query(points[rows], k=k + 1, workers=-1)
            near, found = _drop_self(near.reshape(len(rows), k + 1), found.reshape(len(rows), k + 1), k, rows)
            indices[rows], distances[rows] = near, found
            report(progress, min(start + CHUNK, n) / n)
        if metric.unit_to_km:
            distances *= metric.unit_to_km
        return indices, distances

    vectors = unit_vectors(x, y)
    tree = cKDTree(vectors, balanced_tree=False, compact_nodes=False)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k))
    tree_order = tree.indices  # query in tree order, as above
    for start in range(0, n, CHUNK):
        pending = tree_order[start:start + CHUNK]
        extra = 1  # candidates beyond the k + 1 nearest on the sphere; doubled until proven
        while pending.size:
            m = min(k + 1 + extra, n)
            chord, candidates = tree.query(vectors[pending], k=m, workers=-1)
            chord = chord.reshape(len(pending), m)
            candidates = candidates.reshape(len(pending), m)
            # Exact geodesic distances to every candidate but the point itself.
            exact = np.full(candidates.shape, np.inf)
            rows, cols = np.nonzero(candidates != pending[:, None])
            exact[rows, cols] = pairwise_distances(
                metric, x[pending[rows]], y[pending[rows]], x[candidates[rows, cols]], y[candidates[rows, cols]]
            )
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
            extra *= 4
        report(progress, min(start + CHUNK, n) / n)
    return indices, distances


def _drop_self(indices, distances, k, rows):
    """Remove each point from its own neighbour list (it is not always first on ties)."""
    n = indices.shape[0]
    own = indices == rows[:, None]
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
