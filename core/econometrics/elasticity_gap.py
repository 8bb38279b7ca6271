"""The gap over time (``resilience:heterogeneity``, method ``yearly``): one model on the whole panel with
the key variable interacted with every (unit group × year), so that each group has an elasticity in
every year, and the gap of each group against a reference group, year by year.

With groups g (e.g. east, central/west, northeast) and years t, the key variable x enters as the
columns ``x · 1[unit in g] · 1[year = t]`` (G·T columns that together replace x; in Durbin models
their W-lags too), beside the other regressors, with the chosen fixed or random effects and spatial
model. Its coefficients ``b_gt`` are the groups' yearly elasticities; ``V`` their joint covariance
(the model's, i.e. of the standard-error type it was fitted with).

For a group h against the reference r:

* the gap ``d_t = b_ht − b_rt`` with ``se_t = √(c_t' V c_t)`` and its 95 % interval;
* its **linear trend** ``s = Σ_t w_t d_t`` with ``w_t = (t − t̄)/Σ(t − t̄)²`` — the least-squares slope
  of the gap on the year, a linear combination of the coefficients, so its standard error is exact
  under the model's covariance (``√(c' V c)``), unlike a regression on the estimated gaps that
  ignores their covariance;
* the **change** from the first to the last year, ``d_T − d_1``;
* a Wald test that the gap is the **same in every year** (χ² with T − 1 degrees of freedom).

Why the model cannot be a set of yearly cross-sections: city fixed effects are estimated once over
the years. Why the standard errors matter here: when cities' elasticities differ within a group
(e.g. by openness), a year-specific slope partly reflects which cities grow the most, and the errors
of a city are correlated over the years; cluster-robust or bootstrap standard errors by city cover
that, the information matrix does not (the report says so; SYNTHETIC_PANEL.md measures it).
"""
# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import InputError, Message
from .design import DURBIN_MODELS
from .diagnostics import Test
from .results import ModelResult, two_sided_p

#: The 95 % interval of a gap.
LEVEL = 0.95


@dataclass
class GapPath:
    """One group's gap against the reference, year by year, and its tests."""

    group: str
    reference: str
    years: list[int]
    gap: np.ndarray
    se: np.ndarray
    trend: float
    trend_se: float
    change: float
    change_se: float
    constant: Test  # the gap is the same in every year
    df: int | None = None  # least squares: t(df) p-values and intervals (clustered: G − 1); ML, bootstrap: normal

    def _critical(self) -> float:
        level = 0.5 + LEVEL / 2.0
        return float(stats.t.ppf(level, self.df) if self.df is not None else stats.norm.ppf(level))

    @property
    def lower(self) -> np.ndarray:
        return self.gap - self._critical() * self.se

    @property
    def upper(self) -> np.ndarray:
        return self.gap + self._critical() * self.se

    @property
    def trend_z(self) -> float:
        return self.trend / self.trend_se if self.trend_se > 0 else float("nan")

    @property
    def trend_p(self) -> float:
        return float(two_sided_p(self.trend_z, self.df))

    @property
    def change_z(self) -> float:
        return self.change / self.change_se if self.change_se > 0 else float("nan")

    @property
    def change_p(self) -> float:
        return float(two_sided_p(self.change_z, self.df))


@dataclass
class GapAnalysis:
    """The groups' yearly coefficients of the key variable (``coefficient``/``se``: groups × years) and
    each group's gap against ``reference``."""

    key: str
    groups: list[str]
    reference: str
    years: list[int]
    coefficient: np.ndarray
    se: np.ndarray
    paths: list[GapPath]
    model: ModelResult

    def frame(self):
        """One row per group and year: coefficient, SE, and (for the compared groups) gap, SE and interval."""
        import pandas as pd

        rows = []
        paths = {path.group: path for path in self.paths}
        for g, group in enumerate(self.groups):
            path = paths.get(group)
            for t, year in enumerate(self.years):
                row = {"group": str(group), "year": year, "coefficient": self.coefficient[g, t],
                       "se": self.se[g, t], "reference": str(self.reference)}
                if path is not None:
                    row.update(gap=path.gap[t], gap_se=path.se[t], gap_lower=path.lower[t],
                               gap_upper=path.upper[t])
                rows.append(row)
        return pd.DataFrame(rows)


def term_name(key: str, group, year) -> str:
    """The name of the key variable's interaction with one group and year."""
    return f"{key} × {group} × {year}"


def yearly_columns(data, groups, key: str):
    """(the design with the key variable replaced by its group × year interactions, their names)."""
    if not data.is_panel or data.T < 2:
        raise InputError("The gap over time needs a panel of at least two years; this is a cross-section.")
    if any(group.units is None for group in groups):
        raise InputError("The gap over time compares groups of cities (a category field such as region, or top and "
                         "bottom shares); choose one of those groupings, not the period.")
    n, T = data.n, data.T
    position = data.names.index(key)
    values = data.X[:, position].reshape(T, n)
    columns, names = [], []
    for group in groups:
        for t, year in enumerate(data.years):
            column = np.zeros((T, n))
            column[t, group.units] = values[t, group.units]
            columns.append(column.reshape(-1))
            names.append(term_name(key, group.label, year))
    others = [j for j in range(len(data.names)) if j != position]
    X = np.column_stack(columns + [data.X[:, j] for j in others])
    return data.with_columns(X, names + [data.names[j] for j in others]), names


def durbin_terms(interacted_names: list[str], interaction_names: list[str], key: str, durbin) -> list[str] | None:
    """The W-lagged columns: the chosen W·X variables, with the key's interactions following the key."""
    if not durbin:
        return None
    return [name for name in interacted_names if name in durbin or (name in interaction_names and key in durbin)]


def gap_analysis(model: ModelResult, groups, reference: str | None, key: str, years: list[int]) -> GapAnalysis:
    """The yearly coefficients and the gaps against ``reference`` (default: the first group) from a fitted
    interaction model (``yearly_columns``)."""
    labels = [group.label for group in groups]
    reference = _reference(labels, reference)
    names = model.all_names()
    at = np.array([[names.index(term_name(key, label, year)) for year in years] for label in labels])
    coefficients = model.coefficients[at]
    se = np.sqrt(np.clip(np.diag(model.vcov)[at], 0.0, None))
    r = labels.index(reference)
    paths = [_path(model, at[g], at[r], labels[g], reference, years) for g in range(len(labels)) if g != r]
    return GapAnalysis(key, labels, reference, list(years), coefficients, se, paths, model)


def _reference(labels: list, reference) -> str:
    if reference is None or str(reference).strip() == "":
        return labels[0]
    for label in labels:
        if str(label) == str(reference).strip():
            return label
    raise InputError("The reference group “{reference}” is not one of the groups ({groups}); type one of them.",
                     reference=reference, groups=", ".join(str(label) for label in labels))


def _path(model: ModelResult, group_at, reference_at, group: str, reference: str, years) -> GapPath:
    k, T = len(model.coefficients), len(years)
    C = np.zeros((T, k))  # row t: the gap in year t as a combination of the coefficients
    C[np.arange(T), group_at] = 1.0
    C[np.arange(T), reference_at] -= 1.0
    gap = C @ model.coefficients
    cov = C @ model.vcov @ C.T
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    t = np.asarray(years, dtype=np.float64)
    weights = (t - t.mean()) / np.sum((t - t.mean()) ** 2)
    trend, trend_var = float(weights @ gap), float(weights @ cov @ weights)
    last = np.zeros(T)
    last[-1], last[0] = 1.0, -1.0
    change, change_var = float(last @ gap), float(last @ cov @ last)
    D = np.diff(np.eye(T), axis=0)  # consecutive differences: all zero when the gap is constant
    d = D @ gap
    statistic = float(d @ np.linalg.lstsq(D @ cov @ D.T, d, rcond=None)[0])
    constant = Test.chi2(Message("Wald: the gap of {group} against {reference} is the same in every year",
                                 group=group, reference=reference), statistic, T - 1,
                         Message("the gap does not change over the years"))
    return GapPath(group, reference, list(years), gap, se, trend, float(np.sqrt(max(trend_var, 0.0))), change,
                   float(np.sqrt(max(change_var, 0.0))), constant,
                   model.df_test if model.df_test is not None else model.df_resid)


def model_note(model_name: str) -> Message:
    """What the coefficients of the yearly interaction model are (translated by the caller)."""
    if model_name in ("SAR", "SDM"):
        return Message("Gap over time: the key variable is interacted with every group and year on the whole panel "
                       "(full W). The yearly coefficients act inside the spatial multiplier (I − ρW)⁻¹: a city's "
                       "direct effect adds its feedback through its neighbours, the indirect effect the spillover.")
    if model_name in DURBIN_MODELS:
        return Message("Gap over time: the key variable and its W-lag are interacted with every group and year on the "
                       "whole panel (full W); the gaps compare the key variable's own coefficients.")
    return Message("Gap over time: the key variable is interacted with every group and year on the whole panel; the "
                   "gaps compare its coefficients.")
