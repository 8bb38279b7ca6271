"""How a planner's tables name their units: the name and code columns of a layer or a
yearbook table, and the label a message gives a unit ("三沙市 (460300)").

Yearbook tables (中国城市统计年鉴 and provincial yearbooks) head the city column 城市, 城市名称,
地区 or 地级市 and the code column 行政区划代码 or 代码; GIS layers use name/NAME and adcode.
"""

from __future__ import annotations

#: Column names of a unit's name, in order of preference (compared case-insensitively).
NAME_FIELDS = ("name", "name_zh", "city", "city_name", "名称", "城市", "城市名称", "城市名", "地区", "地区名称",
               "地级市", "市", "nl_name_2")
#: Column names of a unit's administrative code, in order of preference.
CODE_FIELDS = ("adcode", "行政区划代码", "区划代码", "代码", "城市代码", "地区代码", "code", "city_code", "gb")
#: Column names of a year.
YEAR_FIELDS = ("year", "年份", "年度", "年", "时间", "统计年度")


def _normal(name) -> str:
    return str(name).strip().lower()


def find_column(columns, candidates) -> str | None:
    """The first of ``columns`` whose name is one of ``candidates`` (by the candidates' order)."""
    by_name = {}
    for column in columns:
        by_name.setdefault(_normal(column), column)
    for candidate in candidates:
        if candidate.lower() in by_name:
            return by_name[candidate.lower()]
    return None


def name_column(columns) -> str | None:
    """The column that names the units (name, 城市, 城市名称, 地区 …), or None."""
    return find_column(columns, NAME_FIELDS)


def code_column(columns) -> str | None:
    """The column of the units' administrative codes (adcode, 行政区划代码, 代码 …), or None."""
    return find_column(columns, CODE_FIELDS)


def _text(value) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def unit_labels(frame, ids, id_field: str | None = None, name_field: str | None = None) -> dict:
    """``{id: label}`` for messages: "三沙市 (460300)" — the unit's name (``name_field``, else a
    name column of ``frame``) and its code (the id field, else a code column, else the id
    itself). ``frame``'s rows are the units of ``ids``, in that order."""
    columns = list(frame.columns)
    names = name_field or name_column(columns)
    code = id_field or code_column(columns)
    ids = list(ids)
    # the columns as Python lists once (a pandas lookup per row took 4 s for 100,000 units)
    name_values = frame[names].tolist() if names else [None] * len(ids)
    code_values = frame[code].tolist() if code else [None] * len(ids)
    labels = {}
    for unit, name_value, code_value in zip(ids, name_values, code_values):
        name = _text(name_value)
        key = (_text(code_value) if code else "") or _text(unit)
        labels[unit] = f"{name} ({key})" if name and name != key else key
    return labels


def labelled(ids, labels: dict | None) -> list[str]:
    """The labels of ``ids`` (the id itself where ``labels`` has none)."""
    labels = labels or {}
    return [labels.get(unit, str(unit)) for unit in ids]


def year_column(columns) -> str | None:
    """The column of years (year, 年份, 年度 …), or None."""
    return find_column(columns, YEAR_FIELDS)


#: Index stems a planner maps first, in order: the urban resilience index of the study.
LIKELY_STEMS = ("URI",)
#: The likely policy variable (what-if and targeting): the digital economy index of the study.
POLICY_STEMS = ("DEI",)
#: Fields that are never the variable of an analysis: ids, codes, years, coordinates.
NOT_VARIABLES = {"fid", "id", "objectid", "ogc_fid", "gid", "lon", "lat", "longitude", "latitude", "x", "y",
                 "经度", "纬度"}


def _is_id_like(name: str) -> bool:
    low = name.strip().lower()
    return (low in NOT_VARIABLES or low in {c.lower() for c in CODE_FIELDS} or low in
            {c.lower() for c in YEAR_FIELDS} or low.endswith(("_id", "adcode", "_code", "代码")))


def likely_field(fields, numeric: bool = True, stems=LIKELY_STEMS) -> str | None:
    """The field a planner most likely wants to analyse among ``fields`` ((name, is_numeric)
    pairs, in the layer's order): the latest year of the resilience index (``URI_2019``, a
    ``STEM_YYYY`` field of ``stems``, by default :data:`LIKELY_STEMS`), else the first (numeric)
    field that is not an id, code, year or coordinate; None when there is none."""
    from .panel import split_year_field

    candidates = [name for name, is_numeric in fields if is_numeric or not numeric]
    for stem in stems:
        years = {}
        for name in candidates:
            split = split_year_field(name)
            if split and split[0].upper() == stem:
                years[split[1]] = name
        if years:
            return years[max(years)]
    return next((name for name in candidates if not _is_id_like(name)), None)
