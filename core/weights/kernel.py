"""Kernel weights: w_ij = K(d_ij / h_i) for the units within the bandwidth h_i of unit i.

Kernel functions K(z), z = d_ij / h_i, zero for z > 1 (the definitions of GeoDa and of
libpysal's ``weights.Kernel``):

* triangular    K(z) = 1 − z
* uniform       K(z) = 1/2
* epanechnikov  K(z) = 3/4 (1 − z²)           (libpysal: "quadratic")
* quartic       K(z) = 15/16 (1 − z²)²        (also called bisquare)
* gaussian      K(z) = exp(−z²/2) / √(2π)     (truncated at z = 1, as libpysal's Kernel)

Bandwidth:

* fixed: one h for every unit, given by the user or, by default, the largest distance
  from a unit to its k-th nearest neighbour (so every unit has at least k neighbours);
* adaptive: h_i is the distance from unit i to its k-th nearest neighbour, and the
  neighbours of i are its k nearest units (libpysal's ``Kernel(fixed=False)``, GeoDa's
  adaptive bandwidth). Adaptive weights are not symmetric.

Automatic bandwidths are multiplied by 1 + 1e-7, as libpysal does, so that the k-th
neighbour keeps a (small) positive weight under the triangular and similar kernels.

Diagonal: zero. A unit is not its own neighbour here (w_ii = 0, what Moran's I, LISA
and spatial regressions expect), whereas libpysal's ``Kernel`` keeps K(0) on the
diagonal (or 1 with ``diagonal=True``) and GeoDa offers both; those variants are for
kernel smoothing, not for spatial weights of autocorrelation and regression.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, preview
from ..geodesy import Metric
from ..progress import span
from .distance import pairs_within
from .kinds import KERNELS
from .knn import nearest_neighbours
from .model import SpatialWeights

#: Widening of automatic bandwidths (libpysal's ``eps``).
EPS = 1.0000001


def kernel_function(name: str, z: np.ndarray) -> np.ndarray:
    """K(z) for ``z`` in [0, 1] (callers drop z > 1)."""
    z = np.asarray(z, dtype=float)
    if name == "triangular":
        return 1.0 - z
    if name == "uniform":
        return np.full_like(z, 0.5)
    if name == "epanechnikov":
        return 0.75 * (1.0 - z * z)
    if name == "quartic":
        return (15.0 / 16.0) * (1.0 - z * z) ** 2
    if name == "gaussian":
        return np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    raise InputError("Unknown kernel “{name}”; use one of {names}.", name=name, names=", ".join(KERNELS))


def kernel_weights(x, y, ids, metric: Metric, function: str = "triangular", bandwidth: float = 0.0,
                   adaptive: bool = False, k: int = 6, progress=None) -> SpatialWeights:
    """Kernel weights with a fixed (``bandwidth``, 0 = automatic) or adaptive bandwidth."""
    kernel_function(function, np.zeros(1))  # validates the name
    ids = np.asarray(ids)
    n = len(x)
    if bandwidth < 0:
        raise InputError("The kernel bandwidth cannot be negative; got {value}.", value=bandwidth)
    params = {"function": function, "adaptive": adaptive, "k": k, "distance_unit": metric.label}
    if adaptive:
        indices, dists = nearest_neighbours(x, y, k, metric, span(progress, 0.0, 0.9))
        h = dists[:, -1] * EPS
        if (h == 0).any():
            raise InputError(
                "{count} unit(s) share their point with {k} or more others, so their adaptive bandwidth "
                "is zero: {ids}. Increase k or merge the duplicates.",
                count=int((h == 0).sum()), k=k, ids=preview(ids[h == 0]),
            )
        rows = np.repeat(np.arange(n), k)
        values = kernel_function(function, (dists / h[:, None]).ravel())
        cols = indices.ravel()
        params.update(min_bandwidth=float(h.min()), max_bandwidth=float(h.max()))
    else:
        automatic = bandwidth == 0
        if automatic:
            _, dists = nearest_neighbours(x, y, k, metric, span(progress, 0.0, 0.4))
            bandwidth = float(dists[:, -1].max()) * EPS
        rows, cols, d = pairs_within(x, y, bandwidth, metric, span(progress, 0.4 if automatic else 0.0, 0.9))
        values = kernel_function(function, np.minimum(d / bandwidth, 1.0))
        params.update(bandwidth=bandwidth, automatic_bandwidth=automatic)
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(n, n))
    return SpatialWeights(ids, matrix, "kernel", "R", params)
