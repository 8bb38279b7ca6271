"""The gap over time (heterogeneity, method "yearly"): checked against a regression built by hand with
dummy variables, a numerical delta method for the trend, a restricted regression for the constant-gap
test, and the true path the synthetic panel was generated with (SYNTHETIC_PANEL.md, "The regional
elasticity gap": east − central/west mean own effect 0.15 in 2011, linearly down to 0.04 in 2019)."""

# ruff: noqa: N806 - matrix notation (X, T) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.heterogeneity import Grouping, run_heterogeneity
from digital_resilience.core.econometrics.spillover import SpilloverSpec
from digital_resilience.core.errors import InputError

TRUE_GAP = np.linspace(0.15, 0.04, 9)
TRUE_TREND = (0.04 - 0.15) / 8


def gap_groups(data, cities):
    region = cities.set_index("adcode").loc[data.unit_ids, "region"].to_numpy()
    return np.where(np.isin(region, ["central", "west"]), "central/west", region)


def yearly(data, weights, groups, model="OLS", reference="central/west", durbin=None, standard_errors="information"):
    spec = SpilloverSpec(model=model, effects="twoway", drop_islands=True, draws=0, durbin=durbin,
                         standard_errors=standard_errors)
    return run_heterogeneity(data, weights, spec, Grouping("category", values=groups, field="gap"), "DIG", "yearly",
                             reference=reference)


@pytest.fixture(scope="module")
def ols_gap(synthetic):
    data, _, knn, cities = synthetic
    groups = gap_groups(data, cities)
    return data, groups, yearly(data, knn, groups)


def hand_built(data, groups, restricted=False, clustered=False):
    """Two-way FE OLS with explicit city and year dummies: y on DIG × group × year (or, ``restricted``, the
    east's yearly coefficients = central/west's + one constant), the other regressors and the dummies."""
    n, T = data.n, data.T
    stacked_groups = np.tile(groups, T)
    year = np.repeat(np.arange(T), n)
    dig = data.X[:, data.names.index("DIG")]
    columns = {}
    for g in ("central/west", "east", "northeast"):
        for t in range(T):
            if restricted and g == "east":
                continue
            member = (stacked_groups == g) | (restricted and g == "central/west") & (stacked_groups == "east")
            columns[(g, t)] = dig * (member & (year == t))
    if restricted:
        columns[("east", "shift")] = dig * (stacked_groups == "east")
    others = [data.X[:, j] for j, name in enumerate(data.names) if name != "DIG"]
    unit = np.tile(np.arange(n), T)
    city = (unit[:, None] == np.arange(n)[None, :]).astype(float)
    years = (year[:, None] == np.arange(1, T)[None, :]).astype(float)
    X = np.column_stack(list(columns.values()) + others + [city, years])
    beta, *_ = np.linalg.lstsq(X, data.y, rcond=None)
    residual = data.y - X @ beta
    df = len(data.y) - np.linalg.matrix_rank(X)
    s2 = residual @ residual / df
    vcov = s2 * np.linalg.pinv(X.T @ X)
    if clustered:  # CR1 by city: G/(G − 1)·(N − 1)/(N − k), k the coefficients without the fixed effects
        bread = np.linalg.pinv(X.T @ X)
        scores = np.array([X[unit == g].T @ residual[unit == g] for g in range(n)])
        k = len(columns) + len(others)
        vcov = bread @ (scores.T @ scores) @ bread * n / (n - 1) * (len(data.y) - 1) / (len(data.y) - k)
    return list(columns), beta, vcov, residual @ residual, s2


def test_yearly_coefficients_and_gaps_equal_a_hand_built_dummy_regression(ols_gap):
    data, groups, result = ols_gap
    keys, beta, vcov, _, _ = hand_built(data, groups)
    gap = result.gap
    assert gap.groups == ["central/west", "east", "northeast"] and gap.reference == "central/west"
    for g, group in enumerate(gap.groups):
        at = [keys.index((group, t)) for t in range(data.T)]
        assert gap.coefficient[g] == pytest.approx(beta[at], rel=1e-8, abs=1e-10)
        assert gap.se[g] == pytest.approx(np.sqrt(np.diag(vcov)[at]), rel=1e-6)
    east = next(p for p in gap.paths if p.group == "east")
    for t in range(data.T):
        c = np.zeros(len(beta))
        c[keys.index(("east", t))], c[keys.index(("central/west", t))] = 1.0, -1.0
        assert east.gap[t] == pytest.approx(c @ beta, abs=1e-10)
        assert east.se[t] == pytest.approx(np.sqrt(c @ vcov @ c), rel=1e-6)
    # 95 % intervals from t(df), as the coefficients' p-values of a least-squares model
    from scipy import stats

    half = stats.t.ppf(0.975, result.gap.model.df_resid) * east.se
    assert east.lower == pytest.approx(east.gap - half) and east.upper == pytest.approx(east.gap + half)


def test_the_trend_is_the_least_squares_slope_of_the_gap_with_a_delta_method_se(ols_gap):
    data, groups, result = ols_gap
    keys, beta, vcov, _, _ = hand_built(data, groups)
    east = next(p for p in result.gap.paths if p.group == "east")
    years = np.array(result.gap.years, dtype=float)
    assert east.trend == pytest.approx(np.polyfit(years, east.gap, 1)[0], abs=1e-12)
    # numerical Jacobian of np.polyfit's slope with respect to the coefficients
    rows = np.zeros((data.T, len(beta)))
    for t in range(data.T):
        rows[t, keys.index(("east", t))], rows[t, keys.index(("central/west", t))] = 1.0, -1.0
    step = 1e-6
    jacobian = np.array([(np.polyfit(years, rows @ (beta + step * e), 1)[0] - np.polyfit(years, rows @ beta, 1)[0])
                         / step for e in np.eye(len(beta))])
    assert east.trend_se == pytest.approx(np.sqrt(jacobian @ vcov @ jacobian), rel=1e-4)
    assert east.change == pytest.approx(east.gap[-1] - east.gap[0])


def test_the_constant_gap_test_equals_the_restricted_regressions_f_statistic(ols_gap):
    """For least squares with the usual covariance, Wald = (RSS_restricted − RSS) / s²."""
    data, groups, result = ols_gap
    _, _, _, rss, s2 = hand_built(data, groups)
    _, _, _, rss_restricted, _ = hand_built(data, groups, restricted=True)
    east = next(p for p in result.gap.paths if p.group == "east")
    assert east.constant.df == data.T - 1
    assert east.constant.statistic == pytest.approx((rss_restricted - rss) / s2, rel=1e-6)


def test_clustered_standard_errors_of_the_gap_equal_a_hand_built_cr1_sandwich(synthetic):
    data, _, knn, cities = synthetic
    groups = gap_groups(data, cities)
    result = yearly(data, knn, groups, standard_errors="cluster")
    keys, beta, vcov, _, _ = hand_built(data, groups, clustered=True)
    east = next(p for p in result.gap.paths if p.group == "east")
    for t in range(data.T):
        c = np.zeros(len(beta))
        c[keys.index(("east", t))], c[keys.index(("central/west", t))] = 1.0, -1.0
        # 1e-5: the dummy-variable sandwich (400 columns, pinv) carries ~1e-6 of rounding on numpy 2
        assert east.se[t] == pytest.approx(np.sqrt(c @ vcov @ c), rel=1e-5)
    assert east.df == data.n - 1  # t(G − 1), as the clustered coefficients' p-values
    assert "clustered by city" in str(result.gap.model.se_kind)
    assert np.all((east.lower < TRUE_GAP) & (TRUE_GAP < east.upper))


@pytest.mark.parametrize("model", ["SLX", "SDM"])
def test_the_synthetic_panels_true_gap_lies_in_every_interval_and_its_narrowing_is_found(synthetic, model):
    data, _, knn, cities = synthetic
    result = yearly(data, knn, gap_groups(data, cities), model=model, durbin=["DIG"])
    east = next(p for p in result.gap.paths if p.group == "east")
    assert np.all((east.lower < TRUE_GAP) & (TRUE_GAP < east.upper)), (east.gap, east.lower, east.upper)
    critical = 1.96
    assert abs(east.trend - TRUE_TREND) < critical * east.trend_se, (east.trend, east.trend_se)
    assert east.trend < 0 and east.trend_p < 0.001  # the narrowing is found
    assert east.gap[0] > 0.1 and east.gap[-1] < 0.07


def test_bad_requests_get_clear_messages(synthetic):
    data, _, knn, cities = synthetic
    groups = gap_groups(data, cities)
    spec = SpilloverSpec(model="OLS", effects="twoway", draws=0)
    with pytest.raises(InputError, match="not the period"):
        run_heterogeneity(data, knn, spec, Grouping("period"), "DIG", "yearly")
    with pytest.raises(InputError, match="reference group “west” is not one of the groups"):
        yearly(data, knn, groups, reference="west")
    cross_section = data.subset_years([2019])
    with pytest.raises(InputError, match="cross-section"):
        run_heterogeneity(cross_section, knn, spec, Grouping("category", values=groups, field="gap"), "DIG",
                          "yearly")


def test_the_chart_draws_the_gaps_and_their_trend(ols_gap):
    pytest.importorskip("matplotlib")
    from digital_resilience.core.charts.elasticity_gap import elasticity_gap_chart
    from digital_resilience.core.econometrics.report import gap_chart_text

    _, _, result = ols_gap
    figure = elasticity_gap_chart(result.gap, text=gap_chart_text(result.gap))
    left, right = figure.axes
    assert len(left.get_lines()) == 3  # one line per group
    east = next(p for p in result.gap.paths if p.group == "east")
    drawn = {line.get_label(): line.get_ydata() for line in right.get_lines()}
    assert np.allclose(drawn["east"], east.gap)
    years = np.array(result.gap.years, dtype=float)
    assert np.allclose(np.diff(drawn["Linear trend"]) / np.diff(years), east.trend)
