"""Contiguity weights (queen and rook) from polygon vertices.

Two polygons are *queen* neighbours when they share at least one vertex and *rook*
neighbours when they share at least two, the criteria of R spdep's ``poly2nb`` (and of
GeoDa and libpysal's vertex-based contiguity). Shared vertices are found by sorting
all vertices once (``numpy.lexsort``) instead of testing polygon pairs, which is
what makes 100,000 polygons take seconds. With ``snap > 0`` vertices closer than
``snap`` (CRS units) count as shared, as ``poly2nb``'s ``snap`` argument does.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..progress import report
from .model import SpatialWeights


def _vertex_pairs(x, y, owner):
    """(owner_a, owner_b) for every pair of distinct owners that share a vertex."""
    order = np.lexsort((owner, y, x))
    x, y, owner = x[order], y[order], owner[order]
    # Drop a polygon's repeated vertices (ring closure, shared ring points).
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1]) | (owner[1:] != owner[:-1])
    x, y, owner = x[keep], y[keep], owner[keep]
    new_point = np.ones(len(x), dtype=bool)
    new_point[1:] = (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    starts = np.flatnonzero(new_point)
    sizes = np.diff(np.append(starts, len(x)))
    pairs_a, pairs_b = [], []
    for size in np.unique(sizes[sizes >= 2]):
        group_starts = starts[sizes == size]
        for a in range(size):
            for b in range(a + 1, size):
                pairs_a.append(owner[group_starts + a])
                pairs_b.append(owner[group_starts + b])
    if not pairs_a:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(pairs_a), np.concatenate(pairs_b)


def _snapped_vertex_pairs(x, y, owner, snap):
    """Like :func:`_vertex_pairs`, with vertices within ``snap`` of each other shared."""
    from scipy.spatial import cKDTree

    points = np.unique(np.column_stack([x, y, owner]), axis=0)
    tree = cKDTree(points[:, :2])
    close = tree.query_pairs(snap, output_type="ndarray")
    a = points[close[:, 0], 2].astype(np.int64)
    b = points[close[:, 1], 2].astype(np.int64)
    # Each polygon vertex also "shares" itself with itself; count distinct vertices
    # of polygon a that touch polygon b by keeping (vertex of a, b) pairs unique.
    distinct = a != b
    vertex_a = close[distinct, 0]
    a, b = a[distinct], b[distinct]
    keyed = np.unique(np.column_stack([vertex_a, np.minimum(a, b), np.maximum(a, b)]), axis=0)
    return keyed[:, 1], keyed[:, 2]


def contiguity(geometries, ids, rook: bool = False, snap: float = 0.0, progress=None) -> SpatialWeights:
    """Queen (default) or rook contiguity of polygons.

    ``geometries``: polygons or multipolygons (shapely array); ``ids``: one unique id
    per geometry. Units without a shared vertex are islands (zero rows).
    """
    import shapely

    geometries = np.asarray(geometries)
    n = len(geometries)
    if n == 0:
        raise InputError("The layer has no features; contiguity needs polygons.")
    kinds = set(shapely.get_type_id(geometries[~shapely.is_missing(geometries)]).tolist())
    if not kinds <= {3, 6, 7}:  # 7: collections, e.g. from repairing an invalid polygon
        raise InputError(
            "Contiguity weights need polygons; for points or lines use k-nearest "
            "neighbours or a distance band instead."
        )
    report(progress, 0.05)
    coords, owner = shapely.get_coordinates(geometries, return_index=True)
    report(progress, 0.3)
    if snap > 0:
        a, b = _snapped_vertex_pairs(coords[:, 0], coords[:, 1], owner, snap)
    else:
        a, b = _vertex_pairs(coords[:, 0], coords[:, 1], owner.astype(np.int64))
    report(progress, 0.8)
    # Count shared vertices per unordered polygon pair.
    low, high = np.minimum(a, b), np.maximum(a, b)
    shared = sp.coo_matrix((np.ones(len(low)), (low, high)), shape=(n, n)).tocsr()
    shared.sum_duplicates()
    needed = 2 if rook else 1
    upper = sp.triu(shared, k=1).tocoo()
    mask = upper.data >= needed
    rows, cols = upper.row[mask], upper.col[mask]
    matrix = sp.coo_matrix(
        (np.ones(2 * len(rows)), (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
        shape=(n, n),
    ).tocsr()
    report(progress, 1.0)
    kind = "rook" if rook else "queen"
    return SpatialWeights(ids, matrix, kind, "R", {"snap": snap})
