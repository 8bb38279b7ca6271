"""σ-convergence: how dispersed a positive indicator is in each year.

The four measures regional scientists report, each a plain formula:

* coefficient of variation ``CV = s / ȳ``;
* standard deviation of logs ``σ = sd(ln y)`` (Barro and Sala-i-Martin's σ);
* Theil index ``T = (1/n) Σ (yᵢ/ȳ) ln(yᵢ/ȳ)``, split exactly into a between-group part
  ``Σ_g s_g ln(ȳ_g/ȳ)`` and a within-group part ``Σ_g s_g T_g`` where ``s_g`` is the
  group's share of the total;
* Gini coefficient ``G = Σᵢ Σⱼ |yᵢ − yⱼ| / (2 n² ȳ)``, split by Dagum (1997) into
  within-group, net between-group and transvariation parts (``G = G_w + G_nb + G_t``).

``ddof`` chooses the standard deviation's denominator: n − 1 (sample, default) or n.
PySAL's ``inequality`` package has Theil and Gini but is not a dependency and lacks
Dagum's decomposition; the formulas are short, and the tests check them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def coefficient_of_variation(values, ddof: int = 1) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=ddof) / values.mean())


def sd_of_logs(values, ddof: int = 1) -> float:
    return float(np.log(np.asarray(values, dtype=float)).std(ddof=ddof))


def theil(values) -> float:
    """Theil's T (generalised entropy with α = 1); 0 when every value is equal."""
    values = np.asarray(values, dtype=float)
    ratio = values / values.mean()
    return float(np.mean(ratio * np.log(ratio)))


def _pair_sums(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Σᵢⱼ max(aᵢ − bⱼ, 0), Σᵢⱼ max(bⱼ − aᵢ, 0)) in O((n+m) log m) by sorting."""
    b = np.sort(np.asarray(b, dtype=float))
    a = np.asarray(a, dtype=float)
    prefix = np.concatenate([[0.0], np.cumsum(b)])
    below = np.searchsorted(b, a, side="left")  # count of b strictly below each a
    positive = float(np.sum(a * below - prefix[below]))
    above_sum = prefix[-1] - prefix[below]
    negative = float(np.sum(above_sum - a * (len(b) - below)))
    return positive, negative


def gini(values) -> float:
    values = np.asarray(values, dtype=float)
    n = len(values)
    positive, negative = _pair_sums(values, values)
    return (positive + negative) / (2.0 * n * n * values.mean())


@dataclass
class TheilDecomposition:
    total: float
    between: float
    within: float
    groups: list  # group labels, in the order of the arrays below
    shares: np.ndarray  # s_g: the group's share of the sum of values
    indices: np.ndarray  # T_g: Theil index within each group


def theil_decomposition(values, groups) -> TheilDecomposition:
    values = np.asarray(values, dtype=float)
    groups = np.asarray(groups)
    labels = list(dict.fromkeys(groups.tolist()))
    mean, total_sum = values.mean(), values.sum()
    shares, indices, between = [], [], 0.0
    for label in labels:
        part = values[groups == label]
        share = part.sum() / total_sum
        shares.append(share)
        indices.append(theil(part))
        between += share * np.log(part.mean() / mean)
    shares, indices = np.array(shares), np.array(indices)
    return TheilDecomposition(theil(values), float(between), float(shares @ indices), labels,
                              shares, indices)


@dataclass
class DagumDecomposition:
    total: float
    within: float
    between_net: float
    transvariation: float
    groups: list
    within_gini: np.ndarray  # G_jj
    between_gini: np.ndarray  # G_jh (symmetric, diagonal = G_jj)


def dagum_gini(values, groups) -> DagumDecomposition:
    """Dagum's (1997) decomposition of the Gini coefficient by groups."""
    values = np.asarray(values, dtype=float)
    groups = np.asarray(groups)
    labels = list(dict.fromkeys(groups.tolist()))
    parts = [values[groups == label] for label in labels]
    n, mean = len(values), values.mean()
    k = len(parts)
    sizes = np.array([len(p) for p in parts], dtype=float)
    means = np.array([p.mean() for p in parts])
    p_share = sizes / n
    s_share = sizes * means / (n * mean)
    matrix = np.zeros((k, k))
    within = between_net = transvariation = 0.0
    for j in range(k):
        positive, negative = _pair_sums(parts[j], parts[j])
        matrix[j, j] = (positive + negative) / (2.0 * sizes[j] ** 2 * means[j])
        within += matrix[j, j] * p_share[j] * s_share[j]
        for h in range(j):
            positive, negative = _pair_sums(parts[j], parts[h])  # Σ (y_j − y_h)+, Σ (y_h − y_j)+
            gjh = (positive + negative) / (sizes[j] * sizes[h] * (means[j] + means[h]))
            matrix[j, h] = matrix[h, j] = gjh
            # D_jh: relative economic affluence, with the richer group first.
            richer, poorer = (positive, negative) if means[j] >= means[h] else (negative, positive)
            d = (richer - poorer) / (richer + poorer) if richer + poorer > 0 else 0.0
            weight = gjh * (p_share[j] * s_share[h] + p_share[h] * s_share[j])
            between_net += weight * d
            transvariation += weight * (1.0 - d)
    return DagumDecomposition(gini(values), float(within), float(between_net), float(transvariation),
                              labels, np.diag(matrix).copy(), matrix)


MEASURES = ("cv", "sd_log", "theil", "gini")


def measures(values, ddof: int = 1) -> dict[str, float]:
    """The four dispersion measures of one cross-section."""
    return {
        "cv": coefficient_of_variation(values, ddof),
        "sd_log": sd_of_logs(values, ddof),
        "theil": theil(values),
        "gini": gini(values),
    }
