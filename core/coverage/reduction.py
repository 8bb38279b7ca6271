"""Exact reductions of a set-covering problem (Toregas & ReVelle, 1973).

Set covering of cities by cores has much redundancy that general MIP presolvers
(HiGHS, CBC) do not remove, and removing it first makes the integer programme much
smaller (the 2,848 county points of China at 300 km: 2,848 × 2,848 with 410,874 covering
pairs → 1,768 × 1,851 with 271,815, and 8 sites forced). Each rule keeps
at least one optimal cover:

* essential site — a city that only one site covers forces that site;
* row dominance — if every site covering city *k* also covers city *i*, covering *k*
  covers *i*: drop city *i* (of two identical rows keep one);
* column dominance — with unit costs, a site that covers a subset of another site's
  cities can be replaced by that site: drop it (of two identical columns keep one).

Rules are applied until nothing changes. Not valid for maximal or backup coverage,
which count coverage beyond the first core.

Measured and not used (the 2,848 counties): fixing sites by their LP reduced cost
(a site whose reduced cost exceeds incumbent − 1 − LP bound is in no better cover)
removes 54 of the 1,851 sites even with the optimal cover as incumbent, and the LP
bound does not move, so it does not pay for its LP solves. A Lagrangian bound
(relaxing the covering rows) cannot beat the LP bound: its subproblem has the
integrality property.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..progress import report


@dataclass
class ReducedCover:
    """A smaller set-covering problem whose optimal covers, plus ``forced``, are optimal."""

    matrix: sp.csr_matrix  # remaining rows × remaining columns
    rows: np.ndarray  # original row index of each remaining row
    cols: np.ndarray  # original column index of each remaining column
    forced: np.ndarray  # original columns that every optimal cover found here contains


def _contained_pairs(matrix: sp.csr_matrix, among=None):
    """Pairs (a, b), a ≠ b, whose rows satisfy set(a) ⊆ set(b), with a restricted to the
    rows ``among`` (a boolean mask; all rows by default), and the row sizes."""
    matrix = matrix.astype(np.int32)
    sizes = np.diff(matrix.indptr)
    small = np.arange(matrix.shape[0]) if among is None else np.flatnonzero(among)
    overlap = (matrix[small] @ matrix.T).tocoo()
    a, b = small[overlap.row], overlap.col
    keep = (a != b) & (overlap.data == sizes[a])
    return a[keep], b[keep], sizes


def _dominated(matrix: sp.csr_matrix, drop_superset: bool, among=None) -> np.ndarray:
    """Rows to drop: supersets of another row (row dominance) or subsets of another row
    (column dominance, on the transpose). Of identical rows the first one stays.

    ``among``: the rows that shrank since the last check; a containment set(a) ⊆ set(b)
    can only appear when set(a) shrank, so only pairs with a in ``among`` are computed
    (after an exhaustive first check, every later check is incremental)."""
    small, large, sizes = _contained_pairs(matrix, among)
    equal = sizes[small] == sizes[large]
    if drop_superset:
        drop = large[~equal]
    else:
        drop = small[~equal]
    drop = np.concatenate([drop, np.maximum(small[equal], large[equal])])
    return np.unique(drop)


def _touching(matrix: sp.csr_matrix, lines: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``matrix`` with a non-zero in one of the columns ``lines``."""
    return np.asarray(matrix[:, lines].sum(axis=1)).ravel() > 0


def reduce_cover(matrix: sp.csr_matrix, fixed=None, progress=None) -> ReducedCover:
    """Reduce the set-covering problem min Σy s.t. ``matrix`` y ≥ 1, y_j = 1 for ``fixed``.

    Every row must be coverable (checked by the caller). The dominance checks are
    incremental: a row (city) is compared with the others only after it lost a site, a
    column (site) only after it lost a city, which makes the dozen rounds on 2,848 county
    points take 0.4 s instead of 1.5 s.
    """
    matrix = sp.csr_matrix(matrix, dtype=np.int8)
    n, m = matrix.shape
    rows, cols = np.arange(n), np.arange(m)
    forced = [np.flatnonzero(fixed)] if fixed is not None and np.any(fixed) else []
    if forced:
        covered = _touching(matrix, forced[0])
        keep_cols = np.ones(m, dtype=bool)
        keep_cols[forced[0]] = False
        matrix, rows, cols = matrix[~covered][:, keep_cols], rows[~covered], cols[keep_cols]
    row_shrank = np.ones(matrix.shape[0], dtype=bool)  # rows to compare (all, the first time)
    col_shrank = np.ones(matrix.shape[1], dtype=bool)
    rounds = 0
    while matrix.shape[0]:
        rounds += 1
        report(progress, 1.0 - 1.0 / (1 + rounds))
        changed = False
        single = np.flatnonzero(np.diff(matrix.indptr) == 1)
        if single.size:
            essential = np.unique(matrix.indices[matrix.indptr[single]])
            forced.append(cols[essential])
            covered = _touching(matrix, essential)
            keep_cols = np.ones(matrix.shape[1], dtype=bool)
            keep_cols[essential] = False
            col_shrank = (col_shrank | _touching(sp.csr_matrix(matrix.T), np.flatnonzero(covered)))[keep_cols]
            # the rows that stay lost no site: the essential sites cover none of them
            matrix, rows, cols, row_shrank = (matrix[~covered][:, keep_cols], rows[~covered], cols[keep_cols],
                                              row_shrank[~covered])
            changed = True
            if not matrix.shape[0]:
                break
        drop_rows = _dominated(matrix, drop_superset=True, among=row_shrank)
        row_shrank[:] = False
        if drop_rows.size:
            col_shrank |= _touching(sp.csr_matrix(matrix.T), drop_rows)
            keep = np.ones(matrix.shape[0], dtype=bool)
            keep[drop_rows] = False
            matrix, rows, row_shrank = matrix[keep], rows[keep], row_shrank[keep]
            changed = True
        by_column = sp.csr_matrix(matrix.T)
        empty = np.flatnonzero(np.diff(by_column.indptr) == 0)  # covers no remaining city
        drop_cols = np.union1d(_dominated(by_column, drop_superset=False, among=col_shrank), empty)
        col_shrank[:] = False
        if drop_cols.size:
            row_shrank |= _touching(matrix, drop_cols)
            keep = np.ones(matrix.shape[1], dtype=bool)
            keep[drop_cols] = False
            matrix, cols, col_shrank = sp.csr_matrix(matrix[:, keep]), cols[keep], col_shrank[keep]
            changed = True
        if not changed:
            break
    if not matrix.shape[0]:
        matrix, cols = sp.csr_matrix((0, 0), dtype=np.int8), np.zeros(0, dtype=np.int64)
    forced = np.unique(np.concatenate(forced)) if forced else np.zeros(0, dtype=np.int64)
    report(progress, 1.0)
    return ReducedCover(sp.csr_matrix(matrix), rows, cols, forced.astype(np.int64))


@dataclass
class ReducedMaxCover:
    """A smaller maximal-covering problem: aggregated cities, undominated sites."""

    matrix: sp.csr_matrix  # distinct city rows × remaining sites (fixed sites excluded)
    weights: np.ndarray  # demand of each distinct row (sum over identical cities)
    cols: np.ndarray  # original index of each remaining site
    covered_by_fixed: float  # demand the fixed sites cover anyway


def reduce_max_cover(matrix: sp.csr_matrix, weights, fixed, p: int) -> ReducedMaxCover:
    """Exact reductions for maximal covering with ``p`` sites, ``fixed`` ones kept:

    * cities that a fixed site covers count in full and leave the problem, as do cities
      no site covers or with zero demand;
    * cities covered by the same set of sites become one row with the summed demand;
    * a site covering a subset of another site's cities is dropped (swapping it for the
      larger site, or for any other site when both are chosen, never loses demand), as
      long as enough sites remain to choose ``p``.
    """
    matrix = sp.csr_matrix(matrix, dtype=np.int8)
    weights = np.asarray(weights, dtype=float)
    m = matrix.shape[1]
    fixed_mask = np.zeros(m, dtype=bool)
    fixed_mask[np.asarray(fixed, dtype=np.int64)] = True
    by_fixed = np.asarray(matrix[:, fixed_mask].sum(axis=1)).ravel() > 0
    covered_by_fixed = float(weights[by_fixed].sum())
    cols = np.flatnonzero(~fixed_mask)
    keep_rows = ~by_fixed & (weights > 0) & (np.diff(matrix.indptr) > 0)
    matrix = matrix[keep_rows][:, cols]
    weights = weights[keep_rows]
    # identical rows -> one row with the summed demand
    rows = [tuple(matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]].tolist()) for i in range(matrix.shape[0])]
    groups: dict[tuple, int] = {}
    group_of = np.array([groups.setdefault(tuple(sorted(r)), len(groups)) for r in rows], dtype=np.int64)
    if len(groups) < matrix.shape[0]:
        first = np.unique(group_of, return_index=True)[1]
        weights = np.bincount(group_of, weights=weights, minlength=len(groups))
        matrix = matrix[first]
    free = p - int(fixed_mask.sum())
    if matrix.shape[0]:
        by_column = sp.csr_matrix(matrix.T)
        empty = np.flatnonzero(np.diff(by_column.indptr) == 0)
        drop = np.union1d(_dominated(by_column, drop_superset=False), empty)
        if len(cols) - len(drop) >= free:
            keep = np.ones(len(cols), dtype=bool)
            keep[drop] = False
            matrix, cols = sp.csr_matrix(matrix[:, keep]), cols[keep]
    return ReducedMaxCover(sp.csr_matrix(matrix), np.asarray(weights, dtype=float), cols, covered_by_fixed)
