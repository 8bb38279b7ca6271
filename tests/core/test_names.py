"""core.names: which columns name a planner's units, and how messages label a unit."""

from __future__ import annotations

import pandas as pd
import pytest

from digital_resilience.core.names import code_column, labelled, name_column, unit_labels, year_column


@pytest.mark.parametrize("columns, name, code, year", [
    (["城市", "年份", "宽带用户", "人均GDP"], "城市", None, "年份"),
    (["行政区划代码", "城市名称", "年度", "GDP"], "城市名称", "行政区划代码", "年度"),
    (["代码", "地区", "年", "GDP"], "地区", "代码", "年"),
    (["fid", "adcode", "name", "name_pinyin"], "name", "adcode", None),
    (["ID", "NAME", "Year"], "NAME", None, "Year"),
    (["fid", "GDP"], None, None, None),
])
def test_usual_headers_are_recognised(columns, name, code, year):
    assert name_column(columns) == name
    assert code_column(columns) == code
    assert year_column(columns) == year


def test_labels_give_the_name_and_the_code():
    frame = pd.DataFrame({"adcode": [460300, 110100], "name": ["三沙市", None]})
    # Feature ids as unit ids: the code comes from the adcode column.
    assert unit_labels(frame, [366, 0]) == {366: "三沙市 (460300)", 0: "110100"}
    # The chosen id field is the code.
    assert unit_labels(frame, [460300, 110100], "adcode") == {460300: "三沙市 (460300)", 110100: "110100"}
    # No name or code column: the id.
    assert unit_labels(frame[[]], [7]) == {7: "7"}
    assert labelled([460300, 5], {460300: "三沙市 (460300)"}) == ["三沙市 (460300)", "5"]


@pytest.mark.parametrize("fields, expected", [
    # the latest year of the resilience index, wherever it is
    ([("fid", True), ("adcode", True), ("DEI_2019", True), ("URI_2011", True), ("URI_2019", True),
      ("URI_2015", True)], "URI_2019"),
    # no resilience index: the first numeric field that is no id, code, year or coordinate
    ([("fid", True), ("adcode", True), ("name", False), ("province_adcode", True), ("lon", True), ("lat", True),
      ("area_km2", True)], "area_km2"),
    ([("城市", False), ("年份", True), ("代码", True), ("宽带用户", True)], "宽带用户"),
    ([("fid", True), ("adcode", True)], None),
])
def test_the_likely_field(fields, expected):
    from digital_resilience.core.names import likely_field

    assert likely_field(fields) == expected


def test_the_likely_policy_variable_is_the_latest_digital_economy_index():
    """What-if and targeting raise the digital economy index: its latest year, not the resilience index."""
    from digital_resilience.core.names import POLICY_STEMS, likely_field

    fields = [("fid", True), ("URI_2019", True), ("DEI_2011", True), ("DEI_2019", True), ("DEI_2015", True)]
    assert likely_field(fields, stems=POLICY_STEMS) == "DEI_2019"
    assert likely_field(fields) == "URI_2019"
    # no digital economy index: the first numeric field that is no id
    assert likely_field([("adcode", True), ("GDP", True)], stems=POLICY_STEMS) == "GDP"
