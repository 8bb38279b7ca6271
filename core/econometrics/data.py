"""The data of a spatial model: a balanced panel (or a cross-section) as stacked arrays.

Observations are stacked year by year: the n units of the first year (in the order of the
spatial weights), then the n units of the second year, and so on, so that the panel's
weights matrix is ``I_T ⊗ W`` and a spatial lag is one sparse product per year. A
cross-section is a panel with one period.

Also here: the transformations that remove fixed effects ("within": unit, time or two-way
demeaning, Elhorst 2014, ch. 3) and the random-effects quasi-demeaning
``v − (1 − φ) v̄ᵢ`` (Elhorst 2014, §3.4), and the builders from the two panel shapes of the
toolkit (wide ``STEM_YYYY`` fields or long unit-year rows, see ``core/panel.py``).
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import check_unit_years, numeric_values, panel_stems, split_year_field, year_values

#: Panel effects: pooled, unit / time / two-way fixed effects, random unit effects
#: (optionally with time fixed effects): EFFECTS of .options.
FIXED_EFFECTS = ("unit", "time", "twoway")
RANDOM_EFFECTS = ("random", "random_time")
EFFECT_LABELS = {
    "none": Message("pooled (no effects)"),
    "unit": Message("unit (city) fixed effects"),
    "time": Message("time (year) fixed effects"),
    "twoway": Message("two-way (city and year) fixed effects"),
    "random": Message("random unit effects"),
    "random_time": Message("random unit effects and year fixed effects"),
}


@dataclass
class PanelData:
    """A balanced panel: ``y`` (nT) and ``X`` (nT × k), stacked year by year."""

    y: np.ndarray
    X: np.ndarray
    dependent: str
    names: list[str]
    unit_ids: np.ndarray
    years: list[int] | None = None  # None: a cross-section
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.y = np.asarray(self.y, dtype=np.float64).ravel()
        self.X = np.asarray(self.X, dtype=np.float64).reshape(len(self.y), -1)
        self.unit_ids = np.asarray(self.unit_ids)
        if len(self.y) != self.n * self.T:
            raise InputError("The panel has {rows} observations but {n} units × {t} years.",
                             rows=len(self.y), n=self.n, t=self.T)

    @property
    def n(self) -> int:
        return len(self.unit_ids)

    @property
    def T(self) -> int:  # the panel literature's T
        return 1 if self.years is None else len(self.years)

    @property
    def is_panel(self) -> bool:
        return self.years is not None and len(self.years) > 1

    def column(self, name: str) -> np.ndarray:
        return self.X[:, self.names.index(name)]

    def subset_units(self, positions) -> PanelData:
        positions = np.asarray(positions)
        rows = (np.arange(self.T)[:, None] * self.n + positions[None, :]).ravel()
        return PanelData(self.y[rows], self.X[rows], self.dependent, list(self.names),
                         self.unit_ids[positions], self.years, list(self.notes))

    def subset_years(self, years) -> PanelData:
        if self.years is None:
            raise InputError("A cross-section has no years to split; use a panel (several years).")
        keep = [i for i, year in enumerate(self.years) if year in set(years)]
        rows = (np.asarray(keep)[:, None] * self.n + np.arange(self.n)[None, :]).ravel()
        return PanelData(self.y[rows], self.X[rows], self.dependent, list(self.names), self.unit_ids,
                         [self.years[i] for i in keep], list(self.notes))

    def with_columns(self, X, names) -> PanelData:
        return PanelData(self.y, X, self.dependent, list(names), self.unit_ids, self.years, list(self.notes))


# ------------------------------------------------------------- stacked algebra
def spatial_lag(W, values: np.ndarray, T: int) -> np.ndarray:
    """``(I_T ⊗ W) v`` for a stacked vector or matrix ``v`` (nT rows)."""
    values = np.asarray(values, dtype=np.float64)
    n = W.shape[0]
    if values.ndim == 1:
        return np.asarray(W @ values.reshape(T, n).T).T.reshape(-1)
    k = values.shape[1]
    side = values.reshape(T, n, k).transpose(1, 0, 2).reshape(n, T * k)
    return np.asarray(W @ side).reshape(n, T, k).transpose(1, 0, 2).reshape(T * n, k)


def within(values: np.ndarray, n: int, T: int, effects: str) -> np.ndarray:
    """Remove unit, time or two-way means from stacked values (the fixed-effects transform)."""
    values = np.asarray(values, dtype=np.float64)
    shape = values.shape
    cube = values.reshape(T, n, -1)
    if effects in ("unit", "twoway"):
        cube = cube - cube.mean(axis=0, keepdims=True)
    if effects in ("time", "twoway", "random_time"):
        cube = cube - cube.mean(axis=1, keepdims=True)
    return cube.reshape(shape)


def quasi_demean(values: np.ndarray, n: int, T: int, phi: float) -> np.ndarray:
    """The random-effects transform ``v − (1 − φ) v̄ᵢ`` (v̄ᵢ: the unit's mean over time)."""
    values = np.asarray(values, dtype=np.float64)
    cube = values.reshape(T, n, -1)
    return (cube - (1.0 - phi) * cube.mean(axis=0, keepdims=True)).reshape(values.shape)


# ------------------------------------------------------------------- builders
def cross_section(frame: pd.DataFrame, dependent: str, explanatory, unit_ids,
                  drop_missing: bool = False) -> PanelData:
    """A cross-section: one row per unit of ``frame`` (ordered like ``unit_ids``)."""
    explanatory = list(explanatory)
    y = numeric_values(frame[dependent], dependent)
    X = (np.column_stack([numeric_values(frame[c], c) for c in explanatory]) if explanatory
         else np.empty((len(y), 0)))
    missing = np.isnan(y) | np.isnan(X).any(axis=1)
    notes = []
    unit_ids = np.asarray(unit_ids)
    if missing.any():
        if not drop_missing:
            raise InputError(
                "{count} unit(s) have empty (NULL) or non-finite (±inf) values in the model's fields: {units}. "
                "Fill them, or "
                "run again with “Balance the panel / drop units with missing values” on.",
                count=int(missing.sum()), units=preview(unit_ids[missing]))
        notes.append(Message("{count} unit(s) with missing values were left out: {units}.",
                             count=int(missing.sum()), units=preview(unit_ids[missing])))
        y, X, unit_ids = y[~missing], X[~missing], unit_ids[~missing]
    return PanelData(y, X, dependent, explanatory, unit_ids, None, notes)


def stem_of(field_name: str) -> str:
    """The stem of a ``STEM_YYYY`` field, or the name itself."""
    split = split_year_field(field_name)
    return split[0] if split else field_name


def wide_panel(frame: pd.DataFrame, dependent: str, explanatory, unit_ids,
               balance: bool = False, years=None) -> PanelData:
    """A panel from a wide layer: the chosen fields' stems, every year they share."""
    stems_available = panel_stems(frame.columns)
    dependent = stem_of(dependent)
    explanatory = [stem_of(name) for name in explanatory]
    wanted = [dependent, *explanatory]
    missing = [s for s in wanted if s not in stems_available]
    if missing:
        raise InputError(
            "No yearly fields STEM_YYYY for {stems}; a wide panel needs fields like {example} (or choose "
            "the long layout with a year field, or the cross-section layout).",
            stems=preview(missing), example=f"{missing[0]}_2019")
    common = sorted(set.intersection(*(set(stems_available[s]) for s in wanted)))
    if years is not None:
        common = [y for y in common if y in set(years)]
    if len(common) < 2:
        raise InputError("The fields {stems} share fewer than two years ({years}); a panel needs at least two.",
                         stems=", ".join(wanted), years=preview(common) or Message("none"))
    notes = []
    for stem in wanted:
        extra = sorted(set(stems_available[stem]) - set(common))
        if extra:
            notes.append(Message("{stem}: years {years} are not shared by every variable and were left out.",
                                 stem=stem, years=preview(extra)))
    cube = {s: np.column_stack([numeric_values(frame[stems_available[s][year]], stems_available[s][year])
                                for year in common]) for s in wanted}
    return _balanced(cube, dependent, explanatory, np.asarray(unit_ids), common, balance, notes)


def long_panel(frame: pd.DataFrame, unit_field: str, year_field: str, dependent: str, explanatory,
               unit_order, balance: bool = False) -> PanelData:
    """A panel from a long table (one row per unit and year), units ordered like ``unit_order``."""
    explanatory = list(explanatory)
    wanted = [dependent, *explanatory]
    table = pd.DataFrame({"unit": frame[unit_field].to_numpy(), "year": year_values(frame[year_field], year_field)})
    for name in wanted:
        table[name] = numeric_values(frame[name], name)
    check_unit_years(table["unit"], table["year"])
    years = sorted(table["year"].unique().tolist())
    if len(years) < 2:
        raise InputError("The year field {field} has a single year ({year}); a panel needs at least two, or "
                         "choose the cross-section layout.", field=year_field, year=preview(years))
    unit_order = np.asarray(unit_order)
    index = pd.MultiIndex.from_product([unit_order, years])
    table = table.set_index(["unit", "year"]).reindex(index)
    cube = {name: table[name].to_numpy().reshape(len(unit_order), len(years)) for name in wanted}
    return _balanced(cube, dependent, explanatory, unit_order, years, balance, [])


def _balanced(cube: dict, dependent: str, explanatory: list, unit_ids: np.ndarray, years: list,
              balance: bool, notes: list) -> PanelData:
    """Stack unit × year matrices year by year; gaps are an error or (``balance``) drop units."""
    gaps = np.zeros((len(unit_ids), len(years)), dtype=bool)
    for values in cube.values():
        gaps |= np.isnan(values)
    if gaps.any():
        bad_units = np.flatnonzero(gaps.any(axis=1))
        if not balance:
            examples = []
            for i in bad_units[:5]:
                holes = [str(years[j]) for j in np.flatnonzero(gaps[i])]
                fields = sorted({name for name, values in cube.items() if np.isnan(values[i]).any()})
                examples.append(f"{unit_ids[i]} ({', '.join(fields)}: {', '.join(holes)})")
            raise InputError(
                "The panel is not balanced: {cells} unit-year(s) of {units} unit(s) are missing or empty, "
                "e.g. {examples}. Fill the gaps, or run again with “Balance the panel” on to leave out "
                "the {units} incomplete unit(s).",
                cells=int(gaps.sum()), units=len(bad_units), examples="; ".join(examples))
        notes.append(Message("Panel balanced: {count} unit(s) with missing years were left out: {units}.",
                             count=len(bad_units), units=preview(unit_ids[bad_units])))
        keep = ~gaps.any(axis=1)
        cube = {name: values[keep] for name, values in cube.items()}
        unit_ids = unit_ids[keep]
    y = cube[dependent].T.reshape(-1)
    X = (np.column_stack([cube[name].T.reshape(-1) for name in explanatory])
         if explanatory else np.empty((len(y), 0)))
    return PanelData(y, X, dependent, list(explanatory), unit_ids, list(years), notes)
