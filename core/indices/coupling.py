"""Coupling coordination degree of two (or more) indices, with the corrected coupling degree.

For systems U_1 … U_n on [0, 1] (e.g. the digital economy and urban resilience indices):

    C = n · (Π U_i)^(1/n) / Σ U_i        coupling degree, on [0, 1]
        (two systems: C = 2·√(U1·U2) / (U1 + U2))
    T = Σ α_i U_i,  Σ α_i = 1            comprehensive development index
    D = √(C · T)                         coupling coordination degree

This is the form corrected by Wang Shujia, Kong Wei, Ren Lang, Zhi Dandan & Dai Bingtao
(2021), "Research on misuses and modification of coupling coordination degree model in
China" (中国国内耦合协调度模型的误区及修正), Journal of Natural Resources (自然资源学报)
36(3): 793–810. The widespread variant C = [U1·U2 / ((U1 + U2)/2)²]^k with ad-hoc k, or
without the factor n, does not span [0, 1] and mis-ranks coupling. C is 0 when every
U_i is 0 (the limit along U1 = U2 would be 1; no coupling exists without development).

D is classified into the usual ten levels (廖重斌 1999 and most later studies):
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Message

#: (level, lower bound, Chinese, English). Level k covers [lower_k, lower_{k+1}); level 10 includes 1.
LEVELS = (
    (1, 0.0, "极度失调", Message("Extreme imbalance")),
    (2, 0.1, "严重失调", Message("Serious imbalance")),
    (3, 0.2, "中度失调", Message("Moderate imbalance")),
    (4, 0.3, "轻度失调", Message("Mild imbalance")),
    (5, 0.4, "濒临失调", Message("On the verge of imbalance")),
    (6, 0.5, "勉强协调", Message("Barely coordinated")),
    (7, 0.6, "初级协调", Message("Primary coordination")),
    (8, 0.7, "中级协调", Message("Intermediate coordination")),
    (9, 0.8, "良好协调", Message("Good coordination")),
    (10, 0.9, "优质协调", Message("High-quality coordination")),
)
__doc__ += "\n".join(f"    {lvl:>2}  [{low:.1f}, {low + 0.1:.1f}{']' if lvl == 10 else ')'}  {zh}  {en}"
                     for lvl, low, zh, en in LEVELS) + "\n"


@dataclass
class Coupling:
    c: np.ndarray
    t: np.ndarray
    d: np.ndarray
    level: np.ndarray  # 1..10, 0 where D is missing


def rescale(values: np.ndarray) -> np.ndarray:
    """Min–max of each column over all rows (NaN ignored), for indices not on [0, 1]."""
    values = np.asarray(values, dtype=float)
    low = np.nanmin(values, axis=0)
    span = np.nanmax(values, axis=0) - low
    if (span <= 0).any():
        raise InputError("An index has the same value everywhere, so it cannot be rescaled to 0–1.")
    return (values - low) / span


def coupling_coordination(systems, weights=None, names=None) -> Coupling:
    """C, T, D and the level for each row of ``systems`` (rows × n systems, values on [0, 1])."""
    u = np.asarray(systems, dtype=float)
    if u.ndim != 2 or u.shape[1] < 2:
        raise InputError("Coupling needs at least two indices.")
    n = u.shape[1]
    names = names or [f"index {i + 1}" for i in range(n)]
    alpha = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, dtype=float)
    if alpha.shape != (n,) or (alpha < 0).any() or abs(alpha.sum() - 1.0) > 1e-9:
        raise InputError("The contribution weights must be ≥ 0 and add up to 1 (e.g. α = β = 0.5); they are "
                         "{weights}.", weights=", ".join(f"{a:g}" for a in alpha))
    outside = [names[j] for j in range(n) if ((u[:, j] < 0) | (u[:, j] > 1)).any()]
    if outside:
        raise InputError("Coupling coordination needs indices on [0, 1]; {names} have values outside. Use "
                         "min–max indices or tick “rescale to 0–1”.", names=", ".join(outside))
    total = u.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        geometric = np.exp(np.log(u).mean(axis=1))
        c = np.where(total > 0, n * geometric / total, 0.0)
    c = np.where(np.isnan(total), np.nan, np.minimum(c, 1.0))  # rounding can exceed 1 by 1 ulp
    t = u @ alpha
    d = np.sqrt(c * t)
    return Coupling(c, t, d, coordination_level(d))


def coordination_level(d) -> np.ndarray:
    """The level 1–10 of each D (0 where D is NaN)."""
    d = np.asarray(d, dtype=float)
    bounds = np.array([low for _, low, _, _ in LEVELS[1:]])
    level = np.searchsorted(bounds, np.round(d, 12), side="right") + 1
    return np.where(np.isnan(d), 0, level).astype(np.int64)


def level_label(level: int, language: str = "both") -> str:
    for number, _, zh, en in LEVELS:
        if number == level:
            return {"zh": zh, "en": en}.get(language, f"{zh} {en}")
    return ""
