"""Reading yearbook tables: encodings, delimiters, XLSX, numbers, layouts."""

from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.encoding import decode, detect_encoding
from digital_resilience.core.indices.numbers import parse_number, parse_year
from digital_resilience.core.indices.table_shapes import split_year_column, table_to_panel
from digital_resilience.core.indices.tables import read_table

TEXT = "城市,年份,人均GDP,宽带\n北京市,2019,\"164,220\",45.1\n延边州,2019,—,12.5%\n"


@pytest.mark.parametrize(("codec", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                 ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_encodings_are_detected(tmp_path, codec, expected):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode(codec))
    table = read_table(path)
    assert table.encoding == expected
    assert list(table.frame.columns) == ["line", "城市", "年份", "人均GDP", "宽带"]
    assert table.frame["城市"].tolist() == ["北京市", "延边州"]
    assert table.frame["line"].tolist() == [2, 3]


def test_a_forced_encoding_is_used_and_a_wrong_one_is_explained(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT.encode("gbk"))
    assert read_table(path, encoding="gb18030").frame["城市"].iloc[0] == "北京市"
    with pytest.raises(InputError, match="cannot be read as utf-8"):
        read_table(path, encoding="utf-8")
    # GBK bytes of 北京 decode as Latin-1 without error: detection must not pick that.
    assert detect_encoding("北京".encode("gbk")) == "gb18030"
    assert decode("北京".encode())[1] == "utf-8"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_is_not_read_as_gb18030(tmp_path, codec):
    """A Latin-1 CSV decodes as GB18030 too, into rare characters (Zürich → Z黵ich): detection must
    see that it does not read as Chinese."""
    path = tmp_path / "t.csv"
    path.write_bytes("code,name,X\n1,Zürich,1\n2,São Paulo,2\n3,Besançon,3\n".encode(codec))
    table = read_table(path)
    assert table.encoding in ("cp1252", "latin-1")
    assert table.frame["name"].tolist() == ["Zürich", "São Paulo", "Besançon"]
    assert detect_encoding("城市,年份\n亳州市,2019\n儋州市,2019\n".encode("gbk")) == "gb18030"


def test_semicolon_tab_and_xlsx(tmp_path):
    (tmp_path / "s.csv").write_text("code;year;X\n110100;2019;1,5\n", encoding="utf-8")
    assert read_table(tmp_path / "s.csv").frame.columns.tolist() == ["line", "code", "year", "X"]
    (tmp_path / "t.tsv").write_text("code\tyear\tX\n110100\t2019\t1\n", encoding="utf-8")
    assert read_table(tmp_path / "t.tsv").frame["X"].tolist() == ["1"]
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2019"
    sheet.append(["adcode", "year", "GDPPC"])
    sheet.append([110100, 2019, 164220])
    sheet.append(["120100", 2019.0, None])
    sheet.append([None, None, None])  # Excel's trailing blank row
    book.create_sheet("other").append(["x"])
    book.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx")
    assert table.sheet == "2019" and len(table.frame) == 2
    assert table.frame["adcode"].tolist() == [110100, "120100"]
    assert read_table(tmp_path / "t.xlsx", sheet="other").frame.columns.tolist() == ["line", "x"]
    with pytest.raises(InputError, match="no sheet “nope”; its sheets are: 2019, other"):
        read_table(tmp_path / "t.xlsx", sheet="nope")


def test_bad_files_are_explained(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xls files are not supported"):
        read_table(tmp_path / "old.xls")
    (tmp_path / "dup.csv").write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="repeated column names: a"):
        read_table(tmp_path / "dup.csv")
    (tmp_path / "wide.csv").write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"Lines 2 of wide\.csv have more cells than the header"):
        read_table(tmp_path / "wide.csv")


def test_numbers_as_yearbooks_write_them():
    assert parse_number("164,220") == 164220
    assert parse_number("１２．５") == 12.5
    assert parse_number("12.5%") == 12.5
    assert parse_number(" −3 ") == -3
    for mark in ("", "-", "—", "…", "NA", "#N/A", "无", None):
        assert np.isnan(parse_number(mark))
    assert parse_number("abc") is None
    assert parse_number("1,23") is None  # not a thousands group: refuse rather than guess
    assert [parse_year(v) for v in (2019, 2019.0, "2019", "2019年", " 2019 ", "19", "x")] == [
        2019, 2019, 2019, 2019, 2019, None, None]


@pytest.mark.parametrize(("cell", "number", "decision"), [
    ("12.5", 12.5, None), (" 7 ", 7.0, None), ("１２", 12.0, None), ("-0.5e3", -500.0, None), ("1_000", 1000.0, None),
    (3, 3.0, None), (2.5, 2.5, None), ("", "nan", None), ("nan", "nan", "missing_mark"), ("NaN", "nan", "missing_mark"),
    ("null", "nan", "missing_mark"), ("inf", "nan", "not_finite"), ("-Infinity", "nan", "not_finite"),
    ("1e999", "nan", "not_finite"), (float("inf"), "nan", "not_finite"), ("1,234.5", 1234.5, "thousands"),
    ("5%", 5.0, "percent"), ("−3", -3.0, None), ("１２．５", 12.5, None), (True, None, None), ("abc", None, None),
])
def test_each_cell_is_read_with_its_decision(cell, number, decision):
    """Plain numbers (read by the fast path), marks, separators and non-finite numbers: the number
    and the decision the join report shows."""
    from digital_resilience.core.indices.numbers import read_number

    found, kind = read_number(cell)
    if number == "nan":
        assert np.isnan(found)
    else:
        assert found == number
    assert kind == decision


def test_year_columns_in_wide_tables():
    assert split_year_column("GDPPC_2019") == ("GDPPC", 2019)
    assert split_year_column("GDPPC2019") == ("GDPPC", 2019)
    assert split_year_column("2019_GDPPC") == ("GDPPC", 2019)
    assert split_year_column("人均GDP(2019)") == ("人均GDP", 2019)
    assert split_year_column("人均GDP2019年") == ("人均GDP", 2019)
    assert split_year_column("PM25") is None
    assert split_year_column("adcode") is None


def _frame(rows, columns):
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame.insert(0, "line", range(2, len(rows) + 2))
    return frame


def test_three_layouts_give_the_same_panel():
    long = _frame([["110100", "2018", "A", "1"], ["110100", "2019", "A", "2"], ["110100", "2018", "B", "3"],
                   ["110100", "2019", "B", "4"], ["120100", "2019", "A", "5"]],
                  ["adcode", "year", "indicator", "value"])
    wide = _frame([["110100", "2018", "1", "3"], ["110100", "2019", "2", "4"], ["120100", "2019", "5", ""]],
                  ["adcode", "year", "A", "B"])
    wide_years = _frame([["110100", "1", "2", "3", "4"], ["120100", "", "5", "", "-"]],
                        ["adcode", "A_2018", "A2019", "B 2018", "2019_B"])
    panels = [table_to_panel(f, "adcode") for f in (long, wide, wide_years)]
    assert [p.shape for p in panels] == ["long", "wide", "wide_years"]
    for panel in panels:
        frame = panel.frame.set_index(["key", "year"])[["A", "B"]].sort_index()
        frame = frame.dropna(how="all")
        assert frame.loc[("110100", 2019)].tolist() == [2.0, 4.0]
        assert frame.loc[("110100", 2018)].tolist() == [1.0, 3.0]
        assert frame.loc[("120100", 2019), "A"] == 5.0 and np.isnan(frame.loc[("120100", 2019), "B"])


def test_layout_errors_name_the_cells():
    long = _frame([["110100", "2019", "A", "1"], ["110100", "2019", "A", "2"]],
                  ["adcode", "year", "indicator", "value"])
    with pytest.raises(InputError, match="repeats unit-year-indicator rows: 110100 2019 A"):
        table_to_panel(long, "adcode")
    bad = _frame([["110100", "2019", "1"], ["120100", "2019", "x1"], ["130100", "2019", "3"]], ["adcode", "year", "A"])
    with pytest.raises(InputError, match="Column “A” holds values that are not numbers \\(line 3: “x1”\\)"):
        table_to_panel(bad, "adcode")
    years = _frame([["110100", "2019", "1"], ["120100", "last", "2"]], ["adcode", "year", "A"])
    with pytest.raises(InputError, match=r"must hold a year on every row.*line 3: “last”"):
        table_to_panel(years, "adcode")
    with pytest.raises(InputError, match=r"no column “city” \(unit codes or names\)"):
        table_to_panel(years, "city")
    text = _frame([["110100", "2019", "北京"]], ["adcode", "year", "name"])
    with pytest.raises(InputError, match="no numeric indicator columns"):
        table_to_panel(text, "adcode")


def test_two_columns_for_one_indicator_and_year_are_an_error():
    clash = _frame([["110100", "1", "2", "5"]], ["adcode", "X_2019", "X2019", "Y_2019"])
    with pytest.raises(InputError, match=r"same indicator and year: X_2019 / X2019 \(X 2019\)\. Keep one column"):
        table_to_panel(clash, "adcode")
    # Only the indicators asked for matter: Y alone is joined.
    panel = table_to_panel(clash, "adcode", indicators=["Y"])
    assert panel.indicators == ["Y"] and panel.frame["Y"].tolist() == [5.0]
