"""The unit × year panel behind a regression, read from a wide or a long layer.

A *wide* layer has one row per unit and yearly fields ``STEM_YYYY`` (a chosen field
``DEI_2019`` stands for every year of ``DEI``); a field without a year suffix is a
time-invariant attribute repeated in every year. A *long* layer has one row per unit
and year and a year field. Either way the result is one long table with the columns
``unit``, ``year`` and one column per chosen variable, units in the order they first
appear in the layer, years ascending — plus what is needed to go back to the layer
(the row of each unit) and to say what was dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, preview
from ..panel import check_unit_ids, check_unit_years, numeric_values, split_year_field, wide_to_long, year_values


@dataclass
class LongPanel:
    """A layer's variables as one long table (unit, year, variables), with the way back to the layer's
    rows. What OLS/within regressions, mediation and convergence read; the spatial models' estimation
    arrays are :class:`core.econometrics.data.PanelData`, built from a layer by that module."""

    long: pd.DataFrame  # unit, year, variables...
    units: np.ndarray  # unit ids, in layer order
    unit_rows: np.ndarray  # position in the input frame of each unit's (first) row
    variables: dict[str, str]  # chosen field -> variable name in ``long``
    dropped: list = field(default_factory=list)  # units dropped to balance the panel

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.long["year"].unique())

    def variable(self, chosen_field: str) -> str:
        return self.variables[chosen_field]

    def matrix(self, variable: str) -> np.ndarray:
        """units × years array of one variable (NaN where missing)."""
        table = self.long.pivot(index="unit", columns="year", values=variable)
        return table.reindex(index=self.units, columns=self.years).to_numpy(dtype=float)


def describe_units(units, labels: dict | None = None) -> list[str]:
    """'110100 北京市' for each unit when a name is known, else the id alone (for messages)."""
    if not labels:
        return [str(u) for u in units]
    return [f"{u} {labels[u]}" if labels.get(u) not in (None, "") else str(u) for u in units]


def read_panel(frame: pd.DataFrame, fields, unit_ids, year_field: str | None = None) -> LongPanel:
    """The panel of ``fields`` from a wide (``year_field`` None) or long layer frame.

    ``unit_ids``: the unit of each row of ``frame`` (an id field's values or feature ids).
    """
    fields = list(dict.fromkeys(fields))
    unit_ids = np.asarray(unit_ids)
    if year_field:
        return _from_long(frame, fields, unit_ids, year_field)
    return _from_wide(frame, fields, unit_ids)


def _from_wide(frame, fields, unit_ids) -> LongPanel:
    if pd.Series(unit_ids).duplicated().any():
        repeated = sorted(set(pd.Series(unit_ids)[pd.Series(unit_ids).duplicated()].astype(str)))
        raise InputError(
            "Units repeat in the layer ({units}): a wide layer has one feature per unit with "
            "fields STEM_YYYY. For a layer with one feature per unit and year, choose its year field.",
            units=preview(repeated),
        )
    variables, stems, constants = {}, [], []
    for name in fields:
        split = split_year_field(name)
        if split:
            variables[name] = split[0]
            stems.append(split[0])
        else:
            variables[name] = name
            constants.append(name)
    if not stems:
        raise InputError(
            "None of the chosen fields is yearly (named like DEI_2019); choose a yearly field, or "
            "choose the year field of a layer with one feature per unit and year.",
        )
    stems = list(dict.fromkeys(stems))
    indexed = frame.copy()
    indexed.index = pd.Index(np.arange(len(frame)), name="row")
    long = wide_to_long(indexed, stems)
    long["unit"] = unit_ids[long["row"].to_numpy()]
    for stem in stems:
        long[stem] = numeric_values(long[stem], stem)
    for name in constants:
        long[name] = numeric_values(frame[name].reset_index(drop=True), name)[long["row"].to_numpy()]
    long["year"] = long["year"].astype(int)
    long = long.sort_values(["row", "year"], kind="stable").reset_index(drop=True)
    columns = ["unit", "year", *dict.fromkeys(variables.values())]
    return LongPanel(long[columns], unit_ids, np.arange(len(frame)), variables)


def _from_long(frame, fields, unit_ids, year_field) -> LongPanel:
    if year_field not in frame.columns:
        raise InputError("The year field {field} is not in the layer.", field=year_field)
    long = pd.DataFrame({"unit": unit_ids, "year": year_values(frame[year_field], year_field)})
    check_unit_ids(long["unit"])
    check_unit_years(long["unit"], long["year"])
    variables = {}
    for name in fields:
        long[name] = numeric_values(frame[name].reset_index(drop=True), name)
        variables[name] = name
    order = pd.unique(pd.Series(unit_ids))
    first_rows = pd.Series(np.arange(len(frame))).groupby(pd.Series(unit_ids)).min()
    position = {unit: i for i, unit in enumerate(order)}
    long["_order"] = long["unit"].map(position)
    long = long.sort_values(["_order", "year"], kind="stable").drop(columns="_order").reset_index(drop=True)
    unit_rows = first_rows.reindex(order).to_numpy()
    return LongPanel(long, np.asarray(order), unit_rows, variables)


def select_years(panel: LongPanel, start: int | None = None, end: int | None = None) -> LongPanel:
    """The panel restricted to ``start``..``end`` (None: the first / last year)."""
    years = panel.years
    start = years[0] if not start else int(start)
    end = years[-1] if not end else int(end)
    if start > end or not any(start <= y <= end for y in years):
        raise InputError(
            "No data between {start} and {end}; the layer has the years {years}.",
            start=start, end=end, years=preview(years),
        )
    keep = panel.long["year"].between(start, end)
    return LongPanel(panel.long[keep].reset_index(drop=True), panel.units, panel.unit_rows,
                     panel.variables, list(panel.dropped))


def require_balanced(panel: LongPanel, variables, balance: bool = False, minimum_years: int = 1) -> LongPanel:
    """Every unit with a value of every variable in every year, or a clear error.

    A variable without any value in a year is reported on its own (usually a missing
    ``STEM_YYYY`` field). With ``balance`` the units with gaps are dropped instead and
    listed in ``dropped``.
    """
    variables = list(dict.fromkeys(variables))
    years = panel.years
    if len(years) < minimum_years:
        raise InputError(
            "This analysis needs at least {needed} years; the data have {count} ({years}).",
            needed=minimum_years, count=len(years), years=preview(years),
        )
    long = panel.long
    for variable in variables:
        by_year = long.groupby("year")[variable].apply(lambda s: s.notna().any())
        empty = [int(y) for y in by_year.index[~by_year.to_numpy()]]
        if empty:
            raise InputError(
                "{variable} has no values in {years}; add them, or choose years in which every "
                "variable has values.", variable=variable, years=preview(empty),
            )
    grid = pd.MultiIndex.from_product([panel.units, years], names=["unit", "year"])
    indexed = long.set_index(["unit", "year"]).reindex(grid)
    lacking = indexed[variables].isna().any(axis=1)
    if not lacking.any():
        return LongPanel(indexed.reset_index(), panel.units, panel.unit_rows, panel.variables,
                         list(panel.dropped))
    gaps = indexed[lacking]
    bad_units = list(dict.fromkeys(gaps.index.get_level_values("unit")))
    if not balance:
        pairs = [
            f"{unit} {year} ({', '.join(v for v in variables if pd.isna(row[v]))})"
            for (unit, year), row in gaps.iterrows()
        ]
        raise InputError(
            "The panel is not balanced: {count} unit-year(s) lack a value: {pairs}. Fill them, choose "
            "fewer years, or tick “Drop units with missing years” to drop the {units} unit(s) concerned.",
            count=len(pairs), pairs=preview(pairs), units=len(bad_units),
        )
    keep = ~np.isin(panel.units, np.asarray(bad_units, dtype=panel.units.dtype))
    kept_units = panel.units[keep]
    if len(kept_units) < 2:
        raise InputError("Dropping the units with missing years leaves {count} unit(s); fill the gaps instead.",
                         count=len(kept_units))
    balanced = indexed[~indexed.index.get_level_values("unit").isin(bad_units)].reset_index()
    return LongPanel(balanced, kept_units, panel.unit_rows[keep], panel.variables,
                     list(panel.dropped) + bad_units)
