"""Getis-Ord local Gi and Gi* (Getis and Ord 1992; Ord and Getis 1995): hot and cold spots.

As R spdep's ``localG``: Gi leaves unit i out of its own neighbourhood and of the
reference mean and variance; Gi* includes it (spdep's ``include.self``): the self
weight is 1 on the original scale (as binary contiguity and ArcGIS's Hot Spot
Analysis), then the weights are transformed (row-standardised: 1/(k_i + 1) each). The
z-score ``(Σ_j w_ij x_j − W_i x̄) / sd`` is the statistic users map; it does not change
when a row of weights is rescaled, so binary and row-standardised weights agree.

p-values are two-sided, from the normal approximation or, with permutations, from
conditional permutation (twice the directed pseudo p-value), then corrected for
multiple testing. ``bins`` is the Gi_Bin confidence class: ±3/±2/±1 for p ≤ 0.01,
0.05, 0.10 by the sign of z, 0 otherwise.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..weights.model import SpatialWeights
from .base import THE_VARIABLE, check_values, off_diagonal
from .clusters import HOTSPOT_LABELS, LISA_LABELS, NO_NEIGHBOURS
from .inference import confidence_bins, moments_z, normal_p
from .local_moran import _Local
from .permutation import ConditionalPermutations, check_permutations


def star_matrix(weights: SpatialWeights) -> sp.csr_matrix:
    """The transformed weights with every unit its own neighbour (self weight 1 before the
    transformation)."""
    n = weights.n
    matrix = sp.csr_matrix(weights.matrix + sp.identity(n, format="csr"))
    how = weights.transform
    if how in ("B", "V"):
        matrix.data[:] = 1.0
    if how == "V":
        q = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = sp.csr_matrix(sp.diags(1.0 / q) @ matrix)
        matrix = matrix * (n / matrix.sum())
    elif how == "R":
        matrix = sp.csr_matrix(sp.diags(1.0 / np.asarray(matrix.sum(axis=1)).ravel()) @ matrix)
    return sp.csr_matrix(matrix)


class LocalG(_Local):
    """Local Gi (``star=False``) or Gi* (``star=True``) of ``y``."""

    def __init__(self, y, weights: SpatialWeights, star: bool = True, permutations: int = 0, seed=None,
                 alpha: float = 0.05, correction: str = "none", progress=None, label: str = THE_VARIABLE):
        y = check_values(y, weights, label)
        n = len(y)
        self.n = n
        self.star = bool(star)
        self.islands = weights.islands
        full = star_matrix(weights) if star else off_diagonal(weights.transformed())
        matrix = off_diagonal(full)
        self_weight = full.diagonal()
        lag = full @ y
        wi = np.asarray(full.sum(axis=1)).ravel()
        s1i = np.asarray(full.multiply(full).sum(axis=1)).ravel()
        total = y.sum()
        if star:
            mean = np.full(n, y.mean())
            variance = np.full(n, ((y - y.mean()) ** 2).mean())
            self.EG_lag = wi * mean
            self.VG_lag = variance * (n * s1i - wi**2) / (n - 1)
            denominator = np.full(n, total)
        else:
            mean = (total - y) / (n - 1)
            variance = ((y * y).sum() - y * y) / (n - 1) - mean**2
            self.EG_lag = wi * mean
            self.VG_lag = variance * ((n - 1) * s1i - wi**2) / (n - 2)
            denominator = total - y
        with np.errstate(divide="ignore", invalid="ignore"):
            self.G = lag / denominator
        self.lag = lag
        self.z_score = moments_z(lag, self.EG_lag, self.VG_lag)
        self.p_norm = normal_p(self.z_score, "two-sided")
        for name in ("G", "z_score", "p_norm"):
            getattr(self, name)[self.islands] = np.nan
        self.permutations = check_permutations(permutations)
        tally = None
        neighbours_lag = lag - self_weight * y
        if self.permutations:
            engine = ConditionalPermutations(matrix, self.permutations, seed)
            tally = engine.linear(y, neighbours_lag, progress)
        self._infer(neighbours_lag, tally, self.p_norm, alpha, correction, alternative="two-sided")
        self.bins = confidence_bins(self.z_score, self.p_adjusted)
        self.labels = np.array([HOTSPOT_LABELS[int(b)] for b in self.bins], dtype=object)
        self.labels[self.islands] = LISA_LABELS[NO_NEIGHBOURS]
