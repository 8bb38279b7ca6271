"""Distance-band weights: j is a neighbour of i when their points are at most a threshold
apart (binary; GeoDa's "distance band", libpysal's ``DistanceBand``, spdep's
``dnearneigh(x, 0, threshold)``).

The default threshold is the smallest distance that gives every unit at least one
neighbour (the largest nearest-neighbour distance), as GeoDa proposes.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..geodesy import Metric
from ..progress import span
from .distance import pairs_within, smallest_threshold
from .model import SpatialWeights


def distance_band(x, y, ids, metric: Metric, threshold: float = 0.0, progress=None) -> SpatialWeights:
    """Binary weights of the pairs within ``threshold`` (km or CRS units; 0 = automatic)."""
    if threshold < 0:
        raise InputError("The distance threshold cannot be negative; got {value}.", value=threshold)
    automatic = threshold == 0
    if automatic:
        threshold = smallest_threshold(x, y, metric)
    i, j, _ = pairs_within(x, y, threshold, metric, span(progress, 0.1 if automatic else 0.0, 1.0))
    n = len(x)
    matrix = sp.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    params = {"threshold": threshold, "automatic_threshold": automatic, "distance_unit": metric.label}
    return SpatialWeights(ids, matrix, "distance_band", "R", params)
