"""A plain local Moran (LISA) of model residuals, for the residual cluster map.

``I_i = (n − 1)·z_i·(Wz)_i / Σ z²`` (z = centred values, W row-standardised; the scaling
of esda's ``Moran_Local``), with conditional-permutation pseudo p-values (Anselin 1995):
for each unit its neighbours' values are replaced ``permutations`` times by values drawn
without replacement from the other units (one seeded draw per permutation shared by all
units, as esda does), and p = (number of permuted I at least as extreme, folded + 1) /
(permutations + 1). Clusters use GeoDa's labels; units without neighbours are labelled so.

Deliberately separate from ``core.autocorrelation.local_moran`` (spdep's scaling, one
permutation stream per unit): the residual layer's RLISA_I and RLISA_P are these numbers
(esda's scaling, one draw shared by all units), so users' results stay the same. Quadrant
codes and labels are the autocorrelation package's (``clusters``). esda is not used
because its numba compilation costs seconds on first call inside QGIS.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..autocorrelation.clusters import LISA_LABELS, NO_NEIGHBOURS, NOT_SIGNIFICANT, quadrants


@dataclass
class LocalMoran:
    I: np.ndarray  # noqa: E741 - the statistic's name
    p: np.ndarray
    quadrant: np.ndarray  # GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL; 0 for units without neighbours
    alpha: float
    permutations: int

    @property
    def labels(self) -> np.ndarray:
        """GeoDa cluster label of each unit (significance at ``alpha``)."""
        labels = np.array([LISA_LABELS[q] if q else LISA_LABELS[NO_NEIGHBOURS] for q in self.quadrant], dtype=object)
        labels[(self.p > self.alpha) & (self.quadrant > 0)] = LISA_LABELS[NOT_SIGNIFICANT]
        return labels


def local_moran(values, W, permutations: int = 999, seed: int = 1, alpha: float = 0.05) -> LocalMoran:
    """Local Moran of ``values`` with the (row-standardised) sparse matrix ``W``."""
    values = np.asarray(values, dtype=np.float64)
    W = W.tocsr()
    n = len(values)
    z = values - values.mean()
    denominator = float(z @ z)
    lag = W @ z
    statistic = (n - 1) * z * lag / denominator if denominator > 0 else np.zeros(n)
    cardinality = np.diff(W.indptr)
    quadrant = quadrants(z, lag)
    quadrant[cardinality == 0] = 0
    p = np.ones(n)
    k_max = int(cardinality.max()) if n else 0
    if permutations and k_max and denominator > 0:
        rng = np.random.default_rng(seed)
        picks = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, :k_max]
        for i in np.flatnonzero(cardinality):
            start, end = W.indptr[i], W.indptr[i + 1]
            weights = W.data[start:end]
            others = picks[:, : end - start]
            others = others + (others >= i)  # skip unit i itself
            simulated = (n - 1) * z[i] * (z[others] @ weights) / denominator
            larger = int(np.sum(simulated >= statistic[i]))
            larger = min(larger, permutations - larger)
            p[i] = (larger + 1.0) / (permutations + 1.0)
    return LocalMoran(statistic, p, quadrant, alpha, permutations)
