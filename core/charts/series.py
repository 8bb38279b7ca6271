"""Inputs of the time-series charts: one series or several, as plain arrays or pandas."""

from __future__ import annotations

import numpy as np

from ..errors import InputError


def as_series(years, values, name: str = "") -> dict[str, np.ndarray]:
    """{name: values} from a 1-D array (one series), a mapping or a DataFrame (one column per
    series, rows in the order of ``years``); every series as long as ``years``."""
    if hasattr(values, "columns"):  # DataFrame
        series = {str(column): np.asarray(values[column], dtype=float) for column in values.columns}
    elif isinstance(values, dict):
        series = {str(key): np.asarray(value, dtype=float) for key, value in values.items()}
    else:
        series = {name: np.asarray(values, dtype=float)}
    count = len(years)
    for key, value in series.items():
        if value.shape != (count,):
            raise InputError(
                "The series {name} has {got} values for {count} years; give one value per year.",
                name=key or "values", got=value.size, count=count,
            )
    return series
