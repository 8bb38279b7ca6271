"""Matching table rows to cities (codes, names) and attaching the panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.field_names import indicator_stems, parse_mapping
from digital_resilience.core.indices.join import join_panel
from digital_resilience.core.indices.keys import normalise_code
from digital_resilience.core.indices.names import NameMatcher, normalise_name
from digital_resilience.core.indices.table_shapes import table_to_panel
from digital_resilience.core.indices.tables import read_table


@pytest.mark.parametrize(("written", "base"), [
    ("北京市", "北京"), ("北京", "北京"), ("　北 京 市", "北京"), ("延边朝鲜族自治州", "延边"),
    ("湘西土家族苗族自治州", "湘西"), ("博尔塔拉蒙古自治州", "博尔塔拉"), ("克孜勒苏柯尔克孜自治州", "克孜勒苏"),
    ("海西蒙古族藏族自治州", "海西"), ("阿克苏地区", "阿克苏"), ("锡林郭勒盟", "锡林郭勒"), ("神农架林区", "神农架"),
    ("琼中黎族苗族自治县", "琼中"), ("香港特别行政区", "香港"), ("丽水市", "丽水"), ("白山市", "白山"),
    ("Ｂｅｉｊｉｎｇ Shi", "beijing"), ("Xi'an City", "xian"),
])
def test_names_are_normalised(written, base):
    assert normalise_name(written)[0] == base


def test_every_sample_city_is_found_by_its_usual_short_forms(cities_frame):
    matcher = NameMatcher(cities_frame["name"])
    assert all(matcher.match(name).status == "exact" for name in cities_frame["name"])
    # No two sample units share a normalised name, so short forms are never ambiguous.
    assert max(len(units) for units in matcher.normalised.values()) == 1
    position = cities_frame.index[cities_frame["name"] == "延边朝鲜族自治州"][0]
    for short in ("延边", "延边州", "延边朝鲜族自治州 "):
        found = matcher.match(short)
        assert found.units == [position] and found.status in ("normalised", "exact")
    assert matcher.match("巴州").status == "unmatched"  # an abbreviation is never guessed
    assert matcher.match("海南省").status == "unmatched"  # a province is not 海南藏族自治州


def test_ambiguous_names_are_not_joined():
    matcher = NameMatcher(["朝阳市", "朝阳区", "长春市"])
    assert matcher.match("朝阳").status == "normalised"  # 朝阳区 keeps its 区: only 朝阳市 fits
    matcher = NameMatcher(["伊春市", "伊春县"])
    found = matcher.match("伊春")
    assert found.status == "ambiguous" and found.units == [0, 1]


def test_codes_compare_as_numbers_or_text():
    written = (110100, "110100", " 110100 ", "110100.0", 110100.0, "１１０１００")
    assert {normalise_code(v) for v in written} == {"110100"}
    assert normalise_code("010") == normalise_code(10) == "10"
    assert normalise_code("A01") == "A01"
    assert normalise_code(None) is None and normalise_code(float("nan")) is None


def _layer():
    return pd.DataFrame({"adcode": [110100, 120100, 222400, 130100],
                         "name": ["北京市", "天津市", "延边朝鲜族自治州", "石家庄市"]},
                        index=pd.Index([10, 11, 12, 13], name="fid"))


def _panel(rows, columns=("city", "year", "A", "B")):
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    frame.insert(0, "line", range(2, len(rows) + 2))
    return table_to_panel(frame, columns[0])


def test_join_by_name_wide_and_report():
    panel = _panel([["北京", "2018", "1", "2"], ["北京市", "2019", "3", "4"], ["延边州", "2019", "5", "6"],
                    ["上海市", "2019", "7", "8"], ["天津市", "2019", "9", ""]])
    result = join_panel(_layer(), "name", panel, by="name")
    frame = result.frame
    assert list(frame.index) == [10, 11, 12, 13]  # the layer's rows, in order, with their ids
    assert frame.columns.tolist()[-4:] == ["A_2018", "A_2019", "B_2018", "B_2019"]
    assert frame["A_2019"].tolist()[:3] == [3.0, 9.0, 5.0] and np.isnan(frame["A_2019"].iloc[3])
    assert frame["A_2018"].iloc[0] == 1.0 and np.isnan(frame["B_2019"].iloc[1])
    issues = {(r.issue, r.key, r.unit) for r in result.report.itertuples()}
    assert ("normalised", "北京", "北京市") in issues
    assert ("normalised", "延边州", "延边朝鲜族自治州") in issues
    assert ("unmatched", "上海市", "") in issues
    assert ("no_data", "", "石家庄市") in issues
    assert ("normalised", "北京市", "北京市") not in issues  # exact matches are not reported
    assert (result.matched_rows, result.unmatched_rows, result.units_without_data) == (4, 1, 1)
    assert result.years == [2018, 2019]


def test_cells_that_are_not_plain_numbers_are_read_by_rule_and_reported():
    """`inf` was stored as +inf without a word. Non-finite numbers and no-data marks are missing
    values; thousands separators and % signs are read and said; all listed with their lines."""
    panel = _panel([["北京", "2019", "inf", "1,234.5"], ["天津", "2019", "—", "12.5%"],
                    ["延边", "2019", "n/a", "-Infinity"], ["石家庄", "2019", "3", "4"]])
    result = join_panel(_layer(), "name", panel, by="name")
    frame = result.frame
    assert np.isnan(frame["A_2019"].iloc[:3]).all() and frame["A_2019"].iloc[3] == 3.0
    assert frame["B_2019"].iloc[:2].tolist() == [1234.5, 12.5] and np.isnan(frame["B_2019"].iloc[2])
    assert np.isfinite(frame[["A_2019", "B_2019"]].to_numpy()[~np.isnan(frame[["A_2019", "B_2019"]].to_numpy())]).all()
    rows = {(r.issue, r.key): (r.lines, str(r.detail)) for r in result.report.itertuples()}
    assert rows[("not_finite", "A")] == ("2", "not finite numbers, read as missing: “inf”")
    assert rows[("not_finite", "B")] == ("4", "not finite numbers, read as missing: “-Infinity”")
    assert rows[("missing_mark", "A")] == ("3, 4", "no-data marks read as missing: “—”, “n/a”")
    assert rows[("thousands", "B")] == ("2", "read with “,” as the thousands separator: “1,234.5” → 1234.5")
    assert rows[("percent", "B")] == ("3", "the % sign was dropped (not divided by 100): “12.5%” → 12.5")


def test_join_long_gives_one_row_per_city_and_year():
    panel = _panel([["110100", "2018", "1", "2"], ["110100", "2019", "3", "4"], ["222400", "2019", "5", "6"]],
                   ("adcode", "year", "A", "B"))
    result = join_panel(_layer(), "adcode", panel, by="code", shape="long")
    frame = result.frame
    assert len(frame) == 4 * 2
    assert frame[["adcode", "year"]].values.tolist()[:4] == [[110100, 2018], [110100, 2019], [120100, 2018],
                                                             [120100, 2019]]
    assert frame.loc[frame.adcode == 222400, "A"].tolist()[1] == 5.0
    assert frame["A"].isna().sum() == 5


def test_two_spellings_of_one_city_in_one_year_are_an_error():
    panel = _panel([["北京", "2019", "1", "2"], ["北京市", "2019", "3", "4"]])
    with pytest.raises(InputError, match=r"more than one row for a unit and year: 北京市 2019 \(lines 2, 3\)"):
        join_panel(_layer(), "name", panel, by="name")


def test_codes_that_never_match_are_explained():
    panel = _panel([["110100000000", "2019", "1", "2"]], ("adcode", "year", "A", "B"))
    with pytest.raises(InputError, match=r"12-character numbers .* the layer 6-character numbers"):
        join_panel(_layer(), "adcode", panel, by="code")
    layer = _layer().assign(adcode=[1, 1, 2, 3])
    with pytest.raises(InputError, match="repeats codes: 1"):
        join_panel(layer, "adcode", _panel([["1", "2019", "1", "2"]], ("adcode", "year", "A", "B")))


def test_indicator_names_become_short_stems_and_are_reported():
    stems = indicator_stems(["GDPPC", "人均GDP", "broadband", "PM25", "宽带"], {"宽带": "BBAND"})
    assert stems == {"GDPPC": "GDPPC", "人均GDP": "V01", "broadband": "BROAD", "PM25": "PM25", "宽带": "BBAND"}
    assert parse_mapping("人均GDP=GDPPC；宽带 = BBAND") == {"人均GDP": "GDPPC", "宽带": "BBAND"}
    with pytest.raises(InputError, match="cannot be a field stem"):
        parse_mapping("人均GDP=GDP_PER_CAPITA")
    panel = _panel([["北京", "2019", "1", "2"]], ("city", "year", "人均GDP", "B"))
    result = join_panel(_layer(), "name", panel, by="name")
    assert "V01_2019" in result.frame.columns
    assert result.aliases["V01_2019"] == "人均GDP 2019"
    assert ("renamed", "人均GDP", "V01") in {(r.issue, r.key, r.unit) for r in result.report.itertuples()}


def test_the_sample_panel_joins_completely(sample_dir, cities_frame):
    table = read_table(sample_dir / "synthetic_panel.csv")
    result = join_panel(cities_frame, "adcode", table_to_panel(table.frame, "adcode"))
    assert result.matched_rows == 3303 and result.unmatched_rows == 0 and result.units_without_data == 0
    assert len([c for c in result.frame.columns if c.endswith("_2019")]) == 32
    raw = pd.read_csv(sample_dir / "synthetic_panel.csv")
    beijing = raw[(raw.adcode == 110100) & (raw.year == 2015)]
    row = result.frame[result.frame.adcode == 110100].iloc[0]
    assert row["GDPPC_2015"] == beijing["GDPPC"].iloc[0] and row["SO2_2015"] == beijing["SO2"].iloc[0]
    # Joining by name gives the same values.
    by_name = join_panel(cities_frame, "name", table_to_panel(table.frame, "name"), by="name")
    assert by_name.frame["DIFI_2019"].equals(result.frame["DIFI_2019"])


def test_names_that_never_match_are_an_error_like_codes():
    panel = _panel([["火星", "2019", "1", "2"], ["金星", "2019", "3", "4"]], ("city", "year", "A", "B"))
    with pytest.raises(InputError, match=r"No name of the table matches exactly one unit of the layer \(0 of 2 fit "
                                         r"several\): the table has e.g. 火星"):
        join_panel(_layer(), "name", panel, by="name")
