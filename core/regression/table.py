"""Paper-style regression tables: coefficients with stars, standard errors in parentheses.

The layout economists expect — one column per model, for each variable a row with the
coefficient and its significance stars and a row below with the standard error in
parentheses — as plain rows that any report writer can render, plus the same numbers
in long form for CSV output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Significance levels of the stars (*** 1 %, ** 5 %, * 10 %), the usual convention.
STAR_LEVELS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))


def stars(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def number(value: float, digits: int = 4) -> str:
    """A coefficient as papers print it (fixed decimals; tiny values in scientific notation)."""
    if value is None or not math.isfinite(value):
        return ""
    if value != 0 and abs(value) < 10 ** (1 - digits):
        # small values keep three significant digits in fixed notation (0.0000626)
        decimals = digits + math.floor(-math.log10(abs(value))) - 1
        return f"{value:.{min(decimals, 12)}f}"
    return f"{value:.{digits}f}"


def p_value(p: float) -> str:
    """A p-value as papers print it: three decimals, '< 0.001' below that."""
    if p is None or not math.isfinite(p):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


@dataclass
class Column:
    """One model of a table: its coefficients by variable name."""

    title: str
    coef: dict  # name -> (coefficient, standard error, p-value)
    footer: dict  # footer label -> text (N, R², fixed effects...)


def column(title: str, names, coef, se, p, footer: dict | None = None) -> Column:
    values = {name: (float(c), float(s), float(q)) for name, c, s, q in zip(names, coef, se, p)}
    return Column(title, values, dict(footer or {}))


def paper_rows(columns: list[Column], variables: list[str], labels: dict | None = None,
               digits: int = 4) -> list[list[str]]:
    """Rows of the table: per variable a coefficient row and a standard-error row, then the
    footer rows (in the order they first appear among the columns)."""
    labels = labels or {}
    rows = []
    for name in variables:
        if not any(name in c.coef for c in columns):
            continue
        estimate_row, error_row = [labels.get(name, name)], [""]
        for c in columns:
            if name in c.coef:
                value, se, p = c.coef[name]
                estimate_row.append(number(value, digits) + stars(p))
                error_row.append(f"({number(se, digits)})" if np.isfinite(se) else "")
            else:
                estimate_row.append("")
                error_row.append("")
        rows += [estimate_row, error_row]
    footers = list(dict.fromkeys(key for c in columns for key in c.footer))
    for key in footers:
        rows.append([key, *[str(c.footer.get(key, "")) for c in columns]])
    return rows
