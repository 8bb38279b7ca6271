"""Local Geary's c (Anselin 2019), as R spdep's ``localC`` and GeoDa's local Geary.

``c_i = Σ_j w_ij (z_i − z_j)²`` with z standardised with the sample standard deviation
(R's ``scale``, GeoDa). Small c_i: the unit resembles its neighbours (positive
association); large c_i: it differs from them (negative association). esda's
``Geary_Local`` standardises with the population standard deviation, so its values
are ``n/(n − 1)`` times these (p-values are the same).

Inference is by conditional permutation only (no analytical moments): the neighbours'
z and z² come from the same draws. GeoDa's cluster types: a significant unit whose c_i
is below the mean of its replications is positive — High-High or Low-Low by its
quadrant, "Other positive" otherwise — and one above is "Negative".
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, check_values, off_diagonal, standardize
from .clusters import (
    GEARY_LABELS,
    HIGH_HIGH,
    LOW_LOW,
    NEGATIVE,
    NO_NEIGHBOURS,
    NOT_SIGNIFICANT,
    OTHER_POSITIVE,
    labels_for,
    quadrants,
)
from .local_moran import _Local
from .permutation import RELATIVE_TIE, ConditionalPermutations, check_permutations


class LocalGeary(_Local):
    """Local Geary's c of ``y``, with conditional permutation inference."""

    def __init__(self, y, weights: SpatialWeights, permutations: int = 999, seed=None, alpha: float = 0.05,
                 correction: str = "none", progress=None, label: str = THE_VARIABLE):
        self.permutations = check_permutations(permutations)
        if not self.permutations:
            raise InputError("Local Geary's p-values come from permutations; set the number of permutations "
                             "(e.g. 999).")
        y = check_values(y, weights, label)
        matrix = off_diagonal(weights.transformed())
        self.n = len(y)
        self.islands = weights.islands
        z = standardize(y, ddof=1)
        z2 = z * z
        self.z = z
        self.lag = matrix @ z
        wi = np.asarray(matrix.sum(axis=1)).ravel()
        self.C = wi * z2 - 2.0 * z * self.lag + matrix @ z2
        self.C[self.islands] = np.nan
        engine = ConditionalPermutations(matrix, self.permutations, seed)

        def replicated(units, lags):
            lag, lag2 = lags
            return (wi[units] * z2[units])[:, None] - 2.0 * z[units][:, None] * lag + lag2

        scale = np.asarray(abs(matrix).sum(axis=1)).ravel() * float(np.max(z2)) * 4.0
        tally = engine.general([z, z2], replicated, np.nan_to_num(self.C), RELATIVE_TIE * scale, progress)
        self._infer(self.C, tally, None, alpha, correction)
        self.positive = self.C <= tally.mean
        quadrant = quadrants(z, self.lag)
        kind = np.where(self.positive, np.where(np.isin(quadrant, (HIGH_HIGH, LOW_LOW)), quadrant, OTHER_POSITIVE),
                        NEGATIVE)
        self.cluster = np.where(self.significant, kind, NOT_SIGNIFICANT).astype(np.int64)
        self.cluster[self.islands] = NO_NEIGHBOURS
        self.labels = labels_for(self.cluster, GEARY_LABELS)
