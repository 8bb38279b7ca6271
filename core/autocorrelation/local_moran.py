"""Local Moran's I (LISA; Anselin 1995): univariate, bivariate and differential.

Univariate, as R spdep's ``localmoran`` (``mlvar = TRUE``): ``z`` is x standardised
with the population standard deviation, ``I_i = z_i · (W z)_i``, so that the mean of
the ``I_i`` is the global Moran's I under row-standardised weights. GeoDa and esda
standardise with the sample standard deviation: their ``I_i`` are ``(n − 1)/n`` times
these (z-scores, p-values and clusters are the same). Analytical moments: conditional
randomisation (Sokal et al. 1998; spdep's default ``conditional = TRUE``) or total
randomisation (Anselin 1995).

Bivariate (x against the lag of y), as spdep's ``localmoran_bv``, esda's
``Moran_Local_BV`` and GeoDa's BiLISA: both variables standardised with the sample
standard deviation, ``I_i = x_i · (W y)_i``; the permutations draw the neighbours' y
from the other units. Its analytical moments are the exact moments of that conditional
permutation (sampling k_i of the n − 1 other y values without replacement):
``E = x_i W_i μ_(i)``, ``Var = x_i² σ²_(i) ((n − 1) W_i(2) − W_i²) / (n − 2)`` with
``μ_(i)``, ``σ²_(i)`` the mean and variance of y without unit i; with y = x they are
spdep's conditional moments.

Differential: the univariate statistic of the change ``x_t1 − x_t0`` (GeoDa's
differential LISA).

Inference: the permutation p-value (directed, as GeoDa and esda) when permutations are
asked for, otherwise the two-sided normal p-value of the analytical z; then the
multiple-testing correction; a unit is significant when its (adjusted) p ≤ alpha.
"""

from __future__ import annotations

import numpy as np

from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, check_values, off_diagonal, standardize
from .clusters import LISA_LABELS, labels_for, lisa_clusters, quadrants
from .inference import adjust_p, moments_z, normal_p, pseudo_p
from .permutation import ConditionalPermutations, Tally, check_permutations


def scaled_tally(tally: Tally, factor) -> Tally:
    """The tally of ``factor_i · lag_i`` from the tally of ``lag_i`` (sign flips the tails;
    a zero factor makes every replication a tie)."""
    factor = np.asarray(factor, dtype=np.float64)
    result = tally.flipped(factor < 0)
    zero = factor == 0
    result.greater = np.where(zero, tally.permutations, result.greater)
    result.less = np.where(zero, tally.permutations, result.less)
    result.mean = factor * tally.mean
    result.var = factor * factor * tally.var
    return result


class _Local:
    """Inference shared by the local statistics: p, correction, significance."""

    def _infer(self, observed, tally: Tally | None, analytical_p, alpha: float, correction: str,
               alternative: str = "directed"):
        islands = self.islands
        if tally is not None:
            self.p_sim = pseudo_p(tally.greater, tally.less, tally.permutations, alternative)
            self.EI_sim = tally.mean
            self.VI_sim = tally.var
            self.z_sim = moments_z(observed, tally.mean, tally.var)
            for name in ("p_sim", "EI_sim", "VI_sim", "z_sim"):
                getattr(self, name)[islands] = np.nan
            p = self.p_sim.copy()
        else:
            p = np.array(analytical_p, dtype=np.float64)
        p[islands] = np.nan
        self.p = p
        self.alpha = float(alpha)
        self.correction = correction
        self.p_adjusted = adjust_p(p, correction)
        self.significant = np.isfinite(self.p_adjusted) & (self.p_adjusted <= alpha)


class _LocalMoranBase(_Local):
    """What the univariate and bivariate local Moran share once ``Is``, ``EI`` and ``VI`` are
    known: analytical z and p, the conditional permutations, clusters and labels."""

    def _conclude(self, matrix, own, lagged, permutations, seed, alpha: float, correction: str, progress) -> None:
        """``own``: each unit's standardised value (the factor of its lag and its quadrant);
        ``lagged``: the standardised values whose lag is taken (and permuted)."""
        self.z_score = moments_z(self.Is, self.EI, self.VI)
        self.p_norm = normal_p(self.z_score, "two-sided")
        for name in ("Is", "EI", "VI", "z_score", "p_norm"):
            getattr(self, name)[self.islands] = np.nan
        self.permutations = check_permutations(permutations)
        tally = None
        if self.permutations:
            engine = ConditionalPermutations(matrix, self.permutations, seed)
            tally = scaled_tally(engine.linear(lagged, self.lag, progress), own)
        self._infer(self.Is, tally, self.p_norm, alpha, correction)
        self.quadrant = quadrants(own, self.lag)
        self.cluster = lisa_clusters(self.quadrant, self.significant, self.islands)
        self.labels = labels_for(self.cluster, LISA_LABELS)


class LocalMoran(_LocalMoranBase):
    """Univariate local Moran's I of ``y`` (also the differential LISA of a change)."""

    def __init__(self, y, weights: SpatialWeights, permutations: int = 999, seed=None, conditional: bool = True,
                 alpha: float = 0.05, correction: str = "none", progress=None, label: str = THE_VARIABLE):
        y = check_values(y, weights, label)
        matrix = off_diagonal(weights.transformed())
        n = len(y)
        self.n = n
        self.islands = weights.islands
        self.z = standardize(y, ddof=0)
        self.lag = matrix @ self.z
        self.Is = self.z * self.lag
        wi = np.asarray(matrix.sum(axis=1)).ravel()
        wi2 = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
        z2 = self.z**2
        if conditional:
            self.EI = -(z2 * wi) / (n - 1)
            self.VI = z2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (1.0 - z2 / (n - 1))
        else:
            b2 = float((z2 * z2).mean())  # m4 / m2² with m2 = 1
            self.EI = -wi / (n - 1)
            self.VI = (wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
                       - self.EI**2)
        self._conclude(matrix, self.z, self.z, permutations, seed, alpha, correction, progress)


class LocalMoranBV(_LocalMoranBase):
    """Bivariate local Moran's I: ``x`` at each unit against the spatial lag of ``y``."""

    def __init__(self, x, y, weights: SpatialWeights, permutations: int = 999, seed=None, alpha: float = 0.05,
                 correction: str = "none", progress=None, labels=("x", "y")):
        x = check_values(x, weights, labels[0])
        y = check_values(y, weights, labels[1])
        matrix = off_diagonal(weights.transformed())
        n = len(x)
        self.n = n
        self.islands = weights.islands
        self.zx = standardize(x, ddof=1)
        self.zy = standardize(y, ddof=1)
        self.lag = matrix @ self.zy
        self.Is = self.zx * self.lag
        wi = np.asarray(matrix.sum(axis=1)).ravel()
        wi2 = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
        others_mean = (self.zy.sum() - self.zy) / (n - 1)
        others_var = ((self.zy**2).sum() - self.zy**2) / (n - 1) - others_mean**2
        self.EI = self.zx * wi * others_mean
        self.VI = self.zx**2 * others_var * ((n - 1) * wi2 - wi**2) / (n - 2)
        self._conclude(matrix, self.zx, self.zy, permutations, seed, alpha, correction, progress)
