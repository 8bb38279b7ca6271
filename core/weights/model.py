"""SpatialWeights: the neighbour structure every statistic and model uses.

A thin, explicit container around a SciPy CSR matrix, because the peers' objects are
either slow to build at scale (``libpysal.weights.W`` is dict-based) or encode islands
in a way that is easy to get wrong (``libpysal.graph.Graph`` keeps them as zero-weight
self-loops). Conversions to both are provided for interoperability with esda/spreg.

``matrix`` holds the *original* weights (1 for contiguity and k-nearest neighbours,
the kernel or inverse-distance value otherwise); :meth:`transformed` applies the
analysis transformation on demand, so the original survives saving and reloading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from .kinds import TRANSFORMS as CHOSEN_TRANSFORMS

#: Transformations: row-standardised, binary, variance-stabilising, original values.
TRANSFORMS = (*CHOSEN_TRANSFORMS, "O")


@dataclass
class SpatialWeights:
    ids: np.ndarray
    matrix: sp.csr_matrix
    kind: str = "custom"
    transform: str = "R"
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        self.ids = np.asarray(self.ids)
        matrix = sp.csr_matrix(self.matrix, dtype=np.float64)
        if matrix.diagonal().any():
            matrix.setdiag(0.0)  # costly on large matrices: only when there is a diagonal
        matrix.eliminate_zeros()
        matrix.sort_indices()
        self.matrix = matrix
        n = len(self.ids)
        if self.matrix.shape != (n, n):
            raise InputError(
                "The weights matrix is {shape} but there are {n} units.",
                shape=f"{self.matrix.shape[0]}×{self.matrix.shape[1]}",
                n=n,
            )
        if len(np.unique(self.ids)) != n:
            raise InputError("Unit ids must be unique to build spatial weights; choose a unique id field.")
        if self.transform not in TRANSFORMS:
            raise InputError(
                "Unknown weights transformation “{transform}”; use R, B, V or O.", transform=self.transform
            )

    # ------------------------------------------------------------- structure
    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit."""
        return np.diff(self.matrix.indptr)

    @property
    def islands(self) -> np.ndarray:
        """Positions of units without neighbours."""
        return np.flatnonzero(self.cardinalities == 0)

    @property
    def n_links(self) -> int:
        """Number of (directed) neighbour links."""
        return int(self.matrix.nnz)

    @property
    def is_symmetric(self) -> bool:
        """Whether j is a neighbour of i exactly when i is a neighbour of j (same weight)."""
        difference = self.matrix - self.matrix.T
        return difference.nnz == 0 or bool(np.allclose(difference.data, 0.0))

    def neighbours(self, position: int) -> np.ndarray:
        """Positions of the neighbours of the unit at ``position``."""
        start, end = self.matrix.indptr[position], self.matrix.indptr[position + 1]
        return self.matrix.indices[start:end]

    # --------------------------------------------------------- transformation
    def transformed(self, transform: str | None = None) -> sp.csr_matrix:
        """The matrix under ``transform`` (default: this object's ``transform``).

        R: rows sum to 1 (islands stay zero rows); B: 1 for every link; V: the
        variance-stabilising scheme of Tiefelsdorf et al. (1999) on the original weights
        (as libpysal's "V"); O: original values.
        """
        how = transform or self.transform
        matrix = self.matrix.copy()
        if how == "O":
            return matrix
        if how == "B":
            matrix.data[:] = 1.0
            return matrix
        if how == "V":
            # q_i = sqrt(sum_j w_ij^2); w_ij / q_i scaled so the total is n.
            q = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
            scale = np.divide(1.0, q, out=np.zeros_like(q), where=q > 0)
            matrix = sp.diags(scale) @ matrix
            total = matrix.sum()
            return sp.csr_matrix(matrix * (self.n / total)) if total > 0 else sp.csr_matrix(matrix)
        row_sums = np.asarray(matrix.sum(axis=1)).ravel()
        scale = np.divide(1.0, row_sums, out=np.zeros_like(row_sums), where=row_sums != 0)
        return sp.csr_matrix(sp.diags(scale) @ matrix)

    def with_transform(self, transform: str) -> SpatialWeights:
        return SpatialWeights(self.ids, self.matrix, self.kind, transform, dict(self.params))

    def symmetrized(self) -> SpatialWeights:
        """Make links mutual (i~j when i lists j or j lists i), keeping the larger weight."""
        matrix = self.matrix.maximum(self.matrix.T)
        params = dict(self.params, symmetric=True)
        return SpatialWeights(self.ids, matrix, self.kind, self.transform, params)

    def subset(self, positions) -> SpatialWeights:
        """The weights among a subset of units (links to units outside are dropped)."""
        positions = np.asarray(positions)
        matrix = self.matrix[positions][:, positions]
        return SpatialWeights(self.ids[positions], matrix, self.kind, self.transform, dict(self.params))

    # -------------------------------------------------------- interoperability
    def to_libpysal(self):
        """A ``libpysal.weights.W`` with the same ids, weights and transformation."""
        from libpysal.weights import WSP

        w = WSP(self.matrix, id_order=self.ids.tolist()).to_W(silence_warnings=True)
        w.transform = {"R": "r", "B": "b", "V": "v", "O": "o"}[self.transform]
        return w

    @classmethod
    def from_libpysal(cls, w, kind: str = "custom") -> SpatialWeights:
        """From a ``libpysal.weights.W`` (its original, untransformed weights)."""
        original = w.transform
        w.transform = "o"
        try:
            matrix = w.sparse.tocsr()
        finally:
            w.transform = original
        return cls(np.asarray(w.id_order), matrix, kind, {"r": "R", "b": "B", "v": "V"}.get(original, "O"))
