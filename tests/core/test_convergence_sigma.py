"""σ-convergence measures against hand computations written out here."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.convergence.sigma import (
    coefficient_of_variation,
    dagum_gini,
    gini,
    sd_of_logs,
    theil,
    theil_decomposition,
)

# Four cities: group A = {1, 2}, group B = {3, 6}. Mean 3, total 12.
VALUES = np.array([1.0, 2.0, 3.0, 6.0])
GROUPS = np.array(["A", "A", "B", "B"])


def test_coefficient_of_variation_by_hand():
    # deviations from the mean 3: -2, -1, 0, 3; squares sum to 14
    assert coefficient_of_variation(VALUES) == pytest.approx(math.sqrt(14 / 3) / 3, abs=1e-15)
    assert coefficient_of_variation(VALUES, ddof=0) == pytest.approx(math.sqrt(14 / 4) / 3, abs=1e-15)


def test_sd_of_logs_by_hand():
    logs = [math.log(1), math.log(2), math.log(3), math.log(6)]
    mean = sum(logs) / 4
    expected = math.sqrt(sum((v - mean) ** 2 for v in logs) / 3)
    assert sd_of_logs(VALUES) == pytest.approx(expected, abs=1e-15)


def test_theil_by_hand():
    expected = (1 / 4) * sum((v / 3) * math.log(v / 3) for v in (1, 2, 3, 6))
    assert theil(VALUES) == pytest.approx(expected, abs=1e-15)
    assert theil(np.full(5, 2.5)) == 0.0


def test_gini_by_hand():
    # |differences| of the unordered pairs: 1, 2, 5, 1, 4, 3 -> 16; ordered pairs 32.
    assert gini(VALUES) == pytest.approx(32 / (2 * 4**2 * 3), abs=1e-15)  # = 1/3
    assert gini(np.full(4, 7.0)) == 0.0


def test_gini_equals_the_double_sum_on_random_data():
    values = np.random.default_rng(3).lognormal(size=101)
    double_sum = sum(abs(a - b) for a, b in itertools.product(values, values))
    assert gini(values) == pytest.approx(double_sum / (2 * 101**2 * values.mean()), rel=1e-12)


def test_theil_decomposition_by_hand():
    parts = theil_decomposition(VALUES, GROUPS)
    # group shares of the total: A 3/12, B 9/12; group means 1.5 and 4.5
    between = 0.25 * math.log(1.5 / 3) + 0.75 * math.log(4.5 / 3)
    t_a = 0.5 * ((1 / 1.5) * math.log(1 / 1.5) + (2 / 1.5) * math.log(2 / 1.5))
    t_b = 0.5 * ((3 / 4.5) * math.log(3 / 4.5) + (6 / 4.5) * math.log(6 / 4.5))
    assert parts.between == pytest.approx(between, abs=1e-15)
    assert parts.within == pytest.approx(0.25 * t_a + 0.75 * t_b, abs=1e-15)
    assert parts.total == pytest.approx(parts.between + parts.within, abs=1e-15)
    assert parts.groups == ["A", "B"]
    np.testing.assert_allclose(parts.shares, [0.25, 0.75])


def test_dagum_decomposition_by_hand():
    parts = dagum_gini(VALUES, GROUPS)
    # G_AA = |1-2|·2 / (2·2²·1.5) = 1/6; G_BB = |3-6|·2 / (2·2²·4.5) = 1/6
    np.testing.assert_allclose(parts.within_gini, [1 / 6, 1 / 6])
    # G_AB = (2 + 5 + 1 + 4) / (2·2·(1.5 + 4.5)) = 1/2
    assert parts.between_gini[0, 1] == pytest.approx(0.5)
    # p = (1/2, 1/2), s = (1/4, 3/4): G_w = 1/6·1/2·1/4 + 1/6·1/2·3/4 = 1/12
    assert parts.within == pytest.approx(1 / 12)
    # every B value exceeds every A value: D_BA = 1, no transvariation
    assert parts.between_net == pytest.approx(0.5 * (0.5 * 0.25 + 0.5 * 0.75))
    assert parts.transvariation == pytest.approx(0.0)
    assert parts.total == pytest.approx(1 / 3)


def brute_force_dagum(values, groups):
    """Dagum (1997), equations written out with explicit loops."""
    labels = list(dict.fromkeys(groups))
    parts = {g: [v for v, h in zip(values, groups) if h == g] for g in labels}
    n, mu = len(values), sum(values) / len(values)
    p = {g: len(parts[g]) / n for g in labels}
    s = {g: len(parts[g]) * (sum(parts[g]) / len(parts[g])) / (n * mu) for g in labels}
    mean = {g: sum(parts[g]) / len(parts[g]) for g in labels}
    within = sum(
        sum(abs(a - b) for a in parts[g] for b in parts[g]) / (2 * len(parts[g]) ** 2 * mean[g]) * p[g] * s[g]
        for g in labels
    )
    net = trans = 0.0
    for j, h in itertools.combinations(labels, 2):
        if mean[j] < mean[h]:
            j, h = h, j
        pairs = [(a, b) for a in parts[j] for b in parts[h]]
        g_jh = sum(abs(a - b) for a, b in pairs) / (len(parts[j]) * len(parts[h]) * (mean[j] + mean[h]))
        d = sum(max(a - b, 0) for a, b in pairs) / len(pairs)
        q = sum(max(b - a, 0) for a, b in pairs) / len(pairs)
        big_d = (d - q) / (d + q)
        weight = g_jh * (p[j] * s[h] + p[h] * s[j])
        net += weight * big_d
        trans += weight * (1 - big_d)
    return within, net, trans


def test_dagum_decomposition_with_overlapping_groups_matches_brute_force():
    rng = np.random.default_rng(11)
    groups = np.array(["east"] * 30 + ["central"] * 20 + ["west"] * 25 + ["northeast"] * 8)
    values = rng.lognormal(mean=np.select(
        [groups == "east", groups == "central", groups == "west"], [0.5, 0.2, 0.0], -0.1), sigma=0.4)
    parts = dagum_gini(values, groups)
    within, net, trans = brute_force_dagum(values.tolist(), groups.tolist())
    assert parts.within == pytest.approx(within, rel=1e-12)
    assert parts.between_net == pytest.approx(net, rel=1e-12)
    assert parts.transvariation == pytest.approx(trans, rel=1e-12)
    assert trans > 0  # the groups overlap
    assert parts.within + parts.between_net + parts.transvariation == pytest.approx(gini(values), rel=1e-12)


def test_cv_of_latent_resilience_is_what_the_sample_documents(sample_dir):
    """SYNTHETIC_PANEL.md: the CV of latent R is 0.545 … 0.334 from 2011 to 2019."""
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    cv = [round(coefficient_of_variation(g.resilience.to_numpy()), 3) for _, g in latent.groupby("year")]
    assert cv == [0.545, 0.505, 0.49, 0.454, 0.4, 0.392, 0.366, 0.373, 0.334]
