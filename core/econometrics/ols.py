"""OLS and SLX, pooled or with fixed effects (least squares on the within-transformed data).

The fit is the toolkit's one OLS (``core.regression.ols``): its ``s² = SSR/(N − p − #fixed
effects)`` is the dummy-variable regression's, as R's ``lm``. Standard errors are classical, or
with ``clustered`` the same module's cluster-robust ones by city (CR1, t tests with G − 1 degrees
of freedom; a cross-section, one observation per city, gets HC1, which is the same number). The
log-likelihood uses the ML variance ``SSR/N`` so that likelihood-ratio tests against the ML
spatial models are comparable.
"""

# ruff: noqa: N803 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np

from ..errors import Message
from ..regression.ols import ols
from .likelihood import LOG_2PI, Prepared, check_fit
from .results import ModelResult


def absorbed(effects: str, n: int, T: int) -> int:
    """Degrees of freedom taken by the fixed effects (the constant counts as a regressor)."""
    return {"unit": n, "time": T, "twoway": n + T - 1}.get(effects, 0)


def fit_ols(data, W, model: str = "OLS", effects: str = "none", durbin=None, clustered: bool = False) -> ModelResult:
    prepared = Prepared(data, W, model, effects, durbin)
    design = prepared.design
    se_type, clusters, se_kind = "classical", None, None
    if clustered and prepared.T > 1:
        se_type, clusters = "cluster", np.tile(np.arange(prepared.n), prepared.T)  # stacked year by year
        se_kind = Message("clustered by city (CR1, {clusters} clusters)", clusters=prepared.n)
    elif clustered:
        se_type, se_kind = "hc1", Message("heteroskedasticity-robust (HC1; one observation per city)")
    fit = ols(prepared.y, prepared.Z, design.names, se_type=se_type, clusters=clusters,
              absorbed=absorbed(effects, prepared.n, prepared.T))
    residuals = fit.resid
    ssr = float(residuals @ residuals)
    n_obs = prepared.n_obs
    sigma2_ml = ssr / n_obs
    check_fit(sigma2_ml, prepared.y, model, data.dependent)
    loglik = -0.5 * n_obs * (LOG_2PI + np.log(sigma2_ml) + 1.0)
    r2, r2_within = prepared.r_squared(residuals)
    return ModelResult(
        model=model, effects=effects, dependent=data.dependent, names=design.names, kinds=design.kinds,
        coefficients=fit.coef, vcov=fit.vcov, sigma2=ssr / fit.df_resid, loglik=float(loglik), n_units=prepared.n,
        n_periods=prepared.T, residuals=residuals, fitted=design.y - residuals, r2=r2, r2_within=r2_within,
        se_kind=se_kind or Message("OLS (s² with {df} degrees of freedom)", df=fit.df_resid),
        df_resid=int(fit.df_resid), df_test=prepared.n - 1 if se_type == "cluster" else None, se_type=se_type,
    )
