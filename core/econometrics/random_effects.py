"""Random unit effects for OLS, SLX, SAR and SDM by maximum likelihood (Elhorst 2014, §3.4).

With unit effects μᵢ ~ N(0, σ²_μ) the GLS transform is ``v* = v − (1 − φ)v̄ᵢ`` with
``φ² = σ²/(Tσ²_μ + σ²)``, and the σ²-concentrated log-likelihood is

    ℓ_c(ρ, φ) = −(N/2)·log(e'e/N) + n·log φ + T·log|I − ρW|,   e = y* − ρWy* − Z*β(ρ, φ).

Elhorst (and spreg's ``Panel_RE_Lag``) alternate between φ and (ρ, β); here the profile
in φ is maximised directly (Brent), each φ solving the lag model exactly, which reaches the
same maximum without the alternation's stopping rule. Standard errors come from the
numerical Hessian of ℓ_c in (β, ρ, φ) (the profile-likelihood Hessian gives the same
covariance as the full one). Random effects for SEM/SDEM mix the unit effect with the
spatial filter of the errors and are not offered.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from ..errors import InputError, Message
from .data import quasi_demean
from .design import ERROR_MODELS, LAG_MODELS
from .lag import concentrated_lag
from .likelihood import Prepared, check_fit, full_loglik, maximise
from .results import ModelResult

PHI_MIN = 1e-6


def fit_random_effects(data, W, spectrum, model: str = "SDM", effects: str = "random", durbin=None) -> ModelResult:
    if model in ERROR_MODELS:
        raise InputError(
            "Random effects are available for OLS, SLX, SAR and SDM, not for {model} (its error covariance "
            "mixes the random effect with the spatial filter). Use fixed effects, or the SDM.", model=model)
    if not data.is_panel:
        raise InputError("Random effects need a panel (several years); a cross-section has none.")
    prepared = Prepared(data, W, model, effects, durbin)
    n, T, n_obs = prepared.n, prepared.T, prepared.n_obs
    spatial = model in LAG_MODELS

    def transformed(phi):
        return (quasi_demean(prepared.y, n, T, phi), quasi_demean(prepared.Wy, n, T, phi),
                quasi_demean(prepared.Z, n, T, phi))

    def inner(phi):
        """(ℓ_c at the best ρ for this φ, ρ, β)."""
        y, Wy, Z = transformed(phi)
        solver = np.linalg.solve(Z.T @ Z, Z.T)
        b0, bd = solver @ y, solver @ Wy
        e0, ed = y - Z @ b0, Wy - Z @ bd
        objective = concentrated_lag(e0, ed, n_obs, T, spectrum)
        rho = maximise(objective, spectrum.lower, spectrum.upper, "ρ", model) if spatial else 0.0
        return objective(rho) + n * np.log(phi), rho, b0 - rho * bd

    result = minimize_scalar(lambda phi: -inner(phi)[0], bounds=(PHI_MIN, 1.0), method="bounded",
                             options={"xatol": 1e-10, "maxiter": 500})
    phi = float(result.x)
    notes = []
    at_one = phi > 1.0 - 1e-5
    if at_one:
        phi = 1.0
        notes.append(Message("φ = 1: the unit random effects have zero variance (σ²_μ = 0); the estimates are "
                             "the pooled ones."))
    elif phi < 10 * PHI_MIN:
        raise InputError("{model} with random effects: φ reached 0 (the unit effects dominate); use unit fixed "
                         "effects instead.", model=model)
    value, rho, beta = inner(phi)
    loglik = full_loglik(value, n_obs)
    y, Wy, Z = transformed(phi)
    e = y - rho * Wy - Z @ beta
    sigma2 = float(e @ e) / n_obs
    check_fit(sigma2, y, model, data.dependent)

    def profile(theta):
        """ℓ_c(β, ρ, φ) with σ² concentrated out."""
        b, r = theta[: Z.shape[1]], theta[Z.shape[1]] if spatial else 0.0
        f = theta[-1] if not at_one else 1.0
        ys, wys, zs = transformed(f)
        resid = ys - r * wys - zs @ b
        return (-0.5 * n_obs * np.log(float(resid @ resid) / n_obs) + n * np.log(f)
                + T * spectrum.logdet(r))

    theta = np.concatenate([beta, [rho] if spatial else [], [] if at_one else [phi]])
    covariance = np.linalg.inv(-numerical_hessian(profile, theta))
    k = len(beta) + (1 if spatial else 0)
    vcov = covariance[:k, :k]
    phi_se = None if at_one else float(np.sqrt(max(covariance[-1, -1], 0.0)))
    # Residuals on the original scale: u − BLUP(μ), with BLUP(μᵢ) = (1 − φ²)·ūᵢ (Elhorst).
    u = prepared.y - rho * prepared.Wy - prepared.Z @ beta
    unit_means = u.reshape(T, n).mean(axis=0)
    residuals = u - np.tile((1.0 - phi * phi) * unit_means, T)
    r2, _ = prepared.r_squared(residuals)
    sigma2_mu = sigma2 * (1.0 / (phi * phi) - 1.0) / T
    notes.append(Message("Random effects: φ = {phi}, σ²_μ = {sigma2_mu} (σ² = {sigma2}).", phi=f"{phi:.4f}",
                         sigma2_mu=f"{sigma2_mu:.4g}", sigma2=f"{sigma2:.4g}"))
    design = prepared.design
    return ModelResult(
        model=model, effects=effects, dependent=data.dependent, names=design.names, kinds=design.kinds,
        coefficients=np.concatenate([beta, [rho] if spatial else []]), vcov=vcov, sigma2=sigma2,
        loglik=loglik, n_units=n, n_periods=T, residuals=residuals, fitted=design.y - residuals,
        spatial_name="rho" if spatial else None, bounds=(spectrum.lower, spectrum.upper) if spatial else None,
        phi=phi, phi_se=phi_se, r2=r2, se_kind=Message("numerical Hessian of the log-likelihood"), notes=notes,
    )


def numerical_hessian(function, x: np.ndarray) -> np.ndarray:
    """Central-difference Hessian (steps scaled to each parameter)."""
    x = np.asarray(x, dtype=np.float64)
    k = len(x)
    steps = 1e-4 * np.maximum(np.abs(x), 1e-2)
    hessian = np.empty((k, k))
    f0 = function(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = steps[i]
        hessian[i, i] = (function(x + ei) - 2.0 * f0 + function(x - ei)) / steps[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = steps[j]
            value = (function(x + ei + ej) - function(x + ei - ej) - function(x - ei + ej)
                     + function(x - ei - ej)) / (4.0 * steps[i] * steps[j])
            hessian[i, j] = hessian[j, i] = value
    return hessian
