"""Class breaks for choropleth maps, with mapclassify (QGIS-free).

Fisher-Jenks natural breaks by default, as GeoDa and most atlases use; quantiles,
equal interval, standard deviation and box plot on request.

Fisher-Jenks is computed here (the exact dynamic programme, its minima found by divide and
conquer, vectorised, with cancel checkpoints) rather than by mapclassify, whose version without numba is pure Python and
takes minutes for a few thousand values (and cannot be cancelled). Above
:data:`JENKS_SAMPLE` values it classifies a seeded random sample of that size plus the
minimum and the maximum, as QGIS's own Jenks classification does (3,000 values).
"""

from __future__ import annotations

import numpy as np

from .errors import InputError
from .progress import checkpoint

#: Largest number of values Fisher-Jenks classifies exactly; larger data is sampled (QGIS: 3000).
JENKS_SAMPLE = 3000

SCHEMES = {
    "fisher_jenks": "FisherJenks",
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "std_mean": "StdMean",
    "box_plot": "BoxPlot",
    "natural_breaks": "NaturalBreaks",
}


def class_breaks(values, scheme: str = "fisher_jenks", k: int = 5) -> list[float]:
    """Upper bounds of the classes of ``values`` (NaN ignored), lowest first.

    The first class starts at the minimum of the data; the last upper bound is the
    maximum. Fewer distinct values than ``k`` give one class per distinct value.
    """
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        raise InputError("There are no values to classify: the field is empty or all NULL.")
    if scheme not in SCHEMES:
        raise InputError(
            "Unknown classification “{scheme}”; use one of {schemes}.",
            scheme=scheme,
            schemes=", ".join(SCHEMES),
        )
    distinct = np.unique(data)
    if distinct.size <= k and scheme in {"fisher_jenks", "natural_breaks", "quantiles"}:
        return [float(v) for v in distinct]
    if scheme == "fisher_jenks":
        return fisher_jenks(data, k)
    import mapclassify

    classifier = getattr(mapclassify, SCHEMES[scheme])
    if scheme in {"std_mean", "box_plot"}:
        bins = classifier(data).bins
    else:
        bins = classifier(data, k=k).bins
    bins = [float(b) for b in bins]
    # StdMean/BoxPlot may put outer bounds beyond the data; clamp the last one.
    bins[-1] = max(bins[-1], float(data.max()))
    return sorted(set(bins))


def fisher_jenks(values, k: int, sample: int = JENKS_SAMPLE, seed: int = 0) -> list[float]:
    """Fisher's (1958) optimal partition of ``values`` into ``k`` classes (least total
    within-class sum of squares), as mapclassify's ``FisherJenks``: the upper bound of each
    class, lowest first. More than ``sample`` values: a seeded random sample of that many
    plus the minimum and maximum (the bounds then are values of the sample)."""
    data = np.sort(np.asarray(values, dtype=float))
    if data.size > sample:
        picked = np.random.default_rng(seed).choice(data.size - 2, size=sample - 2, replace=False) + 1
        data = np.sort(np.concatenate([data[[0, -1]], data[picked]]))
    n = data.size
    k = min(k, n)
    s1 = np.concatenate([[0.0], np.cumsum(data - data.mean())])
    s2 = np.concatenate([[0.0], np.cumsum((data - data.mean()) ** 2)])
    # cost[i]: the least sum of squares of data[:i] in c classes; start[c][i]: where the last class begins.
    cost = np.full(n + 1, np.inf)
    cost[0] = 0.0
    starts = np.zeros((k + 1, n + 1), dtype=np.int64)
    for c in range(1, k + 1):
        ends = np.arange(c, n - (k - c) + 1)
        best, least = _leftmost_minima(cost, s1, s2, c - 1, ends)
        cost = np.full(n + 1, np.inf)
        cost[ends] = least
        starts[c, ends] = best
    bounds, end = [], n
    for c in range(k, 0, -1):
        bounds.append(float(data[end - 1]))
        end = starts[c, end]
    return bounds[::-1]


def _leftmost_minima(cost, s1, s2, first: int, ends):
    """For every ``end`` of ``ends``: the first ``begin`` in [first, end) that minimises
    ``cost[begin] + ssd(data[begin:end])``, and that minimum.

    The sum of squared deviations is a Monge array, so the first minimising begin never
    decreases with the end: divide and conquer (the middle end first, then each half searching
    only between its neighbours' minimisers) finds them all with O(n log n) candidates instead
    of the n²/2 of trying every begin for every end. All segments of one level are evaluated
    together in a few vectorised calls (about 12 levels for 3,000 values: 0.01 s instead of 0.5 s
    for 5 classes). Each candidate's value is computed exactly as the full search computes it."""
    count = len(ends)
    best = np.zeros(count, dtype=np.int64)
    least = np.full(count, np.inf)
    # open segments: positions [lo, hi] of ends whose minimisers lie in [b_lo, b_hi]
    lo, hi = np.array([0]), np.array([count - 1])
    b_lo, b_hi = np.array([first]), np.array([ends[-1] - 1])
    while lo.size:
        checkpoint()
        mid = (lo + hi) // 2
        end = ends[mid]
        top = np.minimum(b_hi, end - 1)
        sizes = top - b_lo + 1
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        segment = np.repeat(np.arange(mid.size), sizes)
        begin = b_lo[segment] + (np.arange(int(sizes.sum())) - offsets[segment])
        end_of = end[segment]
        total = s1[end_of] - s1[begin]
        candidates = cost[begin] + ((s2[end_of] - s2[begin]) - total * total / (end_of - begin))
        minima = np.minimum.reduceat(candidates, offsets)
        hits = np.flatnonzero(candidates == minima[segment])
        _, first_hit = np.unique(segment[hits], return_index=True)
        chosen = begin[hits[first_hit]]
        best[mid], least[mid] = chosen, minima
        left = lo <= mid - 1
        right = mid + 1 <= hi
        lo, hi, b_lo, b_hi = (np.concatenate([lo[left], mid[right] + 1]), np.concatenate([mid[left] - 1, hi[right]]),
                              np.concatenate([b_lo[left], chosen[right]]), np.concatenate([chosen[left], b_hi[right]]))
    return best, least
