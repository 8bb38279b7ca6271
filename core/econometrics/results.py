"""The results type every estimator returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import Message


def two_sided_p(z, df=None):
    """Two-sided p-value of a standard normal statistic, or of a t(df) statistic when ``df`` is given."""
    if df is not None:
        return 2.0 * stats.t.sf(np.abs(z), df)
    return 2.0 * stats.norm.sf(np.abs(z))


@dataclass
class ModelResult:
    """One estimated model.

    ``coefficients``/``vcov`` cover the regressors (``names``, in design order) followed by
    the spatial parameter (ρ for SAR/SDM, λ for SEM/SDEM) when there is one. ``sigma2`` is
    the residual variance (bias-corrected when ``bias_corrected``); ``loglik`` is the
    maximised log-likelihood (of the direct approach, before any correction, so that
    likelihood-ratio tests compare maximised likelihoods).
    """

    model: str
    effects: str
    dependent: str
    names: list[str]
    kinds: list[str]
    coefficients: np.ndarray
    vcov: np.ndarray
    sigma2: float
    loglik: float
    n_units: int
    n_periods: int
    residuals: np.ndarray
    fitted: np.ndarray
    spatial_name: str | None = None  # "rho" or "lambda"
    bounds: tuple[float, float] | None = None
    phi: float | None = None  # random effects: weight of the unit mean kept (φ)
    phi_se: float | None = None
    r2: float = float("nan")
    r2_within: float = float("nan")
    bias_corrected: bool = False
    se_kind: str = Message("asymptotic (information matrix)")
    #: The standard errors in a word: "information" (ML: the information matrix; random effects: the numerical
    #: Hessian), "classical", "cluster", "hc1" (least squares), "bootstrap" (wild cluster bootstrap by city).
    se_type: str = "information"
    df_resid: int | None = None  # least squares: p-values from t(df_resid), as R's lm; ML models: normal
    #: Degrees of freedom of the t tests when not ``df_resid``: G − 1 for standard errors clustered by city.
    df_test: int | None = None
    #: Percentile 95 % intervals of the coefficients (and ρ/λ), one row each, from a bootstrap; None otherwise.
    intervals: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    # ----------------------------------------------------------------- numbers
    @property
    def n_obs(self) -> int:
        return self.n_units * self.n_periods

    @property
    def spatial(self) -> float | None:
        return float(self.coefficients[-1]) if self.spatial_name else None

    @property
    def spatial_se(self) -> float | None:
        return float(np.sqrt(self.vcov[-1, -1])) if self.spatial_name else None

    @property
    def beta(self) -> np.ndarray:
        """The regressors' coefficients (without the spatial parameter)."""
        return self.coefficients[: len(self.names)]

    @property
    def standard_errors(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.vcov), 0.0, None))

    @property
    def n_parameters(self) -> int:
        """Estimated parameters counted in the AIC: coefficients, spatial parameter, σ²
        and φ (random effects). Fixed effects are not counted (they are concentrated out)."""
        return len(self.coefficients) + 1 + (1 if self.phi is not None else 0)

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * self.n_parameters

    @property
    def bic(self) -> float:
        return -2.0 * self.loglik + np.log(self.n_obs) * self.n_parameters

    def all_names(self) -> list[str]:
        return self.names + ([self.spatial_name] if self.spatial_name else [])

    def coefficient(self, name: str) -> tuple[float, float]:
        """(estimate, standard error) of a coefficient by name."""
        position = self.all_names().index(name)
        return float(self.coefficients[position]), float(self.standard_errors[position])

    def table(self) -> pd.DataFrame:
        """Estimate, standard error, z and p of every coefficient (and ρ/λ).

        For the least-squares models (``df_resid`` set) ``z`` is the t statistic and p comes from
        t(n − k), as R's ``lm`` and Stata's ``regress`` report (t(G − 1) when clustered by city); for the ML
        models and the bootstrap from the normal. A bootstrap adds its percentile interval (``ci_low``,
        ``ci_high``)."""
        se = self.standard_errors
        with np.errstate(divide="ignore", invalid="ignore"):
            z = self.coefficients / se
        df = self.df_test if self.df_test is not None else self.df_resid
        frame = pd.DataFrame({"term": self.all_names(), "estimate": self.coefficients, "se": se, "z": z,
                              "p": two_sided_p(z, df)})
        if self.phi is not None:
            phi_z = self.phi / self.phi_se if self.phi_se else float("nan")
            frame.loc[len(frame)] = ["phi", self.phi, self.phi_se, phi_z, two_sided_p(phi_z)]
        if self.intervals is not None:
            frame["ci_low"], frame["ci_high"] = self.intervals[:, 0], self.intervals[:, 1]
        return frame

    def statistics(self) -> list[tuple[str, object]]:
        """Model statistics for report tables (label, value; the caller translates the labels)."""
        rows = [(Message("Observations"), self.n_obs), (Message("Units"), self.n_units),
                (Message("Years"), self.n_periods), (Message("Log-likelihood"), self.loglik), ("AIC", self.aic),
                ("R²", self.r2)]
        if not np.isnan(self.r2_within):
            rows.append((Message("R² within"), self.r2_within))
        rows.append(("σ²", self.sigma2))
        return rows
