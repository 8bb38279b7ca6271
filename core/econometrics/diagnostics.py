"""Specification tests: LM tests on the non-spatial model, LR and Wald tests of the spatial
Durbin model against its restrictions, and the Hausman test of fixed against random effects.

LM tests (Anselin et al. 1996; for panels Anselin, Le Gallo and Jayet 2008 and Elhorst
2014, §3.5) on the residuals e of OLS with the chosen fixed effects, σ² = e'e/N and
T_W = T·tr(W'W + WW):

    LM_err  = (e'We/σ²)² / T_W
    LM_lag  = (e'Wy/σ²)² / J,          J = (‖M·W Xβ‖² + T_W σ²)/σ²
    RLM_err = (e'We/σ² − (T_W/J)·e'Wy/σ²)² / (T_W(1 − T_W/J))
    RLM_lag = (e'Wy/σ² − e'We/σ²)² / (J − T_W)
    SARMA   = RLM_lag + LM_err

where M annihilates the regressors and the fixed effects (so the panel statistics equal
the cross-sectional ones of the dummy-variable regression on the stacked panel).
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import Message
from .data import spatial_lag, within
from .likelihood import Prepared


@dataclass
class Test:
    """One test: statistic, degrees of freedom, p-value, and what it tests."""

    name: str
    statistic: float
    df: int
    p: float
    hypothesis: str

    @classmethod
    def chi2(cls, name: str, statistic: float, df: int, hypothesis: str) -> Test:
        return cls(name, float(statistic), int(df), float(stats.chi2.sf(statistic, df)), hypothesis)


def lm_tests(data, W, effects: str) -> list[Test]:
    """LM lag, LM error, their robust forms and SARMA on OLS with the given fixed effects."""
    how = {"random": "none", "random_time": "time"}.get(effects, effects)
    prepared = Prepared(data, W, "OLS", how)
    Z, y, T = prepared.Z, prepared.y, prepared.T
    solver = np.linalg.solve(Z.T @ Z, Z.T)
    beta = solver @ y
    fitted = Z @ beta
    e = y - fitted
    n_obs = len(e)
    sigma2 = float(e @ e) / n_obs
    We = spatial_lag(W, e, T)
    e_we = float(e @ We) / sigma2
    e_wy = float(e @ prepared.Wy) / sigma2
    w_dense_products = W.multiply(W.T).sum() + W.multiply(W).sum()  # tr(WW) + tr(W'W)
    t_w = T * float(w_dense_products)
    w_fitted = within(spatial_lag(W, fitted, T), prepared.n, T, how)
    residual = w_fitted - Z @ (solver @ w_fitted)
    J = (float(residual @ residual) + t_w * sigma2) / sigma2
    lm_err = e_we ** 2 / t_w
    lm_lag = e_wy ** 2 / J
    rlm_err = (e_we - t_w / J * e_wy) ** 2 / (t_w * (1.0 - t_w / J))
    rlm_lag = (e_wy - e_we) ** 2 / (J - t_w)
    return [
        Test.chi2(Message("LM lag"), lm_lag, 1, Message("no spatial lag (ρ = 0)")),
        Test.chi2(Message("Robust LM lag"), rlm_lag, 1, Message("no spatial lag, robust to a spatial error")),
        Test.chi2(Message("LM error"), lm_err, 1, Message("no spatial error (λ = 0)")),
        Test.chi2(Message("Robust LM error"), rlm_err, 1, Message("no spatial error, robust to a spatial lag")),
        Test.chi2("SARMA", rlm_lag + lm_err, 2, Message("neither a spatial lag nor a spatial error")),
    ]


def lr_test(name: str, unrestricted, restricted, hypothesis: str) -> Test:
    df = len(unrestricted.coefficients) - len(restricted.coefficients)
    return Test.chi2(name, 2.0 * (unrestricted.loglik - restricted.loglik), df, hypothesis)


def _wx_pairs(result):
    """Positions of (β_k, θ_k) for every variable with a W·X term."""
    pairs = []
    for j, (name, kind) in enumerate(zip(result.names, result.kinds)):
        if kind == "wx":
            pairs.append((result.names.index(name[2:]), j))
    return pairs


def wald_no_durbin(result, name: str = Message("Wald: SDM → SAR")) -> Test:
    """Wald test of θ = 0 (all W·X coefficients)."""
    at = [j for _, j in _wx_pairs(result)]
    theta = result.coefficients[at]
    statistic = float(theta @ np.linalg.solve(result.vcov[np.ix_(at, at)], theta))
    return Test.chi2(name, statistic, len(at), Message("θ = 0 (no W·X terms)"))


def wald_common_factor(result, name: str = Message("Wald: SDM → SEM")) -> Test:
    """Wald test of the common-factor restriction θ_k + ρβ_k = 0 (Burridge 1981)."""
    pairs = _wx_pairs(result)
    rho = result.coefficients[-1]
    g = np.array([result.coefficients[j] + rho * result.coefficients[i] for i, j in pairs])
    G = np.zeros((len(pairs), len(result.coefficients)))
    for row, (i, j) in enumerate(pairs):
        G[row, i] = rho
        G[row, j] = 1.0
        G[row, -1] = result.coefficients[i]
    statistic = float(g @ np.linalg.solve(G @ result.vcov @ G.T, g))
    return Test.chi2(name, statistic, len(pairs), Message("θ = −ρβ (common factor: the model is a SEM)"))


def hausman(fixed, random) -> Test:
    """Hausman test of random against fixed effects on the coefficients they share (and ρ).

    H = d'(V_FE − V_RE)⁻¹d, d = b_FE − b_RE, χ² with as many degrees of freedom as shared
    coefficients (Elhorst 2014, §3.6). In finite samples V_FE − V_RE need not be positive
    definite; then H is computed on the subspace where it is (eigenvalues > 0), with that
    many degrees of freedom, and the hypothesis text says so.
    """
    shared = [name for name in fixed.all_names() if name in random.all_names() and name != "constant"]
    i_fe = [fixed.all_names().index(name) for name in shared]
    i_re = [random.all_names().index(name) for name in shared]
    d = fixed.coefficients[i_fe] - random.coefficients[i_re]
    difference = fixed.vcov[np.ix_(i_fe, i_fe)] - random.vcov[np.ix_(i_re, i_re)]
    values, vectors = np.linalg.eigh(0.5 * (difference + difference.T))
    positive = values > 1e-10 * np.abs(values).max()
    projected = vectors[:, positive].T @ d
    statistic = float(np.sum(projected ** 2 / values[positive]))
    hypothesis = Message("random effects are consistent (no correlation with the regressors)")
    if not positive.all():
        hypothesis = Message("random effects are consistent (no correlation with the regressors); V_FE − V_RE is "
                             "not positive definite, so the test uses the {used} of {count} directions where it is",
                             used=int(positive.sum()), count=len(d))
    return Test.chi2(Message("Hausman"), statistic, max(int(positive.sum()), 1), hypothesis)
