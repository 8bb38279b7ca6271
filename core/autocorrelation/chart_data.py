"""What the autocorrelation charts draw, taken from the analyses: the Moran scatter panels
of a local Moran analysis and the series of a global statistic over the years. The charts
themselves are in :mod:`core.charts` (``moran_scatter``, ``moran_trend``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..charts.moran_scatter import ScatterPanel

#: The statistic drawn over the years: the first of these present in the table.
TREND_STATISTICS = ("Moran's I", "Geary's C", "Getis-Ord General G")


def scatter_panels(analysis) -> list[ScatterPanel]:
    """The panels of a local Moran analysis (:class:`~.analyses.LocalAnalysis`), one per run,
    units without neighbours left out.

    The line's slope is the least-squares slope through the origin, ``Σ x·lag / Σ x²``:
    Moran's I (or the bivariate I) under row-standardised weights.
    """
    panels = []
    for local in analysis.runs:
        result = local.result
        x = result.zx if hasattr(result, "zx") else result.z
        tested = np.ones(len(x), dtype=bool)
        tested[result.islands] = False
        slope = float(x @ result.lag / (x @ x))
        columns = local.run.columns
        if analysis.kind == "bivariate":
            variables = (columns[0], columns[1])
        elif analysis.kind == "differential":
            variables = (f"{columns[0]} − {columns[1]}",) * 2
        else:
            variables = (columns[0], columns[0])
        panels.append(ScatterPanel(local.run.title, x[tested], result.lag[tested], result.cluster[tested], slope,
                                   local.global_statistic, *variables))
    return panels


@dataclass
class TrendSeries:
    """One statistic of a global autocorrelation table, per field, over the years."""

    statistic: str
    inference: str
    x: np.ndarray  # the years, or the fields' names when they have no years
    yearly: bool
    values: dict  # field -> one value per year (without years: {statistic: one value per field})
    p_values: dict
    expected: float


def trend_series(table) -> TrendSeries:
    """The series of :func:`~.analyses.global_autocorrelation`'s table that the chart over the
    years draws: Moran's I if present, with permutation p-values if there are any (else
    randomisation)."""
    statistic = next((s for s in TREND_STATISTICS if (table["statistic"] == s).any()), table["statistic"].iloc[0])
    rows = table[table["statistic"] == statistic]
    inference = "permutation" if (rows["inference"] == "permutation").any() else "randomisation"
    rows = rows[rows["inference"] == inference]
    expected = float(rows["expected"].mean())
    if not rows["year"].notna().any():
        fields = list(dict.fromkeys(rows["field"]))
        first = rows.groupby("field", sort=False).first().loc[fields]
        return TrendSeries(statistic, inference, np.array(fields, dtype=object), False,
                           {statistic: first["value"].to_numpy(dtype=float)},
                           {statistic: first["p_value"].to_numpy(dtype=float)}, expected)
    years = np.array(sorted(int(y) for y in rows["year"].dropna().unique()))
    values, p_values = {}, {}
    for name, group in rows.groupby("field", sort=False):
        by_year = group.set_index(group["year"].astype("int64"))
        values[name] = by_year["value"].reindex(years).to_numpy(dtype=float)
        p_values[name] = by_year["p_value"].reindex(years).to_numpy(dtype=float)
    return TrendSeries(statistic, inference, years, True, values, p_values, expected)
