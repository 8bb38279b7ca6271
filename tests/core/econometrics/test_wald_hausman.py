"""Wald tests of the Durbin restrictions and the Hausman test, recomputed by hand.

The Wald statistics use the delta method; here the Jacobian of the common-factor
restriction g(β, θ, ρ) = θ + ρβ is taken by finite differences (the code uses the analytic
one), and the quadratic forms are written out.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from digital_resilience.core.econometrics.diagnostics import hausman, wald_common_factor, wald_no_durbin
from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for


@pytest.fixture(scope="module")
def sdm(columbus):
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    return fit_model(data, spectrum.W, spectrum, "SDM", "none")


def test_wald_theta_zero_by_hand(sdm):
    at = [sdm.names.index("W·INC"), sdm.names.index("W·HOVAL")]
    theta = sdm.coefficients[at]
    statistic = theta @ np.linalg.inv(sdm.vcov[np.ix_(at, at)]) @ theta
    test = wald_no_durbin(sdm)
    assert test.statistic == pytest.approx(statistic, rel=1e-10)
    assert test.df == 2 and test.p == pytest.approx(stats.chi2.sf(statistic, 2), rel=1e-10)


def test_wald_common_factor_by_hand(sdm):
    names = sdm.all_names()

    def g(coefficients):
        rho = coefficients[names.index("rho")]
        return np.array([coefficients[names.index(f"W·{v}")] + rho * coefficients[names.index(v)]
                         for v in ("INC", "HOVAL")])

    b = sdm.coefficients
    step = 1e-6
    jacobian = np.column_stack([(g(b + step * e) - g(b - step * e)) / (2 * step) for e in np.eye(len(b))])
    value = g(b)
    statistic = value @ np.linalg.inv(jacobian @ sdm.vcov @ jacobian.T) @ value
    assert wald_common_factor(sdm).statistic == pytest.approx(statistic, rel=1e-6)


def test_hausman_by_hand(columbus, columbus_panel):
    """OLS panel: V_FE − V_RE is positive definite, H = d'(V_FE − V_RE)⁻¹d on x1, x2."""
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    fixed = fit_model(columbus_panel, spectrum.W, spectrum, "OLS", "unit")
    random = fit_model(columbus_panel, spectrum.W, spectrum, "OLS", "random")
    d = fixed.coefficients - random.coefficients[1:]  # the random-effects constant has no FE counterpart
    difference = fixed.vcov - random.vcov[1:, 1:]
    assert np.linalg.eigvalsh(difference).min() > 0
    test = hausman(fixed, random)
    assert test.statistic == pytest.approx(d @ np.linalg.solve(difference, d), rel=1e-10)
    assert test.df == 2 and test.p == pytest.approx(stats.chi2.sf(test.statistic, 2), rel=1e-10)


def test_hausman_when_the_difference_is_not_positive_definite(columbus, columbus_panel):
    """SAR panel: ρ is less precise under random effects (φ and ρ are correlated), so
    V_FE − V_RE has a negative eigenvalue; the test uses the positive directions only."""
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    fixed = fit_model(columbus_panel, spectrum.W, spectrum, "SAR", "unit", bias_correction=False)
    random = fit_model(columbus_panel, spectrum.W, spectrum, "SAR", "random")
    d = fixed.coefficients - random.coefficients[1:]
    values, vectors = np.linalg.eigh(fixed.vcov - random.vcov[1:, 1:])
    positive = values > 0
    assert not positive.all()
    expected = np.sum((vectors[:, positive].T @ d) ** 2 / values[positive])
    test = hausman(fixed, random)
    assert test.statistic == pytest.approx(expected, rel=1e-10) and test.df == positive.sum()
    assert "not positive definite" in test.hypothesis
