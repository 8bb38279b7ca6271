"""Coefficient-of-variation weights (变异系数法).

    v_j = σ_j / |μ_j|       on the indicator's own values (ddof = 1)
    w_j = v_j / Σ_k v_k

The coefficient of variation compares dispersion across units of measurement, so it is
taken on the raw values, not on standardised ones (min–max values would make it depend
on where the minimum happens to be). It needs indicators on a ratio scale: no negative
values and a positive mean. An indicator with negative values (a growth rate, a balance)
is refused, naming it, rather than weighted: its mean can be close to zero and its CV, hence
its weight, arbitrarily large (one such indicator took 0.997 of the weight). For such data
use the entropy or CRITIC method, which work on min–max values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, preview


@dataclass
class VariationWeights:
    mean: np.ndarray
    sd: np.ndarray
    cv: np.ndarray
    weights: np.ndarray


def cv_weights(raw: np.ndarray, codes=None) -> VariationWeights:
    values = np.asarray(raw, dtype=float)
    mean = values.mean(axis=0)
    sd = values.std(axis=0, ddof=1)
    bad = np.flatnonzero((mean <= 0) | (values.min(axis=0) < 0))
    if bad.size:
        names = [f"{codes[i] if codes is not None else i} (mean {mean[i]:.4g}, minimum {values[:, i].min():.4g})"
                 for i in bad]
        raise InputError("Coefficient-of-variation weights need indicators on a ratio scale (no negative values, "
                         "a positive mean); {codes} do not, and their CV would be meaningless (near-zero mean: "
                         "a huge weight). Use the entropy or CRITIC method.", codes=preview(names))
    cv = sd / mean
    return VariationWeights(mean, sd, cv, cv / cv.sum())
