"""Class breaks for choropleth maps, with mapclassify (QGIS-free).

Fisher-Jenks natural breaks by default, as GeoDa and most atlases use; quantiles,
equal interval, standard deviation and box plot on request. Fisher-Jenks is computed here
(the same dynamic programme as mapclassify's, vectorised with numpy, the same breaks to the
bit): mapclassify's own is either pure Python (seconds for a few thousand values) or, when numba
is installed, compiled at its first use (seconds of import and compilation in every session).
"""

from __future__ import annotations

import importlib.util

import numpy as np

from .errors import InputError

#: Above this many values, and when numba is installed, mapclassify's compiled Fisher-Jenks (the same
#: programme; its compilation costs seconds) beats the vectorised one here, whose time grows with the
#: square of the count (1.5 s for 10,000 values, about 150 s for 100,000).
COMPILED_ABOVE = 20_000

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
    if scheme == "fisher_jenks" and (data.size <= COMPILED_ABOVE or importlib.util.find_spec("numba") is None):
        bins = fisher_jenks_bins(np.sort(data), k)
        bins[-1] = max(bins[-1], float(data.max()))
        return sorted(set(bins))
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


def fisher_jenks_bins(values: np.ndarray, classes: int) -> list[float]:
    """Upper bounds of the Fisher-Jenks classes of the sorted ``values``: mapclassify's
    ``_fisher_jenks_means`` (float32 sums accumulated in the same order, ties resolved the same
    way: the last candidate reaching the minimum wins), its inner loops vectorised."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    as32 = values.astype(np.float32)
    mat1 = np.zeros((n + 1, classes + 1), dtype=np.int32)
    mat2 = np.zeros((n + 1, classes + 1), dtype=np.float32)
    mat1[1, 1:] = 1
    mat2[2:, 1:] = np.inf
    for last in range(2, n + 1):
        # m = 1 … last adds values[last-1], values[last-2], …, values[0] in that order.
        backwards = as32[last - 1::-1]
        s1 = np.cumsum(backwards, dtype=np.float32)
        s2 = np.cumsum(backwards * backwards, dtype=np.float32)
        w = np.arange(1, last + 1, dtype=np.float32)
        v = s2 - (s1 * s1) / w
        # Candidates m = 1 … last-1 (i4 = last - m ≥ 1), i3 = last - m + 1.
        i4 = last - np.arange(1, last)
        for j in range(2, classes + 1):
            candidates = v[:-1] + mat2[i4, j - 1]
            best = candidates.min()
            m = len(candidates) - 1 - int(np.argmax(candidates[::-1] == best))  # the last minimum
            mat1[last, j] = last - (m + 1) + 1
            mat2[last, j] = best
        mat1[last, 1] = 1
        mat2[last, 1] = v[-1]
    k = n
    kclass = np.zeros(classes + 1, dtype=values.dtype)
    kclass[classes] = values[n - 1]
    kclass[0] = values[0]
    for count in range(classes, 1, -1):
        pivot = mat1[k, count]
        kclass[count - 1] = values[int(pivot - 2)]
        k = int(pivot - 1)
    return [float(b) for b in kclass[1:]]
