"""p-values: normal approximation, permutation (pseudo) p-values, multiple testing.

Alternatives are stated on ``z = (statistic − expectation) / standard deviation``:
``two-sided``, ``greater`` (statistic above its expectation: I > E[I], G > E[G], and for
Geary's C *negative* autocorrelation, C > 1) or ``less``.

Permutation p-values are ``(M + 1) / (P + 1)`` (Hope 1968), where M counts the
replications at least as extreme as the observed value. Local statistics use GeoDa's
and esda's *directed* rule: M is taken in the tail where the observation lies
(``min(#≥, #≤)``), so a local p-value never exceeds about 0.5. Ties count as extreme.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..errors import InputError
from .options import ALTERNATIVES, check_alternative, check_correction


def normal_p(z, alternative: str = "two-sided"):
    """p-value of a standard normal z under ``alternative`` (NaN stays NaN)."""
    check_alternative(alternative)
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        if alternative == "greater":
            p = stats.norm.sf(z)
        elif alternative == "less":
            p = stats.norm.cdf(z)
        else:
            p = 2.0 * stats.norm.sf(np.abs(z))
    return p[()] if p.ndim == 0 else p


def pseudo_p(greater, less, permutations: int, alternative: str = "directed"):
    """Permutation p-value from the counts of replications ≥ and ≤ the observed value.

    ``directed`` (local statistics; GeoDa, esda): the tail the observation lies in;
    ``two-sided``: twice that, capped at 1; ``greater`` / ``less``: that tail.
    """
    greater = np.asarray(greater, dtype=np.float64)
    less = np.asarray(less, dtype=np.float64)
    if alternative == "greater":
        count = greater
    elif alternative == "less":
        count = less
    elif alternative in ("directed", "two-sided"):
        count = np.minimum(greater, less)
    else:
        raise InputError("Unknown alternative “{alternative}”; use one of {choices}.",
                         alternative=alternative, choices="directed, " + ", ".join(ALTERNATIVES))
    p = (count + 1.0) / (permutations + 1.0)
    if alternative == "two-sided":
        p = np.minimum(2.0 * p, 1.0)
    return p[()] if p.ndim == 0 else p


def moments_z(observed, mean, var):
    """z of the observed value against the replications' mean and variance (NaN if var = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.asarray(observed) - mean) / np.sqrt(var)
    return np.where(np.asarray(var) > 0, z, np.nan)


def adjust_p(p, correction: str = "none"):
    """Adjusted p-values for ``correction`` over the finite entries of ``p`` (one family).

    ``fdr``: Benjamini–Hochberg (1995) adjusted p-values (q-values), so ``q ≤ α`` is
    exactly GeoDa's FDR rule ``p_(i) ≤ i·α/m``; ``bonferroni``: ``min(1, m·p)``;
    ``none``: ``p`` itself. NaN (units not tested) stays NaN and does not count in m.
    """
    check_correction(correction)
    p = np.asarray(p, dtype=np.float64)
    adjusted = p.copy()
    tested = np.isfinite(p)
    m = int(tested.sum())
    if correction == "none" or m == 0:
        return adjusted
    if correction == "bonferroni":
        adjusted[tested] = np.minimum(p[tested] * m, 1.0)
    else:
        adjusted[tested] = benjamini_hochberg(p[tested])
    return adjusted


def benjamini_hochberg(p):
    """Benjamini–Hochberg (1995) adjusted p-values of a finite 1-d array.

    Written out in numpy rather than ``scipy.stats.false_discovery_control`` because that
    function only exists from SciPy 1.11, and QGIS users on Debian 12 have the system
    SciPy 1.10. Same result as R's ``p.adjust(p, "BH")``: sort, ``p_(i) · m / i``, the
    cumulative minimum from the largest p down, capped at 1, back in the input order.
    """
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(scaled, 1.0)
    return adjusted


#: Gi_Bin confidence levels (ArcGIS's Hot Spot Analysis convention).
BIN_LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))


def confidence_bins(z, p):
    """Gi_Bin: ±3 / ±2 / ±1 where p ≤ 0.01 / 0.05 / 0.10 (sign of z), 0 otherwise."""
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    level = np.zeros(len(p), dtype=np.int64)
    for value, threshold in reversed(BIN_LEVELS):
        level[np.isfinite(p) & (p <= threshold)] = value
    return np.sign(np.nan_to_num(z)).astype(np.int64) * level
