"""Higher-order contiguity: neighbours of neighbours.

Unit j is an order-p neighbour of i when the shortest chain of neighbours from i to j
has p links (spdep's ``nblag``, libpysal's ``higher_order``); "cumulative" keeps orders
1 … p together (spdep's ``nblag_cumul``, GeoDa's "include lower orders"). Computed with
sparse boolean matrix products, one breadth-first step per order.
"""

from __future__ import annotations

import scipy.sparse as sp

from ..errors import InputError
from ..progress import report
from .model import SpatialWeights


def higher_order(weights: SpatialWeights, order: int, cumulative: bool = False,
                 progress=None) -> SpatialWeights:
    """Binary weights of the order-``order`` neighbours (or orders 1…``order``)."""
    if order < 1:
        raise InputError("The contiguity order must be at least 1; got {order}.", order=order)
    n = weights.n
    adjacency = weights.matrix.copy()
    adjacency.data[:] = 1.0
    if order == 1:
        return SpatialWeights(weights.ids, adjacency, weights.kind, weights.transform,
                              dict(weights.params, order=1, cumulative=cumulative))
    identity = sp.identity(n, format="csr")
    reached = _ones(adjacency + identity)
    frontier = adjacency
    for step in range(2, order + 1):
        following = _ones(frontier @ adjacency)
        frontier = following - following.multiply(reached)  # not reached at a lower order
        frontier.eliminate_zeros()
        reached = _ones(reached + frontier)
        report(progress, step / order)
    matrix = (reached - identity) if cumulative else frontier
    matrix = sp.csr_matrix(matrix)
    matrix.eliminate_zeros()
    params = dict(weights.params, order=order, cumulative=cumulative)
    return SpatialWeights(weights.ids, matrix, weights.kind, weights.transform, params)


def _ones(matrix) -> sp.csr_matrix:
    """The pattern of ``matrix`` with every stored value set to 1."""
    matrix = sp.csr_matrix(matrix)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    return matrix
