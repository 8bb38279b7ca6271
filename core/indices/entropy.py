"""The entropy weight method (熵权法).

For a standardised matrix Y (n rows, m indicators, values ≥ 0, 1 = best):

    p_ij = y'_ij / Σ_i y'_ij,     y'_ij = y_ij + shift
    e_j  = −(1 / ln n) · Σ_i p_ij ln p_ij      (0 · ln 0 = 0)
    d_j  = 1 − e_j,               w_j = d_j / Σ_k d_k

The shift. Min–max standardisation gives every indicator at least one exact zero, and
ln 0 is undefined. Implementations that *skip* the column or set its entropy to 0 when
it holds a zero (pymcdm's ``entropy_weights`` does the latter) give that indicator
divergence 1, the maximum weight: with min–max data every indicator has a zero, so the
weights degenerate. Here ``p ln p`` is taken as 0 at p = 0 (its limit), so the weights
are defined and continuous for any shift ≥ 0, and the toolkit adds the small, usual
translation shift = 0.0001 to the standardised values (y' = y + 0.0001) before the
entropy only, as most of the literature does; the index itself is Σ w_j y_ij on [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

DEFAULT_SHIFT = 1e-4


@dataclass
class EntropyWeights:
    entropy: np.ndarray  # e_j
    divergence: np.ndarray  # d_j = 1 − e_j
    weights: np.ndarray  # w_j


def entropy_weights(standardised: np.ndarray, shift: float = DEFAULT_SHIFT) -> EntropyWeights:
    """Entropy, divergence and weight of each column of ``standardised`` (see module doc)."""
    values = np.asarray(standardised, dtype=float) + float(shift)
    n = values.shape[0]
    if n < 2:
        raise InputError("The entropy weight method needs at least two units; the data have {n}.", n=n)
    if shift < 0 or (values < 0).any():
        raise InputError("The entropy weight method needs values ≥ 0; use min–max standardisation and a "
                         "shift ≥ 0.")
    totals = values.sum(axis=0)
    if (totals <= 0).any():
        raise InputError("An indicator is zero everywhere, so its entropy is undefined; remove it or use a "
                         "positive shift.")
    p = values / totals
    plogp = np.zeros_like(p)
    np.log(p, out=plogp, where=p > 0)
    plogp *= p
    entropy = -plogp.sum(axis=0) / np.log(n)
    divergence = 1.0 - entropy
    total = divergence.sum()
    if total <= 0:
        raise InputError("Every indicator has maximum entropy (identical values everywhere); entropy weights are "
                         "undefined. Use equal or user weights.")
    return EntropyWeights(entropy, divergence, divergence / total)
