"""Composite indices on a layer's table, whatever its panel shape.

* long (a year field): one row per unit and year; the indices are added as plain fields;
* wide (``STEM_YYYY`` fields for every indicator code): reshaped to long, indexed, and
  written back as ``<index stem>_YYYY`` fields;
* cross-section (plain indicator fields, no years): plain fields.

Fields of the layer with the same names as the outputs (a second run) are replaced,
with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import panel_stems, year_field
from .composite import CompositeResult, IndexOptions, build_indices, check_numeric
from .system import IndicatorSystem
from .table_shapes import YEAR_NAMES


@dataclass
class LayerIndices:
    frame: pd.DataFrame
    result: CompositeResult
    years: list  # ascending; [None] for a cross-section
    aliases: dict[str, str]
    year_field: str | None = None
    wide: bool = False

    def fields_of(self, stem: str) -> str:
        """'URI_2011 … URI_2019' or 'URI' (for messages)."""
        if not self.wide or self.years == [None]:
            return stem
        return f"{year_field(stem, self.years[0])} … {year_field(stem, self.years[-1])}"

    def latest_values(self, stem: str) -> np.ndarray:
        latest = self.years[-1]
        if self.wide:
            return self.frame[year_field(stem, latest)].to_numpy(dtype=float)
        if self.year_field:
            return self.frame.loc[self.frame[self.year_field] == latest, stem].to_numpy(dtype=float)
        return self.frame[stem].to_numpy(dtype=float)


def _replace(frame: pd.DataFrame, new: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    replaced = [c for c in new.columns if c in frame.columns]
    if replaced:
        warnings.append(Message("Fields already in the layer were replaced: {fields}.", fields=preview(replaced)))
    return frame.drop(columns=replaced).join(new)


def _stack(frame: pd.DataFrame, stems: dict, codes, id_field: str | None) -> tuple[pd.DataFrame, list[int]]:
    """The long panel (year-major blocks of the layer's rows) of ``codes``, built column by column
    with numpy (the same rows as ``core.panel.wide_to_long``, without its per-year frames)."""
    years = sorted({year for code in codes for year in stems[code]})
    check_numeric(frame, [stems[code][year] for code in codes for year in sorted(stems[code])])
    count = len(frame)
    units = frame[id_field].to_numpy() if id_field else frame.index.to_numpy()
    data = {"unit" if not id_field else id_field: np.tile(units, len(years)),
            "year": np.repeat(np.asarray(years, dtype=np.int64), count)}
    empty = np.full(count, np.nan)
    for code in codes:
        data[code] = np.concatenate([frame[stems[code][year]].to_numpy(dtype=float) if year in stems[code] else empty
                                     for year in years])
    return pd.DataFrame(data), years


def _check_cross_section(frame: pd.DataFrame, id_field: str | None) -> str | None:
    """For a layer read as a cross-section: an error when the unit ids repeat, and the name of
    a field that looks like the year field of a long layer (several different years), if any."""
    if id_field:
        ids = frame[id_field]
        repeated = ids[ids.duplicated(keep=False) & ids.notna()]
        if len(repeated):
            raise InputError("The unit id field {field} repeats values ({values}), so the layer is not a cross-section "
                             "of one feature per unit; if it has one feature per unit and year, choose its year field.",
                             field=id_field, values=preview(list(dict.fromkeys(repeated.tolist()))))
    for column in frame.columns:
        if (isinstance(column, str) and column.strip().casefold() in YEAR_NAMES
                and pd.api.types.is_numeric_dtype(frame[column].dtype) and frame[column].nunique() > 1):
            return column
    return None


def indices_on_layer(frame: pd.DataFrame, system: IndicatorSystem, options: IndexOptions | None = None,
                     id_field: str | None = None, year_name: str | None = None, progress=None) -> LayerIndices:
    codes = system.codes
    if year_name:
        if year_name not in frame.columns:
            raise InputError("The layer has no year field {field}.", field=year_name)
        years = frame[year_name]
        if years.isna().any():
            raise InputError("The year field {field} is empty on some features; fill it in.", field=year_name)
        result = build_indices(frame, system, options, id_field, year_name, progress)
        out = _replace(frame, result.scores, result.warnings)
        aliases = dict(result.labels)
        return LayerIndices(out, result, sorted(int(y) for y in years.unique()), aliases, year_name)
    stems = panel_stems(frame.columns)
    if all(code in stems for code in codes):
        unit = id_field or "unit"
        long, years = _stack(frame, stems, codes, id_field)
        result = build_indices(long, system, options, unit, "year", progress)
        count = len(frame)
        columns, aliases = {}, {}
        for stem, label in result.labels.items():
            grid = result.scores[stem].to_numpy().reshape(len(years), count)
            for position, year in enumerate(years):
                name = year_field(stem, year)
                columns[name] = grid[position]
                aliases[name] = Message("{label} {year}", label=label, year=year)
        new = pd.DataFrame(columns, index=frame.index)
        return LayerIndices(_replace(frame, new, result.warnings), result, years, aliases, None, wide=True)
    if all(code in frame.columns for code in codes):
        suspect = _check_cross_section(frame, id_field)
        result = build_indices(frame, system, options, id_field, None, progress)
        if suspect:
            result.warnings.insert(0, Message(
                "No year field was chosen, so every feature is a unit of one cross-section, but the field {field} "
                "holds {count} different years: if the layer has one feature per unit and year, choose {field} "
                "as the year field.", field=suspect, count=frame[suspect].nunique()))
        return LayerIndices(_replace(frame, result.scores, result.warnings), result, [None], dict(result.labels))
    missing = [c for c in codes if c not in stems and c not in frame.columns]
    raise InputError(
        "The layer has neither yearly fields (e.g. {example}) nor plain fields for the indicators {codes}. "
        "Yearly fields found: {stems}. Join the indicator table first, or choose the year field of a long layer.",
        example=year_field(missing[0], 2019), codes=preview(missing),
        stems=preview(list(stems), 20) if stems else Message("none"),
    )
