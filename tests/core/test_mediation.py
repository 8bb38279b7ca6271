"""Mediation: regressions by numpy least squares, Sobel by hand, the bootstrap against a
straightforward refit loop and a simulated mediation with a known indirect effect."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from digital_resilience.core.errors import InputError
from digital_resilience.core.mediation.analysis import MediationSettings, mediation_analysis
from digital_resilience.core.mediation.bootstrap import (
    bias_corrected_interval,
    cluster_bootstrap,
    percentile_interval,
    unit_indices,
)
from digital_resilience.core.mediation.design import mediation_data
from digital_resilience.core.mediation.sobel import sobel
from digital_resilience.core.regression.panel_data import read_panel


def simulated_panel(units=80, years=6, a=0.5, b=0.4, c_prime=0.3, seed=7):
    """x → m → y with unit and year effects; the true indirect effect is a·b."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), years)
    year = np.tile(np.arange(2011, 2011 + years), units)
    alpha = rng.normal(size=units)[unit]
    gamma = (0.1 * (year - 2011))
    control = rng.normal(size=units * years)
    x = alpha + rng.normal(size=units * years)
    m = a * x + 0.2 * control + 0.5 * alpha + gamma + rng.normal(size=units * years)
    y = c_prime * x + b * m - 0.1 * control + alpha + gamma + rng.normal(size=units * years)
    return pd.DataFrame({"unit": unit, "year": year, "X": x, "M": m, "Y": y, "C": control})


def panel_of(frame):
    return read_panel(frame, ["X", "M", "Y", "C"], frame["unit"].to_numpy(), year_field="year")


def test_sobel_by_hand():
    test = sobel(0.5, 0.1, 0.4, 0.08)
    se = math.sqrt(0.4**2 * 0.1**2 + 0.5**2 * 0.08**2)
    assert test.se == pytest.approx(se) and test.z == pytest.approx(0.2 / se)
    assert test.p == pytest.approx(2 * (1 - stats.norm.cdf(0.2 / se)))
    aroian = sobel(0.5, 0.1, 0.4, 0.08, aroian=True)
    assert aroian.se == pytest.approx(math.sqrt(se**2 + 0.1**2 * 0.08**2))


@pytest.mark.parametrize("model", ["pooled", "cross_section"])
def test_stepwise_regressions_by_least_squares(model):
    frame = simulated_panel()
    result = mediation_analysis(panel_of(frame), "X", "M", "Y", ["C"],
                                MediationSettings(model=model, se_type="classical", draws=0))
    rows = frame if model == "pooled" else frame[frame.year == 2016]
    one = np.ones(len(rows))
    dummies = [(rows.year == y).to_numpy(float) for y in range(2012, 2017)] if model == "pooled" else []

    def fit(response, columns):
        x_mat = np.column_stack([*columns, one, *dummies])
        beta = np.linalg.lstsq(x_mat, response, rcond=None)[0]
        e = response - x_mat @ beta
        se = np.sqrt(np.diag((e @ e) / (len(e) - x_mat.shape[1]) * np.linalg.inv(x_mat.T @ x_mat)))
        return beta, se

    (c, *_), (c_se, *_) = fit(rows.Y.to_numpy(), [rows.X, rows.C])
    (a, *_), (a_se, *_) = fit(rows.M.to_numpy(), [rows.X, rows.C])
    (cp, b, *_), (cp_se, b_se, *_) = fit(rows.Y.to_numpy(), [rows.X, rows.M, rows.C])
    steps = result.steps
    assert steps.c[:2] == pytest.approx((c, c_se), rel=1e-10)
    assert steps.a[:2] == pytest.approx((a, a_se), rel=1e-10)
    assert steps.b[:2] == pytest.approx((b, b_se), rel=1e-10)
    assert steps.c_prime[:2] == pytest.approx((cp, cp_se), rel=1e-10)
    # the OLS identity behind the decomposition: c = c′ + a·b
    assert c == pytest.approx(cp + a * b, rel=1e-10)
    z = a * b / math.sqrt(b**2 * a_se**2 + a**2 * b_se**2)
    assert result.sobel.z == pytest.approx(z, rel=1e-10)


def test_panel_fixed_effects_with_cluster_standard_errors_by_hand():
    frame = simulated_panel()
    result = mediation_analysis(panel_of(frame), "X", "M", "Y", ["C"], MediationSettings(model="twoway", draws=0))
    # Two-way effects by dummy variables, then the cluster sandwich with Stata's xtreg factor.
    unit_d = pd.get_dummies(frame.unit, dtype=float).to_numpy()
    year_d = pd.get_dummies(frame.year, dtype=float).to_numpy()[:, 1:]
    x_mat = np.column_stack([frame.X, frame.M, frame.C, unit_d, year_d])
    beta = np.linalg.lstsq(x_mat, frame.Y, rcond=None)[0]
    e = frame.Y.to_numpy() - x_mat @ beta
    # The sandwich of the within regression (FWL): slopes and year dummies with the unit
    # effects partialled out, scores summed by unit.
    slopes = frame[["X", "M", "C"]].to_numpy()
    n, k, groups = 480, 3 + 5, 80  # k: slopes and year dummies (unit effects are nested in clusters)
    assert result.steps.c_prime[0] == pytest.approx(beta[0], rel=1e-10)
    assert result.steps.b[0] == pytest.approx(beta[1], rel=1e-10)
    tilde_full = np.column_stack([slopes, year_d])
    tilde_full = tilde_full - unit_d @ np.linalg.lstsq(unit_d, tilde_full, rcond=None)[0]
    bread = np.linalg.inv(tilde_full.T @ tilde_full)
    meat = np.zeros((8, 8))
    for g in range(80):
        score = tilde_full[frame.unit == g].T @ e[frame.unit == g]
        meat += np.outer(score, score)
    se = np.sqrt(np.diag(bread @ meat @ bread))[:2] * math.sqrt(groups / (groups - 1) * (n - 1) / (n - k))
    assert result.steps.c_prime[1] == pytest.approx(se[0], rel=1e-10)
    assert result.steps.b[1] == pytest.approx(se[1], rel=1e-10)
    assert result.steps.outcome.p[0] == pytest.approx(2 * stats.t.sf(abs(beta[0] / se[0]), groups - 1), rel=1e-8)
    # R² within, as the tables define it: SST of Y after removing city and year effects (the
    # textbook y − ȳᵢ − ȳₜ + ȳ of a balanced panel), SSR of the dummy-variable regression.
    y = frame.Y.to_numpy()
    two_way = y - frame.groupby("unit").Y.transform("mean") - frame.groupby("year").Y.transform("mean") + y.mean()
    assert result.steps.outcome.r2 == pytest.approx(1 - e @ e / (two_way @ two_way), rel=1e-10)
    m = frame.M.to_numpy()
    m_mat = np.column_stack([frame.X, frame.C, unit_d, year_d])
    e_m = m - m_mat @ np.linalg.lstsq(m_mat, m, rcond=None)[0]
    m_two_way = m - frame.groupby("unit").M.transform("mean") - frame.groupby("year").M.transform("mean") + m.mean()
    assert result.steps.mediator.r2 == pytest.approx(1 - e_m @ e_m / (m_two_way @ m_two_way), rel=1e-10)


def naive_bootstrap(frame, draws, seed, model):
    """The straightforward way: rebuild the resampled panel (a unit drawn twice becomes two
    units), redo the fixed-effects transformation and refit all three regressions."""
    rng = np.random.default_rng(seed)
    units = np.sort(frame.unit.unique())
    pieces = {u: g for u, g in frame.groupby("unit")}
    out = []
    for _ in range(draws):
        chosen = unit_indices(rng, len(units))
        sample = pd.concat([pieces[units[i]].assign(unit=k) for k, i in enumerate(chosen)], ignore_index=True)
        data = mediation_data(panel_of(sample), "X", "M", "Y", ["C"], model)

        def slope(response, columns):
            return np.linalg.lstsq(np.column_stack(columns), response, rcond=None)[0]

        a = slope(data.m, [data.x, data.others])[0]
        cp, b = slope(data.y, [data.x, data.m, data.others])[:2]
        c = slope(data.y, [data.x, data.others])[0]
        out.append((a * b, cp, c))
    return np.array(out)


@pytest.mark.parametrize("model", ["twoway", "unit", "pooled", "cross_section"])
def test_fast_bootstrap_equals_the_refit_loop(model):
    frame = simulated_panel(units=30, years=4)
    data = mediation_data(panel_of(frame), "X", "M", "Y", ["C"], model)
    fast = cluster_bootstrap(data, draws=40, seed=99)
    naive = naive_bootstrap(frame if model != "cross_section" else frame[frame.year == 2014], 40, 99, model)
    np.testing.assert_allclose(fast.indirect, naive[:, 0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.direct, naive[:, 1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.total, naive[:, 2], rtol=1e-9, atol=1e-12)


def test_bootstrap_interval_covers_the_known_indirect_effect():
    frame = simulated_panel(units=200, years=5, a=0.5, b=0.4, seed=21)
    result = mediation_analysis(panel_of(frame), "X", "M", "Y", ["C"],
                                MediationSettings(model="twoway", draws=999, seed=5))
    for kind in ("percentile", "bc"):
        interval = result.intervals["indirect"][kind]
        assert interval.low < 0.5 * 0.4 < interval.high
        assert interval.low > 0.1 and interval.high < 0.3  # and is informative
    assert result.verdict == "complementary"
    assert result.intervals["indirect"]["se"] == pytest.approx(result.sobel.se, rel=0.25)


def test_no_mediation_is_recognised():
    frame = simulated_panel(units=150, years=5, a=0.0, b=0.0, c_prime=0.5, seed=3)
    result = mediation_analysis(panel_of(frame), "X", "M", "Y", ["C"], MediationSettings(draws=499, seed=2))
    assert result.verdict == "direct_only"


def test_intervals_by_hand():
    draws = np.arange(1.0, 101.0)  # 1 … 100
    assert percentile_interval(draws, 0.90) == pytest.approx(tuple(np.quantile(draws, [0.05, 0.95])))
    # estimate 40.5: 40 draws below, z0 = Φ⁻¹(0.4); bounds at Φ(2 z0 ∓ 1.6449)
    z0 = stats.norm.ppf(0.4)
    levels = stats.norm.cdf([2 * z0 - stats.norm.ppf(0.95), 2 * z0 + stats.norm.ppf(0.95)])
    assert bias_corrected_interval(draws, 40.5, 0.90) == pytest.approx(tuple(np.quantile(draws, levels)))
    assert all(math.isnan(v) for v in bias_corrected_interval(draws, 0.0, 0.90))


def test_same_seed_same_draws():
    data = mediation_data(panel_of(simulated_panel()), "X", "M", "Y", ["C"], "twoway")
    first, second = cluster_bootstrap(data, 30, seed=4), cluster_bootstrap(data, 30, seed=4)
    np.testing.assert_array_equal(first.indirect, second.indirect)
    assert not np.array_equal(first.indirect, cluster_bootstrap(data, 30, seed=5).indirect)


def test_the_synthetic_mediation_is_what_the_sample_documents(sample_dir):
    """SYNTHETIC_PANEL.md: with year dummies a = 0.95, c = 1.47, c′ = 1.04, b = 0.45, share ≈ 29 %."""
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    panel = read_panel(latent, ["digital_economy", "innovation", "resilience"], latent.adcode.to_numpy(), "year")
    result = mediation_analysis(panel, "digital_economy", "innovation", "resilience",
                                settings=MediationSettings(model="pooled", draws=199, seed=1))
    assert round(result.steps.a[0], 2) == 0.95 and round(result.steps.c[0], 2) == 1.47
    assert round(result.steps.c_prime[0], 2) == 1.04 and round(result.steps.b[0], 2) == 0.45
    assert result.proportion == pytest.approx(0.29, abs=0.01)
    assert result.verdict == "complementary"


@pytest.mark.parametrize(
    ("roles", "controls", "message"),
    [
        (("X", "X", "Y"), [], "three different fields; X is used twice"),
        (("X", "M", "Y"), ["M"], "M cannot be a control and a mediation variable at once"),
    ],
)
def test_bad_roles(roles, controls, message):
    with pytest.raises(InputError, match=message):
        mediation_analysis(panel_of(simulated_panel()), *roles, controls, MediationSettings(draws=0))


def test_cross_section_year_must_exist():
    with pytest.raises(InputError, match="No data between 2030 and 2030"):
        mediation_analysis(panel_of(simulated_panel()), "X", "M", "Y",
                           settings=MediationSettings(model="cross_section", year=2030, draws=0))


def test_unbalanced_panel_is_named_or_balanced():
    frame = simulated_panel()
    frame.loc[(frame.unit == 3) & (frame.year == 2013), "M"] = np.nan
    frame = frame[~((frame.unit == 7) & (frame.year == 2015))]
    with pytest.raises(InputError, match=r"2 unit-year\(s\) lack a value: 3 2013 \(M\), 7 2015 \(X, M, Y\)"):
        mediation_analysis(panel_of(frame), "X", "M", "Y", settings=MediationSettings(draws=0))
    result = mediation_analysis(panel_of(frame), "X", "M", "Y", settings=MediationSettings(draws=0, balance=True))
    assert result.dropped == [3, 7] and result.data.units == 78


def test_the_bootstrap_honours_cancel():
    from digital_resilience.core.errors import Cancelled

    data = mediation_data(panel_of(simulated_panel()), "X", "M", "Y", ["C"], "twoway")
    calls = []

    def progress(fraction):
        calls.append(fraction)
        raise Cancelled()

    with pytest.raises(Cancelled):
        cluster_bootstrap(data, 999, seed=1, progress=progress)
    assert calls == [256 / 999]  # stopped after the first chunk of draws
