"""Inverse-distance weights: w_ij = 1 / d_ij^α for every pair (or only pairs within a cut-off).

The usual "geographic distance weights" of spatial econometrics (α = 1, or α = 2 for
the gravity form), GeoDa's inverse distance and libpysal's ``DistanceBand(binary=False,
alpha=-α)``. Distances are in km for geographic and metre-based CRSs (CRS units
otherwise); the unit scales every weight alike, so it cancels under row
standardisation. Without a cut-off every pair of units is linked (a dense matrix).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, preview
from ..geodesy import Metric
from .distance import all_pairs, pairs_within
from .model import SpatialWeights


def coincident_error(ids, i, j) -> InputError:
    pairs = sorted({f"{ids[a]}–{ids[b]}" for a, b in zip(i, j) if a < b})
    return InputError(
        "{count} pair(s) of units share the same point, so 1/distance is infinite: {pairs}. "
        "Merge or move them, or use contiguity, k-nearest neighbours or a distance band.",
        count=len(pairs), pairs=preview(pairs),
    )


def distance_pairs(x, y, metric: Metric, cutoff: float, progress=None):
    """(i, j, d) of all pairs, or of the pairs within ``cutoff`` when it is positive."""
    if cutoff < 0:
        raise InputError("The cut-off distance cannot be negative; got {value}.", value=cutoff)
    if cutoff > 0:
        return pairs_within(x, y, cutoff, metric, progress)
    return all_pairs(x, y, metric, progress)


def inverse_distance(x, y, ids, metric: Metric, power: float = 1.0, cutoff: float = 0.0,
                     progress=None) -> SpatialWeights:
    """w_ij = d_ij^-power for i != j (within ``cutoff`` when it is positive)."""
    if not power > 0:
        raise InputError("The power α of inverse distance must be positive; got {value}.", value=power)
    ids = np.asarray(ids)
    i, j, d = distance_pairs(x, y, metric, cutoff, progress)
    zero = d == 0
    if zero.any():
        raise coincident_error(ids, i[zero], j[zero])
    n = len(x)
    matrix = sp.csr_matrix((d ** -power, (i, j)), shape=(n, n))
    params = {"power": power, "cutoff": cutoff or None, "distance_unit": metric.label}
    return SpatialWeights(ids, matrix, "inverse_distance", "R", params)
