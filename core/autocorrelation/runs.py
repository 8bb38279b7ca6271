"""Which data each analysis reads, and the columns it writes: fields × years of a panel.

A *run* is one analysis: a field (or a pair, x and y) for one year. A wide layer
(``STEM_YYYY`` fields, :mod:`core.panel`) has one row per unit and its runs differ by
column; a long layer (one row per unit and year) has one run per year, each on the rows
of that year, and ``unit_of_row`` says which unit (weights position) each row is.

Units whose value is NULL are dropped from a run and the weights are re-made among the
others (row standardisation included), as spdep's ``subset.listw``; with
``nulls="error"`` they stop the analysis instead. Dropped units appear in the output
with empty statistics and the label "No data".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, preview
from ..panel import check_unit_ids, expand_years, split_year_field, year_field, year_values
from ..weights.model import SpatialWeights
from .clusters import LISA_LABELS, NO_DATA
from .options import NULL_POLICIES


@dataclass(frozen=True)
class Run:
    """One analysis: ``columns`` (x first) of ``rows`` (None: every row) for ``year``."""

    stem: str
    year: int | None
    columns: tuple[str, ...]
    rows: np.ndarray | None = None
    differential: bool = False

    @property
    def title(self) -> str:
        """How messages name the run: the column (wide), ``STEM year`` (long), a change."""
        if self.differential:
            return f"{self.columns[0]} − {self.columns[1]}"
        names = self.labels()
        return names[0] if len(names) == 1 else f"{names[0]} × W·{names[1]}"

    def labels(self) -> tuple[str, ...]:
        if self.rows is not None and self.year is not None:
            return tuple(f"{c} ({self.year})" for c in self.columns)
        return self.columns


@dataclass
class LayerUnits:
    """The rows of a layer as units of the weights (and years, for a long layer), read as they are.

    Not a reshaped panel: autocorrelation analyses one column (a field, or a year's rows) at a time,
    so the frame keeps the layer's shape. Regressions reshape to
    :class:`core.regression.panel_data.LongPanel` (unit, year, variables); the spatial models stack
    arrays in :class:`core.econometrics.data.PanelData` (y, X year by year, for ``I_T ⊗ W``)."""

    frame: pd.DataFrame
    weights: SpatialWeights  # one position per unit
    unit_of_row: np.ndarray  # weights position of each row
    years: np.ndarray | None = None  # long layers: year of each row

    @classmethod
    def wide(cls, frame, weights: SpatialWeights) -> LayerUnits:
        return cls(frame, weights, np.arange(len(frame)))

    @staticmethod
    def long_units(unit_ids, years):
        """For a long layer: (first row of each unit, the unit ids, unit position of each row).

        Build the weights on the first rows' geometries and ids, then call :class:`LayerUnits`
        with ``unit_of_row`` and the rows' ``years``.
        """
        check_unit_ids(unit_ids)
        year_values(years)
        unit_ids = pd.Series(np.asarray(unit_ids))
        codes, uniques = pd.factorize(unit_ids)
        first = np.unique(codes, return_index=True)[1]
        return first, np.asarray(uniques), codes.astype(np.int64)

    @property
    def is_long(self) -> bool:
        return self.years is not None


# ---------------------------------------------------------------------------- runs
def _require(frame, columns) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError("The layer has no field {fields}; choose one of: {available}.",
                         fields=preview(missing), available=preview(frame.columns, 30))


def plan_runs(panel: LayerUnits, field: str, all_years: bool = False, second: str | None = None) -> list[Run]:
    """The runs of ``field`` (and ``second``, the lagged variable of a bivariate analysis).

    Wide: ``DEI_2019`` with ``all_years`` gives every ``DEI_YYYY``; a yearly ``second``
    follows x's year (``RES_YYYY``), a field without a year stays the same in every run.
    Long: one run per year present in the rows (``all_years``) or the last year only.
    """
    columns = [field] + ([second] if second else [])
    _require(panel.frame, columns)
    if panel.is_long:
        years = np.unique(panel.years)
        return [Run(field, int(year), tuple(columns), np.flatnonzero(panel.years == year))
                for year in (years if all_years else years[-1:])]
    runs = []
    for stem, year, column in expand_years(panel.frame.columns, [field], all_years):
        pair = (column,)
        if second:
            split = split_year_field(second)
            partner = second
            if split and year is not None and all_years:
                partner = year_field(split[0], year)
                if partner not in panel.frame.columns:
                    raise InputError(
                        "{x} has no partner {y} for {year}: the second field needs the same years as the "
                        "first. Untick “all years” or add the missing year.",
                        x=column, y=partner, year=year,
                    )
            pair = (column, partner)
        runs.append(Run(stem, year, pair))
    return runs


def differential_run(panel: LayerUnits, later: str, earlier: str) -> Run:
    """The run of the change ``later − earlier`` (two fields of a wide layer)."""
    if panel.is_long:
        raise InputError(
            "A differential LISA compares two fields of the same unit, e.g. DEI_2019 and DEI_2011; "
            "a long layer (one row per year) has them on different rows. Use the wide layer "
            "(fields STEM_YYYY) instead."
        )
    _require(panel.frame, [later, earlier])
    if later == earlier:
        raise InputError("The differential LISA needs two different fields (e.g. DEI_2019 and DEI_2011).")
    split = split_year_field(later)
    stem = split[0] if split else later
    return Run(stem, split[1] if split else None, (later, earlier), differential=True)


# ------------------------------------------------------------------- units used
@dataclass
class Selection:
    """The rows a run uses, their values, and the weights among their units."""

    run: Run
    rows: np.ndarray  # rows of the run (all of them)
    used: np.ndarray  # bool per run row: value present
    values: list[np.ndarray]  # per column, over the used rows
    weights: SpatialWeights
    dropped: list = field(default_factory=list)  # ids of units dropped for NULL values


def select(panel: LayerUnits, run: Run, nulls: str = "drop") -> Selection:
    """The units of ``run`` with values in every column; NULLs dropped or refused."""
    if nulls not in NULL_POLICIES:
        raise InputError("Unknown NULL policy “{policy}”; use drop or error.", policy=nulls)
    rows = np.arange(len(panel.frame)) if run.rows is None else run.rows
    units = panel.unit_of_row[rows]
    if len(np.unique(units)) != len(units):
        repeated = pd.Series(panel.weights.ids[units]).loc[lambda s: s.duplicated()].unique()
        raise InputError("Each unit may have one row per year; {ids} repeat in {year}.",
                         ids=preview(repeated), year=run.year)
    raw = [pd.to_numeric(panel.frame[c].iloc[rows], errors="coerce").to_numpy(dtype=np.float64)
           for c in run.columns]
    used = np.logical_and.reduce([np.isfinite(v) for v in raw])
    dropped = list(panel.weights.ids[units[~used]])
    if dropped and nulls == "error":
        raise InputError(
            "{field} is NULL for {count} unit(s): {ids}. Fill the values, or choose to drop units with "
            "NULL values.", field=run.title, count=len(dropped), ids=preview(dropped),
        )
    kept = units[used]
    # Every unit in layer order (a wide layer without NULLs): the panel's weights themselves, not a copy
    # per run (each year of a 100,000-unit run copied its 10 MB matrix).
    whole = len(kept) == panel.weights.n and np.array_equal(kept, np.arange(panel.weights.n))
    weights = panel.weights if whole else panel.weights.subset(kept)
    return Selection(run, rows, used, [v[used] for v in raw], weights, dropped)


# --------------------------------------------------------------- output columns
@dataclass(frozen=True)
class OutputField:
    """An output column: its name (≤ 10 characters), per-year stem (≤ 5), alias, kind."""

    name: str
    stem: str
    alias: str
    kind: str = "float"  # float, int or text
    source: Callable | None = None  # result -> array over the used rows


def run_columns(selection: Selection, result, fields: list[OutputField], no_data: dict) -> pd.DataFrame:
    """The run's output columns over all its rows (dropped rows: NULL or ``no_data``)."""
    n = len(selection.rows)
    data = {}
    for spec in fields:
        values = np.asarray(spec.source(result))
        if spec.kind == "text":
            column = np.full(n, no_data.get(spec.name, LISA_LABELS[NO_DATA]), dtype=object)
            column[selection.used] = values
            data[spec.name] = pd.Series(column, dtype=object)
        elif spec.kind == "int":
            column = pd.array([no_data.get(spec.name)] * n, dtype="Int64")
            column[selection.used] = pd.array(values, dtype="Int64")
            data[spec.name] = column
        else:
            column = np.full(n, np.nan)
            column[selection.used] = values
            data[spec.name] = column
    return pd.DataFrame(data, index=selection.rows)


def wide_columns(runs_columns: list[tuple[Run, pd.DataFrame]], fields: list[OutputField], n_rows: int,
                 per_year: bool) -> tuple[pd.DataFrame, dict]:
    """Every run's columns side by side: plain names for one run, ``STEM_YYYY`` for several.

    Returns the columns (indexed by row position) and {name: (alias, run title)}.
    """
    if not per_year:
        (run, columns), = runs_columns
        return columns.reindex(range(n_rows)), {f.name: (f.alias, run.title) for f in fields}
    pieces, named = [], {}
    for run, columns in runs_columns:
        renamed = {f.name: year_field(f.stem, run.year) for f in fields}
        pieces.append(columns.rename(columns=renamed).reindex(range(n_rows)))
        named.update({renamed[f.name]: (f.alias, run.title) for f in fields})
    return pd.concat(pieces, axis=1), named


def long_columns(runs_columns: list[tuple[Run, pd.DataFrame]], fields: list[OutputField], n_rows: int):
    """A long layer: each row gets the columns of its year's run."""
    stacked = pd.concat([columns for _, columns in runs_columns]).sort_index().reindex(range(n_rows))
    return stacked, {f.name: (f.alias, runs_columns[0][0].columns[0]) for f in fields}
