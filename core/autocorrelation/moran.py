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
from ..progress import span
from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, check_values, standardize, weights_constants
from .global_permutation import PermutedForm, permuted_forms
from .inference import check_alternative, moments_z, normal_p, pseudo_p
from .permutation import RELATIVE_TIE, check_permutations


class _Permuted:
    """What the global statistics share: their checked start and their permutation attributes.

    Each statistic states how it depends on a permutation of its values (``self.form``, a
    :class:`~.global_permutation.PermutedForm`); with ``permutations`` it draws them itself, and
    :func:`permute_together` gives several statistics (every statistic and year of a run) the
    same draws at once.
    """

    permutations = 0

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

    def _permute(self, form: PermutedForm, permutations, seed, progress):
        self.form = form
        if check_permutations(permutations):
            permute_together([self], permutations, seed, progress)

    def take_permutations(self, sim) -> None:
        """Set the permutation attributes from the replicated statistics ``sim``."""
        self.sim = sim = np.asarray(sim, dtype=np.float64)
        self.permutations = len(sim)
        observed, alternative = self.statistic, self.alternative
        # Ties count as extreme (in both tails). A replication that equals the observed value in exact
        # arithmetic (the identity, a symmetry of W: common on small layers) may differ from it in the
        # last bits, the sums running in another order: within RELATIVE_TIE of the statistic's size it
        # is a tie.
        tolerance = RELATIVE_TIE * max(abs(observed), float(sim.std()))
        self.p_sim = float(pseudo_p(np.count_nonzero(sim >= observed - tolerance),
                                    np.count_nonzero(sim <= observed + tolerance), self.permutations, alternative))
        self.EI_sim = float(sim.mean())
        self.VI_sim = float(sim.var())
        self.seI_sim = float(np.sqrt(self.VI_sim))
        self.z_sim = float(moments_z(observed, self.EI_sim, self.VI_sim))
        self.p_z_sim = float(normal_p(self.z_sim, alternative))


def permute_together(results, permutations: int, seed=None, progress=None) -> None:
    """Permutation inference for several global statistics (``Moran``, ``Geary``, ``GeneralG``,
    ``MoranBV`` made with ``permutations=0``) on shared draws: those with the same number of units
    get the same ``permutations`` permutations of the ``seed`` (what each gets alone with that seed),
    drawn once for all of them (:func:`~.global_permutation.permuted_forms`)."""
    permutations = check_permutations(permutations)
    if not permutations or not results:
        return
    by_size: dict[int, list] = {}
    for result in results:
        by_size.setdefault(len(result.form.values), []).append(result)
    done = 0
    for group in by_size.values():
        step = span(progress, done / len(results), (done + len(group)) / len(results))
        for result, sim in zip(group, permuted_forms([r.form for r in group], permutations, seed, step)):
            result.take_permutations(sim)
        done += len(group)


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
        self._permute(PermutedForm(z, lambda q, linear, squares: scale * q / zz, matrix), permutations, seed,
                      progress)

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
        # Σ_i zx_i (W zy_π)_i = (Wᵀ zx) · zy_π: one linear form of the permuted zy, no product.
        lagged_x = np.asarray(matrix.T @ self.zx).ravel() / denominator
        self._permute(PermutedForm(self.zy, lambda q, linear, squares: linear[0], linear_weights=lagged_x[None, :]),
                      permutations, seed, progress)

    @property
    def statistic(self) -> float:
        return self.I
