"""Class breaks for choropleth maps, with mapclassify (QGIS-free).

Fisher-Jenks natural breaks by default, as GeoDa and most atlases use; quantiles,
equal interval, standard deviation and box plot on request.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError

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
    import mapclassify

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
    classifier = getattr(mapclassify, SCHEMES[scheme])
    if scheme in {"std_mean", "box_plot"}:
        bins = classifier(data).bins
    else:
        bins = classifier(data, k=k).bins
    bins = [float(b) for b in bins]
    # StdMean/BoxPlot may put outer bounds beyond the data; clamp the last one.
    bins[-1] = max(bins[-1], float(data.max()))
    return sorted(set(bins))
