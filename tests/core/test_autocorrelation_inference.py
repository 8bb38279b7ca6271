"""p-values, multiple testing, Gi_Bin classes and cluster codes, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.autocorrelation.clusters import PYSAL_QUADRANT, lisa_clusters, quadrants
from digital_resilience.core.autocorrelation.inference import (
    adjust_p,
    benjamini_hochberg,
    confidence_bins,
    normal_p,
    pseudo_p,
)
from digital_resilience.core.errors import InputError


def test_normal_p_alternatives():
    # Φ(1.959964) = 0.975
    assert normal_p(1.959964, "two-sided") == pytest.approx(0.05, abs=1e-6)
    assert normal_p(1.959964, "greater") == pytest.approx(0.025, abs=1e-6)
    assert normal_p(1.959964, "less") == pytest.approx(0.975, abs=1e-6)
    assert np.isnan(normal_p(np.nan))
    with pytest.raises(InputError, match="Unknown alternative “sideways”"):
        normal_p(1.0, "sideways")


def test_pseudo_p_counts_the_tail_of_the_observation():
    # 999 replications, 3 at least as large, 997 at most as large (one tie): directed p = 4/1000.
    assert pseudo_p(3, 997, 999, "directed") == pytest.approx(0.004)
    assert pseudo_p(3, 997, 999, "greater") == pytest.approx(0.004)
    assert pseudo_p(3, 997, 999, "less") == pytest.approx(0.998)
    assert pseudo_p(3, 997, 999, "two-sided") == pytest.approx(0.008)
    # Every replication ties with the observation (e.g. z_i = 0): no evidence at all.
    assert pseudo_p(999, 999, 999, "directed") == 1.0


def test_benjamini_hochberg_by_hand_and_geoda_rule():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, np.nan])
    # m = 8 tested units; q_(i) = min over j ≥ i of p_(j) m / j
    by_hand = [0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.08457142857142857, 0.205]
    q = adjust_p(p, "fdr")
    np.testing.assert_allclose(q[:8], by_hand, rtol=1e-12)
    assert np.isnan(q[8])
    # GeoDa's FDR rule: sort, keep p_(i) ≤ i α / m; q ≤ α is the same set.
    alpha, m = 0.05, 8
    ordered = np.sort(p[:8])
    passing = np.flatnonzero(ordered <= np.arange(1, m + 1) * alpha / m)
    cutoff = ordered[passing.max()] if len(passing) else -1
    np.testing.assert_array_equal(q[:8] <= alpha, p[:8] <= cutoff)


def test_benjamini_hochberg_matches_r_p_adjust():
    # Unsorted, with a tie (0.04 twice) and a large m/i factor. Reference values from R 4.x:
    #   Rscript -e 'p <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9, 0.5, 0.0001, 0.049, 0.7, 0.012);
    #               print(p.adjust(p, "BH"), digits=17)'
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9, 0.5, 0.0001, 0.049, 0.7, 0.012])
    r_bh = [0.0360000000000000042, 0.0685714285714285748, 0.0685714285714285748,
            0.0299999999999999989, 0.2666666666666666630, 0.0685714285714285748,
            0.9000000000000000222, 0.5999999999999999778, 0.0012000000000000001,
            0.0735000000000000098, 0.7636363636363635576, 0.0360000000000000042]
    np.testing.assert_allclose(adjust_p(p, "fdr"), r_bh, rtol=1e-14)
    # NaN (untested units) neither counts in m nor moves the others.
    with_gaps = np.insert(p, [0, 5], np.nan)
    q = adjust_p(with_gaps, "fdr")
    assert np.isnan(q[0]) and np.isnan(q[6])
    np.testing.assert_allclose(q[np.isfinite(q)], r_bh, rtol=1e-14)
    assert len(benjamini_hochberg(np.array([]))) == 0


def test_benjamini_hochberg_needs_no_new_scipy():
    # scipy.stats.false_discovery_control exists only from SciPy 1.11 (Debian 12 ships 1.10):
    # the correction must not call it, and must agree with it where it exists.
    from scipy import stats

    rng = np.random.default_rng(7)
    p = rng.uniform(size=200) ** 3
    if hasattr(stats, "false_discovery_control"):
        np.testing.assert_allclose(benjamini_hochberg(p),
                                   stats.false_discovery_control(p, method="bh"), rtol=1e-14)
    import digital_resilience.core.autocorrelation.inference as inference

    class ScipyTen:  # the stats module of SciPy 1.10: no false_discovery_control
        norm = stats.norm

    original = inference.stats
    inference.stats = ScipyTen
    try:
        np.testing.assert_allclose(adjust_p(p, "fdr"), benjamini_hochberg(p))
    finally:
        inference.stats = original


def test_bonferroni_and_none():
    p = np.array([0.001, 0.02, 0.3, np.nan])
    np.testing.assert_allclose(adjust_p(p, "bonferroni")[:3], [0.003, 0.06, 0.9])
    np.testing.assert_array_equal(adjust_p(p, "none")[:3], p[:3])
    with pytest.raises(InputError, match="Unknown multiple-testing correction"):
        adjust_p(p, "holm-ish")


def test_confidence_bins_follow_gi_bin():
    z = np.array([3.1, -2.2, 1.7, -1.0, 2.58, np.nan])
    p = np.array([0.002, 0.028, 0.089, 0.32, 0.0099, np.nan])
    np.testing.assert_array_equal(confidence_bins(z, p), [3, -2, 1, 0, 3, 0])


def test_quadrant_codes_follow_geoda_and_map_to_pysal():
    z = np.array([1.0, -1.0, -1.0, 1.0, 0.0])
    lag = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    codes = quadrants(z, lag)
    np.testing.assert_array_equal(codes, [1, 2, 3, 4, 3])  # z = 0 counts as low (esda, spdep)
    assert [PYSAL_QUADRANT[c] for c in codes] == [1, 3, 2, 4, 2]
    clusters = lisa_clusters(codes, [True, True, False, True, True], islands=[4])
    np.testing.assert_array_equal(clusters, [1, 2, 0, 4, 6])
