"""Missing indicator values: stop (default), drop the city-year, or fill with the year mean.

Whatever the policy, every missing value is listed in the result's report (unit, year,
indicator, action), so nothing happens silently. Values that are not finite numbers (±inf)
are missing values under the same policy (``core.panel.finite_or_missing``); the report says so.
"Fill" uses the mean of the other units in the same year (over all rows for a table without years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import finite_or_missing
from .options import MISSING_POLICIES as POLICIES


@dataclass
class MissingResult:
    values: np.ndarray
    keep: np.ndarray  # rows that enter the index
    report: pd.DataFrame  # unit, year, indicator, action


def handle_missing(values: np.ndarray, codes, units, years, policy: str, index: str) -> MissingResult:
    if policy not in POLICIES:
        raise InputError("Unknown missing-value policy “{policy}”; use one of {policies}.", policy=policy,
                         policies=", ".join(POLICIES))
    values, infinite = finite_or_missing(values)
    holes = np.isnan(values)
    rows, columns = np.nonzero(holes)
    year_of = (lambda r: None) if years is None else (lambda r: years[r])
    report = pd.DataFrame({
        "unit": [units[r] for r in rows], "year": [year_of(r) for r in rows],
        "indicator": [codes[c] for c in columns], "action": "",
    }, dtype=object)
    keep = np.ones(len(values), dtype=bool)
    if not len(rows):
        return MissingResult(values, keep, report)
    not_finite = infinite[rows, columns]
    if policy == "error":
        examples = [f"{units[r]}{'' if years is None else f' {years[r]}'} {codes[c]}{' (inf)' if bad else ''}"
                    for r, c, bad in zip(rows, columns, not_finite)]
        if not_finite.any():
            raise InputError(
                "Index {index}: {count} indicator values are missing, {infinite} of them because they are not "
                "finite numbers (±inf) ({examples}). Correct the data, or choose to drop those city-years or to "
                "fill them with the year mean.",
                index=index, count=len(rows), infinite=int(not_finite.sum()), examples=preview(examples, 6))
        raise InputError(
            "Index {index}: {count} indicator values are missing ({examples}). Complete the data, or choose "
            "to drop those city-years or to fill them with the year mean.",
            index=index, count=len(rows), examples=preview(examples, 6),
        )
    if policy == "drop":
        keep = ~holes.any(axis=1)
        report["action"] = pd.Series([Message("not a finite number (±inf): city-year dropped") if bad else
                                      Message("city-year dropped") for bad in not_finite], index=report.index,
                                     dtype=object)
        return MissingResult(values, keep, report)
    groups = np.zeros(len(values), dtype=np.int64) if years is None else pd.factorize(np.asarray(years))[0]
    frame = pd.DataFrame(values)
    means = frame.groupby(groups).transform("mean").to_numpy()
    empty = holes & np.isnan(means)
    if empty.any():
        pairs = sorted({f"{codes[c]}{'' if years is None else f' {years[r]}'}" for r, c in zip(*np.nonzero(empty))})
        raise InputError("Index {index}: {pairs} have no value for any unit, so there is no mean to fill "
                         "with; remove the indicator or the year.", index=index, pairs=preview(pairs))
    values[holes] = means[holes]
    report["action"] = pd.Series([
        Message("not a finite number (±inf): filled with the year mean {mean}", mean=f"{means[r, c]:.6g}") if bad
        else Message("filled with the year mean {mean}", mean=f"{means[r, c]:.6g}")
        for r, c, bad in zip(rows, columns, not_finite)], index=report.index, dtype=object)
    return MissingResult(values, keep, report)
