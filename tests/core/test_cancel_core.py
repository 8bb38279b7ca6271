"""Cancel checks of the core (issue 14): the thread's cancel check (core.progress), and the long
computations that had no check: Fisher-Jenks classes, ARPACK's bound of ρ, the HiGHS solve."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from digital_resilience.core.errors import Cancelled
from digital_resilience.core.progress import cancel_requested, cancellable, checkpoint, report


def test_checkpoint_follows_the_installed_check_of_its_own_thread():
    checkpoint()  # no check installed: nothing happens
    with cancellable(lambda: True):
        with pytest.raises(Cancelled):
            checkpoint()
        with pytest.raises(Cancelled):
            report(None, 0.5)  # report() honours the check even without a progress callback
        seen = []
        other = threading.Thread(target=lambda: seen.append(cancel_requested()))
        other.start()
        other.join()
        assert seen == [False]  # another thread (another run) is not cancelled
        with cancellable(lambda: False):
            checkpoint()  # an inner block replaces the check…
        with pytest.raises(Cancelled):
            checkpoint()  # …and restores the outer one
    checkpoint()


@pytest.mark.parametrize("seed", range(12))
def test_fisher_jenks_equals_mapclassify(seed):
    """The exact optimal partition, against mapclassify's FisherJenks (an independent implementation),
    on data with and without ties."""
    import mapclassify

    from digital_resilience.core.classify import fisher_jenks

    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(8, 250)), int(rng.integers(2, 8))
    values = np.round(rng.lognormal(size=n), seed % 3)
    if np.unique(values).size <= k:
        pytest.skip("fewer distinct values than classes")
    assert fisher_jenks(values, k) == pytest.approx(list(mapclassify.FisherJenks(values, k=k).bins))


def test_fisher_jenks_of_many_values_separates_clear_groups_quickly():
    """100,000 values in five well-separated groups: the (sampled) breaks are the groups' maxima."""
    from digital_resilience.core.classify import class_breaks

    rng = np.random.default_rng(4)
    groups = [rng.uniform(10 * g, 10 * g + 1, 20_000) for g in range(5)]
    values = rng.permutation(np.concatenate(groups))
    bounds = class_breaks(values, "fisher_jenks", 5)
    assert bounds[-1] == values.max()
    for g, bound in enumerate(bounds):
        assert 10 * g + 0.99 < bound <= groups[g].max()


def test_fisher_jenks_stops_on_a_cancel():
    from digital_resilience.core.classify import fisher_jenks

    with cancellable(lambda: True), pytest.raises(Cancelled):
        fisher_jenks(np.random.default_rng(1).normal(size=5000), 5)


def test_the_bound_of_rho_stops_on_a_cancel():
    """ARPACK's smallest eigenvalue (about a minute on 100,000 units) checks between its products."""
    import scipy.sparse as sp

    from digital_resilience.core.econometrics.spectrum import _lu_bounds

    n = 400
    ring = sp.diags([np.ones(n - 1), np.ones(n - 1)], [-1, 1], format="csr")
    W = sp.csr_matrix(sp.diags(1 / np.asarray(ring.sum(axis=1)).ravel()) @ ring)  # noqa: N806
    assert _lu_bounds(W, True)[0] == pytest.approx(-1.0, abs=1e-3)  # a path's smallest eigenvalue ≈ −1
    with cancellable(lambda: True), pytest.raises(Cancelled):
        _lu_bounds(W, True)


def test_the_solver_stops_on_a_cancel_without_a_progress_callback():
    """A random set cover that HiGHS does not prove within 20 s: a cancel 0.3 s in interrupts it."""
    import scipy.sparse as sp

    from digital_resilience.core.coverage.solver import solve_mip

    n = 300
    matrix = sp.random(n, n, density=0.03, random_state=1, format="csr")
    matrix.data[:] = 1
    matrix = matrix + sp.identity(n, format="csr")
    started = time.perf_counter()
    with cancellable(lambda: time.perf_counter() - started > 0.3), pytest.raises(Cancelled):
        solve_mip(np.ones(n), matrix, np.ones(n), np.full(n, np.inf), np.zeros(n), np.ones(n), np.ones(n, bool),
                  time_limit=20)
    assert time.perf_counter() - started < 3
