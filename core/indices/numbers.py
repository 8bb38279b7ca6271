"""Numbers as yearbooks write them: '1,234.5', '１２．５', '12.5%', '-', '…', blank.

``read_number`` is the one place that reads a yearbook cell as a number: it returns the
float and the decision it took when the cell was not a plain number (a "no data" mark read
as missing, ``1,234.5`` read with a thousands separator, ``12.5%`` read as 12.5, ``inf``
read as missing because only finite numbers are values). ``to_numbers`` turns a column of
cells into floats and collects those decisions (column, line, cell, kind) for the join
report; anything else that is not a number is an error naming the column and lines,
rather than silently turned into NaN.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview

#: Cells that mean "no data" in yearbooks and spreadsheet exports (compared after NFKC,
#: whitespace stripped, case-folded).
MISSING_MARKS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "…", "...", "……", "na", "n/a", "nan", "null", "none",
    "#n/a", "#value!", "#div/0!", "/", "无", "缺", "缺失", "暂无", "x", "*",
})
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

#: Decisions ``read_number`` reports (the cell was not a plain number).
MISSING_MARK, NOT_FINITE, THOUSANDS_SEPARATOR, PERCENT = "missing_mark", "not_finite", "thousands", "percent"


def read_number(value) -> tuple[float | None, str | None]:
    """(number, decision): a finite float or NaN (missing), None when the cell is not a number;
    the decision is None for a plain number or a blank, else one of MISSING_MARK, NOT_FINITE,
    THOUSANDS_SEPARATOR, PERCENT."""
    if value.__class__ is str:
        # Most cells are plain numbers: Python's float() reads them as the full path below would (it
        # also strips whitespace and reads Unicode digits; every missing mark, separator and percent
        # sign makes it fail, and "nan"/"inf" are not finite), in a tenth of the time (a panel of
        # 3,303 rows × 32 indicators: 0.8 s → 0.1 s).
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number, None
    if value is None:
        return np.nan, None
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if np.isnan(number):
            return np.nan, None  # an empty spreadsheet cell
        return (number, None) if np.isfinite(number) else (np.nan, NOT_FINITE)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    if not text:
        return np.nan, None
    if text.casefold() in MISSING_MARKS:
        return np.nan, MISSING_MARK
    decision = None
    if THOUSANDS.match(text):
        text, decision = text.replace(",", ""), THOUSANDS_SEPARATOR
    if text.endswith("%"):
        text, decision = text[:-1].strip(), PERCENT
    try:
        number = float(text)
    except ValueError:
        return None, None
    if not np.isfinite(number):  # "inf", "-Infinity", "1e999"
        return np.nan, NOT_FINITE
    return number, decision


def parse_number(value) -> float | None:
    """A float, NaN for a missing mark (or a non-finite number), or None when the cell is not a number."""
    return read_number(value)[0]


def to_numbers(cells: pd.Series, column: str, lines=None, decisions: list | None = None) -> np.ndarray:
    """The column as floats; an error naming the column and the offending lines otherwise.

    ``decisions``, when given, receives ``(column, line, cell, kind)`` for every cell that was
    not a plain number or a blank (see :func:`read_number`)."""
    read = [read_number(v) for v in cells.tolist()]
    parsed = [number for number, _ in read]
    if decisions is not None:
        decisions.extend((column, lines[i] if lines is not None else i + 1, cells.iloc[i], kind)
                         for i, (_, kind) in enumerate(read) if kind)
    bad = [i for i, v in enumerate(parsed) if v is None]
    if bad:
        where = [f"line {lines[i]}: “{cells.iloc[i]}”" if lines is not None else f"“{cells.iloc[i]}”"
                 for i in bad]
        raise InputError(
            "Column “{column}” holds values that are not numbers ({examples}); correct them, or leave "
            "the cell empty for missing data.",
            column=column, examples=preview(where, 5),
        )
    return np.asarray(parsed, dtype=float)


def numeric_share(cells: pd.Series) -> float:
    """Share of the non-missing cells that are numbers (0 when every cell is missing); a non-finite
    number (``inf``) counts as a number, so that its column is read (and the cell reported)."""
    read = [read_number(v) for v in cells.tolist()]
    present = [v for v, kind in read if v is None or not np.isnan(v) or kind == NOT_FINITE]
    if not present:
        return 0.0
    return sum(v is not None for v in present) / len(present)


def parse_year(value) -> int | None:
    """2019 from 2019, 2019.0, '2019', '2019年', ' 2019 '; None otherwise."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        year = int(value)
    elif isinstance(value, (float, np.floating)) and float(value).is_integer():
        year = int(value)
    else:
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
        match = re.fullmatch(r"(\d{4})(?:\.0+)?\s*年?(?:度)?", text)
        if not match:
            return None
        year = int(match.group(1))
    return year if 1800 <= year <= 2200 else None


def decision_rows(decisions) -> list[tuple[str, str, list, Message]]:
    """The join report's rows for :func:`to_numbers` decisions: (kind, column, lines, detail),
    one per column and kind, with up to three of the cells as examples."""
    grouped: dict[tuple, list] = {}
    for column, line, cell, kind in decisions:
        grouped.setdefault((kind, column), []).append((line, cell))
    rows = []
    for (kind, column), found in grouped.items():
        cells = list(dict.fromkeys(str(cell) for _, cell in found))
        shown = preview([f"“{c}”" for c in cells], 3)
        if kind == MISSING_MARK:
            detail = Message("no-data marks read as missing: {cells}", cells=shown)
        elif kind == NOT_FINITE:
            detail = Message("not finite numbers, read as missing: {cells}", cells=shown)
        elif kind == THOUSANDS_SEPARATOR:
            examples = preview([f"“{c}” → {parse_number(c):g}" for c in cells], 3)
            detail = Message("read with “,” as the thousands separator: {examples}", examples=examples)
        else:
            examples = preview([f"“{c}” → {parse_number(c):g}" for c in cells], 3)
            detail = Message("the % sign was dropped (not divided by 100): {examples}", examples=examples)
        rows.append((kind, column, [line for line, _ in found], detail))
    return rows
