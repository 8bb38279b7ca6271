"""The shared permutation engine of the global statistics against a plain loop.

Brute force: the permutations are redrawn one by one with numpy (``rng.permutation(n)`` from the
same seed: the stream the engine promises) and each statistic is computed by its own analytical
formula on the permuted data (``Moran(y[π], weights, permutations=0).I`` and so on), which shares
nothing with the engine's sums (centred vectors, half products, linear forms).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.sparse as sp

from digital_resilience.core.autocorrelation import global_permutation
from digital_resilience.core.autocorrelation.geary import Geary
from digital_resilience.core.autocorrelation.getis_ord import GeneralG
from digital_resilience.core.autocorrelation.global_permutation import PermutedForm, permuted_forms
from digital_resilience.core.autocorrelation.moran import Moran, MoranBV, permute_together
from digital_resilience.core.errors import Cancelled
from digital_resilience.core.weights.model import SpatialWeights

PERMUTATIONS = 60


def weights(n=23, seed=3, transform="R"):
    """Unequal, asymmetric weights with an island (unit 4): every term of the sums matters."""
    rng = np.random.default_rng(seed)
    links = (rng.random((n, n)) < 0.2) * (rng.random((n, n)) + 0.3)
    np.fill_diagonal(links, 0)
    links[4] = 0
    links[:, 4] = 0
    return SpatialWeights(np.arange(n), sp.csr_matrix(links), kind="custom", transform=transform)


def orders(n, count, seed):
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(count)]


@pytest.mark.parametrize("transform", ["R", "O", "B"])
def test_each_statistic_equals_its_formula_on_the_permuted_data(transform):
    w = weights(transform=transform)
    rng = np.random.default_rng(8)
    y = rng.lognormal(3.0, 0.6, w.n) + 1e4  # far from zero: the centring must not lose digits
    x = rng.normal(size=w.n)
    seed = 17
    moran = Moran(y, w, permutations=PERMUTATIONS, seed=seed)
    geary = Geary(y, w, permutations=PERMUTATIONS, seed=seed)
    g = GeneralG(y, w, permutations=PERMUTATIONS, seed=seed)
    bv = MoranBV(x, y, w, permutations=PERMUTATIONS, seed=seed)
    for k, order in enumerate(orders(w.n, PERMUTATIONS, seed)):
        assert moran.sim[k] == pytest.approx(Moran(y[order], w, permutations=0).I, rel=1e-9, abs=1e-12)
        assert geary.sim[k] == pytest.approx(Geary(y[order], w, permutations=0).C, rel=1e-9)
        assert g.sim[k] == pytest.approx(GeneralG(y[order], w, permutations=0).G, rel=1e-9)
        assert bv.sim[k] == pytest.approx(MoranBV(x, y[order], w, permutations=0).I, rel=1e-9, abs=1e-12)
    assert moran.p_sim == pytest.approx(
        (min((moran.sim >= moran.I).sum(), (moran.sim <= moran.I).sum()) * 2 + 2) / (PERMUTATIONS + 1))


def test_together_equals_one_by_one_and_draws_once(monkeypatch):
    """Every statistic and year of a run on the same draws: what each gets alone with that seed,
    with the permutations drawn once (the draw counted) and one column per distinct vector."""
    w = weights(n=31, seed=5)
    rng = np.random.default_rng(2)
    years = [rng.normal(10, 2, w.n) for _ in range(4)]
    alone = [cls(y, w, permutations=PERMUTATIONS, seed=9) for y in years for cls in (Moran, Geary, GeneralG)]
    draws = []
    real = global_permutation._orders
    monkeypatch.setattr(global_permutation, "_orders", lambda *a: draws.append(a[2]) or real(*a))
    monkeypatch.setattr(global_permutation, "CACHED_ORDERS", 0)  # no cache: count every draw
    together = [cls(y, w, permutations=0) for y in years for cls in (Moran, Geary, GeneralG)]
    permute_together(together, PERMUTATIONS, seed=9)
    assert sum(draws) == PERMUTATIONS
    for one, joint in zip(alone, together):
        np.testing.assert_allclose(joint.sim, one.sim, rtol=1e-12, atol=1e-15)
        assert (joint.p_sim, joint.permutations) == (one.p_sim, PERMUTATIONS)


def test_blocks_do_not_change_the_result(monkeypatch):
    w = weights(n=40, seed=6)
    y = np.random.default_rng(4).normal(size=w.n)
    whole = Moran(y, w, permutations=PERMUTATIONS, seed=3).sim
    monkeypatch.setattr(global_permutation, "BLOCK_ELEMENTS", 50)  # one permutation per block
    monkeypatch.setattr(global_permutation, "CACHED_ORDERS", 0)
    np.testing.assert_allclose(Moran(y, w, permutations=PERMUTATIONS, seed=3).sim, whole, rtol=1e-12, atol=1e-15)
    monkeypatch.setattr(global_permutation, "PARALLEL_VALUES", 0)  # blocks computed in helper threads
    np.testing.assert_allclose(Moran(y, w, permutations=PERMUTATIONS, seed=3).sim, whole, rtol=1e-12, atol=1e-15)


def test_a_cancel_stops_the_draws_and_their_thread(monkeypatch):
    monkeypatch.setattr(global_permutation, "BLOCK_ELEMENTS", 50)
    monkeypatch.setattr(global_permutation, "PARALLEL_VALUES", 0)
    w = weights(n=40, seed=6)
    y = np.random.default_rng(4).normal(size=w.n)
    seen = []

    def progress(fraction):
        seen.append(fraction)
        if len(seen) == 3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        Moran(y, w, permutations=PERMUTATIONS, seed=3, progress=progress)
    assert len(seen) == 3
    assert not [t for t in threading.enumerate() if t.name.startswith("permutations")]


def test_half_product_with_a_diagonal_and_asymmetric_weights():
    rng = np.random.default_rng(1)
    matrix = sp.random(30, 30, density=0.3, random_state=2, format="csr") + sp.diags(rng.random(30))
    values = rng.normal(size=30)
    (q,) = permuted_forms([PermutedForm(values, lambda q, linear, squares: q, matrix)], 5, seed=4)
    for k, order in enumerate(orders(30, 5, 4)):
        v = values[order]
        assert q[k] == pytest.approx(v @ (matrix @ v), rel=1e-12)


def test_same_seed_same_permutations_whatever_the_batch():
    first = np.vstack(list(global_permutation.permutation_orders(1000, 7, seed=5, batch=3)))
    second = np.vstack(list(global_permutation.permutation_orders(1000, 7, seed=5, batch=7)))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, np.vstack(orders(1000, 7, 5)))
    assert not np.array_equal(first, np.vstack(list(global_permutation.permutation_orders(1000, 7, seed=6))))


@pytest.mark.parametrize("cls", [Moran, Geary, GeneralG])
def test_exact_ties_count_in_both_tails(cls):
    """Five units: 999 draws repeat the 120 orders, the identity among them, and the path's reflection
    gives the same statistic. Those replications equal the observed value in exact arithmetic (their
    plain formula, below, agrees to rounding) and must count as at least and at most as extreme,
    whatever order the sums ran in (exact comparisons missed some of them)."""
    n = 5
    links = np.zeros((n, n))
    for i in range(n - 1):
        links[i, i + 1] = links[i + 1, i] = 1.0
    w = SpatialWeights(np.arange(n), sp.csr_matrix(links), transform="B")
    y = np.array([0.1, 0.7, 0.3, 1.9, 1.1])
    result = cls(y, w, permutations=999, seed=3)
    by_formula = np.array([cls(y[order], w, permutations=0).statistic for order in orders(n, 999, 3)])
    ties = np.isclose(by_formula, result.statistic, rtol=1e-12, atol=0)
    assert ties.sum() >= 8  # the identity alone is drawn 8 times with this seed
    strictly_above = (by_formula > result.statistic) & ~ties
    strictly_below = (by_formula < result.statistic) & ~ties
    greater, less = strictly_above.sum() + ties.sum(), strictly_below.sum() + ties.sum()
    assert result.p_sim == pytest.approx(min(1.0, 2 * (min(greater, less) + 1) / 1000))
