"""Numbers as yearbooks write them: '1,234.5', '１２．５', '12.5%', '-', '…', blank.

``to_numbers`` turns a column of cells into floats. Blanks and the usual "no data"
marks become NaN; anything else that is not a number is reported (column, line, value)
rather than silently turned into NaN.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from ..errors import InputError, preview

#: Cells that mean "no data" in yearbooks and spreadsheet exports (compared after NFKC,
#: whitespace stripped, case-folded).
MISSING_MARKS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "…", "...", "……", "na", "n/a", "nan", "null", "none",
    "#n/a", "#value!", "#div/0!", "/", "无", "缺", "缺失", "暂无", "x", "*",
})
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(value) -> float | None:
    """A float, NaN for a missing mark, or None when the cell is not a number."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    if text.casefold() in MISSING_MARKS:
        return np.nan
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    if text.endswith("%"):
        text = text[:-1].strip()
    try:
        return float(text)
    except ValueError:
        return None


def to_numbers(cells: pd.Series, column: str, lines=None) -> np.ndarray:
    """The column as floats; an error naming the column and the offending lines otherwise."""
    parsed = [parse_number(v) for v in cells.tolist()]
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
    """Share of the non-missing cells that are numbers (0 when every cell is missing)."""
    parsed = [parse_number(v) for v in cells.tolist()]
    present = [v for v in parsed if v is None or not np.isnan(v)]
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
