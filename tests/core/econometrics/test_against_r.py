"""The estimators against R spatialreg/spdep (values in tests/reference/spatialreg_reference.csv,
produced by tests/reference/spatialreg_reference.R; R is not needed to run these tests).

Tolerance: relative 1e-4 (the issue's bar); the agreement is about 1e-7, R's optimiser tolerance (R stops its
ρ search ≈1.5e-8·|ρ| short of the maximum; the toolkit finds the derivative's root, test_exact_optimum.py).
"""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.diagnostics import lm_tests
from digital_resilience.core.econometrics.effects import compute_effects
from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for

RTOL = 1e-4


def close(actual, expected, rtol=RTOL, atol=1e-8):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def r_terms(case: dict, prefix: str, names) -> np.ndarray:
    rename = {"constant": "(Intercept)"}
    return np.array([case[f"{prefix}[{rename.get(n, n).replace('W·', 'lag.')}]"] for n in names])


@pytest.fixture(scope="module")
def fits(columbus):
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    return {model: fit_model(data, spectrum.W, spectrum, model, "none")
            for model in ("OLS", "SLX", "SAR", "SEM", "SDM", "SDEM")}, spectrum


@pytest.mark.parametrize("model", ["SAR", "SEM", "SDM", "SDEM"])
def test_ml_models_equal_spatialreg(fits, reference, model):
    result = fits[0][model]
    case = reference[model.lower()]
    close(result.beta, r_terms(case, "coef", result.names))
    close(result.standard_errors[:-1], r_terms(case, "se", result.names))
    name = "rho" if model in ("SAR", "SDM") else "lambda"
    close(result.spatial, case[name])
    close(result.spatial_se, case[f"{name}_se"])
    close(result.sigma2, case["sigma2"])
    close(result.loglik, case["loglik"])
    close(result.aic, case["aic"])


@pytest.mark.parametrize("model", ["OLS", "SLX"])
def test_least_squares_models_equal_r(fits, reference, model):
    result = fits[0][model]
    case = reference[model.lower()]
    close(result.coefficients, r_terms(case, "coef", result.names))
    close(result.standard_errors, r_terms(case, "se", result.names))
    close(result.loglik, case["loglik"])
    if model == "OLS":
        close(result.r2, case["r2"])


@pytest.mark.parametrize("model", ["OLS", "SLX"])
def test_least_squares_p_values_use_t_like_r_lm(fits, model):
    """p-values of OLS and SLX from t(n − k), as R's lm (tests/reference/lm_pvalues.R and .csv):
    columbus HOVAL p = 0.0109 (the normal distribution gave 0.0079)."""
    import pandas as pd

    from .conftest import REFERENCE

    table = pd.read_csv(REFERENCE / "lm_pvalues.csv")
    expected = table[table.case == model.lower()]
    result = fits[0][model].table()
    rename = {"constant": "(Intercept)"}
    terms = [rename.get(t, t).replace("W·", "lag.") for t in result.term]
    assert terms == expected.term.tolist()
    close(result.z.to_numpy(), expected.t.to_numpy())
    close(result.p.to_numpy(), expected.p.to_numpy())
    if model == "OLS":
        assert round(float(result.p[result.term == "HOVAL"].iloc[0]), 4) == 0.0109


@pytest.mark.parametrize("model", ["SAR", "SDM", "SDEM", "SLX"])
def test_effects_equal_spatialreg_impacts(fits, reference, model):
    results, spectrum = fits
    table = compute_effects(results[model], spectrum, draws=0)
    case = reference[f"{model.lower()}_impacts"]
    for j, kind in enumerate(("direct", "indirect", "total")):
        close(table.estimate[:, j], [case[f"{kind}[{v}]"] for v in table.variables])
    if model in ("SDEM",):  # linear in the coefficients: exact standard errors
        for j, kind in enumerate(("direct", "indirect", "total")):
            close(table.se[:, j], [case[f"se_{kind}[{v}]"] for v in table.variables])


def test_simulated_effect_errors_agree_with_spatialreg(fits, reference):
    """Both simulate 20,000 draws (different random streams): the direct effects' SEs agree to
    Monte-Carlo precision (1-2 %); indirect and total effects have heavy tails (1/(1 − ρ) with
    ρ's distribution reaching towards 1), so their simulated SDs vary by several per cent between
    streams and are compared at 15 %."""
    results, spectrum = fits
    table = compute_effects(results["SDM"], spectrum, draws=20000, seed=20111)
    case = reference["sdm_impacts_sim"]
    close(table.se[:, 0], [case[f"se_direct[{v}]"] for v in table.variables], rtol=0.03)
    for j, kind in ((1, "indirect"), (2, "total")):
        close(table.se[:, j], [case[f"se_{kind}[{v}]"] for v in table.variables], rtol=0.15)


def test_likelihood_ratio_tests_equal_spatialreg(fits, reference):
    from digital_resilience.core.econometrics.spillover import durbin_tests

    results, _ = fits
    tests = {t.name: t for t in durbin_tests(results)}
    case = reference["lr"]
    close(tests["LR: SDM → SAR"].statistic, case["sdm_vs_sar"])
    close(tests["LR: SDM → SAR"].p, case["sdm_vs_sar_p"])
    close(tests["LR: SDM → SEM"].statistic, case["sdm_vs_sem"])
    close(tests["LR: SDM → SEM"].p, case["sdm_vs_sem_p"])
    close(tests["LR: SDEM → SEM"].statistic, case["sdem_vs_sem"])
    close(2 * (results["SAR"].loglik - results["OLS"].loglik), case["sar_vs_ols"])


def test_lm_tests_equal_spdep(columbus, reference):
    data, queen, _ = columbus
    tests = {t.name: t for t in lm_tests(data, queen.transformed(), "none")}
    case = reference["ols_lm"]
    for ours, theirs in (("LM error", "LMerr"), ("LM lag", "LMlag"), ("Robust LM error", "RLMerr"),
                         ("Robust LM lag", "RLMlag"), ("SARMA", "SARMA")):
        close(tests[ours].statistic, case[theirs])
        close(tests[ours].p, case[f"{theirs}_p"])


def test_asymmetric_weights_complex_eigenvalues(columbus, reference):
    """4 nearest neighbours: W is not similar to a symmetric matrix, the log-determinant
    uses complex eigenvalues and the admissible range their real parts (as spatialreg)."""
    data, _, knn = columbus
    spectrum = spectrum_for(knn)
    assert np.iscomplexobj(spectrum.eigenvalues)
    sdm = fit_model(data, spectrum.W, spectrum, "SDM", "none")
    case = reference["sdm_knn"]
    close(sdm.beta, r_terms(case, "coef", sdm.names))
    close(sdm.standard_errors[:-1], r_terms(case, "se", sdm.names))
    close([sdm.spatial, sdm.spatial_se, sdm.sigma2, sdm.loglik],
          [case["rho"], case["rho_se"], case["sigma2"], case["loglik"]])
    table = compute_effects(sdm, spectrum, draws=0)
    impacts = reference["sdm_knn_impacts"]
    for j, kind in enumerate(("direct", "indirect", "total")):
        close(table.estimate[:, j], [impacts[f"{kind}[{v}]"] for v in table.variables])
    sem = fit_model(data, spectrum.W, spectrum, "SEM", "none")
    case = reference["sem_knn"]
    close([sem.spatial, sem.spatial_se, sem.sigma2, sem.loglik],
          [case["lambda"], case["lambda_se"], case["sigma2"], case["loglik"]])
    close(sem.standard_errors[:-1], r_terms(case, "se", sem.names))


# ------------------------------------------------------------------ panels
@pytest.mark.parametrize("case, model, effects", [
    ("panel_sdm_twoway", "SDM", "twoway"),
    ("panel_sar_unit", "SAR", "unit"),
    ("panel_sem_unit", "SEM", "unit"),
    ("panel_sdem_twoway", "SDEM", "twoway"),
])
def test_fixed_effects_direct_approach_equals_dummy_variable_ml(columbus, columbus_panel, reference, case, model,
                                                                effects):
    """Without the Lee–Yu correction, demeaning equals ML with unit/year dummies on the stacked
    panel (R lagsarlm/errorsarlm with a block-diagonal W)."""
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    result = fit_model(columbus_panel, spectrum.W, spectrum, model, effects, bias_correction=False)
    expected = reference[case]
    close(result.beta, r_terms(expected, "coef", result.names))
    close(result.spatial, expected["rho" if model in ("SAR", "SDM") else "lambda"])
    close(result.sigma2, expected["sigma2"])
    close(result.loglik, expected["loglik"])


def test_panel_lm_tests_equal_stacked_dummy_regression(columbus, columbus_panel, reference):
    _, queen, _ = columbus
    W = queen.transformed()
    for effects, case in (("none", "panel_lm_pooled"), ("twoway", "panel_lm_twoway")):
        tests = {t.name: t.statistic for t in lm_tests(columbus_panel, W, effects)}
        expected = reference[case]
        close([tests["LM error"], tests["LM lag"], tests["Robust LM error"], tests["Robust LM lag"],
               tests["SARMA"]],
              [expected["LMerr"], expected["LMlag"], expected["RLMerr"], expected["RLMlag"], expected["SARMA"]])


def test_panel_ols_with_two_way_effects_equals_lm_with_dummies(columbus, columbus_panel, reference):
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    result = fit_model(columbus_panel, spectrum.W, spectrum, "OLS", "twoway")
    expected = reference["panel_ols_twoway"]
    close(result.coefficients, r_terms(expected, "coef", result.names))
    close(result.standard_errors, r_terms(expected, "se", result.names))
    close(result.loglik, expected["loglik"])
