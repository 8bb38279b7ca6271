"""Log-determinants, the admissible range and traces of ``I − ρW``.

Every ML spatial model needs ``log|I − ρW|`` many times while it searches ρ, and the
effects need ``tr((I − ρW)⁻¹)`` and ``tr((I − ρW)⁻¹W)`` for every simulated draw. Two
methods, chosen by size:

* ``eigen`` (n ≤ :data:`EXACT_LIMIT`): the eigenvalues λ of W once, then everything is
  exact and O(n) per ρ: ``log|I − ρW| = Σ log|1 − ρλ|``, ``tr((I − ρW)⁻¹) = Σ 1/(1 − ρλ)``.
  A W that is row-standardised from a symmetric matrix is similar to a symmetric one, so
  its eigenvalues are real and come from the fast symmetric solver; other W (k-nearest
  neighbours) use the general solver and complex eigenvalues, as R spatialreg does.
* ``lu`` (larger n): a sparse LU factorisation per ρ for the log-determinant, and
  Monte-Carlo traces (Hutchinson estimator with Rademacher probes, seeded) of the powers
  of W for the effects (LeSage and Pace 2009, ch. 4; R spatialreg's ``trW(type="MC")``).

The admissible range of ρ is ``(1/λ_min, 1/λ_max)`` (real parts for complex eigenvalues,
R spatialreg's convention); with the LU method ``(1/λ_min, 1)`` for row-standardised W,
λ_min from ARPACK, else ``(−1, 1)``.
"""
# ruff: noqa: N803 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import Message
from ..progress import checkpoint

#: Largest n for exact (eigenvalue) log-determinants and traces.
EXACT_LIMIT = 2000
#: Hutchinson probes and powers of W for Monte-Carlo traces (n > EXACT_LIMIT).
PROBES = 100
POWERS = 100


class Spectrum:
    """Everything about ``I − ρW`` that the estimators and effects need."""

    def __init__(self, W, symmetric_scale=None, method: str = "auto", seed: int = 0):
        self.W = sp.csr_matrix(W, dtype=np.float64)
        self.n = self.W.shape[0]
        row_sums = np.asarray(self.W.sum(axis=1)).ravel()
        self.row_standardised = bool(np.allclose(row_sums, 1.0, atol=1e-10))
        if method == "auto":
            method = "eigen" if self.n <= EXACT_LIMIT else "lu"
        self.method = method
        self.seed = seed
        self.eigenvalues = None
        self._dense_cache: dict = {}
        self._power_traces = None
        if method == "eigen":
            self.eigenvalues = _eigenvalues(self.W, symmetric_scale)
            real = self.eigenvalues.real
            self.lower, self.upper = 1.0 / real.min(), 1.0 / real.max()
        else:
            self.lower, self.upper = _lu_bounds(self.W, self.row_standardised)

    # --------------------------------------------------------------- describe
    @property
    def description(self) -> Message:
        if self.method == "eigen":
            if np.iscomplexobj(self.eigenvalues):
                return Message("exact, from the {n} complex eigenvalues of W", n=self.n)
            return Message("exact, from the {n} real eigenvalues of W", n=self.n)
        return Message("sparse LU log-determinants; Monte-Carlo traces ({probes} Rademacher probes, powers up to "
                       "{powers})", probes=PROBES, powers=POWERS)

    # ---------------------------------------------------------- log-determinant
    def logdet(self, rho: float) -> float:
        """``log|det(I − ρW)|``."""
        if self.method == "eigen":
            return float(np.sum(np.log(np.abs(1.0 - rho * self.eigenvalues))))
        lu = spla.splu(sp.csc_matrix(sp.identity(self.n) - rho * self.W))
        return float(np.sum(np.log(np.abs(lu.U.diagonal()))))

    def logdet_derivative(self, rho: float) -> float:
        """``d log|det(I − ρW)| / dρ = −tr(W(I − ρW)⁻¹)``: exact from the eigenvalues, else a
        five-point difference of the sparse-LU log-determinant (step 10⁻³, inside the bounds)."""
        if self.method == "eigen":
            return float(np.sum(np.real(-self.eigenvalues / (1.0 - rho * self.eigenvalues))))
        h = min(1e-3, 0.25 * (rho - self.lower), 0.25 * (self.upper - rho))
        return (self.logdet(rho - 2 * h) - 8 * self.logdet(rho - h) + 8 * self.logdet(rho + h)
                - self.logdet(rho + 2 * h)) / (12 * h)

    # ------------------------------------------------- information-matrix terms
    def wa_traces(self, rho: float) -> tuple[float, float, float]:
        """``tr(WA⁻¹)``, ``tr(WA⁻¹WA⁻¹)`` and ``tr((WA⁻¹)'WA⁻¹)`` with ``A = I − ρW``."""
        if self.method == "eigen":
            m = self._wa_dense(rho)
            return float(np.trace(m)), float(np.sum(m * m.T)), float(np.sum(m * m))
        lu = self._lu(rho)
        rng = np.random.default_rng(self.seed)
        z = rng.choice([-1.0, 1.0], size=(self.n, PROBES))
        wa_z = self.W @ _solve(lu, z)
        wa2_z = self.W @ _solve(lu, wa_z)
        return (float(np.mean(np.sum(z * wa_z, axis=0))), float(np.mean(np.sum(z * wa2_z, axis=0))),
                float(np.mean(np.sum(wa_z * wa_z, axis=0))))

    def wa_apply(self, rho: float, values: np.ndarray) -> np.ndarray:
        """``W(I − ρW)⁻¹ v`` for the columns of ``v`` (n rows)."""
        if self.method == "eigen":
            return self._wa_dense(rho) @ values
        return self.W @ self._lu(rho).solve(np.asarray(values, dtype=np.float64))

    def _wa_dense(self, rho: float) -> np.ndarray:
        key = ("wa", rho)
        if key not in self._dense_cache:
            dense = self.W.toarray()
            a = np.eye(self.n) - rho * dense
            self._dense_cache = {key: dense @ np.linalg.inv(a)}
        return self._dense_cache[key]

    def _lu(self, rho: float):
        key = ("lu", rho)
        if key not in self._dense_cache:
            self._dense_cache = {key: spla.splu(sp.csc_matrix(sp.identity(self.n) - rho * self.W))}
        return self._dense_cache[key]

    # ------------------------------------------------------------ effect traces
    def inverse_traces(self, rho) -> tuple[np.ndarray, np.ndarray]:
        """``tr((I − ρW)⁻¹)/n`` and ``tr((I − ρW)⁻¹W)/n`` for each ρ of an array."""
        rho = np.atleast_1d(np.asarray(rho, dtype=np.float64))
        if self.method == "eigen":
            lam = self.eigenvalues
            out0, out1 = np.empty(len(rho)), np.empty(len(rho))
            for start in range(0, len(rho), 256):  # bounded memory: 256 × n at a time
                checkpoint()
                block = 1.0 / (1.0 - rho[start:start + 256, None] * lam[None, :])
                out0[start:start + 256] = block.sum(axis=1).real / self.n
                out1[start:start + 256] = (block * lam[None, :]).sum(axis=1).real / self.n
            return out0, out1
        traces = self.power_traces()  # tr(W^j)/n, j = 0..POWERS + 1
        powers = rho[:, None] ** np.arange(POWERS + 1)[None, :]
        return powers @ traces[:-1], powers @ traces[1:]

    def power_traces(self) -> np.ndarray:
        """``tr(W^j)/n`` for j = 0 … POWERS + 1: exact for j ≤ 2, Hutchinson estimates above."""
        if self._power_traces is None:
            rng = np.random.default_rng(self.seed)
            z = rng.choice([-1.0, 1.0], size=(self.n, PROBES))
            traces = np.empty(POWERS + 2)
            traces[0] = 1.0
            traces[1] = self.W.diagonal().sum() / self.n
            traces[2] = self.W.multiply(self.W.T).sum() / self.n
            v = self.W @ (self.W @ z)
            for j in range(3, POWERS + 2):
                checkpoint()
                v = self.W @ v
                traces[j] = np.mean(np.sum(z * v, axis=0)) / self.n
            self._power_traces = traces
        return self._power_traces

    def total_multipliers(self, rho) -> tuple[np.ndarray, np.ndarray]:
        """``1'(I − ρW)⁻¹1/n`` and ``1'(I − ρW)⁻¹W1/n`` for each ρ of an array.

        Closed form ``1/(1 − ρ)`` for a row-standardised W; otherwise one sparse solve per ρ.
        """
        rho = np.atleast_1d(np.asarray(rho, dtype=np.float64))
        if self.row_standardised:
            total = 1.0 / (1.0 - rho)
            return total, total
        ones = np.ones(self.n)
        w1 = self.W @ ones
        out0, out1 = np.empty(len(rho)), np.empty(len(rho))
        for i, value in enumerate(rho):
            checkpoint()
            lu = spla.splu(sp.csc_matrix(sp.identity(self.n) - value * self.W))
            out0[i] = lu.solve(ones).sum() / self.n
            out1[i] = lu.solve(w1).sum() / self.n
        return out0, out1


def _eigenvalues(W: sp.csr_matrix, symmetric_scale=None) -> np.ndarray:
    """Eigenvalues of W: real (symmetric solver) when W is similar to a symmetric matrix."""
    dense = W.toarray()
    if np.allclose(dense, dense.T, atol=1e-12):
        return np.linalg.eigvalsh(dense)
    if symmetric_scale is not None:
        # W = D⁻¹B with B symmetric: D^½ W D^-½ = D^-½ B D^-½ is symmetric, same eigenvalues.
        root = np.sqrt(np.asarray(symmetric_scale, dtype=np.float64))
        similar = root[:, None] * dense / root[None, :]
        if np.allclose(similar, similar.T, atol=1e-10):
            return np.linalg.eigvalsh(0.5 * (similar + similar.T))
    values = np.linalg.eigvals(dense)
    if np.max(np.abs(values.imag)) < 1e-10:
        return np.sort(values.real)
    return values


def _lu_bounds(W: sp.csr_matrix, row_standardised: bool) -> tuple[float, float]:
    if not row_standardised:
        return -1.0, 1.0
    try:
        smallest = spla.eigs(_cancellable(W), k=1, which="SR", return_eigenvectors=False, tol=1e-6, maxiter=5000)
        low = float(np.real(smallest[0]))
        return (1.0 / low if low < -1e-6 else -1.0), 1.0
    except (spla.ArpackNoConvergence, ValueError, RuntimeError):
        return -1.0, 1.0


def _cancellable(W: sp.csr_matrix) -> spla.LinearOperator:
    """``W`` as a linear operator whose products check for a cancel: ARPACK asks for one product
    per iteration, and on 100,000 units it iterates for about a minute."""

    def matvec(v):
        checkpoint()
        return W @ v

    return spla.LinearOperator(W.shape, matvec=matvec, dtype=W.dtype)


def _solve(lu, columns: np.ndarray, block: int = 10) -> np.ndarray:
    """``lu.solve(columns)``, a block of columns at a time with a cancel check between blocks
    (100 probes on 100,000 units take seconds)."""
    out = np.empty_like(columns)
    for start in range(0, columns.shape[1], block):
        checkpoint()
        out[:, start:start + block] = lu.solve(np.ascontiguousarray(columns[:, start:start + block]))
    return out
