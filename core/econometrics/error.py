"""SEM and SDEM by maximum likelihood: cross-section, pooled panel or fixed effects.

For a given λ the GLS estimate of β on the filtered data ``y − λWy``, ``Z − λWZ`` is
closed-form, so the concentrated likelihood is searched over λ alone (Anselin 1988;
Elhorst 2014, §3.3):

    ℓ_c(λ) = −(N/2)·log(SSR(λ)/N) + T·log|I − λW|.

The cross-products are expanded in powers of λ once, so each evaluation costs O(p³).
Fixed effects: the filter is applied to the raw data and the result demeaned, i.e. ML with
unit/year dummies (for unit effects this is the same as Elhorst's demean-then-filter; for
year effects it is the exact dummy-variable likelihood). Residuals are the innovations ε
(what R spatialreg's ``errorsarlm`` reports). Standard errors from the information matrix:
β block ``Z*'Z*/σ²``, (λ, σ²) block from the traces, as ``errorsarlm``.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np

from .likelihood import Prepared, check_fit, full_loglik, maximise, ml_result
from .results import ModelResult


def error_information(Z_star, lam, sigma2, spectrum, T: int) -> np.ndarray:
    """Information matrix of (β, λ, σ²) for the error model (block-diagonal in β)."""
    p = Z_star.shape[1]
    tr1, tr2, tr3 = spectrum.wa_traces(lam)
    n_obs = Z_star.shape[0]
    info = np.zeros((p + 2, p + 2))
    info[:p, :p] = Z_star.T @ Z_star / sigma2
    info[p, p] = T * (tr2 + tr3)
    info[p, p + 1] = info[p + 1, p] = T * tr1 / sigma2
    info[p + 1, p + 1] = n_obs / (2.0 * sigma2 * sigma2)
    return info


class _Moments:
    """Cross-products of (y, Wy, Z, WZ) so that GLS at any λ costs O(p³)."""

    def __init__(self, y, Wy, Z, WZ):
        self.A0, self.A1, self.A2 = Z.T @ Z, Z.T @ WZ, WZ.T @ WZ
        self.c0, self.c1, self.c2, self.c3 = Z.T @ y, Z.T @ Wy, WZ.T @ y, WZ.T @ Wy
        self.d0, self.d1, self.d2 = float(y @ y), float(y @ Wy), float(Wy @ Wy)

    def gls(self, lam: float):
        M = self.A0 - lam * (self.A1 + self.A1.T) + lam * lam * self.A2
        m = self.c0 - lam * (self.c1 + self.c2) + lam * lam * self.c3
        beta = np.linalg.solve(M, m)
        yy = self.d0 - 2.0 * lam * self.d1 + lam * lam * self.d2
        return beta, max(yy - float(m @ beta), 1e-300)

    def ssr_derivative(self, lam: float) -> float:
        """d SSR/dλ at the GLS β(λ): by the envelope theorem, the derivative with β held fixed."""
        beta, _ = self.gls(lam)
        dM = -(self.A1 + self.A1.T) + 2.0 * lam * self.A2
        dm = -(self.c1 + self.c2) + 2.0 * lam * self.c3
        dyy = -2.0 * self.d1 + 2.0 * lam * self.d2
        return dyy - 2.0 * float(dm @ beta) + float(beta @ dM @ beta)


def fit_error(data, W, spectrum, model: str = "SEM", effects: str = "none", durbin=None,
              bias_correction: bool = True) -> ModelResult:
    """Estimate SEM (``model="SEM"``) or SDEM by ML; see the module docstring."""
    prepared = Prepared(data, W, model, effects, durbin)
    Z, WZ, y, Wy, T, n_obs = prepared.Z, prepared.WZ, prepared.y, prepared.Wy, prepared.T, prepared.n_obs
    moments = _Moments(y, Wy, Z, WZ)

    def objective(lam: float) -> float:
        _, ssr = moments.gls(lam)
        return -0.5 * n_obs * np.log(ssr / n_obs) + T * spectrum.logdet(lam)

    def derivative(lam: float) -> float:
        _, ssr = moments.gls(lam)
        return -0.5 * n_obs * moments.ssr_derivative(lam) / ssr + T * spectrum.logdet_derivative(lam)

    objective.derivative = derivative
    lam = maximise(objective, spectrum.lower, spectrum.upper, "λ", model)
    loglik = full_loglik(objective(lam), n_obs)
    beta, _ = moments.gls(lam)
    innovations = (y - lam * Wy) - (Z - lam * WZ) @ beta
    sigma2 = float(innovations @ innovations) / n_obs
    check_fit(sigma2, y, model, data.dependent)

    def information(theta):
        return error_information(Z - theta[-2] * WZ, theta[-2], theta[-1], spectrum, T)

    def innovations_at(beta, lam):
        return (y - lam * Wy) - (Z - lam * WZ) @ beta

    theta = np.concatenate([beta, [lam, sigma2]])
    return ml_result(prepared, spectrum, model, theta, information, innovations, innovations_at, loglik,
                     bias_correction, "λ", "lambda")
