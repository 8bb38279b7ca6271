"""Economic-geographic weights: geography and economic similarity in one matrix.

Two forms are used in the spatial econometrics of Chinese cities and regions:

* **nested** (经济地理嵌套矩阵; Shao, Li, Cao and Yang 2016, "China's economic policy
  choices for governing smog pollution based on spatial spillover effects", Economic
  Research Journal 51(9): 73–88)::

      W = φ · W_d + (1 − φ) · W_e,   0 ≤ φ ≤ 1 (φ = 0.5 by default)

  with W_d the inverse-distance matrix 1/d_ij^α and W_e the economic-distance matrix
  1/|x̄_i − x̄_j|. The two are measured in different units (1/km and 1/yuan), so here
  each is row-standardised before they are mixed, as applied work does; φ is then the
  share of geography in every unit's weights.

* **product** (经济地理权重矩阵, asymmetric; Lin, Long and Wu 2005, China Economic
  Quarterly, and many later studies)::

      W = W_d · diag(x̄_1/x̄, …, x̄_n/x̄),   i.e. w_ij = x̄_j / x̄ · 1/d_ij^α

  with x̄ the mean of x̄_j over units: richer neighbours weigh more. The variable must be
  positive (e.g. GDP per capita).

x̄_i is the variable averaged over years (see ``core.weights.economic``); W_d may have a
cut-off distance.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, preview
from ..geodesy import Metric
from .economic import check_dense, economic_matrix
from .inverse_distance import inverse_distance
from .kinds import NESTINGS
from .model import SpatialWeights


def row_standardised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


def economic_geographic(x, y, values, ids, metric: Metric, share: float = 0.5, power: float = 1.0,
                        cutoff: float = 0.0, nesting: str = "nested", columns=(),
                        progress=None) -> SpatialWeights:
    """Nested (φ W_d + (1 − φ) W_e, each row-standardised) or product (W_d diag(x̄_j / x̄)) weights."""
    values = np.asarray(values, dtype=float)
    ids = np.asarray(ids)
    if nesting not in NESTINGS:
        raise InputError("Unknown economic-geographic form “{form}”; use nested or product.", form=nesting)
    geographic = inverse_distance(x, y, ids, metric, power, cutoff, progress).matrix
    params = {"nesting": nesting, "power": power, "cutoff": cutoff or None, "fields": list(columns),
              "distance_unit": metric.label}
    if nesting == "nested":
        if not 0.0 <= share <= 1.0:
            raise InputError("The share φ of geography must lie between 0 and 1; got {value}.", value=share)
        check_dense(len(values))
        matrix = share * row_standardised(geographic) + (1.0 - share) * row_standardised(
            economic_matrix(values, ids))
        params["share"] = share
    else:
        negative = values <= 0
        if negative.any():
            raise InputError(
                "The product form needs a positive variable (such as GDP per capita), but {count} "
                "unit(s) have a mean of zero or less: {ids}.",
                count=int(negative.sum()), ids=preview(ids[negative]),
            )
        matrix = sp.csr_matrix(geographic @ sp.diags(values / values.mean()))
    return SpatialWeights(ids, matrix, "economic_geographic", "R", params)
