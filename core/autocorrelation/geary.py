"""Global Geary's C, as R spdep's ``geary.test`` (moments under normality and under
randomisation, ``zero.policy = TRUE, adjust.n = TRUE``), plus permutation inference.

``C = (n − 1) Σ_ij w_ij (x_i − x_j)² / (2 S0 Σ_i (x_i − x̄)²)``; E[C] = 1, C < 1 means
positive autocorrelation. Unlike spdep (which reports ``(1 − C)/sd``), ``z_*`` here is
``(C − 1)/sd`` like every other statistic of the toolkit, so positive autocorrelation
gives a *negative* z; the "less" alternative tests for it.
"""

from __future__ import annotations

import numpy as np

from ..errors import Message
from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, standardize
from .global_permutation import PermutedForm
from .inference import moments_z, normal_p
from .moran import _Permuted


class Geary(_Permuted):
    """Global Geary's C of ``y`` under ``weights``."""

    name = Message("Geary's C")

    def __init__(self, y, weights: SpatialWeights, permutations: int = 999, seed=None,
                 alternative: str = "two-sided", progress=None, label: str = THE_VARIABLE):
        y, matrix, constants = self._start(y, weights, alternative, label)
        n, n1 = constants.n, constants.n1
        s0, s1, s2 = constants.s0, constants.s1, constants.s2
        z = standardize(y, ddof=1)
        zz = float(z @ z)
        # spdep's geary(): the kurtosis uses the adjusted n with sums over every unit.
        self.kurtosis = n * float((z**4).sum()) / zz**2
        rows = np.asarray(matrix.sum(axis=1)).ravel()
        columns = np.asarray(matrix.sum(axis=0)).ravel()
        margins = rows + columns
        scale = n1 / (2.0 * s0)

        def squared_differences(values):  # Σ_ij w_ij (v_i − v_j)², one row of values at a time
            return (values * values) @ margins - 2.0 * np.einsum("ij,ij->i", values, (matrix @ values.T).T)

        self.C = scale * float(squared_differences(z[None, :])[0]) / zz
        self.EC = 1.0
        nn, k = n * n, self.kurtosis
        # As spdep's geary.test: with islands, the bare n of these formulas is every unit,
        # while n², n − 1, n − 2, n − 3 count the units with neighbours (adjust.n).
        m = len(y)
        self.VC_norm = ((2 * s1 + s2) * n1 - 4 * s0**2) / (2 * (m + 1) * s0**2)
        if n > 3:
            variance = n1 * s1 * (nn - 3 * m + 3 - k * n1)
            variance -= 0.25 * n1 * s2 * (nn + 3 * m - 6 - k * (nn - m + 2))
            variance += s0**2 * (nn - 3 - k * n1**2)
            self.VC_rand = variance / (m * (n - 2) * (n - 3) * s0**2)
        else:
            self.VC_rand = np.nan
        self.z_norm = float(moments_z(self.C, self.EC, self.VC_norm))
        self.z_rand = float(moments_z(self.C, self.EC, self.VC_rand))
        self.p_norm = float(normal_p(self.z_norm, alternative))
        self.p_rand = float(normal_p(self.z_rand, alternative))
        # Permuted: the centred values (the vector Moran's I permutes too; the standardisation cancels),
        # Σ_ij w_ij (v_i − v_j)² = m·v² − 2 vᵀWv.
        centred = y - y.mean()
        zz_centred = float(centred @ centred)
        self._permute(PermutedForm(centred, lambda q, linear, squares: scale * (squares[0] - 2.0 * q) / zz_centred,
                                   matrix, square_weights=margins[None, :]), permutations, seed, progress)

    @property
    def statistic(self) -> float:
        return self.C
