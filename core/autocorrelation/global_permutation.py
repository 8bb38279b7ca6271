"""Full permutation inference of the global statistics, one stream of permutations for all of a run.

Under a permutation π of the values, every global statistic of the toolkit depends on the
permuted vector ``v = values[π]`` only through a few sums (a :class:`PermutedForm`): the
quadratic form ``q = vᵀWv`` and linear forms ``a·v`` and ``b·(v ⊙ v)``. Moran's I is
``q`` scaled; Geary's C is ``Σ_i m_i v_i² − 2q`` (``m``: row plus column sums of W); General G
needs ``q``, ``m·v`` and the sums over the units with neighbours; the bivariate Moran's I is
one linear form ``(Wᵀz_x)·v`` and needs no product at all. :func:`permuted_forms` evaluates
any number of forms on one stream of permutations:

* **Drawn once.** The permutations of ``range(n)`` depend on the seed alone (numpy's
  Fisher–Yates shuffle, one row per permutation), so every statistic and year with the same
  units and seed always met the same permutations; they are now drawn once and applied to all
  of them. Each statistic's permutations, hence its result, are the ones it gets alone with that
  seed. (Drawing 999 permutations of 100,000 values takes about as long as evaluating Moran's I
  on them, so a run of 9 years paid it 9 times.)
* **One gather.** The distinct permuted vectors (a year's centred values serve Moran's I,
  Geary's C and General G alike) are the columns of an ``n × m`` matrix moved by one ``take``.
* **Half the product.** ``q = vᵀSv`` with ``S = (W + Wᵀ)/2 = D + U + Uᵀ`` (``U`` strictly upper
  triangular), so ``q = Σ d_i v_i² + 2·vᵀUv``: half the non-zeros of W when its pattern is
  symmetric, one sparse × dense product for every column of a block of permutations.
* **Bounded memory.** Blocks of at most :data:`BLOCK_ELEMENTS` permuted values (8 MB).
* **Threads.** In a large run the caller draws the permutations (in order) while up to
  :data:`MAX_WORKERS` helper threads gather and multiply the blocks drawn (numpy's shuffle and
  take and SciPy's product release the GIL); the blocks are stored in the order drawn, so the
  result does not depend on the threads.

The statistics are identical to evaluating each permutation separately up to rounding (the
sums run in another order): ``tests/core/test_global_permutation.py`` checks them against a
plain loop over the same permutations.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from ..progress import report
from .permutation import check_permutations, random_generator

#: Permuted values per block (columns × units): 8 MB, about one cache-friendly product.
BLOCK_ELEMENTS = 1 << 20
#: Runs with at least this many permuted values (units × permutations) compute their blocks in
#: helper threads (numpy's take and SciPy's product release the GIL) while the caller draws.
PARALLEL_VALUES = 1 << 22
#: At most this many helper threads.
MAX_WORKERS = 4
#: Permutation orders up to this many values (64 MB as intp) are kept for reuse by the next
#: statistic with the same n, count and seed (Moran's I, Geary's C and G computed one by one).
CACHED_ORDERS = 1 << 23


@dataclass(frozen=True)
class PermutedForm:
    """What a global statistic needs of a permuted vector ``v`` of ``values``.

    ``finish(q, linear, squares)`` returns the statistic of P permutations from ``q`` (P,):
    ``vᵀ matrix v`` (zeros when ``matrix`` is None), ``linear`` (K × P): ``linear_weights @ v`` and
    ``squares`` (L × P): ``square_weights @ (v ⊙ v)``.
    """

    values: np.ndarray
    finish: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    matrix: sp.csr_matrix | None = None
    linear_weights: np.ndarray | None = None  # K × n
    square_weights: np.ndarray | None = None  # L × n


# ------------------------------------------------------------------------ draws
@lru_cache(maxsize=2)
def _cached_orders(n: int, permutations: int, seed: int) -> np.ndarray:
    orders = _orders(random_generator(seed), n, permutations)
    orders.setflags(write=False)
    return orders


def _orders(rng, n: int, count: int) -> np.ndarray:
    """``count`` permutations of ``range(n)``, one per row: each row shuffled in place, the same
    stream as ``rng.permuted`` of the rows (and ``rng.permutation(n)`` one by one), faster (3× for a
    batch of 100 rows)."""
    # intp, numpy's index type: ``take`` converts any other index array first (int32 orders cost
    # 3.5 ms a permutation of 100,000 values to gather against 2.2 ms), and the shuffle draws the
    # same numbers whatever the dtype, so the permutations are the same.
    base = np.arange(n, dtype=np.intp)
    orders = np.empty((count, n), dtype=base.dtype)
    for row in orders:
        row[:] = base
        rng.shuffle(row)
    return orders


def permutation_orders(n: int, permutations: int, seed=None, batch: int = 1) -> Iterator[np.ndarray]:
    """Batches of random permutations of ``range(n)`` (one per row), reproducible by seed: the
    same permutations whatever the batch size."""
    if seed is not None and n * permutations <= CACHED_ORDERS:
        orders = _cached_orders(n, permutations, int(seed))
        for start in range(0, permutations, batch):
            yield orders[start:start + batch]
        return
    rng = random_generator(seed)
    for start in range(0, permutations, batch):
        yield _orders(rng, n, min(batch, permutations - start))


def workers_for(values: int) -> int:
    """Helper threads for ``values`` permuted values (units × permutations): none for small runs."""
    if values < PARALLEL_VALUES:
        return 0
    return max(1, min(MAX_WORKERS, (os.cpu_count() or 1)))


# ------------------------------------------------------------------ products
@dataclass
class _HalfProduct:
    """``vᵀWv`` as ``Σ d v² + 2 vᵀUv`` (S = (W + Wᵀ)/2 = D + U + Uᵀ) for the columns that need it."""

    matrix: sp.csr_matrix
    upper: sp.csr_matrix
    diagonal: np.ndarray | None
    columns: list[int]

    @classmethod
    def of(cls, matrix) -> _HalfProduct:
        matrix = sp.csr_matrix(matrix, dtype=np.float64)
        symmetric = (matrix + matrix.T) * 0.5
        diagonal = symmetric.diagonal()
        upper = sp.triu(symmetric, k=1, format="csr")
        upper.sort_indices()
        return cls(matrix, upper, diagonal if diagonal.any() else None, [])

    def __call__(self, block: np.ndarray, work=None) -> np.ndarray:
        """q of every column of ``block`` (n × c); ``work``: the calling thread's buffers."""
        q = 2.0 * np.einsum("ij,ij->j", block, _times(self.upper, block, work))
        if self.diagonal is not None:
            q += self.diagonal @ (block * block)
        return q


try:  # SciPy's kernel of ``csr @ dense``, which adds into an output array it is given
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # another SciPy layout: the plain product, with a new output each time
    _csr_matvecs = None


def _times(matrix: sp.csr_matrix, dense: np.ndarray, work=None) -> np.ndarray:
    """``matrix @ dense``, written into a buffer of ``work`` (a thread's own) that is reused from
    one block to the next: SciPy's product allocates a new zeroed 8 MB output for every block of
    permutations, whose page faults cost about as much as the product itself. The same kernel and
    the same sums as ``matrix @ dense``."""
    if _csr_matvecs is None or work is None or not dense.flags.c_contiguous or dense.dtype != np.float64:
        return matrix @ dense
    shape = (matrix.shape[0], dense.shape[1])
    out = getattr(work, "product", None)
    if out is None or out.shape != shape:
        out = work.product = np.empty(shape)
    out.fill(0.0)
    _csr_matvecs(shape[0], matrix.shape[1], shape[1], matrix.indptr, matrix.indices, matrix.data,
                 dense.ravel(), out.ravel())
    return out


def _same_matrix(a, b) -> bool:
    return a is b or (
        a.shape == b.shape and a.nnz == b.nnz and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


def shared_matrix(form: PermutedForm, pool: list) -> PermutedForm:
    """``form`` with its matrix replaced by an equal one of ``pool`` (added when new): the forms of a
    run's statistics and years then hold one matrix, not one copy each (a 100,000-unit queen
    matrix is 10 MB)."""
    if form.matrix is None:
        return form
    found = next((m for m in pool if _same_matrix(m, form.matrix)), None)
    if found is None:
        pool.append(form.matrix)
        return form
    return replace(form, matrix=found)


def _same_values(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or np.array_equal(a, b)


def permuted_forms(forms: list[PermutedForm], permutations: int, seed=None, progress=None) -> list[np.ndarray]:
    """Each form's statistic on the same ``permutations`` random permutations (drawn from ``seed``)."""
    permutations = check_permutations(permutations)
    if not forms:
        return []
    n = len(forms[0].values)
    if any(len(form.values) != n for form in forms):
        raise ValueError("forms permuted together need vectors of the same length")
    columns: list[np.ndarray] = []
    column_of = []
    for form in forms:
        values = np.asarray(form.values, dtype=np.float64)
        found = next((c for c, existing in enumerate(columns) if _same_values(existing, values)), None)
        if found is None:
            columns.append(values)
            found = len(columns) - 1
        column_of.append(found)
    products: list[_HalfProduct] = []
    product_of: list[int | None] = []
    for form, column in zip(forms, column_of):
        if form.matrix is None:
            product_of.append(None)
            continue
        matrix = sp.csr_matrix(form.matrix)
        found = next((p for p, product in enumerate(products) if _same_matrix(product.matrix, matrix)), None)
        if found is None:
            products.append(_HalfProduct.of(matrix))
            found = len(products) - 1
        if column not in products[found].columns:
            products[found].columns.append(column)
        product_of.append(found)

    stacked = np.ascontiguousarray(np.column_stack(columns))  # n × m
    m = stacked.shape[1]
    quadratic = [np.zeros((permutations, len(p.columns))) for p in products]
    linear = [np.zeros((0 if f.linear_weights is None else len(f.linear_weights), permutations)) for f in forms]
    squares = [np.zeros((0 if f.square_weights is None else len(f.square_weights), permutations)) for f in forms]

    buffers = threading.local()

    def compute(orders):
        """The sums of one block of permutations (run in a helper thread for large runs)."""
        count = len(orders)
        # n × count × m: the permuted vectors, gathered into this thread's buffer: a new 8 MB array
        # for every block cost more in page faults than the gather itself (2.0 against 0.4 ms for
        # 100,000 × 9 values); "clip" because take copies its result once more under "raise", and
        # the orders are permutations of range(n), so no index is out of range.
        block = getattr(buffers, "block", None)
        if block is None or block.shape != (n, count, m):
            block = buffers.block = np.empty((n, count, m))
        np.take(stacked, orders.T, axis=0, out=block, mode="clip")
        products_q = []
        for product in products:
            cols = product.columns
            part = block if cols == list(range(m)) else block[:, :, cols]
            products_q.append(product(part.reshape(n, -1), buffers).reshape(count, len(cols)))
        forms_sums = []
        for form, column in zip(forms, column_of):
            permuted = block[:, :, column]  # n × count
            forms_sums.append((None if form.linear_weights is None else form.linear_weights @ permuted,
                               None if form.square_weights is None else form.square_weights @ (permuted * permuted)))
        return count, products_q, forms_sums

    done = 0

    def store(answer):
        nonlocal done
        count, products_q, forms_sums = answer
        block = slice(done, done + count)
        for target, q in zip(quadratic, products_q):
            target[block] = q
        for f, (linear_sums, square_sums) in enumerate(forms_sums):
            if linear_sums is not None:
                linear[f][:, block] = linear_sums
            if square_sums is not None:
                squares[f][:, block] = square_sums
        done += count
        report(progress, done / max(permutations, 1))

    batch = max(1, min(permutations, BLOCK_ELEMENTS // max(n * m, 1)))
    workers = workers_for(n * permutations)
    if not workers:
        for orders in permutation_orders(n, permutations, seed, batch):
            store(compute(orders))
    else:
        # The caller draws (in order: the same permutations), the helpers compute; results are
        # stored in the order drawn, so the outcome does not depend on the threads.
        pool = ThreadPoolExecutor(workers, thread_name_prefix="permutations")
        pending: deque = deque()
        try:
            for orders in permutation_orders(n, permutations, seed, batch):
                pending.append(pool.submit(compute, orders))
                while len(pending) > workers or (pending and pending[0].done()):
                    store(pending.popleft().result())
            while pending:
                store(pending.popleft().result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    results = []
    for f, form in enumerate(forms):
        p = product_of[f]
        q = (quadratic[p][:, products[p].columns.index(column_of[f])] if p is not None
             else np.zeros(permutations))
        results.append(np.asarray(form.finish(q, linear[f], squares[f]), dtype=np.float64))
    return results
