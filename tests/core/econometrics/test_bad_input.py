"""Bad input gets a clear message naming the problem and the fix."""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from digital_resilience.core.econometrics.data import PanelData, cross_section, long_panel, wide_panel
from digital_resilience.core.econometrics.likelihood import maximise
from digital_resilience.core.econometrics.spillover import SpilloverSpec, fit_model, run_spillover, spectrum_for
from digital_resilience.core.errors import InputError
from digital_resilience.core.weights.model import SpatialWeights


def test_perfect_collinearity_names_the_variable(columbus):
    data, queen, _ = columbus
    X = np.column_stack([data.X, data.X[:, 0] + 2 * data.X[:, 1]])
    bad = data.with_columns(X, ["INC", "HOVAL", "MIX"])
    spectrum = spectrum_for(queen)
    with pytest.raises(InputError, match=r"Perfect collinearity: (MIX|HOVAL|INC) is a linear combination of the "
                                         r"other regressors \(constant, "):
        fit_model(bad, spectrum.W, spectrum, "SAR", "none")
    with pytest.raises(InputError, match=r"Perfect collinearity: .*MIX.* are linear combinations"):
        fit_model(bad, spectrum.W, spectrum, "SDM", "none")  # MIX and W·MIX


def test_a_regressor_without_variation_is_named_not_called_collinear(columbus):
    """Before: "Perfect collinearity: constant, CONST are linear combinations of the other regressors (W·CONST)"."""
    data, queen, _ = columbus
    bad = data.with_columns(np.column_stack([data.X, np.full(data.n, 2.0)]), ["INC", "HOVAL", "CONST"])
    spectrum = spectrum_for(queen)
    with pytest.raises(InputError, match=r"^CONST, W·CONST do not vary \(the same value in every observation, "
                                         r"which the constant already captures\): remove CONST from the "):
        fit_model(bad, spectrum.W, spectrum, "SDM", "none")
    with pytest.raises(InputError, match=r"^CONST does not vary .*: remove it from the explanatory variables"):
        fit_model(bad, spectrum.W, spectrum, "SAR", "none")
    with pytest.raises(InputError, match=r"^CONST does not vary"):
        fit_model(bad, spectrum.W, spectrum, "SDM", "none", durbin=["INC"])


def test_a_dependent_variable_without_variation_uses_the_effects_label(columbus, columbus_panel):
    """Before: "... no variation left to explain (after the none transformation)"."""
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    flat = PanelData(np.full(data.n, 3.0), data.X, "CRIME", data.names, data.unit_ids)
    with pytest.raises(InputError, match=r"^The dependent variable CRIME does not vary \(the same value in every "
                                         r"observation\); choose another variable\.$"):
        fit_model(flat, spectrum.W, spectrum, "SAR", "none")
    n, T = columbus_panel.n, columbus_panel.T
    panel = columbus_panel
    steady = PanelData(np.tile(np.arange(n, dtype=float), T), panel.X, "y", panel.names, panel.unit_ids,
                       panel.years)
    with pytest.raises(InputError, match=r"^The dependent variable y has no variation left to explain once the "
                                         r"unit \(city\) fixed effects are removed; choose another variable or "
                                         r"other panel effects\.$"):
        fit_model(steady, spectrum.W, spectrum, "SAR", "unit")


def test_time_invariant_variable_under_unit_effects(columbus_panel, columbus):
    _, queen, _ = columbus
    n, T = columbus_panel.n, columbus_panel.T
    constant_in_time = np.tile(np.arange(n, dtype=float), T)
    bad = columbus_panel.with_columns(np.column_stack([columbus_panel.X, constant_in_time]), ["x1", "x2", "AREA"])
    spectrum = spectrum_for(queen)
    with pytest.raises(InputError, match="AREA cannot be estimated: it does not vary over time within units"):
        fit_model(bad, spectrum.W, spectrum, "SAR", "unit")
    fit_model(bad, spectrum.W, spectrum, "SAR", "time")  # fine with year effects only


def test_islands_are_named_and_knn_suggested(synthetic):
    data, queen, _, _ = synthetic
    with pytest.raises(InputError) as caught:
        run_spillover(data, queen, SpilloverSpec(model="SDM", draws=0))
    text = str(caught.value)
    assert "460300" in text and "k-nearest neighbours" in text and "Leave out units without neighbours" in text
    result = run_spillover(data, queen, SpilloverSpec(model="SDM", draws=0, drop_islands=True, compare=False))
    assert result.main.n_units == 366 and "460300" in " ".join(result.notes)


def test_islands_do_not_stop_least_squares(synthetic):
    data, queen, _, _ = synthetic
    result = run_spillover(data, queen, SpilloverSpec(model="SLX", effects="twoway", draws=0))
    assert result.main.n_units == 367
    assert set(result.models) == {"OLS", "SLX"}
    assert any("not estimated for comparison" in note for note in result.notes)


def test_unbalanced_panel_says_what_is_missing_and_balances_on_request(synthetic_frame):
    frame = synthetic_frame.copy()
    frame.loc[(frame.adcode == 110100) & (frame.year == 2013), "DIG"] = np.nan
    frame = frame[~((frame.adcode == 120100) & (frame.year == 2015))]
    ids = np.sort(frame.adcode.unique())
    with pytest.raises(InputError) as caught:
        long_panel(frame, "adcode", "year", "RES", ["DIG", "INNOV"], ids)
    text = str(caught.value)
    assert "not balanced: 2 unit-year(s) of 2 unit(s)" in text
    assert "110100 (DIG: 2013)" in text and "120100 (DIG, INNOV, RES: 2015)" in text
    assert "Balance the panel" in text
    balanced = long_panel(frame, "adcode", "year", "RES", ["DIG", "INNOV"], ids, balance=True)
    assert balanced.n == len(ids) - 2 and 110100 not in balanced.unit_ids
    assert "2 unit(s) with missing years were left out" in balanced.notes[0]


def test_wide_panel_needs_shared_years():
    frame = pd.DataFrame({"RES_2011": [1.0, 2.0], "RES_2012": [1.0, 2.0], "DIG_2013": [1.0, 2.0]})
    with pytest.raises(InputError, match="share fewer than two years"):
        wide_panel(frame, "RES_2011", ["DIG_2013"], np.array([1, 2]))
    with pytest.raises(InputError, match="No yearly fields STEM_YYYY for GDP"):
        wide_panel(frame, "RES_2011", ["GDP"], np.array([1, 2]))


def test_cross_section_missing_values_and_text():
    frame = pd.DataFrame({"y": [1.0, None, 3.0], "x": ["1", "2", "a"]})
    with pytest.raises(InputError, match="not numbers"):
        cross_section(frame, "y", ["x"], np.array([1, 2, 3]))
    frame["x"] = [1.0, 2.0, 3.0]
    with pytest.raises(InputError, match="1 unit\\(s\\) have empty \\(NULL\\) or non-finite \\(±inf\\) values in "
                                         "the model's fields: 2"):
        cross_section(frame, "y", ["x"], np.array([1, 2, 3]))


def test_rho_at_the_bound_is_an_error():
    """Two disconnected blocks and y constant within each: the likelihood rises towards ρ = 1."""
    rng = np.random.default_rng(0)
    block = np.ones((10, 10)) - np.eye(10)
    matrix = sp.block_diag([block, block]).tocsr()
    weights = SpatialWeights(np.arange(20), matrix, "custom", "R")
    y = np.r_[np.zeros(10), np.ones(10)] + 1e-9 * rng.normal(size=20)
    data = PanelData(y, rng.normal(size=(20, 1)), "y", ["x"], np.arange(20))
    spectrum = spectrum_for(weights)
    with pytest.raises(InputError, match="reached the bound of its admissible range"):
        fit_model(data, spectrum.W, spectrum, "SAR", "none")


def test_rho_at_the_negative_bound_is_an_error():
    """The same blocks for SDM: W·x absorbs the between-block part and ρ runs to the lower bound −9.

    W's eigenvalues are 1 (twice) and −1/9 (18 times), so the admissible range is (−9, 1). The search
    stops at ρ ≈ −8.99986 (1.4e-4 inside, 1.6e-5 of |−9|: a spatial multiplier 1/(1 − ρ·(−1/9)) ≈ 63,000)
    with a standard error of 1.6e-7; the former test (1e-5 of the width, 1e-4) let it pass.
    """
    rng = np.random.default_rng(0)
    block = np.ones((10, 10)) - np.eye(10)
    weights = SpatialWeights(np.arange(20), sp.block_diag([block, block]).tocsr(), "custom", "R")
    y = np.r_[np.zeros(10), np.ones(10)] + 1e-9 * rng.normal(size=20)
    data = PanelData(y, rng.normal(size=(20, 1)), "y", ["x"], np.arange(20))
    spectrum = spectrum_for(weights)
    assert spectrum.lower == pytest.approx(-9.0) and spectrum.upper == pytest.approx(1.0)
    with pytest.raises(InputError, match=r"SDM: the spatial parameter ρ = -(8\.9999|9\.0000) reached the bound"):
        fit_model(data, spectrum.W, spectrum, "SDM", "none")
    # Strong but interior dependence on the same weights is still estimated: ρ ≈ 0.966, multiplier ≈ 29.
    y = np.r_[np.zeros(10), np.ones(10)] + 0.05 * rng.normal(size=20)
    data = PanelData(y, rng.normal(size=(20, 1)), "y", ["x"], np.arange(20))
    result = fit_model(data, spectrum.W, spectrum, "SAR", "none")
    assert 0.9 < result.coefficients[-1] < 0.999


def test_likelihood_rising_at_a_bound_is_caught_on_both_sides():
    """A local interior maximum (at 0) while the likelihood is higher at the edge: no MLE inside."""
    def spike_at(bound):
        return lambda x: -x * x + 100.0 * max(0.0, 1.0 - abs(x - bound) / 0.01)

    for bound in (-9.0, 1.0):
        with pytest.raises(InputError, match="reached the bound"):
            maximise(spike_at(bound), -9.0, 1.0, "ρ", "SAR")
    assert maximise(lambda x: -x * x, -9.0, 1.0, "ρ", "SAR") == pytest.approx(0.0, abs=1e-6)
    # Close to the lower bound but 10⁻³ of |−9| away: an estimate (multiplier 1000), not a bound.
    assert maximise(lambda x: -(x + 8.991) ** 2, -9.0, 1.0, "ρ", "SAR") == pytest.approx(-8.991, abs=1e-6)
    with pytest.raises(InputError, match="reached the bound"):
        maximise(lambda x: -(x + 8.9995) ** 2, -9.0, 1.0, "ρ", "SAR")
    with pytest.raises(InputError, match="reached the bound"):
        maximise(lambda x: -(x - 0.99995) ** 2, -9.0, 1.0, "ρ", "SAR")


def _blocks(noise, seed=0):
    """Two disconnected complete blocks of 10 units, y = block (0/1) + noise, one random x."""
    rng = np.random.default_rng(seed)
    block = np.ones((10, 10)) - np.eye(10)
    weights = SpatialWeights(np.arange(20), sp.block_diag([block, block]).tocsr(), "custom", "R")
    y = np.r_[np.zeros(10), np.ones(10)] + noise * rng.normal(size=20)
    return PanelData(y, rng.normal(size=(20, 1)), "y", ["x"], np.arange(20)), weights


def test_a_comparison_model_at_the_bound_is_left_out_not_an_error():
    """SAR is interior (ρ ≈ 0.97) on these data; with W·x, ρ (SDM) and λ (SDEM) run to −9, where
    (I + 9W) maps y onto the block-constant vectors, which the constant, x and W·x span (W·x + x/9 is the
    block sum / 9), so the residuals vanish and the likelihood is unbounded. The chosen SAR is reported;
    the SDM and SDEM columns and every LR/Wald test (each needs one of them) are left out, with a
    warning naming the model and the reason."""
    data, weights = _blocks(0.05)
    spectrum = spectrum_for(weights)
    with pytest.raises(InputError, match="SDM: the spatial parameter ρ"):
        fit_model(data, spectrum.W, spectrum, "SDM", "none")
    result = run_spillover(data, weights, SpilloverSpec(model="SAR", draws=0))
    assert 0.9 < result.main.spatial < 0.999
    assert list(result.models) == ["OLS", "SLX", "SAR", "SEM"]
    assert result.tests == [] and {test.name for test in result.lm} >= {"LM lag", "LM error"}
    assert len(result.warnings) == 2
    sdm, sdem = result.warnings
    assert sdm.startswith("The SDM model was left out of the comparison table")
    assert sdem.startswith("The SDEM model was left out of the comparison table")
    # −9 within the optimiser's tolerance, where the likelihood is unbounded (SciPy 1.10 stops at
    # −9.0000, SciPy 1.15 at −8.9999).
    for text, name in ((sdm, "ρ"), (sdem, "λ")):
        value = float(re.search(rf"{name} = (-?[0-9.]+)", text).group(1))
        assert value == pytest.approx(-9.0, abs=2e-4), text
    assert sdm in result.notes and sdem in result.notes
    assert isinstance(sdm.params["reason"], InputError)  # core_text translates it inside the warning
    assert sdm.params["reason"].template.startswith("{model}: the spatial parameter")
    # The chosen model's own failure is still an error, with its own name.
    with pytest.raises(InputError, match="SDM: the spatial parameter ρ"):
        run_spillover(data, weights, SpilloverSpec(model="SDM", draws=0))
    # Without the comparison nothing else is estimated.
    alone = run_spillover(data, weights, SpilloverSpec(model="SAR", draws=0, compare=False))
    assert list(alone.models) == ["SAR"] and not alone.tests and not alone.warnings


def test_a_perfect_fit_is_an_error_not_a_likelihood_of_thousands():
    """y = block (0/1) + 10⁻⁹ noise on two complete blocks: the constant, x and W·x span the block-constant
    vectors (W·x + x/9 is the block sum / 9), so SLX and SDEM reproduce y up to rounding. Before, the SDEM
    was reported with R² = 1.0, a log-likelihood of ≈ 6908 and λ ≈ −0.97, without a word."""
    data, weights = _blocks(1e-9)
    spectrum = spectrum_for(weights)
    for model in ("SDEM", "SLX"):
        with pytest.raises(InputError, match=rf"^{model}: the data are fitted exactly \(σ² = .*\), so the likelihood "
                                             r"is unbounded and the estimates are meaningless\. This happens with too "
                                             r"few units .* reproduces y"):
            fit_model(data, spectrum.W, spectrum, model, "none")
    with pytest.raises(InputError, match=r"^SDEM: the data are fitted exactly"):
        run_spillover(data, weights, SpilloverSpec(model="SDEM", draws=0, compare=False))
    # As comparison models they are left out with a note; the chosen OLS (no W·x) is a real fit.
    result = run_spillover(data, weights, SpilloverSpec(model="OLS", draws=0))
    assert list(result.models) == ["OLS"] and result.main.r2 < 0.5
    left_out = {note.params["model"]: note for note in result.warnings}
    assert set(left_out) == {"SLX", "SAR", "SEM", "SDM", "SDEM"}
    for model in ("SLX", "SDEM"):
        assert left_out[model].startswith(f"The {model} model was left out of the comparison table")
        assert f"{model}: the data are fitted exactly" in left_out[model] and left_out[model] in result.notes


def test_the_perfect_fit_tolerance_is_ten_to_minus_ten_of_the_variance():
    """SLX's ML σ² over var(y), computed here by least squares on (1, x, W·x): 10⁻⁵ noise leaves ≈ 3·10⁻¹⁰
    (estimated), 10⁻⁶ noise ≈ 3·10⁻¹² (an exact fit)."""
    for noise, exact in ((1e-5, False), (1e-6, True)):
        data, weights = _blocks(noise)
        x = data.X[:, 0]
        dense = weights.matrix.toarray()
        W = dense / dense.sum(axis=1, keepdims=True)
        design = np.column_stack([np.ones(20), x, W @ x])
        residuals = data.y - design @ np.linalg.lstsq(design, data.y, rcond=None)[0]
        ratio = float(residuals @ residuals) / 20 / np.var(data.y)
        assert (ratio <= 1e-10) == exact
        spectrum = spectrum_for(weights)
        if exact:
            with pytest.raises(InputError, match="SLX: the data are fitted exactly"):
                fit_model(data, spectrum.W, spectrum, "SLX", "none")
        else:
            fitted = fit_model(data, spectrum.W, spectrum, "SLX", "none")
            assert fitted.loglik == pytest.approx(-10 * (np.log(2 * np.pi * ratio * np.var(data.y)) + 1), rel=1e-6)


def test_too_few_observations(columbus):
    data, queen, _ = columbus
    small = data.subset_units(np.arange(4))
    spectrum = spectrum_for(queen.subset(np.arange(4)))
    with pytest.raises(InputError, match="Too few observations: 4 for 3 coefficients"):
        fit_model(small, spectrum.W, spectrum, "OLS", "none")


def test_random_effects_refused_for_error_models(columbus_panel, columbus):
    _, queen, _ = columbus
    spectrum = spectrum_for(queen)
    with pytest.raises(InputError, match="Random effects are available for OLS, SLX, SAR and SDM, not for SEM"):
        fit_model(columbus_panel, spectrum.W, spectrum, "SEM", "random")


def test_unknown_durbin_variable_and_model(columbus):
    data, queen, _ = columbus
    spectrum = spectrum_for(queen)
    with pytest.raises(InputError, match="The Durbin \\(W·X\\) variables GDP are not explanatory"):
        fit_model(data, spectrum.W, spectrum, "SDM", "none", durbin=["GDP"])
    with pytest.raises(InputError, match="Unknown model"):
        SpilloverSpec(model="GNS")


def test_cross_section_ignores_panel_effects(columbus):
    data, queen, _ = columbus
    result = run_spillover(data, queen, SpilloverSpec(model="SAR", effects="twoway", draws=0, compare=False))
    assert result.main.effects == "none"


def test_inputs_are_not_modified(synthetic):
    data, queen, _, _ = synthetic
    y, X, matrix = data.y.copy(), data.X.copy(), queen.matrix.copy()
    run_spillover(data, queen, SpilloverSpec(model="SDM", draws=50, drop_islands=True, compare=False))
    np.testing.assert_array_equal(data.y, y)
    np.testing.assert_array_equal(data.X, X)
    assert (queen.matrix != matrix).nnz == 0 and queen.n == 367
