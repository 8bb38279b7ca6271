"""The permutation engine against brute force, exact enumeration and analytical moments.

* Brute force: for every unit and replication, the neighbour sample is rebuilt by hand
  from the shared draws (first k_i draws, the unit itself replaced by the spare draw) and
  the lag summed in a Python loop; the engine's counts and moments must be identical.
* Exact enumeration: on a tiny layer every ordered sample of a unit's neighbours from
  the other units is listed, which gives the exact conditional-permutation moments.
* Analytical moments: spdep's conditional moments of local Moran (checked against R in
  test_autocorrelation_reference.py) and the randomisation moments of the global
  statistics are the expectations of the permutation moments, within Monte-Carlo error.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from digital_resilience.core.autocorrelation import permutation
from digital_resilience.core.autocorrelation.geary import Geary
from digital_resilience.core.autocorrelation.getis_ord import GeneralG
from digital_resilience.core.autocorrelation.local_getis_ord import LocalG
from digital_resilience.core.autocorrelation.local_moran import LocalMoran, LocalMoranBV
from digital_resilience.core.autocorrelation.moran import Moran
from digital_resilience.core.autocorrelation.permutation import ConditionalPermutations, draw_samples
from digital_resilience.core.weights.files import read_weights_file
from digital_resilience.core.weights.model import SpatialWeights


def random_weights(n, density, seed, kind):
    rng = np.random.default_rng(seed)
    links = (rng.random((n, n)) < density).astype(float)
    np.fill_diagonal(links, 0)
    links[3] = 0  # an island (no neighbours of its own)
    if kind == "binary":
        return sp.csr_matrix(links)
    if kind == "row":
        return sp.csr_matrix(links / np.maximum(links.sum(axis=1, keepdims=True), 1))
    return sp.csr_matrix(links * (rng.random((n, n)) + 0.2))  # inverse-distance-like, unequal


def brute_force(engine, matrix, values, observed):
    """Counts and moments of every unit's replicated lags, rebuilt draw by draw."""
    n = matrix.shape[0]
    greater, less = np.zeros(n, int), np.zeros(n, int)
    mean, var = np.full(n, np.nan), np.full(n, np.nan)
    hits = 0
    for i in range(n):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        weights, k = matrix.data[start:end], end - start
        if k == 0:
            continue
        lags = []
        for p in range(engine.permutations):
            sample = engine.draws[p, :k].copy()
            hits += int((sample == i).sum())
            sample[sample == i] = engine.spare[p]
            assert i not in sample and len(set(sample.tolist())) == k
            lags.append(float(weights @ values[sample]))
        lags = np.array(lags)
        greater[i] = (lags >= observed[i] - 1e-9).sum()
        less[i] = (lags <= observed[i] + 1e-9).sum()
        mean[i], var[i] = lags.mean(), lags.var()
    return greater, less, mean, var, hits


@pytest.mark.parametrize("kind", ["binary", "row", "unequal"])
def test_engine_equals_brute_force(kind):
    matrix = random_weights(40, 0.12, 5, kind)
    values = np.random.default_rng(1).normal(size=40)
    observed = matrix @ values
    engine = ConditionalPermutations(matrix, 299, seed=11)
    tally = engine.linear(values, observed)
    greater, less, mean, var, hits = brute_force(engine, matrix, values, observed)
    assert hits > 0  # the self-exclusion path is exercised
    np.testing.assert_array_equal(tally.greater, greater)
    np.testing.assert_array_equal(tally.less, less)
    np.testing.assert_allclose(tally.mean, mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tally.var, var, rtol=1e-8, atol=1e-12)
    general = engine.general([values], lambda units, lags: lags[0], observed, 1e-12)
    np.testing.assert_array_equal(general.greater, greater)
    np.testing.assert_allclose(general.var, var, rtol=1e-8, atol=1e-12)


def test_ties_count_in_both_tails():
    # Integer values with binary weights: many replications tie with the observed lag.
    matrix = random_weights(30, 0.15, 2, "binary")
    values = np.random.default_rng(3).integers(0, 3, size=30).astype(float)
    observed = matrix @ values
    engine = ConditionalPermutations(matrix, 199, seed=4)
    tally = engine.linear(values, observed)
    greater, less, *_ = brute_force(engine, matrix, values, observed)
    np.testing.assert_array_equal(tally.greater, greater)
    np.testing.assert_array_equal(tally.less, less)
    tested = np.diff(matrix.indptr) > 0
    assert (tally.greater[tested] + tally.less[tested] > 199).any()


def test_result_does_not_depend_on_chunking(monkeypatch):
    matrix = random_weights(60, 0.1, 7, "unequal")
    values = np.random.default_rng(2).normal(size=60)
    first = ConditionalPermutations(matrix, 499, seed=3).linear(values, matrix @ values)
    monkeypatch.setattr(permutation, "CHUNK_ELEMENTS", 700)  # one or two rows per block
    second = ConditionalPermutations(matrix, 499, seed=3).linear(values, matrix @ values)
    np.testing.assert_array_equal(first.greater, second.greater)
    np.testing.assert_allclose(first.mean, second.mean, rtol=1e-12)


def test_draws_are_distinct_samples_and_reproducible():
    rng = np.random.default_rng(9)
    draws = draw_samples(rng, 12, 500, 9)  # small n: many rows need redrawing
    assert draws.shape == (500, 9) and draws.min() >= 0 and draws.max() < 12
    assert all(len(set(row.tolist())) == 9 for row in draws)
    again = draw_samples(np.random.default_rng(9), 12, 500, 9)
    np.testing.assert_array_equal(draws, again)


def test_each_unit_gets_a_uniform_sample_of_the_others():
    """Unit 0 with 2 neighbours among 6 units: every pair of the 5 others equally likely."""
    matrix = sp.csr_matrix(np.array([[0, 1, 1, 0, 0, 0], [1, 0, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0],
                                     [0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]], dtype=float))
    engine = ConditionalPermutations(matrix, 30000, seed=5)
    samples = engine.draws[:, :2].copy()
    samples[samples == 0] = np.broadcast_to(engine.spare[:, None], samples.shape)[samples == 0]
    pairs = pd.Series([tuple(sorted(row)) for row in samples.tolist()]).value_counts()
    assert set(pairs.index) == set(itertools.combinations(range(1, 6), 2))
    expected = 30000 / 10
    chi_square = float(((pairs - expected) ** 2 / expected).sum())
    assert chi_square < 27.9  # 9 degrees of freedom, p = 0.001


def test_same_seed_same_result_other_seed_other_draws(columbus_queen):
    data, weights = columbus_queen
    one = LocalMoran(data.CRIME, weights, permutations=199, seed=42)
    two = LocalMoran(data.CRIME, weights, permutations=199, seed=42)
    three = LocalMoran(data.CRIME, weights, permutations=199, seed=43)
    np.testing.assert_array_equal(one.p_sim, two.p_sim)
    np.testing.assert_array_equal(one.z_sim, two.z_sim)
    assert not np.array_equal(one.z_sim, three.z_sim)


# ------------------------------------------------------------------- exact moments
def test_bivariate_analytical_moments_equal_exact_enumeration():
    """E and Var of x_i Σ w_im y_(m) over every ordered sample of the other units."""
    matrix = sp.csr_matrix(np.array([[0, 0.7, 0.3, 0, 0, 0], [0.5, 0, 0.5, 0, 0, 0], [0.2, 0.3, 0, 0.5, 0, 0],
                                     [0, 0, 0.6, 0, 0.4, 0], [0, 0, 0, 0.5, 0, 0.5], [0, 0, 0, 0, 1.0, 0]]))
    weights = SpatialWeights(np.arange(6), matrix, transform="O")
    x = np.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6])
    y = np.array([2.0, 7.0, 1.0, 8.0, 2.8, 1.8])
    lisa = LocalMoranBV(x, y, weights, permutations=0)
    for i in range(6):
        neighbours = matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]]
        w = matrix.data[matrix.indptr[i]:matrix.indptr[i + 1]]
        others = [j for j in range(6) if j != i]
        values = np.array([lisa.zx[i] * (w @ lisa.zy[list(sample)])
                           for sample in itertools.permutations(others, len(neighbours))])
        assert lisa.EI[i] == pytest.approx(values.mean(), rel=1e-12, abs=1e-14)
        assert lisa.VI[i] == pytest.approx(values.var(), rel=1e-12, abs=1e-14)


@pytest.fixture(scope="module")
def columbus_queen(root):
    folder = root / "tests" / "reference" / "autocorrelation"
    data = pd.read_csv(folder / "columbus.csv")
    return data, read_weights_file(folder / "columbus_queen.gal", data.POLYID.to_numpy())


@pytest.fixture(scope="module")
def columbus_idw(root):
    folder = root / "tests" / "reference" / "autocorrelation"
    data = pd.read_csv(folder / "columbus.csv")
    return data, read_weights_file(folder / "columbus_knn4_idw.gwt", data.POLYID.to_numpy())


@pytest.mark.parametrize("fixture", ["columbus_queen", "columbus_idw"])
def test_local_permutation_moments_converge_to_the_analytical_ones(request, fixture):
    """20,000 replications: mean within 5 standard errors, variance within 8 %."""
    data, weights = request.getfixturevalue(fixture)
    replications = 20000
    lisa = LocalMoran(data.HOVAL, weights, permutations=replications, seed=1)
    np.testing.assert_array_less(np.abs(lisa.EI_sim - lisa.EI), 5 * np.sqrt(lisa.VI / replications))
    np.testing.assert_allclose(lisa.VI_sim, lisa.VI, rtol=0.08)
    bivariate = LocalMoranBV(data.CRIME, data.INC, weights, permutations=replications, seed=2)
    np.testing.assert_array_less(np.abs(bivariate.EI_sim - bivariate.EI), 5 * np.sqrt(bivariate.VI / replications))
    np.testing.assert_allclose(bivariate.VI_sim, bivariate.VI, rtol=0.08)


def test_gi_permutation_moments_match_the_analytical_ones(columbus_queen):
    """Gi's moments (spdep) are those of the conditional permutation; Gi*'s treat the unit's
    own value as random too, so for Gi* the permutation moments are checked by hand."""
    data, weights = columbus_queen
    binary = weights.with_transform("B")
    gi = LocalG(data.CRIME, binary, star=False, permutations=20000, seed=3)
    assert np.nanmax(np.abs(gi.z_sim - gi.z_score)) < 0.1
    gi_star = LocalG(data.CRIME, binary, star=True, permutations=20000, seed=3)
    x = data.CRIME.to_numpy()
    n, k = len(x), binary.cardinalities
    others_mean = (x.sum() - x) / (n - 1)
    others_var = ((x * x).sum() - x * x) / (n - 1) - others_mean**2
    # lag of the neighbours only (the unit's own weight-1 term is fixed): k draws without replacement
    variance = others_var * ((n - 1) * k - k**2) / (n - 2)
    np.testing.assert_array_less(np.abs(gi_star.EI_sim - k * others_mean), 5 * np.sqrt(variance / 20000))
    np.testing.assert_allclose(gi_star.VI_sim, variance, rtol=0.08)


def test_global_permutation_moments_match_randomisation_moments(columbus_idw):
    data, weights = columbus_idw
    replications = 20000
    moran = Moran(data.HOVAL, weights, permutations=replications, seed=1)
    assert abs(moran.EI_sim - moran.EI) < 5 * np.sqrt(moran.VI_rand / replications)
    assert moran.VI_sim == pytest.approx(moran.VI_rand, rel=0.05)
    geary = Geary(data.HOVAL, weights, permutations=replications, seed=1)
    assert abs(geary.EI_sim - 1.0) < 5 * np.sqrt(geary.VC_rand / replications)
    assert geary.VI_sim == pytest.approx(geary.VC_rand, rel=0.05)
    g = GeneralG(data.HOVAL, weights, permutations=replications, seed=1)
    assert abs(g.EI_sim - g.EG) < 5 * np.sqrt(g.VG / replications)
    assert g.VI_sim == pytest.approx(g.VG, rel=0.05)
