"""Coefficient-of-variation weights (变异系数法).

    v_j = σ_j / |μ_j|       on the indicator's own values (ddof = 1)
    w_j = v_j / Σ_k v_k

The coefficient of variation compares dispersion across units of measurement, so it is
taken on the raw values, not on standardised ones (min–max values would make it depend
on where the minimum happens to be). It needs indicators on a ratio scale with a
positive mean; for other data use the entropy or CRITIC method.
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
    bad = np.flatnonzero(mean <= 0)
    if bad.size:
        names = [codes[i] for i in bad] if codes is not None else [str(i) for i in bad]
        raise InputError("Coefficient-of-variation weights need indicators with a positive mean; {codes} "
                         "have a mean ≤ 0. Use the entropy or CRITIC method.", codes=preview(names))
    cv = sd / mean
    return VariationWeights(mean, sd, cv, cv / cv.sum())
