"""The indicator system: which indicators, their index, dimension, direction and weight.

A system is a table with one row per indicator (the sample's ``indicator_system.csv``
and the shipped templates):

``code``       the indicator: a field stem of a wide layer (``GDPPC`` for ``GDPPC_2019``)
               or a field of a long layer (required);
``index``      the composite index it belongs to (default: one index, ``composite``, stem CI);
``dimension``  its dimension within the index (default: the index itself);
``direction``  ``+`` (more is better) or ``-`` (less is better); also 1/−1, positive/negative,
               benefit/cost, 正/负 (default +);
``weight``     a fixed weight, used by the "user weights" method;
``name_en``, ``name_zh``, ``unit``  labels (optional);
``index_stem``, ``dim_stem``        explicit output stems (optional; see ``stems``).

Rows whose index is ``auxiliary`` or ``none`` are listed but belong to no index
(the sample's controls and mediator). CSV (UTF-8 or GBK) and XLSX files are read with
``tables.read_table``; the dialog's table gives the same columns as rows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..errors import Bilingual, InputError, preview
from .numbers import parse_number
from .stems import dimension_stem, index_stem

NOT_AN_INDEX = {"", "auxiliary", "none", "-", "aux", "辅助", "控制变量"}
POSITIVE = {"+", "1", "+1", "positive", "pos", "benefit", "正", "正向", "p"}
NEGATIVE = {"-", "−", "–", "-1", "negative", "neg", "cost", "负", "负向", "逆向", "n"}
COLUMNS = ("code", "index", "dimension", "direction", "weight", "name_en", "name_zh", "unit",
           "index_stem", "dim_stem")


@dataclass(frozen=True)
class Indicator:
    code: str
    index: str
    dimension: str
    direction: int  # +1 or -1
    weight: float | None = None
    name_en: str = ""
    name_zh: str = ""
    unit: str = ""

    @property
    def label(self) -> str:
        """The indicator's name in both languages (shown in the user's language by the Processing
        layer's ``core_text``), or its code when it has none."""
        if self.name_en or self.name_zh:
            return Bilingual(self.name_en, self.name_zh)
        return self.code


@dataclass
class Dimension:
    name: str
    stem: str
    label: str
    codes: list[str]


@dataclass
class IndexSpec:
    name: str
    stem: str
    label: str
    indicators: list[Indicator]
    dimensions: list[Dimension]

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]


@dataclass
class IndicatorSystem:
    indices: list[IndexSpec]
    ignored: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(code for index in self.indices for code in index.codes))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_direction(value, code: str) -> int:
    text = _text(value).casefold()
    if text in POSITIVE or text == "":
        return 1
    if text in NEGATIVE:
        return -1
    raise InputError("Indicator {code} has direction “{value}”; write + (more is better) or - (less is better).",
                     code=code, value=value)


def parse_weight(value, code: str) -> float | None:
    number = parse_number(value)
    if number is None or (number == number and number < 0):
        raise InputError("Indicator {code} has weight “{value}”; a weight is a number ≥ 0 (or empty).",
                         code=code, value=value)
    return None if number != number else number


def system_from_rows(rows: list[dict]) -> IndicatorSystem:
    """Build and check a system from dict rows (keys of :data:`COLUMNS`; missing keys allowed)."""
    indicators, ignored, explicit_index, explicit_dim = [], [], {}, {}
    for number, row in enumerate(rows, start=1):
        code = _text(row.get("code"))
        if not code:
            if any(_text(v) for v in row.values()):
                raise InputError("Row {row} of the indicator system has no indicator code; fill it in or delete "
                                 "the row.", row=number)
            continue
        index = _text(row.get("index"))
        if index.casefold() in NOT_AN_INDEX - {""}:
            ignored.append(code)
            continue
        index = index or "composite"
        dimension = _text(row.get("dimension")) or index
        indicator = Indicator(code, index, dimension, parse_direction(row.get("direction"), code),
                              parse_weight(row.get("weight"), code), _text(row.get("name_en")),
                              _text(row.get("name_zh")), _text(row.get("unit")))
        indicators.append(indicator)
        if _text(row.get("index_stem")):
            explicit_index[index] = _text(row.get("index_stem"))
        if _text(row.get("dim_stem")):
            explicit_dim[(index, dimension)] = _text(row.get("dim_stem"))
    if not indicators:
        raise InputError("The indicator system lists no indicator; give at least two (code, index, dimension, "
                         "direction).")
    seen, repeated = set(), []
    for indicator in indicators:
        pair = (indicator.index, indicator.code)
        (repeated.append(f"{indicator.code} ({indicator.index})") if pair in seen else seen.add(pair))
    if repeated:
        raise InputError("The indicator system lists an indicator twice in one index: {codes}.",
                         codes=preview(repeated))
    taken: set[str] = {i.code.upper() for i in indicators}
    indices = []
    for name in dict.fromkeys(i.index for i in indicators):
        members = [i for i in indicators if i.index == name]
        stem, label = index_stem(name, explicit_index.get(name), taken)
        taken.add(stem.upper())
        dimensions = []
        names = list(dict.fromkeys(i.dimension for i in members))
        if len(names) > 1:
            for dim in names:
                dim_stem, dim_label = dimension_stem(stem, name, dim, explicit_dim.get((name, dim)), taken)
                taken.add(dim_stem.upper())
                dimensions.append(Dimension(dim, dim_stem, dim_label, [i.code for i in members if i.dimension == dim]))
        else:
            dimensions.append(Dimension(names[0], stem, label, [i.code for i in members]))
        indices.append(IndexSpec(name, stem, label, members, dimensions))
    stems = [s.upper() for index in indices for s in {index.stem, *(d.stem for d in index.dimensions)}]
    codes = {i.code.upper() for i in indicators}
    clash = sorted({s for s in stems if stems.count(s) > 1} | (set(stems) & codes))
    if clash:
        raise InputError("The output stems {stems} are used twice or equal an indicator code; give distinct "
                         "index_stem / dim_stem values.", stems=preview(clash))
    return IndicatorSystem(indices, ignored)


def read_system(path, encoding: str = "auto") -> IndicatorSystem:
    """A system from a CSV or XLSX file with the columns of :data:`COLUMNS`."""
    from .table_shapes import find_column
    from .tables import read_table

    frame = read_table(path, encoding).frame
    columns = {}
    for column in COLUMNS:
        aliases = {"code": ("code", "indicator", "field", "指标代码", "代码", "变量"),
                   "index": ("index", "指数", "系统"), "dimension": ("dimension", "维度", "准则层"),
                   "direction": ("direction", "方向", "属性"), "weight": ("weight", "权重")}.get(column, (column,))
        found = find_column(frame.columns, None, aliases, column, required=column == "code")
        if found:
            columns[column] = found
    rows = [{key: record[name] for key, name in columns.items()} for record in frame.to_dict("records")]
    return system_from_rows(rows)


def system_from_matrix(values, width: int = 5) -> IndicatorSystem:
    """A system from the dialog's table: flat cells, ``width`` per row (code, index, dimension,
    direction, weight)."""
    cells = list(values or [])
    if len(cells) % width:
        raise InputError("The indicator table must have {width} cells per row (code, index, dimension, "
                         "direction, weight); it has {count} cells.", width=width, count=len(cells))
    keys = COLUMNS[:width]
    rows = [dict(zip(keys, cells[i:i + width])) for i in range(0, len(cells), width)]
    return system_from_rows(rows)
