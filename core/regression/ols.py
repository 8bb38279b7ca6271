"""Ordinary least squares with the standard errors applied papers report.

statsmodels is not a dependency of the toolkit and the few formulas needed are short,
so they are written out here (and checked against hand computations in the tests):

* classical: ``s² (X'X)⁻¹`` with ``s² = e'e / (n − k − absorbed)``;
* robust (HC1, White with the n/(n−k) correction, Stata's ``vce(robust)``);
* cluster-robust (Liang–Zeger) with the usual small-sample factor
  ``G/(G−1) · (n−1)/(n−k)``, where k counts the estimated coefficients but not the fixed
  effects absorbed by the within transformation, which are nested in the clusters (as
  Stata's ``xtivreg2, small`` and ``reghdfe`` do, and Cameron and Miller 2015 recommend;
  ``xtreg, fe`` also counts its reported constant, a difference of one in n − k). Its t
  statistics have G − 1 degrees of freedom.

Perfect collinearity is refused with a message naming the offending variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..errors import InputError, Message
from .options import SE_TYPES

SE_LABELS = {
    "classical": Message("classical (homoskedastic)"),
    "hc1": Message("heteroskedasticity-robust (HC1)"),
    "cluster": Message("clustered by unit"),
}


@dataclass
class LinearFit:
    """Coefficients, standard errors and fit statistics of one regression."""

    names: list[str]
    coef: np.ndarray
    se: np.ndarray
    vcov: np.ndarray
    stat: np.ndarray
    p: np.ndarray
    n: int
    df_resid: int
    r2: float
    resid: np.ndarray
    se_type: str = "classical"
    clusters: int | None = None
    statistic: str = "t"
    notes: dict = field(default_factory=dict)

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def loglik(self) -> float:
        """Gaussian log-likelihood at the estimates (σ² = SSR/n, as R's ``logLik(lm)``); with fixed
        effects, that of the within-transformed regression (the effects concentrated out)."""
        ssr = float(self.resid @ self.resid)
        if not ssr > 0:
            return float("nan")
        return -0.5 * self.n * (np.log(2.0 * np.pi) + np.log(ssr / self.n) + 1.0)

    @property
    def aic(self) -> float:
        """−2 log L + 2 (coefficients + σ²), as R's ``AIC(lm)`` (fixed effects not counted)."""
        return -2.0 * self.loglik + 2.0 * (len(self.coef) + 1)

    def get(self, name: str) -> tuple[float, float, float]:
        """(coefficient, standard error, p-value) of ``name``."""
        i = self.index(name)
        return float(self.coef[i]), float(self.se[i]), float(self.p[i])


def _collinear_message(names, position, others):
    if not others:
        return InputError(
            "The variable {name} has no variation left in this model (it is constant, or "
            "constant within every unit so that the fixed effects absorb it); drop it or "
            "choose another model.",
            name=names[position],
        )
    return InputError(
        "The variables are perfectly collinear: {name} is a linear combination of {others}. "
        "Drop one of them.",
        name=names[position], others=", ".join(others),
    )


def check_full_rank(x: np.ndarray, names: list[str], tolerance: float = 1e-9) -> None:
    """Raise :class:`InputError` naming the first column that adds no new direction."""
    x = np.asarray(x, dtype=float)
    scale = np.sqrt((x**2).sum(axis=0))
    kept: list[int] = []
    # The constant and year dummies first, so that the message names the user's variable.
    fixed = [j for j, name in enumerate(names) if name == "constant" or str(name).startswith("year ")]
    for j in fixed + [j for j in range(x.shape[1]) if j not in fixed]:
        column = x[:, j]
        if scale[j] == 0 or not np.isfinite(scale[j]):
            raise _collinear_message(names, j, [])
        if kept:
            basis = x[:, kept]
            coef, *_ = np.linalg.lstsq(basis, column, rcond=None)
            residual = column - basis @ coef
            if np.sqrt(residual @ residual) <= tolerance * scale[j]:
                involved = [names[kept[i]] for i in np.flatnonzero(np.abs(coef) > 1e-8)]
                raise _collinear_message(names, j, involved)
        kept.append(j)


def ols(
    y,
    x,
    names: list[str],
    se_type: str = "classical",
    clusters=None,
    absorbed: int = 0,
    centered: bool = True,
) -> LinearFit:
    """Fit ``y = x b + e`` by least squares.

    ``absorbed``: parameters removed before the fit (fixed effects swept out by the
    within transformation), subtracted from the residual degrees of freedom of the
    classical and HC1 variances. ``centered``: R² about the mean (models with a
    constant, or demeaned data where the mean is zero anyway).
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n, k = x.shape
    if se_type not in SE_TYPES:
        raise InputError("Unknown type of standard errors “{kind}”; use one of {kinds}.",
                         kind=se_type, kinds=", ".join(SE_TYPES))
    if n <= k + absorbed:
        raise InputError(
            "Too few observations: {n} for {k} coefficients; use more units or years, or fewer controls.",
            n=n, k=k + absorbed,
        )
    check_full_rank(x, names)
    xtx_inv = np.linalg.inv(x.T @ x)
    coef = xtx_inv @ (x.T @ y)
    resid = y - x @ coef
    df_resid = n - k - absorbed
    groups = None
    if se_type == "classical":
        vcov = (resid @ resid / df_resid) * xtx_inv
        df_test = df_resid
    elif se_type == "hc1":
        meat = (x * resid[:, None] ** 2).T @ x
        vcov = xtx_inv @ meat @ xtx_inv * (n / df_resid)
        df_test = df_resid
    else:
        if clusters is None:
            raise InputError("Clustered standard errors need the unit of each observation.")
        labels, codes = np.unique(np.asarray(clusters), return_inverse=True)
        groups = len(labels)
        if groups < 2:
            raise InputError("Clustered standard errors need at least two units; there is {g}.", g=groups)
        scores = np.zeros((groups, k))
        np.add.at(scores, codes, x * resid[:, None])
        meat = scores.T @ scores
        factor = groups / (groups - 1) * (n - 1) / (n - k)
        vcov = xtx_inv @ meat @ xtx_inv * factor
        df_test = groups - 1
    se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = coef / se
    p = 2.0 * stats.t.sf(np.abs(stat), df_test)
    total = y - y.mean() if centered else y
    tss = total @ total
    r2 = 1.0 - (resid @ resid) / tss if tss > 0 else float("nan")
    return LinearFit(list(names), coef, se, vcov, stat, p, n, df_resid, float(r2), resid, se_type,
                     groups, "t")
