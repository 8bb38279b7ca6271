"""The residual LISA is the toolkit's one local Moran (issue 15): same permutation engine, same
seed, same draws, so the residual map's p-values and clusters are the LISA algorithm's."""

from __future__ import annotations

import numpy as np

from digital_resilience.core.autocorrelation.local_moran import LocalMoran
from digital_resilience.core.econometrics.local_moran import local_moran


def test_residual_lisa_is_the_local_moran_in_esda_scaling(synthetic):
    data, _, knn, _ = synthetic
    values = data.y[: data.n]
    residual = local_moran(values, knn.transformed(), permutations=199, seed=11)
    lisa = LocalMoran(values, knn, permutations=199, seed=11)
    n = len(values)
    # esda's scaling of I_i: (n − 1)/n times spdep's (the same z-scores, p-values and clusters).
    np.testing.assert_allclose(residual.I, lisa.Is * (n - 1) / n, rtol=1e-12)
    np.testing.assert_array_equal(residual.p, lisa.p)  # the same draws, not merely the same distribution
    np.testing.assert_array_equal(residual.quadrant, lisa.quadrant)
    np.testing.assert_array_equal(residual.labels, lisa.labels)


def test_residuals_without_variation_have_no_clusters(synthetic):
    _, queen, _, _ = synthetic
    result = local_moran(np.zeros(queen.n), queen.transformed(), permutations=99, seed=1)
    island = queen.islands
    assert np.all(result.I == 0) and np.all(result.p == 1)
    assert set(result.labels[island]) == {"No neighbours"}
    assert set(np.delete(result.labels, island)) == {"Not significant"}
