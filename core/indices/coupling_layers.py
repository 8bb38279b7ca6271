"""Coupling coordination on a layer's table: wide (``DEI_YYYY``/``URI_YYYY``), long, or one year.

Output stems (per year ``STEM_YYYY`` on a wide layer, plain on a long layer or for
single fields): CPL coupling degree C, CPT comprehensive index T, CCD coupling
coordination degree D, CCL level 1–10, CCT the level's name (Chinese and English).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import finite_or_missing, split_year_field, year_columns, year_field
from .coupling import coupling_coordination, level_label, rescale

STEMS = {
    "CPL": Message("Coupling degree C (耦合度)"),
    "CPT": Message("Comprehensive development index T (综合发展指数)"),
    "CCD": Message("Coupling coordination degree D (耦合协调度)"),
    "CCL": Message("Coordination level 1–10 (协调等级)"),
    "CCT": Message("Coordination type (协调类型)"),
}


@dataclass
class LayerCoupling:
    frame: pd.DataFrame
    aliases: dict[str, str]
    years: list
    year_field: str | None = None
    wide: bool = False
    warnings: list[str] = field(default_factory=list)


def _pairs(frame, field_a: str, field_b: str, all_years: bool, warnings) -> list[tuple[object, str, str]]:
    split_a, split_b = split_year_field(field_a), split_year_field(field_b)
    if not all_years or not (split_a and split_b):
        year = split_a[1] if split_a and split_b and split_a[1] == split_b[1] else None
        return [(year, field_a, field_b)]
    years_a = year_columns(frame.columns, split_a[0])
    years_b = year_columns(frame.columns, split_b[0])
    common = sorted(set(years_a) & set(years_b))
    only = sorted(set(years_a) ^ set(years_b))
    if only:
        warnings.append(Message("Years with only one of the two indices were skipped: {years}.", years=preview(only)))
    if not common:
        raise InputError("{a} and {b} have no year in common; choose fields of the same years.",
                         a=split_a[0], b=split_b[0])
    return [(year, years_a[year], years_b[year]) for year in common]


def coupling_on_layer(frame: pd.DataFrame, field_a: str, field_b: str, alpha: float = 0.5, all_years: bool = True,
                      year_name: str | None = None, rescaled: bool = False) -> LayerCoupling:
    for name in (field_a, field_b):
        if name not in frame.columns:
            raise InputError("The layer has no field {field}.", field=name)
        if not pd.api.types.is_numeric_dtype(frame[name].dtype):
            raise InputError("Field {field} is not numeric; choose an index field.", field=name)
    if field_a == field_b:
        raise InputError("Choose two different indices.")
    warnings: list[str] = []
    pairs = [(None, field_a, field_b)] if year_name else _pairs(frame, field_a, field_b, all_years, warnings)
    values, infinite = finite_or_missing(np.column_stack([
        np.concatenate([frame[a].to_numpy(float) for _, a, _ in pairs]),
        np.concatenate([frame[b].to_numpy(float) for _, _, b in pairs])]))
    if infinite.any():
        rows, columns = np.nonzero(infinite)
        cells = [f"{pairs[r // len(frame)][1 + c]} fid {frame.index[r % len(frame)]}" for r, c in zip(rows, columns)]
        warnings.append(Message("{count} values are not finite numbers (±inf) and were treated as missing (the "
                                "results of those features are NULL): {cells}.", count=len(cells),
                                cells=preview(cells, 8)))
    if rescaled:
        values = rescale(values)
    found = coupling_coordination(values, [alpha, 1 - alpha], names=[field_a, field_b])
    count = len(frame)
    columns, aliases = {}, {}
    wide = not year_name and pairs[0][0] is not None
    for position, (year, _, _) in enumerate(pairs):
        part = slice(position * count, (position + 1) * count)
        level = found.level[part]
        block = {"CPL": found.c[part], "CPT": found.t[part], "CCD": found.d[part],
                 "CCL": pd.array([int(v) if v else None for v in level], dtype="Int64"),  # NULL without data
                 "CCT": np.array([level_label(int(v)) or None for v in level], dtype=object)}
        for stem, data in block.items():
            name = year_field(stem, year) if wide else stem
            columns[name] = data
            aliases[name] = Message("{label} {year}", label=STEMS[stem], year=year) if wide else STEMS[stem]
    order = sorted(columns, key=lambda name: list(STEMS).index(name.split("_")[0]))  # stable: years stay sorted
    new = pd.DataFrame({name: columns[name] for name in order}, index=frame.index)
    replaced = [c for c in new.columns if c in frame.columns]
    if replaced:
        warnings.append(Message("Fields already in the layer were replaced: {fields}.", fields=preview(replaced)))
    out = frame.drop(columns=replaced).join(new)
    if year_name:
        years = sorted(int(y) for y in frame[year_name].dropna().unique())
    else:
        years = [year for year, _, _ in pairs]
    return LayerCoupling(out, aliases, years, year_name, wide, warnings)
