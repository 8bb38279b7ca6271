"""Permutation inference in plain numpy: conditional permutation for local statistics (the
full permutation of the global ones is ``global_permutation.py``). No JIT, no compiled extension.

Conditional permutation (Anselin 1995): to test unit *i*, hold its own value fixed and
give it, in each of ``P`` replications, ``k_i`` neighbours whose values are a random
sample *without replacement* from the other ``n − 1`` units. A local statistic of the
form ``a_i · Σ_j w_ij v_j`` (local Moran, bivariate local Moran, Getis-Ord Gi/Gi*) then
depends on the replication only through the *lag* ``Σ_m w_im v[draw_m]``; local Geary
also needs the lag of ``v²`` from the same draws.

Why not esda's engine (``esda.crand``)? It compiles with numba on first use (seconds
per statistic and process, every time QGIS starts), and for each unit it copies the
whole data vector to exclude the unit itself, so its work grows as n² (about 10⁵ × 10⁵
copies for 100,000 units) on top of the ``P · Σ k_i`` gathers; it also keeps the full
n × P matrix of replications. This engine keeps esda's good idea (one set of random
draws shared by every unit, "crand") and removes the rest:

* **Self-exclusion by replacement.** Draws are ordered samples without replacement
  from all ``n`` units, with one spare draw per replication. Unit *i* uses the first
  ``k_i`` draws; in the rare replication where *i* itself is among them (probability
  ``k_i / n``) its own value is replaced by the spare draw. By exchangeability this is
  exactly a uniform sample of ``k_i`` of the *other* units, and there are at most
  ``P · max k`` such "hits" in total, fixed after the fact.
* **Grouping by cardinality.** Units with the same number of neighbours share the same
  draws, so their replicated values ``V`` (``P × k``) are gathered once per group. The
  lags of a group are one dense matrix product ``W_g @ Vᵀ`` (BLAS) for any weights —
  inverse distance, kernel, anything.
* **Rows of equal weights** (row-standardised or binary contiguity, k-nearest
  neighbours) need no product at all: every unit of the group has the same replicated
  sums ``S_p`` (up to its hits), so sorting ``S`` once answers "how many replications
  are at least the observed lag" for all the group's units by binary search.
* **Moments without the replications**: for a lag, the mean and variance over the
  replications are ``w·v̄`` and ``wᵀ(VᵀV/P)w − mean²`` from the group's k × k Gram
  matrix, so the dense blocks are only compared with the observed lags.
* **Bounded memory.** Dense blocks are cut into chunks of about 260,000 values (2 MB,
  which also keeps them in the CPU cache); the n × P matrix of replications is never
  stored.

The same seed gives the same draws, hence the same result, whatever the chunking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..progress import report

#: Values per dense block (rows × replications) in the matrix path: 2 MB, so that the
#: passes over a block (product, two comparisons, two sums) stay in the CPU cache.
CHUNK_ELEMENTS = 1 << 18
#: Two replicated values closer than this (relative to the size of the lag) count as a tie,
#: so that a different summation order (BLAS vs sparse product) cannot break exact ties.
RELATIVE_TIE = 1e-10


def check_permutations(permutations: int) -> int:
    permutations = int(permutations)
    if permutations < 0:
        raise InputError("The number of permutations must be 0 (none) or positive; got {count}.",
                         count=permutations)
    return permutations


def random_generator(seed):
    """A numpy Generator; ``None`` gives fresh entropy (results then differ between runs)."""
    return np.random.default_rng(None if seed is None else int(seed))


def draw_samples(rng: np.random.Generator, n: int, permutations: int, size: int) -> np.ndarray:
    """``permutations`` ordered samples of ``size`` distinct units out of ``n`` (one per row).

    Rows are drawn with replacement and redrawn without replacement when they repeat a
    unit; conditioning on "all distinct" keeps every row uniform over ordered samples.
    """
    if size > n:
        raise InputError("Cannot draw {size} distinct units out of {n}.", size=size, n=n)
    dtype = np.int32 if n < 2**31 else np.int64
    draws = rng.integers(0, n, size=(permutations, size), dtype=dtype)
    if size > 1:
        ordered = np.sort(draws, axis=1)
        repeated = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        for row in repeated:
            draws[row] = rng.choice(n, size=size, replace=False)
    return draws


@dataclass
class Tally:
    """What a statistic's replications say about the observed value, per unit.

    ``greater``/``less``: replications at least / at most the observed value (ties, within
    :data:`RELATIVE_TIE`, count in both); ``mean``/``var``: moments of the replications.
    """

    greater: np.ndarray
    less: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    permutations: int

    @classmethod
    def empty(cls, n: int, permutations: int) -> Tally:
        return cls(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                   np.full(n, np.nan), np.full(n, np.nan), permutations)

    def flipped(self, mask) -> Tally:
        """The tally of ``−statistic`` where ``mask`` (greater and less swap, mean changes sign)."""
        mask = np.asarray(mask, dtype=bool)
        greater = np.where(mask, self.less, self.greater)
        less = np.where(mask, self.greater, self.less)
        return Tally(greater, less, np.where(mask, -self.mean, self.mean), self.var.copy(), self.permutations)


@dataclass
class _Group:
    """Units with the same number of neighbours, and their weights in CSR order."""

    cardinality: int
    units: np.ndarray  # positions
    weights: np.ndarray  # len(units) × cardinality
    uniform: np.ndarray  # bool per unit: all its weights are equal


class ConditionalPermutations:
    """Shared random draws for the conditional permutation of local statistics.

    ``matrix``: the (transformed) weights, CSR, without self-links (a self weight, as in
    Gi*, is a constant the caller adds). Units without neighbours get NaN moments and
    zero counts: they are not tested.
    """

    def __init__(self, matrix, permutations: int, seed=None):
        matrix = sp.csr_matrix(matrix, dtype=np.float64)
        matrix.sort_indices()
        if matrix.diagonal().any():
            raise ValueError("conditional permutation needs weights without self-links")
        self.matrix = matrix
        self.n = matrix.shape[0]
        self.permutations = check_permutations(permutations)
        cardinalities = np.diff(matrix.indptr)
        self.cardinalities = cardinalities
        self.max_cardinality = int(cardinalities.max()) if self.n else 0
        self.abs_row_sums = np.asarray(abs(matrix).sum(axis=1)).ravel()
        # max k + 1 ≤ n: without self-links a unit has at most n − 1 neighbours.
        self.draws = draw_samples(random_generator(seed), self.n, self.permutations, self.max_cardinality + 1)
        self.spare = self.draws[:, -1]
        self.groups = [self._group(k) for k in np.unique(cardinalities[cardinalities > 0])]

    def _group(self, k: int) -> _Group:
        units = np.flatnonzero(self.cardinalities == k)
        offsets = self.matrix.indptr[units][:, None] + np.arange(k)
        weights = self.matrix.data[offsets]
        uniform = (weights == weights[:, :1]).all(axis=1) & (weights[:, 0] > 0)
        return _Group(int(k), units, weights, uniform)

    # ------------------------------------------------------------------ hits
    def _hits(self, group: _Group):
        """(replication, draw position, row in group) where a unit drew itself."""
        row_of = np.full(self.n, -1, dtype=np.int64)
        row_of[group.units] = np.arange(len(group.units))
        rows = row_of[self.draws[:, : group.cardinality]]
        replication, position = np.nonzero(rows >= 0)
        return replication, position, rows[replication, position]

    def _spare_values(self, values, replication):
        return values[self.spare[replication]]

    # ------------------------------------------------------------- linear
    def linear(self, values, observed, progress=None) -> Tally:
        """Tally of the lag ``Σ_j w_ij v_j`` of each unit against its ``observed`` lag."""
        values = np.asarray(values, dtype=np.float64)
        observed = np.asarray(observed, dtype=np.float64)
        tally = Tally.empty(self.n, self.permutations)
        if self.permutations == 0:
            return tally
        tolerance = RELATIVE_TIE * self.abs_row_sums * max(float(np.abs(values).max()), 1e-300)
        # The lag is linear in the values: centre them (and shift back below) so that the
        # variance from sums of squares loses no precision for values far from zero.
        centre = float(values.mean())
        values = values - centre
        shift = centre * np.asarray(self.matrix.sum(axis=1)).ravel()
        observed = observed - shift
        done = 0
        # Progress at least every ~2 % of the units (a rook lattice has only three groups).
        rows_per_report = max(1, min(CHUNK_ELEMENTS // max(self.permutations, 1), -(-self.n // 50)))
        for group in self.groups:
            fast = group.uniform
            fast_rows = np.flatnonzero(fast)
            for start in range(0, len(fast_rows), rows_per_report):
                chunk = np.zeros(len(fast), dtype=bool)
                chunk[fast_rows[start:start + rows_per_report]] = True
                self._linear_uniform(group, chunk, values, observed, tolerance, tally)
                report(progress, (done + min(start + rows_per_report, len(fast_rows))) / self.n)
            if not fast.all():
                rows = np.flatnonzero(~fast)
                slow = done + len(fast_rows)
                for units, (lags,) in self._blocks(group, [values], rows):
                    _tally_block(tally, units, lags, observed[units], tolerance[units], moments=False)
                    slow += len(units)
                    report(progress, slow / self.n)
                tally.mean[group.units[rows]], tally.var[group.units[rows]] = self._linear_moments(group, rows, values)
            done += len(group.units)
            report(progress, done / self.n)
        tally.mean += shift
        return tally

    def _linear_uniform(self, group: _Group, rows_mask, values, observed, tolerance, tally: Tally):
        """Rows whose weights are all equal (c_i): lag = c_i · S_p with S_p shared by the group."""
        k, replications = group.cardinality, self.permutations
        rows = np.flatnonzero(rows_mask)
        units = group.units[rows]
        scale = group.weights[rows, 0]
        sums = values[self.draws[:, :k]].sum(axis=1)
        centre = sums.mean()
        centred = sums - centre
        ordered = np.sort(centred)
        threshold = observed[units] / scale - centre
        slack = tolerance[units] / scale
        greater = replications - np.searchsorted(ordered, threshold - slack, side="left")
        less = np.searchsorted(ordered, threshold + slack, side="right")
        total = np.full(len(rows), centred.sum())
        total_sq = np.full(len(rows), (centred * centred).sum())
        replication, _, hit_rows = self._hits(group)
        local = np.full(len(group.units), -1, dtype=np.int64)
        local[rows] = np.arange(len(rows))
        keep = local[hit_rows] >= 0
        replication, r = replication[keep], local[hit_rows[keep]]
        if len(r):
            old = centred[replication]
            new = old + self._spare_values(values, replication) - values[units[r]]
            low, high = threshold[r] - slack[r], threshold[r] + slack[r]
            np.add.at(greater, r, (new >= low).astype(np.int64) - (old >= low))
            np.add.at(less, r, (new <= high).astype(np.int64) - (old <= high))
            np.add.at(total, r, new - old)
            np.add.at(total_sq, r, new * new - old * old)
        mean = total / replications
        tally.greater[units] = greater
        tally.less[units] = less
        tally.mean[units] = scale * (mean + centre)
        tally.var[units] = scale * scale * np.maximum(total_sq / replications - mean * mean, 0.0)

    def _linear_moments(self, group: _Group, rows, values):
        """Mean and variance of the replicated lags of ``rows`` without the lags themselves:
        ``mean = w·v̄`` and ``E[lag²] = wᵀ (VᵀV / P) w`` from the group's draws ``V``, then
        the replications where a unit drew itself are corrected one by one."""
        k, replications = group.cardinality, self.permutations
        drawn = values[self.draws[:, :k]]  # P × k
        weights = group.weights[rows]
        total = weights @ drawn.sum(axis=0)
        total_sq = np.einsum("ij,jk,ik->i", weights, drawn.T @ drawn, weights)
        replication, position, hit_rows = self._hits(group)
        local = np.full(len(group.units), -1, dtype=np.int64)
        local[rows] = np.arange(len(rows))
        keep = local[hit_rows] >= 0
        replication, position, r = replication[keep], position[keep], local[hit_rows[keep]]
        if len(r):
            old = np.einsum("ij,ij->i", weights[r], drawn[replication])
            change = self._spare_values(values, replication) - values[group.units[rows][r]]
            new = old + weights[r, position] * change
            np.add.at(total, r, new - old)
            np.add.at(total_sq, r, new * new - old * old)
        mean = total / replications
        return mean, np.maximum(total_sq / replications - mean * mean, 0.0)

    # ------------------------------------------------------------- general
    def general(self, columns, statistic: Callable, observed, tolerance, progress=None) -> Tally:
        """Tally of any statistic of the lags of ``columns`` (drawn jointly).

        ``statistic(units, lags)`` receives the unit positions of a block and one
        ``len(units) × P`` lag matrix per column, and returns the replicated statistic.
        """
        columns = [np.asarray(c, dtype=np.float64) for c in columns]
        observed = np.asarray(observed, dtype=np.float64)
        tolerance = np.broadcast_to(np.asarray(tolerance, dtype=np.float64), (self.n,))
        tally = Tally.empty(self.n, self.permutations)
        if self.permutations == 0:
            return tally
        done = 0
        for group in self.groups:
            for units, lags in self._blocks(group, columns, np.arange(len(group.units))):
                _tally_block(tally, units, statistic(units, lags), observed[units], tolerance[units])
                report(progress, (done + len(units)) / self.n)
            done += len(group.units)
        return tally

    def _blocks(self, group: _Group, columns, rows) -> Iterator[tuple[np.ndarray, list]]:
        """Replicated lags of ``group``'s ``rows``, chunk by chunk, hits corrected."""
        k, replications = group.cardinality, self.permutations
        drawn = self.draws[:, :k]
        gathered = [np.ascontiguousarray(values[drawn].T) for values in columns]  # k × P
        replication, position, hit_rows = self._hits(group)
        step = max(1, CHUNK_ELEMENTS // max(replications, 1))
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            units = group.units[chunk]
            weights = group.weights[chunk]
            local = np.full(len(group.units), -1, dtype=np.int64)
            local[chunk] = np.arange(len(chunk))
            keep = local[hit_rows] >= 0
            h_rep, h_pos, h_row = replication[keep], position[keep], local[hit_rows[keep]]
            lags = []
            for values, block in zip(columns, gathered):
                lag = weights @ block
                if len(h_row):
                    change = self._spare_values(values, h_rep) - values[units[h_row]]
                    lag[h_row, h_rep] += weights[h_row, h_pos] * change
                lags.append(lag)
            yield units, lags


def _tally_block(tally: Tally, units, simulated, observed, tolerance, moments: bool = True) -> None:
    low = (observed - tolerance)[:, None]
    high = (observed + tolerance)[:, None]
    count = simulated.shape[1]
    tally.greater[units] = np.count_nonzero(simulated >= low, axis=1)
    tally.less[units] = np.count_nonzero(simulated <= high, axis=1)
    if not moments:
        return
    mean = simulated.sum(axis=1) / count
    tally.mean[units] = mean
    tally.var[units] = np.maximum(np.einsum("ij,ij->i", simulated, simulated) / count - mean * mean, 0.0)
