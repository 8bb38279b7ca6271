"""The three shapes of an indicator table, turned into one: a row per unit and year.

* ``long``: unit, year, indicator, value (one row per unit, year and indicator);
* ``wide``: unit, year, one column per indicator (the sample's ``synthetic_panel.csv``);
* ``wide_years``: unit, one column per indicator and year (``GDPPC_2019``, ``GDPPC2019``,
  ``2019_GDPPC``, ``GDPPC(2019)``, ``人均GDP2019年``).

A table without a year column and without year-suffixed columns is a cross-section
(year None). ``table_to_panel`` returns the canonical frame: ``line`` (first line in the
file), ``key`` (the unit cell as written), ``year`` and one float column per indicator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from .numbers import numeric_share, parse_year, to_numbers
from .options import TABLE_SHAPES

#: Layout choices of the dialog, in order (append only).

YEAR_NAMES = ("year", "years", "yr", "年份", "年度", "年", "统计年份", "时间")
INDICATOR_NAMES = ("indicator", "variable", "var", "item", "指标", "指标名称", "指标代码", "变量", "项目")
VALUE_NAMES = ("value", "val", "数值", "值", "指标值", "数据")
CODE_NAMES = ("adcode", "code", "citycode", "city_code", "行政区划代码", "区划代码", "代码", "城市代码")
NAME_NAMES = ("name", "city", "cityname", "city_name", "城市", "城市名称", "地区", "地级市", "市", "名称")

_YEAR_SUFFIX = re.compile(r"^(?P<stem>.*?\D)[\s_\-.(（]*(?P<year>(?:18|19|20|21)\d{2})\s*年?[)）]?$")
_YEAR_PREFIX = re.compile(r"^(?P<year>(?:18|19|20|21)\d{2})\s*年?[\s_\-.]+(?P<stem>.+)$")


@dataclass
class TablePanel:
    """A table in canonical form and what was recognised in it."""

    frame: pd.DataFrame
    indicators: list[str]
    shape: str  # long, wide or wide_years
    key_column: str
    year_column: str | None = None
    skipped: list[str] = field(default_factory=list)
    decisions: list = field(default_factory=list)  # (column, line, cell, kind) from numbers.to_numbers


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", str(name)).strip().casefold().replace(" ", "")


def find_column(columns, given: str | None, candidates, what: str, required: bool = True) -> str | None:
    """The column ``given`` (case-insensitive), else the first of ``candidates`` present."""
    folded = {_fold(c): c for c in columns if c != "line"}
    if given:
        if _fold(given) in folded:
            return folded[_fold(given)]
        raise InputError("The table has no column “{column}” ({what}); its columns are: {columns}.",
                         column=given, what=what, columns=preview([c for c in columns if c != "line"], 30))
    for candidate in candidates:
        if _fold(candidate) in folded:
            return folded[_fold(candidate)]
    if required:
        raise InputError("Cannot tell which column holds the {what}; name it in the parameters "
                         "(columns: {columns}).", what=what,
                         columns=preview([c for c in columns if c != "line"], 30))
    return None


def split_year_column(name: str) -> tuple[str, int] | None:
    """('GDPPC', 2019) for GDPPC_2019, GDPPC2019, 2019_GDPPC, GDPPC(2019), 人均GDP2019年."""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    for pattern in (_YEAR_SUFFIX, _YEAR_PREFIX):
        match = pattern.match(text)
        if match and match.group("stem").strip(" _-.(（"):
            return match.group("stem").strip(" _-.(（"), int(match.group("year"))
    return None


def detect_shape(columns, key: str, year: str | None, indicator: str | None, value: str | None) -> str:
    if year and indicator and value:
        return "long"
    if year:
        return "wide"
    if any(split_year_column(c) for c in columns if c not in ("line", key)):
        return "wide_years"
    return "wide"


def _years(cells: pd.Series, lines: pd.Series, column: str) -> np.ndarray:
    years = [parse_year(v) for v in cells.tolist()]
    bad = [f"line {line}: “{cell}”" for line, cell, y in zip(lines, cells, years) if y is None]
    if bad:
        raise InputError("Column “{column}” must hold a year on every row (e.g. 2019); see {rows}.",
                         column=column, rows=preview(bad, 5))
    return np.asarray(years, dtype=np.int64)


def _numeric_columns(frame: pd.DataFrame, candidates, chosen) -> tuple[list[str], list[str]]:
    """(indicator columns, skipped text columns); ``chosen`` restricts and must all be numeric."""
    if chosen:
        missing = [c for c in chosen if c not in candidates]
        if missing:
            raise InputError("The table has no indicator {names}; its columns are: {columns}.",
                             names=preview(missing), columns=preview(candidates, 30))
        return list(chosen), []
    numeric, skipped = [], []
    for column in candidates:
        (numeric if numeric_share(frame[column]) >= 0.5 else skipped).append(column)
    return numeric, skipped


def _long(frame, key, year, indicator, value, chosen, decisions) -> tuple[pd.DataFrame, list[str]]:
    names = frame[indicator].map(lambda v: unicodedata.normalize("NFKC", str(v)).strip() if v is not None else "")
    if chosen:
        unknown = sorted(set(chosen) - set(names))
        if unknown:
            raise InputError("The table has no indicator {names}; it has: {available}.",
                             names=preview(unknown), available=preview(sorted(set(names)), 30))
        keep = names.isin(chosen).to_numpy()
        frame, names = frame.loc[keep], names[keep]
    tidy = pd.DataFrame({
        "line": frame["line"].to_numpy(), "key": frame[key].to_numpy(),
        "year": _years(frame[year], frame["line"], year), "indicator": names.to_numpy(),
        "value": to_numbers(frame[value], value, frame["line"].to_numpy(), decisions),
    })
    tidy["unit"] = tidy["key"].map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    repeated = tidy[tidy.duplicated(["unit", "year", "indicator"], keep=False)]
    if len(repeated):
        rows = sorted({f"{k} {y} {i}" for k, y, i in zip(repeated.key, repeated.year, repeated.indicator)})
        raise InputError("The table repeats unit-year-indicator rows: {rows}; keep one row each.",
                         rows=preview(rows))
    order = list(dict.fromkeys(tidy["indicator"]))
    wide = tidy.pivot(index=["unit", "year"], columns="indicator", values="value")
    first = tidy.groupby(["unit", "year"]).agg(line=("line", "min"), key=("key", "first"))
    wide = first.join(wide).reset_index().sort_values("line", kind="stable")
    return wide[["line", "key", "year", *order]].reset_index(drop=True), order


def _wide_years(frame, key, chosen, decisions) -> tuple[pd.DataFrame, list[str], list[str]]:
    pairs, skipped = {}, []
    for column in frame.columns:
        if column in ("line", key):
            continue
        split = split_year_column(column)
        if split is None:
            skipped.append(column)
        else:
            pairs[column] = split
    stems = list(dict.fromkeys(stem for stem, _ in pairs.values()))
    if chosen:
        missing = [c for c in chosen if c not in stems]
        if missing:
            raise InputError("The table has no indicator {names}; it has: {available}.",
                             names=preview(missing), available=preview(stems, 30))
        stems = list(chosen)
    columns_of: dict[tuple[str, int], list] = {}
    for column, pair in pairs.items():
        if pair[0] in stems:
            columns_of.setdefault(pair, []).append(column)
    clashes = [f"{' / '.join(map(str, found))} ({stem} {year})"
               for (stem, year), found in columns_of.items() if len(found) > 1]
    if clashes:
        raise InputError("Several columns give the same indicator and year: {clashes}. Keep one column for "
                         "each, or rename the others.", clashes=preview(clashes))
    years = sorted({year for _, year in pairs.values()})
    lines = frame["line"].to_numpy()
    pieces = []
    for year in years:
        piece = pd.DataFrame({"line": lines, "key": frame[key].to_numpy(), "year": year})
        for stem in stems:
            column = next(iter(columns_of.get((stem, year), ())), None)
            piece[stem] = (to_numbers(frame[column], column, lines, decisions) if column is not None
                           else np.full(len(frame), np.nan))
        pieces.append(piece)
    tidy = pd.concat(pieces, ignore_index=True)
    return tidy, stems, skipped


def table_to_panel(frame: pd.DataFrame, key_column: str, shape: str = "auto", year_column: str | None = None,
                   indicator_column: str | None = None, value_column: str | None = None,
                   indicators=None) -> TablePanel:
    """Recognise the shape of ``frame`` (cells from :mod:`tables`) and return the canonical panel."""
    if shape not in TABLE_SHAPES:
        raise InputError("Unknown table layout “{layout}”; use one of {layouts}.", layout=shape,
                         layouts=", ".join(TABLE_SHAPES))
    columns = list(frame.columns)
    key = find_column(columns, key_column, (), Message("unit codes or names"))
    year = find_column(columns, year_column, YEAR_NAMES, Message("years"), required=shape in ("long", "wide") and
                       bool(year_column))
    if shape == "wide_years":
        year = None
    indicator = value = None
    if shape in ("auto", "long"):
        indicator = find_column(columns, indicator_column, INDICATOR_NAMES, Message("indicator names"),
                                required=shape == "long")
        value = find_column(columns, value_column, VALUE_NAMES, Message("values"), required=shape == "long")
        if shape == "long" and year is None:
            year = find_column(columns, None, YEAR_NAMES, Message("years"))
    chosen = [str(c) for c in indicators] if indicators else None
    found = detect_shape(columns, key, year, indicator, value) if shape == "auto" else shape
    decisions: list = []
    if found == "long":
        tidy, names = _long(frame, key, year, indicator, value, chosen, decisions)
        return TablePanel(tidy, names, "long", key, year, decisions=decisions)
    if found == "wide_years":
        tidy, names, skipped = _wide_years(frame, key, chosen, decisions)
        return TablePanel(tidy, names, "wide_years", key, None, skipped, decisions)
    identifiers = {_fold(c) for c in CODE_NAMES + NAME_NAMES}
    candidates = [c for c in columns if c not in ("line", key, year) and (chosen or _fold(c) not in identifiers)]
    names, skipped = _numeric_columns(frame, candidates, chosen)
    skipped = [c for c in columns if c not in ("line", key, year) and c not in names]
    if not names:
        if year:
            raise InputError("The table has no numeric indicator columns besides {key} and {year}; check the "
                             "layout and the delimiter.", key=key, year=year)
        raise InputError("The table has no numeric indicator columns besides {key}; check the layout and the "
                         "delimiter.", key=key)
    lines = frame["line"].to_numpy()
    tidy = pd.DataFrame({"line": lines, "key": frame[key].to_numpy(),
                         "year": _years(frame[year], frame["line"], year) if year else None})
    for name in names:
        tidy[name] = to_numbers(frame[name], name, lines, decisions)
    return TablePanel(tidy, names, "wide", key, year, skipped, decisions)
