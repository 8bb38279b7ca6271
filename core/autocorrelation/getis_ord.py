"""Getis-Ord General G (Getis and Ord 1992), as R spdep's ``globalG.test`` (defaults:
``adjust.n = TRUE, B1correct = TRUE, adjust.x = TRUE``), plus permutation inference.

``G = Σ_ij w_ij x_i x_j / Σ_{i≠j} x_i x_j`` for non-negative x: above E[G] when high
values cluster, below when low values do. The denominator and the moments use the
units that have neighbours (``adjust.x``). Binary weights are the usual choice.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, Message
from ..weights.model import SpatialWeights
from .base import THE_VARIABLE
from .inference import moments_z, normal_p
from .moran import _Permuted, _row_products


class GeneralG(_Permuted):
    """Getis-Ord General G of ``y`` (non-negative) under ``weights``."""

    name = Message("Getis-Ord General G")

    def __init__(self, y, weights: SpatialWeights, permutations: int = 999, seed=None,
                 alternative: str = "two-sided", progress=None, label: str = THE_VARIABLE):
        y, matrix, constants = self._start(y, weights, alternative, label)
        if (y < 0).any():
            raise InputError(
                "General G needs values of zero or more, but {name} has {count} negative value(s); "
                "use Moran's I, or a variable without negative values.",
                name=label, count=int((y < 0).sum()),
            )
        n, n1 = constants.n, constants.n1
        s0, s1, s2 = constants.s0, constants.s1, constants.s2
        has_neighbours = np.diff(matrix.indptr) > 0

        def statistic(values):  # one row of values at a time
            kept = values[:, has_neighbours]
            return _row_products(values, matrix) / (kept.sum(axis=1) ** 2 - (kept * kept).sum(axis=1))

        x = y[has_neighbours]
        sx, sx2, sx3, sx4 = x.sum(), (x**2).sum(), (x**3).sum(), (x**4).sum()
        if sx**2 - sx2 <= 0:
            raise InputError(
                "General G is undefined for {name}: fewer than two units with neighbours have a value "
                "above zero; use Moran's I.", name=label,
            )
        self.G = float(statistic(y[None, :])[0])
        self.EG = s0 / (n * n1)
        if n > 3:
            nn = n * n
            b0 = (nn - 3 * n + 3) * s1 - n * s2 + 3 * s0**2
            b1 = -((nn - n) * s1 - 2 * n * s2 + 6 * s0**2)
            b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0**2)
            b3 = 4 * n1 * s1 - 2 * (n + 1) * s2 + 8 * s0**2
            b4 = s1 - s2 + s0**2
            moment = b0 * sx2**2 + b1 * sx4 + b2 * sx**2 * sx2 + b3 * sx * sx3 + b4 * sx**4
            self.VG = float(moment / ((sx**2 - sx2) ** 2 * n * n1 * (n - 2) * (n - 3)) - self.EG**2)
        else:
            self.VG = np.nan
        self.z_rand = float(moments_z(self.G, self.EG, self.VG))
        self.p_rand = float(normal_p(self.z_rand, alternative))
        self._permute(y, statistic, permutations, seed, alternative, progress)

    @property
    def statistic(self) -> float:
        return self.G
