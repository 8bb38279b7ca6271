"""Panels against spreg (PySAL), where spreg has the model.

* ``spreg.Panel_FE_Lag`` (and its successor ``ML_LagFE``): spatial lag with unit fixed
  effects by Elhorst's demeaning. spreg applies **no** Lee–Yu correction (σ² = SSR/nT), so it
  is compared with ``bias_correction=False``; its standard errors use the same information
  matrix. ``Panel_FE_Lag``'s log-likelihood omits the constant nT/2·log(nT) (a known slip
  fixed in ``ML_LagFE``), so the log-likelihood is compared with ``ML_LagFE``.
* ``spreg.Panel_RE_Lag``: random-effects spatial lag (Elhorst's alternating estimator):
  the same estimates (ρ, β, φ). Its standard errors come from Elhorst's analytical matrix,
  which treats φ as nearly independent of ρ; ours come from the numerical Hessian of the
  log-likelihood, so only the estimates are compared.
* ``spreg.ML_Lag``/``ML_Error`` with ``slx_lags=1``: the cross-sectional SDM and SDEM.
"""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import warnings

import numpy as np
import pytest

from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for


@pytest.fixture(scope="module")
def spreg_inputs(columbus, columbus_panel):
    _, queen, _ = columbus
    w = queen.to_libpysal()
    w.transform = "r"
    return columbus_panel.y.reshape(-1, 1), columbus_panel.X, w, spectrum_for(queen)


def test_unit_fixed_effects_lag_equals_spreg(columbus_panel, spreg_inputs):
    import spreg

    y, X, w, spectrum = spreg_inputs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = spreg.Panel_FE_Lag(y, X, w)
        new = spreg.ML_LagFE(y, X, w, spat_impacts=None)
    ours = fit_model(columbus_panel, spectrum.W, spectrum, "SAR", "unit", bias_correction=False)
    for theirs in (old, new):
        np.testing.assert_allclose(ours.coefficients, theirs.betas.ravel(), rtol=1e-6)
        np.testing.assert_allclose(ours.sigma2, float(np.ravel(theirs.sig2)[0]), rtol=1e-6)
        np.testing.assert_allclose(ours.standard_errors, np.sqrt(np.diag(theirs.vm)), rtol=1e-5)
    np.testing.assert_allclose(ours.loglik, new.logll, rtol=1e-8)


def test_sdm_with_unit_fixed_effects_equals_spreg_slx(columbus_panel, spreg_inputs):
    import spreg

    y, X, w, spectrum = spreg_inputs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = spreg.ML_LagFE(y, X, w, slx_lags=1, spat_impacts=None)
    ours = fit_model(columbus_panel, spectrum.W, spectrum, "SDM", "unit", bias_correction=False)
    np.testing.assert_allclose(ours.coefficients, theirs.betas.ravel(), rtol=1e-6)
    np.testing.assert_allclose(ours.standard_errors, np.sqrt(np.diag(theirs.vm)), rtol=1e-5)


def test_random_effects_lag_equals_spreg(columbus_panel, spreg_inputs):
    import spreg

    y, X, w, spectrum = spreg_inputs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = spreg.Panel_RE_Lag(y, X, w)
    ours = fit_model(columbus_panel, spectrum.W, spectrum, "SAR", "random")
    betas = theirs.betas.ravel()  # constant, x1, x2, rho, phi
    np.testing.assert_allclose(ours.coefficients, betas[:-1], rtol=1e-5)
    np.testing.assert_allclose(ours.phi, betas[-1], rtol=1e-5)
    np.testing.assert_allclose(ours.sigma2, float(np.ravel(theirs.sig2)[0]), rtol=1e-5)


@pytest.mark.parametrize("model", ["SDM", "SDEM"])
def test_cross_section_durbin_models_equal_spreg(columbus, model):
    import spreg

    data, queen, _ = columbus
    w = queen.to_libpysal()
    w.transform = "r"
    spectrum = spectrum_for(queen)
    ours = fit_model(data, spectrum.W, spectrum, model, "none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model == "SDM":
            theirs = spreg.ML_Lag(data.y.reshape(-1, 1), data.X, w, slx_lags=1, spat_diag=False,
                                  spat_impacts=None)
        else:
            theirs = spreg.ML_Error(data.y.reshape(-1, 1), data.X, w, slx_lags=1)
    np.testing.assert_allclose(ours.coefficients, theirs.betas.ravel(), rtol=1e-5)
    np.testing.assert_allclose(ours.loglik, theirs.logll, rtol=1e-8)
