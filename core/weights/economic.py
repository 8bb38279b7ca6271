"""Economic-distance weights: w_ij = 1 / |x̄_i − x̄_j|, x̄ a variable averaged over years.

The "economic distance" matrix of Chinese regional spatial econometrics: units whose
level of development (typically GDP per capita, averaged over the study period) is
similar interact more, wherever they are. Every pair of units is linked (dense).

The variable is one field, or, for a wide panel layer (``STEM_YYYY`` fields, see
``core.panel``), a chosen year field averaged over every year of its stem
(``GDPPC_2019`` with "all years" means the mean of ``GDPPC_2011`` … ``GDPPC_2019``).
Missing years are left out of a unit's mean; a unit without any value is an error.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, preview
from ..panel import expand_years
from .distance import MAX_DENSE_UNITS
from .model import SpatialWeights


def economic_values(frame, field: str | None, ids, all_years: bool = True):
    """(x̄, columns): each unit's mean of ``field`` (over its stem's years when ``all_years``)."""
    import pandas as pd

    if not field:
        raise InputError(
            "Economic weights need a numeric field such as GDP per capita: choose the economic "
            "field (under Advanced parameters)."
        )
    columns = [column for _, _, column in expand_years(frame.columns, [field], all_years)]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError("The layer has no field {fields}; choose an existing numeric field.",
                         fields=preview(missing))
    data = frame[columns].apply(pd.to_numeric, errors="coerce")
    text = [c for c in columns if data[c].isna().sum() > frame[c].isna().sum()]
    if text:
        raise InputError("The field {fields} is not numeric; choose a numeric field such as GDP per capita.",
                         fields=preview(text))
    values = data.to_numpy(dtype=float)
    empty = np.isnan(values).all(axis=1)
    if empty.any():
        raise InputError(
            "{count} unit(s) have no value in {fields}: {ids}. Fill the values or leave these units out "
            "(e.g. with a filter).",
            count=int(empty.sum()), fields=preview(columns, 3), ids=preview(np.asarray(ids)[empty]),
        )
    return np.nanmean(values, axis=1), columns


def check_dense(n: int) -> None:
    if n > MAX_DENSE_UNITS:
        raise InputError(
            "Economic weights link every pair of units: {n} units would make {links} links, more than "
            "fits in memory. Use them on at most {limit} units.",
            n=n, links=f"{n * (n - 1):,}", limit=MAX_DENSE_UNITS,
        )


def economic_matrix(values, ids) -> sp.csr_matrix:
    """The dense matrix 1 / |x̄_i − x̄_j| (i != j); equal values are an error naming them."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    check_dense(n)
    difference = np.abs(values[:, None] - values[None, :])
    np.fill_diagonal(difference, np.inf)
    tied = np.argwhere(difference == 0)
    if len(tied):
        ids = np.asarray(ids)
        pairs = sorted({f"{ids[a]}–{ids[b]}" for a, b in tied if a < b})
        raise InputError(
            "{count} pair(s) of units have the same value, so 1/|difference| is infinite: {pairs}. "
            "Average the field over its years (the “all years” option) or use a more precise variable.",
            count=len(pairs), pairs=preview(pairs),
        )
    return sp.csr_matrix(1.0 / difference)


def economic_distance(values, ids, columns=()) -> SpatialWeights:
    """w_ij = 1 / |x̄_i − x̄_j| for every pair of units."""
    matrix = economic_matrix(values, ids)
    return SpatialWeights(ids, matrix, "economic", "R", {"fields": list(columns)})
