"""The one table writer (core/regression/export.py): XLSX, DOCX, LaTeX and CSV rendered from a
fixed table and compared with stored files (tests/core/golden/, checked by eye once: stars,
parentheses, the FE rows and the notes); the XLSX and DOCX are opened with their libraries.

Regenerate the golden files after a deliberate change of layout with
``UPDATE_GOLDEN=1`` and read the diff before committing it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digital_resilience.core.regression.export import FORMATS, latex_text, write_tables
from digital_resilience.core.regression.table import (
    PaperColumn,
    PaperTable,
    convention_notes,
    footer_rows,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

CHINESE = {"N (units × years)": "样本量（城市 × 年份）", "City fixed effects": "城市固定效应",
           "Year fixed effects": "年份固定效应", "Yes": "是", "No": "否", "Log-likelihood": "对数似然值",
           "R²": "R²", "R² within": "组内 R²", "Spatial weights": "空间权重", "Standard errors": "标准误"}


def fixed_tables(tr=lambda text: text):
    """Two models side by side (a tiny p-value, p exactly at the 5 % line, a missing cell), the
    footer of every regression table, and a second table (effects) without statistics."""
    foot = {"n_obs": 3294, "units": 366, "years": 9, "weights": "queen contiguity, row-standardised"}
    ols = PaperColumn("OLS", {"DEI": (0.512345, 0.021, 1e-12), "URB": (-0.0421, 0.02, 0.05),
                              "constant": (1.5, 0.3, 0.2)},
                      footer_rows(tr, **foot, unit_fe=True, year_fe=True, loglik=1523.45678, aic=-3036.91356,
                                  r2=0.81234, r2_within=0.4567, se="OLS"))
    sdm = PaperColumn("SDM †", {"DEI": (0.49, 0.03, 0.0099), "W·DEI": (0.3, 0.1, 0.0999),
                                "rho": (0.4012, 0.05, 0.0)},
                      footer_rows(tr, **foot, unit_fe=True, year_fe=False, loglik=1600.1, aic=-3188.2,
                                  r2=0.8, r2_within=0.5, se="ML (information matrix)"))
    models = PaperTable("Table 1: Estimates of URI (two-way fixed effects)", [ols, sdm],
                        ["constant", "DEI", "URB", "W·DEI", "rho"], name="models",
                        term_labels={"constant": "Constant", "rho": "ρ (W·y)"},
                        notes=convention_notes(tr, r2_kinds=("r2", "within"), lee_yu=True))
    effects = PaperTable("Table 2: Direct, indirect & total effects (50 % of 100_000)", [
        PaperColumn("Direct", {"DEI": (0.5, 0.02, 0.0004)}), PaperColumn("Indirect", {"DEI": (0.2, 0.1, 0.06)}),
        PaperColumn("Total", {"DEI": (0.7, 0.11, 0.000001)})], name="effects")
    return [models, effects]


def _compare(path: Path, golden: str, text: str):
    expected = GOLDEN / golden
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8"), f"{path.name} differs from {expected}"


def test_rows_follow_the_convention():
    models, _ = fixed_tables()
    grid = [cells for _, cells, _ in models.grid()]
    assert grid[:2] == [["Constant", "1.5000", ""], ["", "(0.3000)", ""]]
    assert grid[2:4] == [["DEI", "0.5123***", "0.4900***"], ["", "(0.0210)", "(0.0300)"]]
    assert grid[4] == ["URB", "-0.0421*", ""]  # p = 0.05 is not below 5 %: one star (below 10 %)
    assert grid[6] == ["W·DEI", "", "0.3000*"]
    assert grid[10:13] == [["N (units × years)", "3,294 (366 × 9)", "3,294 (366 × 9)"],
                           ["City fixed effects", "Yes", "Yes"], ["Year fixed effects", "Yes", "No"]]
    assert [row[0] for row in grid[13:]] == ["Log-likelihood", "AIC", "R²", "R² within", "Spatial weights",
                                            "Standard errors"]
    assert models.all_notes()[0].startswith("Standard errors in parentheses. *** p < 0.01")
    assert any("before the Lee–Yu bias correction" in note for note in models.all_notes())


def test_csv_and_latex_equal_the_golden_files(tmp_path):
    written = write_tables(fixed_tables(), tmp_path, "spillover", formats=("csv", "tex"))
    assert [Path(p).name for p in written] == ["spillover_models.csv", "spillover_effects.csv", "spillover.tex"]
    for path in map(Path, written):
        _compare(path, path.name, path.read_text(encoding="utf-8-sig"))
    tex = (tmp_path / "spillover.tex").read_text(encoding="utf-8")
    assert "0.5123$^{***}$ & 0.4900$^{***}$ \\\\" in tex and " & (0.0210) & (0.0300) \\\\" in tex
    assert tex.count("\\toprule") == 2 and tex.count("\\bottomrule") == 2
    assert "$\\rho$ (W$\\cdot$y)" in tex and "50 \\% of 100\\_000" in tex and "direct, indirect \\&" in tex.lower()
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_tiny_p_values_print_as_below_one_in_a_thousand():
    from digital_resilience.core.regression.table import p_text, p_value

    assert p_text(1.5e-308) == "p < 0.001" and p_text(0.0123) == "p = 0.012" and p_text(float("nan")) == "p = –"
    assert p_value(1.5e-308) == "<\u00a00.001"


def test_statistics_keep_the_convention_order_when_a_column_lacks_a_row():
    ols = PaperColumn("OLS", {"x": (1.0, 0.1, 0.01)}, {"N": "10", "AIC": "1.0", "Standard errors": "OLS"})
    sar = PaperColumn("SAR", {"x": (1.0, 0.1, 0.01)}, {"N": "10", "AIC": "2.0", "Spatial weights": "queen",
                                                       "Standard errors": "ML"})
    labels = [cells[0] for kind, cells, _ in PaperTable("t", [ols, sar]).grid() if kind == "stat"]
    assert labels == ["N", "AIC", "Spatial weights", "Standard errors"]
    # The footer's own rows keep the convention's order, whichever column brings them first.
    first = PaperColumn("OLS", {}, footer_rows(n_obs=1, r2=0.5, se="OLS"))
    second = PaperColumn("SAR", {}, footer_rows(n_obs=1, loglik=2.0, r2=0.4, r2_kind="pseudo", weights="q",
                                                se="ML"))
    labels = [cells[0] for kind, cells, _ in PaperTable("t", [first, second]).grid() if kind == "stat"]
    assert labels == ["N", "Log-likelihood", "R²", "Pseudo R²", "Spatial weights", "Standard errors"]


def test_latex_escapes():
    assert latex_text("R² < 0.001 & 5 % σ²") == "R$^{2}$ $<$ 0.001 \\& 5 \\% $\\sigma^{2}$"
    assert latex_text("p <\u00a00.001") == "p $<$~0.001"


def test_xlsx_cells_and_layout(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = Path(write_tables(fixed_tables(), tmp_path, "spillover", formats=("xlsx",))[0])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["models", "effects"]
    sheet = book["models"]
    assert sheet["A1"].value == "Table 1: Estimates of URI (two-way fixed effects)" and sheet["A1"].font.b
    assert [sheet.cell(2, c).value for c in (2, 3)] == ["OLS", "SDM †"]
    assert [sheet.cell(5, c).value for c in (1, 2, 3)] == ["DEI", "0.5123***", "0.4900***"]
    assert [sheet.cell(6, c).value for c in (2, 3)] == ["(0.0210)", "(0.0300)"]
    labels = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    assert sheet.cell(labels["Year fixed effects"], 3).value == "No"
    assert sheet.cell(labels["N (units × years)"], 2).value == "3,294 (366 × 9)"
    # Three-line table: rule above and below the header, above the statistics, below the last row.
    assert sheet["B2"].border.top.style == "medium" and sheet["B2"].border.bottom.style == "thin"
    assert sheet.cell(labels["N (units × years)"], 2).border.top.style == "thin"
    last = labels["Standard errors"]
    assert sheet.cell(last, 2).border.bottom.style == "medium"
    assert sheet.cell(last + 1, 1).value.startswith("Standard errors in parentheses")
    dump = "\n".join("\t".join("" if c is None else str(c) for c in row)
                     for name in book.sheetnames for row in book[name].iter_rows(values_only=True))
    _compare(path, "spillover.xlsx.txt", dump + "\n")


def test_docx_cells_borders_and_notes(tmp_path):
    docx = pytest.importorskip("docx")
    path = Path(write_tables(fixed_tables(), tmp_path, "spillover", formats=("docx",))[0])
    document = docx.Document(str(path))
    assert len(document.tables) == 2
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["", "OLS", "SDM †"]
    assert cells[3:5] == [["DEI", "0.5123***", "0.4900***"], ["", "(0.0210)", "(0.0300)"]]
    assert ["Year fixed effects", "Yes", "No"] in cells
    xml = table._tbl.xml
    assert xml.count('w:sz="12"') == 2 * 3  # top and bottom rules over three columns
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Table 1: Estimates of URI (two-way fixed effects)"
    assert any(p.startswith("Standard errors in parentheses. *** p < 0.01") for p in paragraphs)
    dump = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            dump.append("P\t" + "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    dump.append("R\t" + "\t".join("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                                                  for cell in row if cell.tag.endswith("}tc")))
    _compare(path, "spillover.docx.txt", "\n".join(dump) + "\n")


def test_chinese_labels_come_from_the_translation(tmp_path):
    tables = fixed_tables(lambda text: CHINESE.get(text, text))
    written = write_tables(tables, tmp_path, "zh", formats=("csv",))
    text = Path(written[0]).read_text(encoding="utf-8-sig")
    assert "样本量（城市 × 年份）" in text and "年份固定效应,是,否" in text and "组内 R²" in text


def test_every_format_is_written_and_unknown_or_missing_ones_refused(tmp_path, monkeypatch):
    from digital_resilience.core.errors import InputError
    from digital_resilience.core.regression import export

    available = [f for f in FORMATS if export.format_available(f)]
    written = write_tables(fixed_tables(), tmp_path, "all", formats=available)
    assert all(Path(p).stat().st_size > 0 for p in written)
    with pytest.raises(InputError, match="Unknown table format"):
        write_tables(fixed_tables(), tmp_path, "bad", formats=("pdf",))
    monkeypatch.setattr(export, "format_available", lambda fmt: fmt != "docx")
    with pytest.raises(InputError, match="needs the Python package python-docx"):
        write_tables(fixed_tables(), tmp_path / "none", "missing", formats=("docx",))
    assert not (tmp_path / "none" / "missing.docx").exists()
