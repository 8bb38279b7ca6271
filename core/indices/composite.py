"""Composite indices from a panel and an indicator system (the ``compositeindex`` core).

For each index of the system:

1. its indicators' values are taken from the panel (one row per unit and year);
   missing values follow the policy of :mod:`missing`;
2. rows are split into blocks: all city-years together (``pooled``, default: one set of
   weights and one min/max for every year, so the index is comparable over time), or
   one block per year (``per_year``);
3. in each block, constant indicators are dropped (and reported), the values are
   standardised by direction (:mod:`standardise`), and weights are estimated with the
   chosen method on the min–max matrix (entropy, CRITIC), the raw values (coefficient of
   variation) or not at all (equal, user);
4. index = Σ_j w_j y_ij; the sub-index of a dimension is the same sum over its
   indicators, so the dimension sub-indices add up to the index. With min–max the index
   is on [0, 1]; with the z-score option y is the directed z-score;
5. optionally the TOPSIS closeness on the same weighted matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..panel import check_unit_years
from ..progress import report
from .critic import critic_weights
from .entropy import DEFAULT_SHIFT, entropy_weights
from .fixed import equal_weights, user_weights
from .missing import handle_missing
from .options import METHODS, POOLING, STANDARDISATIONS
from .standardise import constant_columns, minmax, zscore
from .stems import topsis_stem
from .system import IndexSpec, IndicatorSystem
from .topsis import topsis
from .variation import cv_weights

WEIGHT_COLUMNS = ("index", "dimension", "indicator", "name", "direction", "year", "method", "entropy",
                  "diverg", "sd", "conflict", "info", "cv", "weight", "rank", "dim_weight")


@dataclass
class IndexOptions:
    method: str = "entropy"
    standardisation: str = "minmax"
    shift: float = DEFAULT_SHIFT
    pooling: str = "pooled"
    missing: str = "error"
    topsis: bool = False

    def check(self) -> None:
        for value, allowed, what in ((self.method, METHODS, Message("weighting method")),
                                     (self.standardisation, STANDARDISATIONS, Message("standardisation")),
                                     (self.pooling, POOLING, Message("pooling"))):
            if value not in allowed:
                raise InputError("Unknown {what} “{value}”; use one of {allowed}.", what=what, value=value,
                                 allowed=", ".join(allowed))
        if not (0 <= self.shift < 1):
            raise InputError("The entropy shift must be ≥ 0 and < 1 (usually 0.0001); it is {shift}.",
                             shift=self.shift)


@dataclass
class CompositeResult:
    scores: pd.DataFrame  # one column per output stem, rows aligned with the panel
    weights: pd.DataFrame  # WEIGHT_COLUMNS
    labels: dict[str, str]  # stem -> label
    missing: pd.DataFrame  # unit, year, indicator, action
    warnings: list[str] = field(default_factory=list)
    stems: dict[str, list[str]] = field(default_factory=dict)  # index stem -> all its output stems


def check_numeric(frame: pd.DataFrame, fields) -> None:
    """An error naming the ``fields`` of ``frame`` that do not hold numbers."""
    text = [c for c in fields if not pd.api.types.is_numeric_dtype(frame[c].dtype)
            or pd.api.types.is_bool_dtype(frame[c].dtype)]
    if text:
        raise InputError("Indicators {codes} are not numeric fields; convert them to numbers (Field "
                         "calculator: to_real) or fix the join.", codes=preview(text))


def check_panel(panel: pd.DataFrame, system: IndicatorSystem, unit_column: str | None, year_column: str | None):
    codes = system.codes
    missing = [c for c in codes if c not in panel.columns]
    if missing:
        raise InputError("The layer has no indicator {codes}; the indicator system needs them. Indicators found: "
                         "{available}.", codes=preview(missing), available=preview(
                             [c for c in panel.columns if c not in (unit_column, year_column)], 30))
    check_numeric(panel, codes)
    if unit_column and year_column:
        known = panel[unit_column].notna()
        check_unit_years(panel.loc[known, unit_column], panel.loc[known, year_column])
    if unit_column:
        units = panel[unit_column].nunique()
    elif year_column:  # no unit ids: a year holds each unit once, so its rows count the units
        units = int(panel[year_column].value_counts().max()) if len(panel) else 0
    else:
        units = len(panel)
    if units < 2:
        raise InputError("A composite index compares units, so it needs at least two; the layer has {n}.",
                         n=units)


def build_indices(panel: pd.DataFrame, system: IndicatorSystem, options: IndexOptions | None = None,
                  unit_column: str | None = None, year_column: str | None = None,
                  progress=None) -> CompositeResult:
    """Indices, dimension sub-indices (and TOPSIS) for every row of ``panel``."""
    options = options or IndexOptions()
    options.check()
    check_panel(panel, system, unit_column, year_column)
    units = panel[unit_column].to_numpy() if unit_column else np.arange(len(panel))
    years = panel[year_column].to_numpy() if year_column else None
    scores, weight_rows, labels, missing, warnings, stems = {}, [], {}, [], [], {}
    taken = {c.upper() for c in system.codes} | {
        s.upper() for index in system.indices for s in (index.stem, *(d.stem for d in index.dimensions))}
    for number, index in enumerate(system.indices):
        report(progress, number / len(system.indices))
        result = _one_index(panel, index, options, units, years, taken, warnings)
        columns, rows, index_labels, index_missing = result
        scores.update(columns)
        weight_rows.extend(rows)
        labels.update(index_labels)
        stems[index.stem] = list(columns)
        if len(index_missing):
            missing.append(index_missing.assign(index=index.name))
    report(progress, 1.0)
    weights = pd.DataFrame(weight_rows, columns=list(WEIGHT_COLUMNS))
    # Object dtype keeps the names' Bilingual type (a pandas string column may store plain str).
    weights["name"] = pd.Series([row[3] for row in weight_rows], index=weights.index, dtype=object)
    missing_frame = (pd.concat(missing, ignore_index=True) if missing else
                     pd.DataFrame(columns=["unit", "year", "indicator", "action", "index"], dtype=object))
    return CompositeResult(pd.DataFrame(scores, index=panel.index), weights, labels, missing_frame, warnings, stems)


def _blocks(keep: np.ndarray, years, pooling: str) -> list[tuple[object, np.ndarray | slice]]:
    if (pooling == "pooled" or years is None) and keep.all():
        return [(None, slice(None))]  # every row: a view, no copy
    rows = np.flatnonzero(keep)
    if pooling == "pooled" or years is None:
        return [(None, rows)]
    kept_years = years[rows]
    return [(year, rows[kept_years == year]) for year in sorted(set(kept_years.tolist()))]


def _weights(method: str, matrix: np.ndarray, raw: np.ndarray, codes, index: IndexSpec, members, shift):
    """(weights, statistics columns) for one block."""
    m = len(codes)
    stats = {key: np.full(m, np.nan) for key in ("entropy", "diverg", "sd", "conflict", "info", "cv")}
    if method == "entropy":
        found = entropy_weights(matrix, shift)
        stats.update(entropy=found.entropy, diverg=found.divergence)
        return found.weights, stats
    if method == "critic":
        found = critic_weights(matrix)
        stats.update(sd=found.sd, conflict=found.conflict, info=found.information)
        return found.weights, stats
    if method == "cv":
        found = cv_weights(raw, codes)
        stats.update(sd=found.sd, cv=found.cv)
        return found.weights, stats
    if method == "equal":
        return equal_weights(m), stats
    return user_weights([i.weight for i in members], codes, index.name), stats


def _one_index(panel, index: IndexSpec, options: IndexOptions, units, years, taken, warnings):
    codes = index.codes
    directions = np.array([i.direction for i in index.indicators], dtype=float)
    dimension_of = {code: d for d in index.dimensions for code in d.codes}
    handled = handle_missing(panel[codes].to_numpy(dtype=float), codes, units, years, options.missing, index.name)
    n = len(panel)
    overall = np.full(n, np.nan)
    parts = {d.stem: np.full(n, np.nan) for d in index.dimensions if d.stem != index.stem}
    closeness = np.full(n, np.nan) if options.topsis else None
    rows = []
    for year, block in _blocks(handled.keep, years, options.pooling):
        raw = handled.values[block]
        block_units = units[block]
        if len(block_units) == 0 or (block_units == block_units[0]).all():
            raise InputError("Index {index}{year}: fewer than two units have data, so there is nothing to compare.",
                             index=index.name, year="" if year is None else f" {year}")
        constant = constant_columns(raw)
        if constant.any():
            dropped = [codes[j] for j in np.flatnonzero(constant)]
            warnings.append(
                Message("Index {index}: indicators with the same value for every unit were dropped: {codes}.",
                        index=index.name, codes=preview(dropped)) if year is None else
                Message("Index {index} ({year}): indicators with the same value for every unit were dropped: "
                        "{codes}.", index=index.name, year=year, codes=preview(dropped)))
        active = np.flatnonzero(~constant)
        empty = [d.name for d in index.dimensions if not any(codes[j] in d.codes for j in active)]
        if empty:
            raise InputError("Index {index}{year}: dimension {dimensions} has no usable indicator (all are "
                             "constant or absent); add indicators or remove the dimension.", index=index.name,
                             year="" if year is None else f" {year}", dimensions=preview(empty))
        active_codes = [codes[j] for j in active]
        members = [index.indicators[j] for j in active]
        standardised = minmax(raw[:, active], directions[active])
        values = standardised if options.standardisation == "minmax" else zscore(raw[:, active], directions[active])
        weights, stats = _weights(options.method, standardised, raw[:, active], active_codes, index, members,
                                  options.shift)
        overall[block] = values @ weights
        for dimension in index.dimensions:
            if dimension.stem in parts:
                mask = np.array([dimension_of[c] is dimension for c in active_codes])
                parts[dimension.stem][block] = values @ np.where(mask, weights, 0.0)
        if closeness is not None:
            closeness[block] = topsis(values, weights)
        ranks = pd.Series(-weights).rank(method="min").astype(int).to_numpy()
        dim_total = {d.name: sum(w for c, w in zip(active_codes, weights) if dimension_of[c] is d)
                     for d in index.dimensions}
        for j, (code, member) in enumerate(zip(active_codes, members)):
            rows.append((index.name, member.dimension, code, member.label, "+" if member.direction > 0 else "-",
                         year, options.method, *(float(stats[k][j]) for k in
                                                  ("entropy", "diverg", "sd", "conflict", "info", "cv")),
                         float(weights[j]), int(ranks[j]), float(dim_total[member.dimension])))
    columns = {index.stem: overall, **parts}
    labels = {index.stem: index.label, **{d.stem: d.label for d in index.dimensions if d.stem in parts}}
    if closeness is not None:
        stem = topsis_stem(index.stem, taken)
        taken.add(stem.upper())
        columns[stem] = closeness
        labels[stem] = Message("{index}, TOPSIS closeness", index=index.label)
    return columns, rows, labels, handled.report
