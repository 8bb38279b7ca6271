"""Per-group direct, indirect and total effects of the heterogeneity interaction model for unit groups
(openness top/bottom 30 %, regions), checked against a dense (I − ρW)⁻¹ built here from the fitted
model's coefficients, and the standard errors of the groups' differences against the delta method."""
# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature

from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.effects import compute_effects
from digital_resilience.core.econometrics.group_effects import multipliers
from digital_resilience.core.econometrics.heterogeneity import Grouping, run_heterogeneity
from digital_resilience.core.econometrics.spillover import SpilloverSpec, spectrum_for

KINDS = ("direct", "indirect", "total")


def openness(synthetic_frame, data):
    return synthetic_frame.groupby("adcode").OPEN.mean().reindex(data.unit_ids).to_numpy()


def dense_group_effects(inverse, W, b, t, members):
    """direct, indirect, total of each group from S = A⁻¹(diag(b) + W diag(t)) (A⁻¹ = I for SLX)."""
    S = inverse @ (np.diag(b) + W @ np.diag(t))
    out = []
    for units in members:
        direct = np.diag(S)[units].mean()
        total = S[:, units].sum(axis=0).mean()
        out.append([direct, total - direct, total])
    return np.array(out)


def coefficients_by_unit(model, labels, key, unit_groups):
    b, t = np.zeros(len(unit_groups)), np.zeros(len(unit_groups))
    for label in labels:
        at = unit_groups == label
        b[at] = model.coefficient(f"{key} × {label}")[0]
        if f"W·{key} × {label}" in model.names:
            t[at] = model.coefficient(f"W·{key} × {label}")[0]
    return b, t


@pytest.fixture(scope="module")
def openness_sdm(synthetic, synthetic_frame):
    data, _, knn, _ = synthetic
    grouping = Grouping("quantile", values=openness(synthetic_frame, data), field="OPEN")
    spec = SpilloverSpec(model="SDM", effects="twoway", draws=1000, seed=3)
    return run_heterogeneity(data, knn, spec, grouping, key="DIG", method="interaction"), spectrum_for(knn)


def test_openness_group_effects_are_the_dense_inverse_by_hand(openness_sdm):
    result, spectrum = openness_sdm
    model, table = result.groups[0].model, result.groups[0].effects
    labels = ["top 30 %", "bottom 30 %", "middle"]
    W = spectrum.W.toarray()
    n = W.shape[0]
    b, t = coefficients_by_unit(model, labels, "DIG", result.unit_groups)
    inverse = np.linalg.inv(np.eye(n) - model.spatial * W)
    members = [np.flatnonzero(result.unit_groups == label) for label in labels]
    expected = dense_group_effects(inverse, W, b, t, members)
    got = np.array([[table.value(f"DIG × {label}", kind)[0] for kind in KINDS] for label in labels])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    # Not the total effects of all cities with the group's coefficients (what the period formula gives):
    everyone = np.array([(inverse @ (b[m[0]] * np.eye(n) + t[m[0]] * W)).sum() / n for m in members])
    assert np.max(np.abs(everyone - expected[:, 2])) > 1e-3
    # The comparisons carry the same numbers; the other variables keep the pooled-style effects.
    comparison = next(c for c in result.comparisons if c.quantity == "total effect" and c.first == "top 30 %"
                      and c.second == "bottom 30 %")
    assert comparison.a == pytest.approx(expected[0, 2], abs=1e-10)
    assert comparison.b == pytest.approx(expected[1, 2], abs=1e-10)
    assert comparison.method == "simulated, joint draws"
    reference = compute_effects(model, spectrum, 1000, 3)
    at = reference.variables.index("INNOV")
    np.testing.assert_array_equal(table.estimate[at], reference.estimate[at])
    np.testing.assert_array_equal(table.se[at], reference.se[at])


def test_openness_group_differences_match_the_delta_method(openness_sdm):
    """The SE of a difference between two groups' effects from the joint draws against the delta method
    (analytic gradient: ∂A⁻¹/∂ρ = A⁻¹WA⁻¹), and the Wald test of equality of the three groups too. Treating
    the groups as independent would give SEs 2–3 times larger for the total effect."""
    result, spectrum = openness_sdm
    model = result.groups[0].model
    labels = ["top 30 %", "bottom 30 %", "middle"]
    names = model.all_names()
    W = spectrum.W.toarray()
    n = W.shape[0]
    A_inv = np.linalg.inv(np.eye(n) - model.spatial * W)
    dA = A_inv @ W @ A_inv
    members = [np.flatnonzero(result.unit_groups == label) for label in labels]
    gradients = {kind: [] for kind in KINDS}  # d effect_g / d parameters
    for label, units in zip(labels, members):
        beta, theta = model.coefficient(f"DIG × {label}")[0], model.coefficient(f"W·DIG × {label}")[0]
        parts = {}
        for name, M in (("d", A_inv), ("dW", A_inv @ W), ("r", dA), ("rW", dA @ W)):
            parts[name] = (np.diag(M)[units].mean(), M[:, units].sum(axis=0).mean())
        for k, kind in ((0, "direct"), (1, "total")):
            g = np.zeros(len(names))
            g[names.index(f"DIG × {label}")] = parts["d"][k]
            g[names.index(f"W·DIG × {label}")] = parts["dW"][k]
            g[-1] = beta * parts["r"][k] + theta * parts["rW"][k]
            gradients[kind].append(g)
    gradients["indirect"] = [tot - dire for tot, dire in zip(gradients["total"], gradients["direct"])]
    V = model.vcov
    for kind in KINDS:
        G = np.array(gradients[kind])
        cov = G @ V @ G.T
        for a, b in ((0, 1), (0, 2), (1, 2)):
            delta = np.sqrt(cov[a, a] + cov[b, b] - 2 * cov[a, b])
            comparison = next(c for c in result.comparisons if c.quantity == f"{kind} effect"
                              and c.first == labels[a] and c.second == labels[b])
            assert comparison.se == pytest.approx(delta, rel=0.08), (kind, a, b)
        if kind == "total":
            independent = np.sqrt(cov[0, 0] + cov[1, 1])
            assert independent > 2 * np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
        R = np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]])
        estimates = np.array([next(c.a for c in result.comparisons if c.quantity == f"{kind} effect"
                                   and c.first == label) for label in labels[:2]]
                             + [next(c.b for c in result.comparisons if c.quantity == f"{kind} effect"
                                     and c.second == labels[2])])
        d = R @ estimates
        wald = next(test for test in result.joint if test.name == f"Wald: {kind} effect of DIG equal in all groups")
        assert wald.df == 2 and wald.statistic == pytest.approx(d @ np.linalg.solve(R @ cov @ R.T, d), rel=0.15)


def test_interpolated_multipliers_are_exact_solves(openness_sdm):
    """The draws' multipliers come from Chebyshev interpolation in ρ: against the dense inverse at ρ
    values across the draws' range."""
    result, spectrum = openness_sdm
    W = spectrum.W.toarray()
    n = W.shape[0]
    members = [np.flatnonzero(result.unit_groups == label) for label in ("top 30 %", "bottom 30 %")] + [None]
    rho = np.array([0.05, 0.21, 0.37, 0.4])
    got = multipliers(spectrum, members, rho)
    for i, r in enumerate(rho):
        A_inv = np.linalg.inv(np.eye(n) - r * W)
        for g, units in enumerate(members):
            units = np.arange(n) if units is None else units
            expected = [np.diag(A_inv)[units].mean(), np.diag(A_inv @ W)[units].mean(),
                        A_inv[:, units].sum(axis=0).mean(), (A_inv @ W)[:, units].sum(axis=0).mean()]
            np.testing.assert_allclose(got[i, g], expected, rtol=1e-6)


def test_region_slx_group_effects_are_exact(synthetic, cities_frame):
    """SLX (no multiplier): S = diag(β_g) + W diag(θ_g); linear, so the difference's SE is exact."""
    data, _, knn, _ = synthetic
    region = cities_frame.set_index("adcode").region.reindex(data.unit_ids).to_numpy()
    spec = SpilloverSpec(model="SLX", effects="twoway", draws=100, seed=3)
    result = run_heterogeneity(data, knn, spec, Grouping("category", values=region, field="region"), key="DIG",
                               method="interaction")
    model, table = result.groups[0].model, result.groups[0].effects
    labels = sorted(set(region))
    W = spectrum_for(knn).W.toarray()
    b, t = coefficients_by_unit(model, labels, "DIG", region)
    members = [np.flatnonzero(region == label) for label in labels]
    expected = dense_group_effects(np.eye(len(region)), W, b, t, members)
    got = np.array([[table.value(f"DIG × {label}", kind)[0] for kind in KINDS] for label in labels])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    names = model.all_names()
    for a, c in ((0, 1), (1, 3)):
        g = np.zeros(len(names))  # d(total_a − total_c)/d parameters
        for sign, label, units in ((1.0, labels[a], members[a]), (-1.0, labels[c], members[c])):
            g[names.index(f"DIG × {label}")] = sign
            g[names.index(f"W·DIG × {label}")] = sign * W[:, units].sum(axis=0).mean()
        comparison = next(x for x in result.comparisons if x.quantity == "total effect" and x.first == labels[a]
                          and x.second == labels[c])
        assert comparison.se == pytest.approx(np.sqrt(g @ model.vcov @ g), rel=1e-10)
        assert comparison.method == "Wald, joint covariance"


def test_period_effects_unchanged_and_compared(synthetic):
    """By period every city is in every group: the effects are the existing trace-based ones of each period
    term (same draws), and their differences are now tested with the joint draws too."""
    data, _, knn, _ = synthetic
    spec = SpilloverSpec(model="SDM", effects="twoway", draws=200, seed=3)
    result = run_heterogeneity(data, knn, spec, Grouping("period"), key="DIG", method="interaction")
    model, table = result.groups[0].model, result.groups[0].effects
    reference = compute_effects(model, spectrum_for(knn), 200, 3)
    np.testing.assert_allclose(table.estimate, reference.estimate, rtol=1e-12)
    np.testing.assert_allclose(table.se, reference.se, rtol=1e-12)
    kinds = {c.quantity for c in result.comparisons}
    assert {"direct effect", "indirect effect", "total effect"} <= kinds


def test_without_draws_unit_group_effects_have_no_tests(synthetic, synthetic_frame):
    data, _, knn, _ = synthetic
    grouping = Grouping("quantile", values=openness(synthetic_frame, data), field="OPEN")
    result = run_heterogeneity(data, knn, SpilloverSpec(model="SDM", effects="twoway", draws=0), grouping,
                               key="DIG", method="interaction")
    table = result.groups[0].effects
    assert np.isfinite(table.value("DIG × top 30 %", "total")[0]) and np.isnan(table.value("DIG × top 30 %",
                                                                                           "total")[1])
    assert {c.quantity for c in result.comparisons} == {"coefficient", "W·coefficient"}
    assert all(np.isfinite(test.statistic) for test in result.joint)
