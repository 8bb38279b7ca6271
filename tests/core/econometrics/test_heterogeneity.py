"""resilience:heterogeneity's core on the synthetic panel (SYNTHETIC_PANEL.md lists what the
data were built with: the own effect of the digital economy is ×1.30 from 2016 and ×1.40 in
the 30 % most open cities against the 30 % least open)."""
# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.econometrics.effects import compute_effects
from digital_resilience.core.econometrics.heterogeneity import Grouping, make_groups, run_heterogeneity
from digital_resilience.core.econometrics.spillover import SpilloverSpec, fit_model, spectrum_for
from digital_resilience.core.errors import InputError

SPEC = SpilloverSpec(model="SDM", effects="twoway", draws=200, seed=3)


def openness(synthetic_frame, data):
    return synthetic_frame.groupby("adcode").OPEN.mean().reindex(data.unit_ids).to_numpy()


def test_period_groups_separate_models_and_z_test_by_hand(synthetic):
    data, _, knn, _ = synthetic
    result = run_heterogeneity(data, knn, SPEC, Grouping("period", split_year=2016), key="DIG")
    before, after = result.groups
    assert before.group.years == [2011, 2012, 2013, 2014, 2015] and after.group.years == [2016, 2017, 2018, 2019]
    # The same models fitted directly on the two periods (independent of the grouping code).
    spectrum = spectrum_for(knn)
    direct = [fit_model(data.subset_years(years), spectrum.W, spectrum, "SDM", "twoway")
              for years in (range(2011, 2016), range(2016, 2020))]
    (a, se_a), (b, se_b) = direct[0].coefficient("DIG"), direct[1].coefficient("DIG")
    comparison = next(c for c in result.comparisons if c.quantity == "coefficient")
    assert comparison.a == pytest.approx(a, rel=1e-10) and comparison.b == pytest.approx(b, rel=1e-10)
    assert comparison.z == pytest.approx((a - b) / np.hypot(se_a, se_b), rel=1e-10)
    # The data's signal: a larger own effect from 2016 (the truth is ×1.30).
    assert b / a > 1.1 and comparison.p < 0.001
    kinds = {c.quantity for c in result.comparisons}
    assert {"coefficient", "W·coefficient", "direct effect", "indirect effect", "total effect"} <= kinds


def test_openness_interaction_model_recovers_the_gap(synthetic, synthetic_frame):
    data, _, knn, _ = synthetic
    grouping = Grouping("quantile", values=openness(synthetic_frame, data), top=0.3, bottom=0.3, field="OPEN")
    groups, labels = make_groups(data, grouping, "interaction")
    assert [len(g.units) for g in groups[:2]] == [111, 111] or [len(g.units) for g in groups[:2]] == [110, 110]
    assert set(labels) == {"top 30 %", "bottom 30 %", "middle"}
    result = run_heterogeneity(data, knn, SPEC, grouping, key="DIG", method="interaction")
    model = result.groups[0].model
    top, bottom = model.coefficient("DIG × top 30 %")[0], model.coefficient("DIG × bottom 30 %")[0]
    comparison = next(c for c in result.comparisons if c.quantity == "coefficient" and c.second == "bottom 30 %"
                      and c.first == "top 30 %")
    assert comparison.a == top and comparison.b == bottom
    # Wald with the joint covariance, by hand:
    names = model.all_names()
    i, j = names.index("DIG × top 30 %"), names.index("DIG × bottom 30 %")
    se = np.sqrt(model.vcov[i, i] + model.vcov[j, j] - 2 * model.vcov[i, j])
    assert comparison.se == pytest.approx(se, rel=1e-12)
    assert top / bottom > 1.3 and comparison.p < 1e-6  # the truth is ×1.40
    assert result.joint and result.joint[0].df == 2  # three groups: top, middle, bottom


def test_region_groups_with_cochran_q(synthetic, cities_frame):
    data, _, knn, _ = synthetic
    region = cities_frame.set_index("adcode").region.reindex(data.unit_ids).to_numpy()
    calls = []

    def rebuild(positions):  # the Processing layer rebuilds k-nearest neighbours within a group
        from digital_resilience.core.weights.build import WeightsSpec, build_weights

        calls.append(len(positions))
        frame = cities_frame.set_index("adcode").loc[data.unit_ids[positions]].reset_index()
        return build_weights(frame, frame.adcode.to_numpy(), WeightsSpec("knn", k=6))

    spec = SpilloverSpec(model="SDM", effects="twoway", draws=100)
    result = run_heterogeneity(data, knn, spec, Grouping("category", values=region, field="region"), key="DIG",
                               weights_for=rebuild)
    assert [g.group.label for g in result.groups] == sorted(set(region))
    assert sorted(calls) == sorted(int((region == r).sum()) for r in set(region))
    assert len([c for c in result.comparisons if c.quantity == "coefficient"]) == 6  # 4 groups: 6 pairs
    q = next(t for t in result.joint if "coefficient of DIG" in t.name and "W·" not in t.name)
    estimates = np.array([g.model.coefficient("DIG")[0] for g in result.groups])
    weights = 1 / np.array([g.model.coefficient("DIG")[1] for g in result.groups]) ** 2
    mean = np.sum(weights * estimates) / np.sum(weights)
    assert q.statistic == pytest.approx(np.sum(weights * (estimates - mean) ** 2), rel=1e-10) and q.df == 3


def test_restricted_contiguity_groups_leave_islands(synthetic, synthetic_frame):
    data, queen, _, _ = synthetic
    keep = np.setdiff1d(np.arange(queen.n), queen.islands)
    data, queen = data.subset_units(keep), queen.subset(keep)
    grouping = Grouping("quantile", values=openness(synthetic_frame, data), field="OPEN")
    with pytest.raises(InputError, match=r"Within the group “top 30 %”, .* unit\(s\) have no neighbour among the "
                                         r"group's units: .*k-nearest neighbours .*interaction method"):
        run_heterogeneity(data, queen, SpilloverSpec(draws=0), grouping, key="DIG")


def test_small_groups_and_bad_groupings_are_refused(synthetic):
    data, _, knn, _ = synthetic
    labels = np.array(["big"] * (data.n - 5) + ["tiny"] * 5, dtype=object)
    with pytest.raises(InputError, match="The group “tiny” has only 5 unit\\(s\\); at least 13 are needed"):
        run_heterogeneity(data, knn, SPEC, Grouping("category", values=labels, field="x"), key="DIG")
    # The interaction method too (it reported z = −5.97 for a 5-unit region): 10 units at least.
    with pytest.raises(InputError, match="The group “tiny” has only 5 unit\\(s\\); at least 10 are needed"):
        run_heterogeneity(data, knn, SPEC, Grouping("category", values=labels, field="x"), key="DIG",
                          method="interaction")
    with pytest.raises(InputError, match="leaves no year on one side"):
        run_heterogeneity(data, knn, SPEC, Grouping("period", split_year=2030), key="DIG")
    with pytest.raises(InputError, match="single year; unit fixed or random effects need at least two"):
        run_heterogeneity(data, knn, SPEC, Grouping("period", split_year=2019), key="DIG")
    with pytest.raises(InputError, match="key variable GDP is not an explanatory variable"):
        run_heterogeneity(data, knn, SPEC, Grouping("period"), key="GDP")
    with pytest.raises(InputError, match="top and bottom shares"):
        Grouping("quantile", values=np.arange(3), top=0.7, bottom=0.5)


def test_no_draws_is_noted(synthetic):
    data, _, knn, _ = synthetic
    spec = SpilloverSpec(model="SAR", effects="twoway", draws=0)
    result = run_heterogeneity(data, knn, spec, Grouping("period"), key="DIG", method="interaction")
    assert any(note.startswith("No inference on the direct, indirect and total effects (simulation draws = 0)")
               for note in result.notes)


def test_without_draws_the_effect_differences_are_left_out_not_shown_with_nan(synthetic, tmp_path):
    """DRAWS = 0: the effects have no standard errors, so their group differences have no z or p. Before,
    those rows were in the comparisons (report, _tests.csv) with NaN z and p; now only the coefficients
    (which have standard errors from the model) are compared, and the note says why."""
    from digital_resilience.core.econometrics.report import write_heterogeneity_csv, write_heterogeneity_report

    data, _, knn, _ = synthetic
    spec = SpilloverSpec(model="SDM", effects="twoway", draws=0)
    result = run_heterogeneity(data, knn, spec, Grouping("period"), key="DIG")
    assert any(note.startswith("No inference on the direct, indirect and total effects (simulation draws = 0)")
               for note in result.notes)
    assert [c.quantity for c in result.comparisons] == ["coefficient", "W·coefficient"]
    before, after = result.groups
    for comparison, name in zip(result.comparisons, ["DIG", "W·DIG"]):
        a, se_a = before.model.coefficient(name)
        b, se_b = after.model.coefficient(name)
        z = (a - b) / np.sqrt(se_a**2 + se_b**2)
        assert comparison.z == pytest.approx(z, rel=1e-10) and np.isfinite(comparison.p)
    # The point estimates of the effects stay in the side-by-side table.
    assert not np.isnan(before.effects.value("DIG", "direct")[0])
    html = write_heterogeneity_report(result, tmp_path / "report.html", "t")
    text = open(html, encoding="utf-8").read()
    assert "No inference on the direct, indirect and total effects" in text and ">W·coefficient</td>" in text
    assert "effect</td>" not in text  # no "direct effect" (etc.) comparison row; "Direct effect of DIG" stays
    write_heterogeneity_csv(result, tmp_path / "table.csv")
    tests = pd.read_csv(tmp_path / "table_tests.csv", encoding="utf-8-sig")
    assert list(tests.quantity) == ["coefficient", "W·coefficient"] and tests[["z", "p"]].notna().all().all()
    # More than two groups: no Cochran's Q with NaN for the effects either.
    cities = synthetic[3].set_index("adcode")
    region = cities.region.reindex(data.unit_ids).to_numpy()

    def rebuild(positions):
        from digital_resilience.core.weights.build import WeightsSpec, build_weights

        frame = cities.loc[data.unit_ids[positions]].reset_index()
        return build_weights(frame, frame.adcode.to_numpy(), WeightsSpec("knn", k=6))

    regions = run_heterogeneity(data, knn, spec, Grouping("category", values=region, field="region"), key="DIG",
                                weights_for=rebuild)
    assert {c.quantity for c in regions.comparisons} == {"coefficient", "W·coefficient"}
    assert len(regions.joint) == 2 and all(np.isfinite(t.statistic) for t in regions.joint)


def test_pooled_column_is_the_full_model(synthetic):
    data, _, knn, _ = synthetic
    result = run_heterogeneity(data, knn, SPEC, Grouping("period"), key="DIG")
    spectrum = spectrum_for(knn)
    full = fit_model(data, spectrum.W, spectrum, "SDM", "twoway")
    np.testing.assert_allclose(result.pooled.coefficients, full.coefficients, rtol=1e-10)
    effects = compute_effects(full, spectrum, 200, 3)
    np.testing.assert_allclose(result.pooled_effects.se, effects.se, rtol=1e-10)


def test_period_interaction_covariance_is_the_likelihoods_curvature(synthetic):
    """The period interaction model's test is far sharper than the separate models' (demo: z = −37.5
    against −8.0). Its covariance is checked here against the inverse of the log-likelihood's numerical
    Hessian, built from scratch with numpy (two-way demeaning, dense log-determinant), at the model's
    estimates; the difference with the separate models is the model's assumptions, said in a note."""
    data, _, knn, _ = synthetic
    spec = SpilloverSpec(model="SDM", effects="twoway", draws=0, bias_correction=False)
    result = run_heterogeneity(data, knn, spec, Grouping("period", split_year=2016), key="DIG", method="interaction")
    model = result.groups[0].model
    assert any(note.startswith("Interaction model by period: each city keeps one fixed effect")
               for note in result.notes)
    n, T = data.n, data.T
    W = spectrum_for(knn).W.toarray()
    post = np.repeat(np.array(data.years) >= 2016, n)  # stacked year by year, units within a year
    key = data.column("DIG")
    others = [j for j, name in enumerate(data.names) if name != "DIG"]
    X = np.column_stack([key * ~post, key * post, data.X[:, others]])
    WX = np.vstack([W @ X[t * n:(t + 1) * n] for t in range(T)])

    def demean(values):
        cube = values.reshape(T, n, -1)
        out = cube - cube.mean(axis=0) - cube.mean(axis=1, keepdims=True) + cube.mean(axis=(0, 1))
        return out.reshape(n * T, -1)

    y = demean(data.y)[:, 0]
    Wy = demean(np.concatenate([W @ data.y[t * n:(t + 1) * n] for t in range(T)]))[:, 0]
    Z = demean(np.column_stack([X, WX]))
    logdets = {}

    def loglik(theta):
        beta, rho, sigma2 = theta[:-2], theta[-2], theta[-1]
        if rho not in logdets:
            logdets[rho] = np.linalg.slogdet(np.eye(n) - rho * W)[1]
        e = y - rho * Wy - Z @ beta
        return -0.5 * n * T * np.log(2 * np.pi * sigma2) + T * logdets[rho] - e @ e / (2 * sigma2)

    theta = np.concatenate([model.coefficients, [model.sigma2]])
    k = len(theta)
    step = 1e-4 * np.maximum(np.abs(theta), 1e-2)
    hessian = np.zeros((k, k))
    for a in range(k):
        for b in range(a, k):
            ea, eb = np.eye(k)[a] * step[a], np.eye(k)[b] * step[b]
            hessian[a, b] = hessian[b, a] = (loglik(theta + ea + eb) - loglik(theta + ea - eb) - loglik(theta - ea + eb)
                                             + loglik(theta - ea - eb)) / (4 * step[a] * step[b])
    observed = np.linalg.inv(-hessian)[:-1, :-1]
    names = model.all_names()
    assert names[:2] == ["DIG × before 2016", "DIG × 2016 and after"]
    r = np.zeros(k - 1)
    r[0], r[1] = 1.0, -1.0
    comparison = next(c for c in result.comparisons if c.quantity == "coefficient")
    # The model's expected information against the observed one: the same for the coefficients of X (0.2 %
    # here); the W·X and ρ terms differ by up to 7 % (expected and observed information differ in ρ).
    assert comparison.se == pytest.approx(np.sqrt(r @ observed @ r), rel=0.01)
    np.testing.assert_allclose(model.standard_errors[:6], np.sqrt(np.diag(observed))[:6], rtol=0.01)
    # Each period's effects (LeSage–Pace): (I − ρW)⁻¹(β_g I + θ_g W), dense, averaged by hand.
    effects = result.groups[0].effects
    inverse = np.linalg.inv(np.eye(n) - model.spatial * W)
    for label in ("before 2016", "2016 and after"):
        beta, theta = model.coefficient(f"DIG × {label}")[0], model.coefficient(f"W·DIG × {label}")[0]
        impact = inverse @ (beta * np.eye(n) + theta * W)
        direct, total = np.trace(impact) / n, impact.sum() / n
        np.testing.assert_allclose([effects.value(f"DIG × {label}", kind)[0] for kind in ("direct", "total")],
                                   [direct, total], rtol=1e-10)
