"""Attach islands (units without neighbours) to their nearest unit.

Each island gets its nearest unit (by the distance between the units' points, geodesic
for geographic CRSs) as a neighbour, and becomes that unit's neighbour in turn, so
symmetric weights stay symmetric: libpysal's ``attach_islands`` and the usual fix for an
offshore city in contiguity weights (e.g. Sansha, 三沙市, in the China sample).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..geodesy import Metric
from .knn import nearest_neighbours
from .model import SpatialWeights


def attach_islands(weights: SpatialWeights, x, y, metric: Metric, weight_of_distance=None) -> SpatialWeights:
    """``weights`` with each island linked both ways to its nearest unit.

    ``weight_of_distance(d)`` gives the new links' weight (1 by default).
    """
    islands = weights.islands
    if not len(islands) or weights.n < 2:
        return weights
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    nearest, dists = nearest_neighbours(x, y, 1, metric)
    targets, d = nearest[islands, 0], dists[islands, 0]
    values = np.ones(len(islands)) if weight_of_distance is None else weight_of_distance(d)
    low, high = np.minimum(islands, targets), np.maximum(islands, targets)
    # Two islands may pick each other: keep each unordered pair once.
    _, first = np.unique(np.column_stack([low, high]), axis=0, return_index=True)
    low, high, values = low[first], high[first], values[first]
    added = sp.csr_matrix(
        (np.concatenate([values, values]), (np.concatenate([low, high]), np.concatenate([high, low]))),
        shape=weights.matrix.shape,
    )
    matrix = weights.matrix.maximum(added)  # an existing one-way link keeps its weight
    params = dict(weights.params, attached_islands=weights.ids[islands].tolist())
    return SpatialWeights(weights.ids, matrix, weights.kind, weights.transform, params)
