"""Standardisation of indicators by direction: min–max (default) and z-score.

Min–max puts every indicator on [0, 1] with 1 the best value: ``(x − min)/(max − min)``
for positive (+) indicators and ``(max − x)/(max − min)`` for negative (−) ones. The
z-score is ``direction · (x − mean)/sd`` (sd with ddof = 1). Both work on one block of
rows: all city-years (pooled, so that indices are comparable over time) or one year.
Constant columns must be removed first (:func:`constant_columns`); NaN is not allowed.
"""

from __future__ import annotations

import numpy as np


def constant_columns(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the columns whose values are all equal (zero variance)."""
    if len(values) == 0:
        return np.ones(values.shape[1], dtype=bool)
    return np.ptp(values, axis=0) == 0


def minmax(values: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Min–max by direction: every column on [0, 1], 1 = best."""
    low = values.min(axis=0)
    span = values.max(axis=0) - low
    result = (values - low) / span
    negative = np.asarray(directions) < 0
    if negative.any():
        result[:, negative] = 1.0 - result[:, negative]
    return result


def zscore(values: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Z-score by direction: mean 0, sd 1, higher = better."""
    mean = values.mean(axis=0)
    sd = values.std(axis=0, ddof=1)
    return (values - mean) / sd * np.asarray(directions, dtype=float)
