"""Class breaks for choropleth maps, with mapclassify (QGIS-free).

Fisher-Jenks natural breaks by default, as GeoDa and most atlases use; quantiles,
equal interval, standard deviation and box plot on request.

Fisher-Jenks is computed here (the exact dynamic programme, vectorised, with cancel
checkpoints) rather than by mapclassify, whose version without numba is pure Python and
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
        new = np.full(n + 1, np.inf)
        for end in range(c, n - (k - c) + 1):
            if end % 256 == 0:
                checkpoint()
            begin = np.arange(c - 1, end)
            count = end - begin
            total = s1[end] - s1[begin]
            ssd = (s2[end] - s2[begin]) - total * total / count
            candidates = cost[begin] + ssd
            best = int(np.argmin(candidates))
            new[end] = candidates[best]
            starts[c, end] = begin[best]
        cost = new
    bounds, end = [], n
    for c in range(k, 0, -1):
        bounds.append(float(data[end - 1]))
        end = starts[c, end]
    return bounds[::-1]
