"""The local Moran (LISA) of a model's residuals, for the residual cluster map.

A thin layer over :class:`core.autocorrelation.local_moran.LocalMoran` (one statistic, one
conditional-permutation engine): the statistic is reported in esda's scaling,
``I_i = (n − 1)·z_i·(Wz)_i / Σ z²`` (z = centred residuals), which is ``(n − 1)/n`` times
spdep's ``I_i`` that ``LocalMoran`` computes (z-scores, p-values and clusters do not depend on
the scaling); p is the directed pseudo p-value of the conditional permutations. Units without
neighbours get quadrant 0, p = 1 and the label "No neighbours". Residuals that do not vary (a
perfect fit) have no clusters: I = 0, p = 1, every unit with neighbours "Not significant".
"""

# ruff: noqa: N803 - matrix notation (W) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..autocorrelation.clusters import LISA_LABELS, NO_NEIGHBOURS, NOT_SIGNIFICANT, labels_for, quadrants
from ..autocorrelation.local_moran import LocalMoran as _LocalMoran
from ..constant import is_constant
from ..weights.model import SpatialWeights


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
        codes = np.where(self.p <= self.alpha, self.quadrant, NOT_SIGNIFICANT)
        codes[self.quadrant == 0] = NO_NEIGHBOURS
        return labels_for(codes, LISA_LABELS)


def local_moran(values, W, permutations: int = 999, seed: int = 1, alpha: float = 0.05) -> LocalMoran:
    """Local Moran of ``values`` with the (row-standardised) sparse matrix ``W`` as given."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    if W.shape != (n, n):
        raise ValueError(f"{n} values for a {W.shape[0]} × {W.shape[1]} weights matrix")
    weights = SpatialWeights(np.arange(n), sp.csr_matrix(W, dtype=np.float64), transform="O")
    if is_constant(values) or len(weights.islands) == n:  # a perfect fit, or no links: nothing to map
        centred = values - values.mean()
        quadrant = np.where(weights.cardinalities > 0, quadrants(centred, weights.matrix @ centred), 0)
        return LocalMoran(np.zeros(n), np.ones(n), quadrant, alpha, permutations)
    lisa = _LocalMoran(values, weights, permutations=permutations, seed=seed, alpha=alpha)
    tested = np.isfinite(lisa.Is)
    quadrant = np.where(tested, lisa.quadrant, 0)
    statistic = np.where(tested, lisa.Is * (n - 1) / n, 0.0)
    p = lisa.p if permutations else lisa.p_norm
    return LocalMoran(statistic, np.where(tested, p, 1.0), quadrant, alpha, permutations)
