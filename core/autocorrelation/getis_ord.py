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
from .global_permutation import PermutedForm
from .inference import moments_z, normal_p
from .moran import _Permuted


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
        x = y[has_neighbours]
        sx, sx2, sx3, sx4 = x.sum(), (x**2).sum(), (x**3).sum(), (x**4).sum()
        if sx**2 - sx2 <= 0:
            raise InputError(
                "General G is undefined for {name}: fewer than two units with neighbours have a value "
                "above zero; use Moran's I.", name=label,
            )
        self.G = float(y @ (matrix @ y)) / (sx**2 - sx2)
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
        self._permute(self._form(y, matrix, has_neighbours), permutations, seed, progress)

    @staticmethod
    def _form(y, matrix, has_neighbours) -> PermutedForm:
        """G of a permutation from the permuted *centred* values v (the vector Moran's I and Geary's C
        permute too), with y_π = v + ȳ: Σ w y_π y_π = vᵀWv + ȳ m·v + ȳ² S0 (m: row plus column sums),
        Σ_kept y_π = k·v + K ȳ and Σ_kept y_π² = k·v² + 2ȳ k·v + K ȳ² (k: units with neighbours)."""
        mean = float(y.mean())
        centred = y - mean
        margins = np.asarray(matrix.sum(axis=1)).ravel() + np.asarray(matrix.sum(axis=0)).ravel()
        kept = has_neighbours.astype(np.float64)
        count, s0 = float(kept.sum()), float(matrix.sum())

        def finish(q, linear, squares):
            numerator = q + mean * linear[0] + mean * mean * s0
            total = linear[1] + count * mean
            total_sq = squares[0] + 2.0 * mean * linear[1] + count * mean * mean
            return numerator / (total * total - total_sq)

        return PermutedForm(centred, finish, matrix, linear_weights=np.vstack([margins, kept]),
                            square_weights=kept[None, :])

    @property
    def statistic(self) -> float:
        return self.G
