"""SAR and SDM by maximum likelihood: cross-section, pooled panel or fixed effects.

The σ²- and β-concentrated likelihood (Anselin 1988; Elhorst 2014, §3.3) is searched over
ρ alone: with ``e₀`` and ``e_d`` the residuals of regressing y and Wy on the regressors,

    ℓ_c(ρ) = −(N/2)·log((e₀ − ρe_d)'(e₀ − ρe_d)/N) + T·log|I − ρW|,

then β = b₀ − ρb_d and σ² = SSR/N. Fixed effects are removed by demeaning y, Wy and the
regressors (Elhorst's direct approach, identical to ML with unit/year dummies), and
corrected for the incidental-parameter bias of Lee and Yu (2010) in :mod:`.lee_yu`.
Standard errors come from the analytical information matrix of (β, ρ, σ²), as R
spatialreg's ``lagsarlm`` (cross-section) and Elhorst's ``sar_panel_FE`` (panels) compute it.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np

from .likelihood import Prepared, check_fit, full_loglik, maximise, ml_result, stacked_wa
from .results import ModelResult


def concentrated_lag(e0, ed, n_obs: int, T: int, spectrum):
    """ℓ_c(ρ) from the residual cross-products (O(n) per evaluation with eigenvalues)."""
    a, b, c = float(e0 @ e0), float(e0 @ ed), float(ed @ ed)

    def value(rho: float) -> float:
        ssr = a - 2.0 * rho * b + rho * rho * c
        return -0.5 * n_obs * np.log(ssr / n_obs) + T * spectrum.logdet(rho)

    def derivative(rho: float) -> float:
        """dℓ_c/dρ = −(N/2)·SSR'/SSR − T·tr(W(I − ρW)⁻¹), for :func:`.likelihood.maximise`'s last step."""
        ssr = a - 2.0 * rho * b + rho * rho * c
        return -0.5 * n_obs * (2.0 * rho * c - 2.0 * b) / ssr + T * spectrum.logdet_derivative(rho)

    value.derivative = derivative
    return value


def lag_information(Z, beta, rho, sigma2, spectrum, T: int) -> np.ndarray:
    """Information matrix of (β, ρ, σ²) for the lag model (Anselin 1988, eq. 6.5; Elhorst 2014)."""
    p = Z.shape[1]
    xb = Z @ beta
    wa_xb = stacked_wa(spectrum, rho, xb, T)
    tr1, tr2, tr3 = spectrum.wa_traces(rho)
    n_obs = len(xb)
    info = np.zeros((p + 2, p + 2))
    info[:p, :p] = Z.T @ Z / sigma2
    info[:p, p] = info[p, :p] = Z.T @ wa_xb / sigma2
    info[p, p] = T * (tr2 + tr3) + float(wa_xb @ wa_xb) / sigma2
    info[p, p + 1] = info[p + 1, p] = T * tr1 / sigma2
    info[p + 1, p + 1] = n_obs / (2.0 * sigma2 * sigma2)
    return info


def fit_lag(data, W, spectrum, model: str = "SDM", effects: str = "none", durbin=None,
            bias_correction: bool = True) -> ModelResult:
    """Estimate SAR (``model="SAR"``) or SDM by ML; see the module docstring."""
    prepared = Prepared(data, W, model, effects, durbin)
    Z, y, Wy, T, n_obs = prepared.Z, prepared.y, prepared.Wy, prepared.T, prepared.n_obs
    ZtZ_inv_Zt = np.linalg.solve(Z.T @ Z, Z.T)
    b0, bd = ZtZ_inv_Zt @ y, ZtZ_inv_Zt @ Wy
    e0, ed = y - Z @ b0, Wy - Z @ bd
    objective = concentrated_lag(e0, ed, n_obs, T, spectrum)
    rho = maximise(objective, spectrum.lower, spectrum.upper, "ρ", model)
    loglik = full_loglik(objective(rho), n_obs)
    beta = b0 - rho * bd
    residuals = e0 - rho * ed
    sigma2 = float(residuals @ residuals) / n_obs
    check_fit(sigma2, y, model, data.dependent)

    def information(theta):
        return lag_information(Z, theta[:-2], theta[-2], theta[-1], spectrum, T)

    def residuals_at(beta, rho):
        return y - rho * Wy - Z @ beta

    theta = np.concatenate([beta, [rho, sigma2]])
    return ml_result(prepared, spectrum, model, theta, information, residuals, residuals_at, loglik,
                     bias_correction, "ρ", "rho")
