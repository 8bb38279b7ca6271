"""TOPSIS relative closeness (Hwang & Yoon 1981) on the weighted standardised matrix.

    v_ij = w_j · y_ij                       (y standardised by direction: higher = better)
    D+_i = ‖v_i − max_i v‖,  D−_i = ‖v_i − min_i v‖
    C_i  = D−_i / (D+_i + D−_i)             in [0, 1], 1 = the ideal

Pooled over city-years (as the weights) the ideal is the best value of any city in any
year, so scores are comparable over time.
"""

from __future__ import annotations

import numpy as np


def topsis(standardised: np.ndarray, weights: np.ndarray) -> np.ndarray:
    weighted = np.asarray(standardised, dtype=float) * np.asarray(weights, dtype=float)
    best = weighted.max(axis=0)
    worst = weighted.min(axis=0)
    to_best = np.sqrt(((weighted - best) ** 2).sum(axis=1))
    to_worst = np.sqrt(((weighted - worst) ** 2).sum(axis=1))
    total = to_best + to_worst
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, to_worst / total, 0.5)
