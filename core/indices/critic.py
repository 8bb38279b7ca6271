"""CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

On the min–max standardised matrix (1 = best):

    σ_j = sd of column j (ddof = 1; the weights do not depend on ddof)
    C_j = σ_j · Σ_k (1 − r_jk)        r = Pearson correlation between indicators
    w_j = C_j / Σ_k C_k

An indicator weighs more when it varies more (contrast) and agrees less with the others
(conflict). Directions are applied before (negative indicators reversed), so a cost
indicator that tracks a benefit indicator counts as agreeing with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError


@dataclass
class CriticWeights:
    sd: np.ndarray  # σ_j
    conflict: np.ndarray  # Σ_k (1 − r_jk)
    information: np.ndarray  # C_j
    weights: np.ndarray


def critic_weights(standardised: np.ndarray) -> CriticWeights:
    values = np.asarray(standardised, dtype=float)
    n, m = values.shape
    if n < 3:
        raise InputError("CRITIC weights need at least three units (correlations); the data have {n}.", n=n)
    sd = values.std(axis=0, ddof=1)
    correlation = np.corrcoef(values, rowvar=False) if m > 1 else np.ones((1, 1))
    conflict = (1.0 - correlation).sum(axis=0)
    information = sd * conflict
    total = information.sum()
    if not np.isfinite(total) or total <= 0:
        raise InputError("CRITIC weights are undefined here (a single indicator, or indicators that are "
                         "perfectly correlated); use entropy or equal weights.")
    return CriticWeights(sd, conflict, information, information / total)
