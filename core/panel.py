"""Panels of yearly indicators: the two shapes every algorithm accepts.

* **wide**: one row per unit, one field per indicator and year, named ``STEM_YYYY``
  (e.g. ``DEI_2011`` … ``DEI_2019``; the stem has at most 5 characters so the name fits
  a shapefile's 10). This is what ``resilience:jointable`` writes by default.
* **long**: one row per unit and year, a year field, one field per indicator.

Algorithms that work year by year take either: a chosen ``STEM_YYYY`` field with "all
years" expands to every year of that stem; a long layer names its year field.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import InputError, Message, preview

YEAR_FIELD = re.compile(r"^(?P<stem>.+?)_(?P<year>(?:19|20)\d{2})$")


def split_year_field(name: str) -> tuple[str, int] | None:
    """('DEI', 2019) for 'DEI_2019'; None when the name has no year suffix."""
    match = YEAR_FIELD.match(str(name))
    return (match.group("stem"), int(match.group("year"))) if match else None


def year_field(stem: str, year: int) -> str:
    return f"{stem}_{int(year)}"


def panel_stems(columns) -> dict[str, dict[int, str]]:
    """Every stem with year fields: {stem: {year: column}}, years ascending."""
    found: dict[str, dict[int, str]] = {}
    for column in columns:
        split = split_year_field(column)
        if split:
            found.setdefault(split[0], {})[split[1]] = column
    return {stem: dict(sorted(years.items())) for stem, years in sorted(found.items())}


def year_columns(columns, stem: str) -> dict[int, str]:
    """{year: column} of one stem; an error naming the stems that exist if there is none."""
    stems = panel_stems(columns)
    if stem not in stems:
        raise InputError(
            "The layer has no yearly fields {stem}_YYYY; its yearly fields are: {stems}.",
            stem=stem, stems=preview(stems) if stems else Message("none"),
        )
    return stems[stem]


def expand_years(columns, fields, all_years: bool) -> list[tuple[str, int | None, str]]:
    """(stem or field, year or None, column) for each chosen field, expanded to every year
    of its stem when ``all_years`` (fields without a year suffix stay as they are)."""
    result = []
    for field in fields:
        split = split_year_field(field)
        if all_years and split:
            result.extend((split[0], year, column) for year, column in year_columns(columns, split[0]).items())
        elif split:
            result.append((split[0], split[1], field))
        else:
            result.append((field, None, field))
    return result


def wide_to_long(frame: pd.DataFrame, stems=None, keep=(), year_name: str = "year") -> pd.DataFrame:
    """One row per unit and year with a column per stem (missing unit-years are NaN).

    ``keep``: columns copied to every year of their unit (e.g. the id and the name). The
    frame's index is kept as a column named after it (``fid`` for layers).
    """
    available = panel_stems(frame.columns)
    stems = list(available) if stems is None else list(stems)
    missing = [s for s in stems if s not in available]
    if missing:
        raise InputError("No yearly fields for {stems}; expected fields like {example}.",
                         stems=preview(missing), example=year_field(missing[0], 2019))
    years = sorted({year for stem in stems for year in available[stem]})
    index_name = frame.index.name or "unit"
    pieces = []
    for year in years:
        piece = pd.DataFrame({index_name: frame.index.to_numpy()})
        for column in keep:
            piece[column] = frame[column].to_numpy()
        piece[year_name] = year
        for stem in stems:
            column = available[stem].get(year)
            piece[stem] = frame[column].to_numpy() if column else float("nan")
        pieces.append(piece)
    return pd.concat(pieces, ignore_index=True)


def check_unit_years(units, years) -> None:
    """Each unit at most once per year in a long table; an error naming the repeated pairs."""
    table = pd.DataFrame({"unit": np.asarray(units), "year": np.asarray(years)})
    duplicated = table[table.duplicated(keep=False)]
    if len(duplicated):
        pairs = sorted({f"{u} {y}" for u, y in zip(duplicated["unit"], duplicated["year"])})
        raise InputError("Each unit may have one row per year; these unit-years repeat: {pairs}. Check the unit "
                         "id and year fields.", pairs=preview(pairs))


def year_values(values, field: str | None = None) -> np.ndarray:
    """A long layer's year field as whole years (int64); empty, text or fractional years are an error.
    ``field`` names the field in the message (default: the Series' name)."""
    series = pd.Series(np.asarray(values))
    years = pd.to_numeric(series, errors="coerce")
    bad = years.isna() | (years % 1 != 0)
    if bad.any():
        raise InputError(
            "The year field {field} must hold whole years for every feature; {count} feature(s) "
            "have none.", field=field or getattr(values, "name", None) or "", count=int(bad.sum()),
        )
    return years.astype("int64").to_numpy()


def check_unit_ids(unit_ids) -> None:
    """Every row of a long layer names its unit."""
    missing = pd.isna(pd.Series(np.asarray(unit_ids, dtype=object)))
    if missing.any():
        raise InputError("The unit id is empty (NULL) for {count} feature(s); fill the id field.",
                         count=int(missing.sum()))


def finite_or_missing(values) -> tuple[np.ndarray, np.ndarray]:
    """The one rule for non-finite numbers: ±inf (and NaN) are missing values.

    Returns a float64 copy of ``values`` with ±inf replaced by NaN, and the mask of the cells
    that held ±inf, so that the caller lists them (log, report) and then applies its usual
    missing-value policy to them."""
    array = np.array(values, dtype=np.float64)
    infinite = np.isinf(array)
    array[infinite] = np.nan
    return array, infinite


def numeric_values(values, name: str) -> np.ndarray:
    """The values of field ``name`` as float64 (NULL, empty and ±inf as NaN: missing values, see
    :func:`finite_or_missing`); text is an error."""
    series = pd.Series(values)
    numbers = pd.to_numeric(series, errors="coerce")
    text = series.notna() & numbers.isna()
    if text.any():
        raise InputError("The field {field} holds values that are not numbers (e.g. “{value}”); choose a numeric "
                         "field.", field=name, value=str(series[text].iloc[0]))
    return finite_or_missing(numbers.to_numpy(dtype=np.float64))[0]


def long_to_wide(frame: pd.DataFrame, unit: str, year: str, values) -> pd.DataFrame:
    """One row per unit with ``STEM_YYYY`` columns; duplicate unit-years are an error."""
    check_unit_years(frame[unit], frame[year])
    wide = frame.pivot(index=unit, columns=year, values=list(values))
    wide.columns = [year_field(stem, y) for stem, y in wide.columns]
    return wide[sorted(wide.columns, key=lambda c: split_year_field(c))]


def unit_ids(frame: pd.DataFrame, id_field: str | None, unique: bool = True) -> np.ndarray:
    """The unit ids of ``frame``'s rows: the id field's values (never NULL; unique unless
    ``unique`` is False, as in a long layer with one row per unit and year), or the row index
    (the feature ids) without an id field."""
    if not id_field:
        return frame.index.to_numpy()
    values = frame[id_field]
    if values.isna().any():
        raise InputError(
            "The id field {field} is empty (NULL) for {count} feature(s); fill it or choose another field.",
            field=id_field, count=int(values.isna().sum()),
        )
    duplicated = values[values.duplicated(keep=False)] if unique else values.iloc[:0]
    if len(duplicated):
        raise InputError(
            "The id field {field} is not unique: {values} occur more than once; choose a unique field "
            "(e.g. adcode).",
            field=id_field, values=preview(sorted(set(duplicated.astype(str)))),
        )
    return np.asarray(values.to_numpy())


def require_unit_id(id_field: str | None, year_field: str | None) -> None:
    """A long layer (a year field) has several features per unit: its unit id field must be set."""
    if year_field and not id_field:
        raise InputError("A long layer (one feature per unit and year) needs its unit id field (e.g. adcode) so "
                         "that the rows of a unit are matched: choose the unit id field.")
