"""The Lee–Yu (2010) bias correction, recomputed by hand from R's uncorrected estimates.

R's dummy-variable ML on the stacked panel gives the direct-approach estimates (see
test_against_r.py); the correction is then written out here with dense matrices, as
Elhorst's ``sar_panel_FE.m`` computes it:

* unit effects: σ²·T/(T − 1), ρ and β unchanged;
* two-way effects: θ_BC = θ + T·I(θ)⁻¹[0, 1/(1 − ρ), 1/(2σ²)]', then σ²·T/(T − 1), with
  I(θ) the information matrix of (β, ρ, σ²) on the two-way demeaned regressors.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np

from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for


def demean_twoway(values, n, T):
    cube = values.reshape(T, n, -1)
    cube = cube - cube.mean(axis=0, keepdims=True) - cube.mean(axis=1, keepdims=True) + cube.mean(axis=(0, 1))
    return cube.reshape(values.shape)


def test_unit_effects_correct_sigma_only(columbus, columbus_panel, reference):
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    T = columbus_panel.T
    corrected = fit_model(columbus_panel, spectrum.W, spectrum, "SAR", "unit", bias_correction=True)
    r = reference["panel_sar_unit"]
    np.testing.assert_allclose(corrected.spatial, r["rho"], rtol=1e-6)
    np.testing.assert_allclose(corrected.beta, [r["coef[x1]"], r["coef[x2]"]], rtol=1e-6)
    np.testing.assert_allclose(corrected.sigma2, r["sigma2"] * T / (T - 1), rtol=1e-6)


def test_two_way_effects_correction_by_hand(columbus, columbus_panel, reference):
    _, queen, _ = columbus
    W = queen.transformed().toarray()
    n, T = columbus_panel.n, columbus_panel.T
    r = reference["panel_sdm_twoway"]
    beta = np.array([r["coef[x1]"], r["coef[x2]"], r["coef[lag.x1]"], r["coef[lag.x2]"]])
    rho, sigma2 = r["rho"], r["sigma2"]
    # Regressors X, WX, two-way demeaned.
    X = columbus_panel.X
    WX = np.vstack([W @ X[t * n:(t + 1) * n] for t in range(T)])
    Z = demean_twoway(np.hstack([X, WX]), n, T)
    k = Z.shape[1]
    # Information matrix at the uncorrected estimates (Elhorst's xpx).
    WA = W @ np.linalg.inv(np.eye(n) - rho * W)
    xb = Z @ beta
    wa_xb = np.concatenate([WA @ xb[t * n:(t + 1) * n] for t in range(T)])
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = Z.T @ Z / sigma2
    info[:k, k] = info[k, :k] = Z.T @ wa_xb / sigma2
    info[k, k] = T * (np.trace(WA @ WA) + np.trace(WA.T @ WA)) + wa_xb @ wa_xb / sigma2
    info[k, k + 1] = info[k + 1, k] = T * np.trace(WA) / sigma2
    info[k + 1, k + 1] = n * T / (2 * sigma2 ** 2)
    theta = np.concatenate([beta, [rho, sigma2]])
    bias = np.concatenate([np.zeros(k), [1 / (1 - rho), 1 / (2 * sigma2)]])
    expected = theta + T * np.linalg.solve(info, bias)
    expected[-1] *= T / (T - 1)

    spectrum = spectrum_for(queen)
    ours = fit_model(columbus_panel, spectrum.W, spectrum, "SDM", "twoway", bias_correction=True)
    assert ours.bias_corrected
    np.testing.assert_allclose(ours.coefficients, expected[:-1], rtol=1e-5)
    np.testing.assert_allclose(ours.sigma2, expected[-1], rtol=1e-5)
    assert ours.spatial > rho  # the correction raises ρ (its direct-approach estimate is biased down)


def test_time_effects_correct_sigma_by_n_over_n_minus_1(columbus, columbus_panel):
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    raw = fit_model(columbus_panel, spectrum.W, spectrum, "SEM", "time", bias_correction=False)
    corrected = fit_model(columbus_panel, spectrum.W, spectrum, "SEM", "time", bias_correction=True)
    n = columbus_panel.n
    np.testing.assert_allclose(corrected.coefficients, raw.coefficients, rtol=1e-12)
    np.testing.assert_allclose(corrected.sigma2, raw.sigma2 * n / (n - 1), rtol=1e-12)
    assert corrected.loglik == raw.loglik  # the maximised likelihood is reported uncorrected
