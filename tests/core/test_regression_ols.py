"""OLS standard errors and the within transformation against formulas written out here."""

from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.regression.ols import ols
from digital_resilience.core.regression.within import design


@pytest.fixture()
def data():
    rng = np.random.default_rng(5)
    n = 60
    units = np.repeat(np.arange(12), 5)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n) + 0.3 * x1
    e = rng.normal(size=n) * (1 + np.abs(x1)) + np.repeat(rng.normal(size=12), 5)
    y = 1.0 + 0.5 * x1 - 0.25 * x2 + e
    return y, np.column_stack([x1, x2, np.ones(n)]), units


def test_classical_standard_errors_by_hand(data):
    y, x_mat, _ = data
    fit = ols(y, x_mat, ["x1", "x2", "const"])
    beta = np.linalg.lstsq(x_mat, y, rcond=None)[0]
    e = y - x_mat @ beta
    s2 = (e @ e) / (60 - 3)
    np.testing.assert_allclose(fit.coef, beta, rtol=1e-12)
    np.testing.assert_allclose(fit.se, np.sqrt(np.diag(s2 * np.linalg.inv(x_mat.T @ x_mat))), rtol=1e-12)
    assert fit.r2 == pytest.approx(1 - (e @ e) / ((y - y.mean()) @ (y - y.mean())))
    # Log-likelihood and AIC as R's logLik(lm)/AIC(lm): normal densities at σ̂² = SSR/n, 3 + 1 parameters.
    from scipy import stats

    loglik = stats.norm.logpdf(e, scale=np.sqrt((e @ e) / 60)).sum()
    assert fit.loglik == pytest.approx(loglik, rel=1e-12) and fit.aic == pytest.approx(-2 * loglik + 8, rel=1e-12)


def test_hc1_standard_errors_by_hand(data):
    y, x_mat, _ = data
    fit = ols(y, x_mat, ["x1", "x2", "const"], se_type="hc1")
    bread = np.linalg.inv(x_mat.T @ x_mat)
    e = y - x_mat @ np.linalg.lstsq(x_mat, y, rcond=None)[0]
    meat = sum(e[i] ** 2 * np.outer(x_mat[i], x_mat[i]) for i in range(60))
    np.testing.assert_allclose(fit.se, np.sqrt(np.diag(bread @ meat @ bread * 60 / 57)), rtol=1e-12)


def test_cluster_standard_errors_by_hand(data):
    y, x_mat, units = data
    fit = ols(y, x_mat, ["x1", "x2", "const"], se_type="cluster", clusters=units)
    bread = np.linalg.inv(x_mat.T @ x_mat)
    e = y - x_mat @ np.linalg.lstsq(x_mat, y, rcond=None)[0]
    meat = np.zeros((3, 3))
    for g in range(12):
        score = x_mat[units == g].T @ e[units == g]
        meat += np.outer(score, score)
    factor = 12 / 11 * 59 / 57  # Stata: G/(G-1) · (N-1)/(N-K)
    np.testing.assert_allclose(fit.se, np.sqrt(np.diag(bread @ meat @ bread * factor)), rtol=1e-12)
    assert fit.clusters == 12


def test_within_twoway_equals_dummy_variable_regression(data):
    y, x_mat, units = data
    years = np.tile(np.arange(2011, 2016), 12)
    matrix, names, absorbed = design(np.column_stack([y, x_mat[:, :2]]), ["y", "x1", "x2"], units, years, "twoway")
    fit = ols(matrix[:, 0], matrix[:, 1:], names[1:], absorbed=absorbed)
    unit_dummies = (units[:, None] == np.arange(12)[None, :]).astype(float)
    year_dummies = (years[:, None] == np.arange(2012, 2016)[None, :]).astype(float)
    lsdv = np.column_stack([x_mat[:, :2], unit_dummies, year_dummies])
    beta = np.linalg.lstsq(lsdv, y, rcond=None)[0]
    e = y - lsdv @ beta
    s2 = (e @ e) / (60 - lsdv.shape[1])
    se = np.sqrt(np.diag(s2 * np.linalg.inv(lsdv.T @ lsdv)))
    np.testing.assert_allclose(fit.coef[:2], beta[:2], rtol=1e-10)
    np.testing.assert_allclose(fit.se[:2], se[:2], rtol=1e-10)  # same degrees of freedom as LSDV
    assert names[3:] == ["year 2012", "year 2013", "year 2014", "year 2015"]


def test_within_handles_an_unbalanced_panel_like_dummies(data):
    y, x_mat, units = data
    years = np.tile(np.arange(2011, 2016), 12)
    keep = np.ones(60, bool)
    keep[[3, 17, 18, 40]] = False
    matrix, _, absorbed = design(np.column_stack([y, x_mat[:, :2]])[keep], ["y", "x1", "x2"], units[keep],
                                 years[keep], "twoway")
    fit = ols(matrix[:, 0], matrix[:, 1:], ["x1", "x2", "a", "b", "c", "d"], absorbed=absorbed)
    unit_dummies = (units[keep][:, None] == np.arange(12)[None, :]).astype(float)
    year_dummies = (years[keep][:, None] == np.arange(2012, 2016)[None, :]).astype(float)
    lsdv = np.column_stack([x_mat[keep, :2], unit_dummies, year_dummies])
    beta = np.linalg.lstsq(lsdv, y[keep], rcond=None)[0]
    np.testing.assert_allclose(fit.coef[:2], beta[:2], rtol=1e-10)


def test_perfect_collinearity_names_the_variables(data):
    y, x_mat, _ = data
    twice = np.column_stack([x_mat[:, 0], x_mat[:, 1], 2 * x_mat[:, 0] - x_mat[:, 1], x_mat[:, 2]])
    with pytest.raises(InputError, match=r"perfectly collinear: x3 is a linear combination of x1, x2"):
        ols(y, twice, ["x1", "x2", "x3", "const"])


def test_a_variable_absorbed_by_fixed_effects_is_named(data):
    y, x_mat, units = data
    area = np.repeat(np.arange(12.0), 5)  # time-invariant
    matrix, names, _ = design(np.column_stack([y, x_mat[:, 0], area]), ["y", "x1", "area"], units,
                              np.tile(np.arange(5), 12), "unit")
    with pytest.raises(InputError, match=r"area has no variation left .* fixed effects absorb it"):
        ols(matrix[:, 0], matrix[:, 1:], names[1:])


def test_too_few_observations(data):
    y, x_mat, _ = data
    with pytest.raises(InputError, match="Too few observations: 3 for 3 coefficients"):
        ols(y[:3], x_mat[:3], ["x1", "x2", "const"])
