"""Global Moran's I (univariate) and the bivariate Moran's I.

``Moran`` reproduces R spdep's ``moran.test`` (Cliff and Ord's moments under normality
and under randomisation, with spdep's defaults ``zero.policy = TRUE, adjust.n = TRUE``)
and adds permutation inference. esda's ``Moran`` gives the same I when there are no
islands. ``MoranBV`` is spdep's ``moran_bv`` / esda's ``Moran_BV``: both variables are
standardised with the sample standard deviation, ``I_B = Σ x_i (W y)_i / Σ x_i²``; its
permutations move y and keep x in place, as esda and GeoDa do.

Results are attributes (as in esda): ``I``, ``EI``, ``VI_norm``, ``z_norm``, ``p_norm``,
``VI_rand``, ``z_rand``, ``p_rand`` and, with permutations, ``sim``, ``p_sim``,
``EI_sim``, ``VI_sim``, ``z_sim``.
"""

from __future__ import annotations

import numpy as np

from ..errors import Message
from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, check_values, standardize, weights_constants
from .inference import check_alternative, moments_z, normal_p, pseudo_p
from .permutation import check_permutations, permuted_statistics


def _row_products(values, matrix):
    """Σ_i v_i (W v)_i for each row v of ``values`` (one permutation per row)."""
    return np.einsum("ij,ij->i", values, (matrix @ values.T).T)


class _Permuted:
    """What the global statistics share: their checked start and their permutation attributes."""

    def _start(self, y, weights: SpatialWeights, alternative: str, label):
        """Checked alternative and values, the transformed weights and their constants (n counts the
        units with neighbours); sets ``alternative``, ``n``, ``n_used`` and ``islands``."""
        self.alternative = check_alternative(alternative)
        y = check_values(y, weights, label)
        matrix = weights.transformed()
        constants = weights_constants(matrix)
        self.n = len(y)
        self.n_used = constants.n
        self.islands = weights.islands
        return y, matrix, constants

    def _permute(self, values, statistic, permutations, seed, alternative, progress):
        self.permutations = check_permutations(permutations)
        if not self.permutations:
            return
        sim = permuted_statistics(values, statistic, self.permutations, seed, progress)
        self.sim = sim
        observed = self.statistic
        self.p_sim = float(pseudo_p(np.count_nonzero(sim >= observed), np.count_nonzero(sim <= observed),
                                    self.permutations, alternative))
        self.EI_sim = float(sim.mean())
        self.VI_sim = float(sim.var())
        self.seI_sim = float(np.sqrt(self.VI_sim))
        self.z_sim = float(moments_z(observed, self.EI_sim, self.VI_sim))
        self.p_z_sim = float(normal_p(self.z_sim, alternative))


class Moran(_Permuted):
    """Global Moran's I of ``y`` under ``weights`` (transformed as the weights say)."""

    name = Message("Moran's I")

    def __init__(self, y, weights: SpatialWeights, permutations: int = 999, seed=None,
                 alternative: str = "two-sided", progress=None, label: str = THE_VARIABLE):
        y, matrix, constants = self._start(y, weights, alternative, label)
        n = constants.n
        z = y - y.mean()
        zz = float(z @ z)
        self.kurtosis = len(y) * float((z**4).sum()) / zz**2
        scale = n / constants.s0
        self.I = scale * float(z @ (matrix @ z)) / zz
        self.EI = -1.0 / (n - 1)
        s0, s1, s2 = constants.s0, constants.s1, constants.s2
        nn = n * n
        self.VI_norm = (nn * s1 - n * s2 + 3 * s0**2) / (s0**2 * (nn - 1)) - self.EI**2
        numerator = n * (s1 * (nn - 3 * n + 3) - n * s2 + 3 * s0**2) - self.kurtosis * (
            s1 * (nn - n) - 2 * n * s2 + 6 * s0**2)
        # The randomisation moments need n ≥ 4 (spdep divides by n − 3).
        self.VI_rand = numerator / ((n - 1) * (n - 2) * (n - 3) * s0**2) - self.EI**2 if n > 3 else np.nan
        self.z_norm = float(moments_z(self.I, self.EI, self.VI_norm))
        self.z_rand = float(moments_z(self.I, self.EI, self.VI_rand))
        self.p_norm = float(normal_p(self.z_norm, alternative))
        self.p_rand = float(normal_p(self.z_rand, alternative))
        self._permute(z, lambda batch: scale * _row_products(batch, matrix) / zz, permutations, seed,
                      alternative, progress)

    @property
    def statistic(self) -> float:
        return self.I


class MoranBV(_Permuted):
    """Bivariate Moran's I: ``x`` against the spatial lag of ``y``."""

    name = Message("Bivariate Moran's I")

    def __init__(self, x, y, weights: SpatialWeights, permutations: int = 999, seed=None,
                 alternative: str = "two-sided", progress=None, labels=("x", "y")):
        self.alternative = check_alternative(alternative)
        x = check_values(x, weights, labels[0])
        y = check_values(y, weights, labels[1])
        matrix = weights.transformed()
        self.zx = standardize(x, ddof=1)
        self.zy = standardize(y, ddof=1)
        self.n = len(x)
        denominator = float(self.zx @ self.zx)
        self.I = float(self.zx @ (matrix @ self.zy)) / denominator
        zx = self.zx

        def statistic(batch):  # batch: permutations of zy, one per row
            return (matrix @ batch.T).T @ zx / denominator

        self._permute(self.zy, statistic, permutations, seed, alternative, progress)

    @property
    def statistic(self) -> float:
        return self.I
