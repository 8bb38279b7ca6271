"""The ML estimate of ρ/λ is the root of the concentrated likelihood's derivative, not where the
bounded search stopped (≈1.5e-8·|ρ| away: the likelihood is flat to rounding there, R stops there too).

The derivative is computed here independently with dense numpy (β by least squares or GLS at each
value, the log-determinant's derivative −tr(W(I − ρW)⁻¹) by a dense inverse) and its root found
with scipy's brentq; the estimator's value must equal it to 1e-12, where the search alone was off
by ≈1e-9.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from digital_resilience.core.econometrics.spillover import fit_model, spectrum_for


def _derivative(y, X, W, model):
    """dℓ_c/dρ (lag) or dℓ_c/dλ (error) for the cross-section, from first principles."""
    n = len(y)
    Wy = W @ y
    if model in ("SDM", "SDEM"):
        X = np.column_stack([X, W @ X[:, 1:]])

    def lag(rho):
        target = y - rho * Wy
        e = target - X @ np.linalg.lstsq(X, target, rcond=None)[0]
        trace = np.trace(W @ np.linalg.inv(np.eye(n) - rho * W))
        return n * float(Wy @ e) / float(e @ e) - trace

    def error(lam):
        filt = np.eye(n) - lam * W
        ys, Xs = filt @ y, filt @ X
        beta = np.linalg.lstsq(Xs, ys, rcond=None)[0]
        u = ys - Xs @ beta
        dssr = -2.0 * float(u @ (Wy - W @ X @ beta))  # envelope theorem: β held at its GLS value
        trace = np.trace(W @ np.linalg.inv(filt))
        return -0.5 * n * dssr / float(u @ u) - trace

    return lag if model in ("SAR", "SDM") else error


@pytest.mark.parametrize("weights", ["queen", "knn"])
@pytest.mark.parametrize("model", ["SAR", "SEM", "SDM", "SDEM"])
def test_spatial_parameter_is_the_root_of_the_derivative(columbus, model, weights):
    data, queen, knn = columbus
    spectrum = spectrum_for(queen if weights == "queen" else knn)
    result = fit_model(data, spectrum.W, spectrum, model, "none")
    W = spectrum.W.toarray()
    X = np.column_stack([np.ones(len(data.y)), data.X])
    derivative = _derivative(data.y, X, W, model)
    root = brentq(derivative, result.spatial - 1e-4, result.spatial + 1e-4, xtol=1e-15, rtol=1e-15)
    assert abs(result.spatial - root) < 1e-12
    # the derivative there is zero to rounding (≈ n·1e-16 · its terms), far below its size a search step away
    assert abs(derivative(result.spatial)) < 1e-9 < abs(derivative(result.spatial + 1.5e-8 * abs(root)))


@pytest.mark.parametrize("model", ["SAR", "SEM"])
def test_sparse_lu_path_reaches_the_same_root(model):
    """Above 2000 units the log-determinant's derivative is a five-point difference of sparse-LU
    log-determinants: on a 30 × 30 rook lattice it finds the root the exact eigenvalues give."""
    import pandas as pd
    import scipy.sparse as sp

    from digital_resilience.core.econometrics.data import cross_section
    from digital_resilience.core.econometrics.spectrum import Spectrum

    side = 30
    n = side * side
    grid = np.arange(n).reshape(side, side)
    pairs = np.vstack([np.c_[grid[:, :-1].ravel(), grid[:, 1:].ravel()], np.c_[grid[:-1].ravel(), grid[1:].ravel()]])
    pairs = np.vstack([pairs, pairs[:, ::-1]])
    W = sp.csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    W = sp.diags(1.0 / np.asarray(W.sum(axis=1)).ravel()) @ W
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    y = sp.linalg.spsolve(sp.csc_matrix(sp.identity(n) - 0.5 * W), 1 + 2 * x + rng.normal(size=n))
    ids = [str(i) for i in range(n)]
    data = cross_section(pd.DataFrame({"y": y, "x": x}, index=ids), "y", ["x"], ids)
    lu, eigen = Spectrum(W, method="lu"), Spectrum(W, method="eigen")
    assert lu.method == "lu" and eigen.method == "eigen"
    estimates = [fit_model(data, W, spectrum, model, "none").spatial for spectrum in (lu, eigen)]
    assert abs(estimates[0] - estimates[1]) < 1e-10
