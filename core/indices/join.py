"""Attach a yearly indicator table to a layer of units: match, check, reshape.

Units are matched by code (``keys.normalise_code``) or by name (``names.NameMatcher``).
The result is the layer with the panel attached, either one row per unit with
``STEM_YYYY`` columns (``shape='wide'``) or one row per unit and year (``'long'``), and a
report of everything the user should look at: table rows that match no unit or more
than one, matches made only after normalising a name, units without data, renamed
indicators, skipped text columns and cells that were not plain numbers (no-data marks and
non-finite numbers read as missing, thousands separators, percent signs).
Two table rows for one unit and year are an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import year_field
from .field_names import indicator_stems
from .keys import describe_codes, normalise_code
from .names import NameMatcher
from .numbers import decision_rows
from .options import JOIN_BY
from .options import OUTPUT_SHAPES as SHAPES
from .table_shapes import TablePanel

REPORT_COLUMNS = ("issue", "key", "unit", "lines", "detail")


@dataclass
class JoinResult:
    frame: pd.DataFrame
    aliases: dict[str, str]
    report: pd.DataFrame
    stems: dict[str, str]
    years: list
    matched_rows: int = 0
    unmatched_rows: int = 0
    units_without_data: int = 0
    warnings: list[str] = field(default_factory=list)


def _lines(lines) -> str:
    return preview(sorted(int(v) for v in lines), 8)


def _match_codes(layer_keys, table_keys) -> dict:
    codes = [normalise_code(v) for v in layer_keys]
    seen: dict[str, list[int]] = {}
    for position, code in enumerate(codes):
        if code is not None:
            seen.setdefault(code, []).append(position)
    repeated = [code for code, positions in seen.items() if len(positions) > 1]
    if repeated:
        raise InputError("The layer's key field repeats codes: {codes}; join by a unique field (e.g. adcode).",
                         codes=preview(repeated))
    result = {}
    for key in table_keys:
        code = normalise_code(key)
        units = seen.get(code, []) if code is not None else []
        result[key] = ("exact" if units else "unmatched", units)
    if table_keys and not any(status == "exact" for status, _ in result.values()):
        raise InputError(
            "No code of the table matches the layer: the table has {table} (e.g. {example}), the layer "
            "{layer} (e.g. {layer_example}). Check the key columns, or join by name.",
            table=describe_codes([normalise_code(k) for k in table_keys]), example=table_keys[0],
            layer=describe_codes(codes), layer_example=layer_keys[0] if len(layer_keys) else "",
        )
    return result


def _match_names(layer_keys, table_keys) -> dict:
    matcher = NameMatcher(layer_keys)
    result = {}
    for key in table_keys:
        match = matcher.match(key)
        result[key] = (match.status, match.units)
    if table_keys and not any(status in ("exact", "normalised") for status, _ in result.values()):
        ambiguous = sum(status == "ambiguous" for status, _ in result.values())
        raise InputError(
            "No name of the table matches exactly one unit of the layer ({ambiguous} of {count} fit several): "
            "the table has e.g. {example}, the layer e.g. {layer_example}. Check the key columns (the layer's "
            "field must hold the names), or join by code.",
            ambiguous=ambiguous, count=len(table_keys), example=table_keys[0],
            layer_example=layer_keys[0] if len(layer_keys) else "")
    return result


def join_panel(layer: pd.DataFrame, layer_key: str, panel: TablePanel, by: str = "code", shape: str = "wide",
               rename: dict[str, str] | None = None, year_name: str = "year", labels: dict | None = None) -> JoinResult:
    """Join ``panel`` to ``layer`` (a (Geo)DataFrame, one row per unit) on ``layer_key``.

    Field aliases name each indicator as the table does (宽带用户 for the field V01_2011), or by
    ``labels`` ({indicator code: name}, e.g. an indicator system's bilingual names) when the
    table's column is a known code (BBAND)."""
    if by not in JOIN_BY or shape not in SHAPES:
        raise InputError("Join by one of {by} into one of {shapes}.", by=", ".join(JOIN_BY), shapes=", ".join(SHAPES))
    if layer_key not in layer.columns:
        raise InputError("The layer has no field {field}.", field=layer_key)
    tidy = panel.frame
    layer_keys = layer[layer_key].tolist()
    table_keys = list(dict.fromkeys(tidy["key"].tolist()))
    matches = (_match_codes if by == "code" else _match_names)(layer_keys, table_keys)

    report = []
    unit_of_key = {}
    for key in table_keys:
        status, units = matches[key]
        lines = tidy.loc[tidy["key"] == key, "line"]
        if status in ("exact", "normalised"):
            unit_of_key[key] = units[0]
            if status == "normalised":
                report.append(("normalised", str(key), str(layer_keys[units[0]]), _lines(lines),
                               Message("matched after removing suffixes, spaces or ethnic designations; check it")))
        elif status == "ambiguous":
            report.append(("ambiguous", str(key), preview([layer_keys[u] for u in units]), _lines(lines),
                           Message("fits several units; not joined (join by code, or write the full name)")))
        else:
            report.append(("unmatched", str(key), "", _lines(lines), Message("fits no unit of the layer; not joined")))

    matched = tidy[tidy["key"].map(lambda k: k in unit_of_key)].copy()
    matched["unit"] = matched["key"].map(unit_of_key).astype(np.int64)
    matched["slot"] = matched["year"].fillna(-1).astype(np.int64)
    repeated = matched[matched.duplicated(["unit", "slot"], keep=False)]
    if len(repeated):
        pairs = sorted(
            (Message("{unit} (lines {lines})", unit=layer_keys[unit], lines=_lines(group["line"])) if slot < 0 else
             Message("{unit} {year} (lines {lines})", unit=layer_keys[unit], year=slot, lines=_lines(group["line"])))
            for (unit, slot), group in repeated.groupby(["unit", "slot"])
        )
        raise InputError("The table has more than one row for a unit and year: {pairs}. Keep one row each "
                         "(two spellings of one name count as the same unit).", pairs=preview(pairs, 8))

    has_data = set(matched["unit"].tolist())
    for position, key in enumerate(layer_keys):
        if position not in has_data:
            report.append(("no_data", "", str(key), "", Message("unit of the layer without any row in the table")))

    taken = [c for c in layer.columns]
    stems = indicator_stems(panel.indicators, rename)
    renamed = {name: stem for name, stem in stems.items() if stem != name}
    for name, stem in renamed.items():
        report.append(("renamed", str(name), stem, "", Message("indicator written as field stem {stem}", stem=stem)))
    for kind, column, lines, detail in decision_rows(panel.decisions):
        report.append((kind, str(column), "", _lines(lines), detail))
    for column in panel.skipped:
        report.append(("skipped_column", str(column), "", "",
                       Message("not numeric (or no year in its name); not joined")))

    years = sorted({int(y) for y in matched["year"].dropna()}) if matched["year"].notna().any() else [None]
    warnings = []
    if shape == "wide":
        frame, aliases = _wide(layer, matched, stems, years, labels)
    elif years == [None]:
        raise InputError("The table has no years, so there is one value per unit: choose one feature per "
                         "unit (wide) instead of one per unit and year.")
    else:
        frame, aliases = _long(layer, matched, stems, years, year_name, labels)
    replaced = [c for c in aliases if c in taken]
    if replaced:
        warnings.append(Message("fields already in the layer were replaced by the table's values: {fields}",
                                fields=preview(replaced)))
    report_frame = pd.DataFrame(report, columns=list(REPORT_COLUMNS), dtype=object)
    unmatched_rows = int(tidy["key"].map(lambda k: k not in unit_of_key).sum())
    return JoinResult(frame, aliases, report_frame, stems, years, matched_rows=len(matched),
                      unmatched_rows=unmatched_rows, units_without_data=len(layer_keys) - len(has_data),
                      warnings=warnings)


def _alias(name: str, stem: str, year, labels: dict | None = None) -> str:
    label = (labels or {}).get(name) or (name if name != stem else stem)
    return label if year is None else Message("{label} {year}", label=label, year=year)


def _wide(layer, matched, stems, years, labels=None):
    frame = layer.copy()
    n = len(layer)
    aliases = {}
    columns = {}
    for name, stem in stems.items():
        for year in years:
            rows = matched if year is None else matched[matched["year"] == year]
            values = np.full(n, np.nan)
            values[rows["unit"].to_numpy()] = rows[name].to_numpy(dtype=float)
            column = stem if year is None else year_field(stem, year)
            columns[column] = values
            aliases[column] = _alias(name, stem, year, labels)
    new = pd.DataFrame(columns, index=frame.index)
    frame = frame.drop(columns=[c for c in new.columns if c in frame.columns]).join(new)
    return frame, aliases


def _long(layer, matched, stems, years, year_name, labels=None):
    n = len(layer)
    count = len(years)
    positions = np.repeat(np.arange(n), count)
    frame = layer.iloc[positions].copy()
    frame = frame.drop(columns=[c for c in [year_name, *stems.values()] if c in frame.columns])
    frame[year_name] = np.tile(np.asarray(years, dtype=np.int64), n)
    slot = {y: i for i, y in enumerate(years)}
    aliases = {year_name: Message("Year")}
    for name, stem in stems.items():
        values = np.full(n * count, np.nan)
        year_slots = matched["slot"].map(slot)
        values[matched["unit"].to_numpy() * count + year_slots.to_numpy(dtype=np.int64)] = \
            matched[name].to_numpy(dtype=float)
        frame[stem] = values
        aliases[stem] = _alias(name, stem, None, labels)
    frame.index = pd.RangeIndex(len(frame), name=layer.index.name)
    return frame, aliases
