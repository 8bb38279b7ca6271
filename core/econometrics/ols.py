"""OLS and SLX, pooled or with fixed effects (least squares on the within-transformed data).

Standard errors use ``s² = SSR/(N − p − #fixed effects)`` (the dummy-variable regression's
degrees of freedom, as R's ``lm``); the log-likelihood uses the ML variance ``SSR/N`` so that
likelihood-ratio tests against the ML spatial models are comparable.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np

from .likelihood import LOG_2PI, Prepared
from .results import ModelResult


def absorbed(effects: str, n: int, T: int) -> int:
    """Degrees of freedom taken by the fixed effects (the constant counts as a regressor)."""
    return {"unit": n, "time": T, "twoway": n + T - 1}.get(effects, 0)


def fit_ols(data, W, model: str = "OLS", effects: str = "none", durbin=None) -> ModelResult:
    prepared = Prepared(data, W, model, effects, durbin)
    Z, y = prepared.Z, prepared.y
    beta, *_ = np.linalg.lstsq(Z, y, rcond=None)
    residuals = y - Z @ beta
    ssr = float(residuals @ residuals)
    n_obs = prepared.n_obs
    dof = n_obs - Z.shape[1] - absorbed(effects, prepared.n, prepared.T)
    s2 = ssr / dof
    vcov = s2 * np.linalg.inv(Z.T @ Z)
    sigma2_ml = ssr / n_obs
    loglik = -0.5 * n_obs * (LOG_2PI + np.log(sigma2_ml) + 1.0)
    r2, r2_within = prepared.r_squared(residuals)
    design = prepared.design
    return ModelResult(
        model=model, effects=effects, dependent=data.dependent, names=design.names, kinds=design.kinds,
        coefficients=beta, vcov=vcov, sigma2=s2, loglik=float(loglik), n_units=prepared.n,
        n_periods=prepared.T, residuals=residuals, fitted=design.y - residuals, r2=r2, r2_within=r2_within,
        se_kind=f"OLS (s² with {dof} degrees of freedom)",
    )
