"""One writer for every regression table: a :class:`~core.regression.table.PaperTable` (the
neutral model: models as columns, coefficients with stars and standard errors in parentheses
beneath, statistics at the foot, notes) rendered as XLSX (openpyxl), DOCX (python-docx),
LaTeX (booktabs) and CSV, in the layout journals and planning reports use.

Every algorithm that reports regressions builds its ``PaperTable`` objects and calls
:func:`write_tables`; nothing here knows an algorithm. Texts (titles, labels, notes) arrive
translated (the caller passes the tables built with its ``tr``), so the files are Chinese or
English by the user's locale. Files are written to a temporary name beside the target and
renamed when complete, so a failed run leaves no half-written table.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path

from ..errors import InputError
from .options import TABLE_FORMATS as FORMATS
from .table import PaperTable

#: The package each format needs beyond numpy/pandas (keys of core.dependencies).
PACKAGES = {"xlsx": "openpyxl", "docx": "docx"}

_STARS = re.compile(r"^(.*?)(\*{1,3})$")


def format_available(fmt: str) -> bool:
    """Whether the package ``fmt`` needs is importable (LaTeX and CSV need none)."""
    package = PACKAGES.get(fmt)
    if package is None:
        return True
    try:
        __import__(package)
    except ImportError:
        return False
    return True


def write_tables(tables: list[PaperTable], folder, stem: str, formats=FORMATS) -> list[str]:
    """Write ``tables`` into ``folder`` as ``<stem>.xlsx`` (a sheet per table), ``<stem>.docx``
    and ``<stem>.tex`` (every table, one after the other) and ``<stem>_<n>.csv`` (one file per
    table, CSV has no sheets). Returns the paths written. A format whose package is missing
    raises :class:`InputError` naming it (check :func:`format_available` first to skip it)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise InputError("Unknown table format “{format}”; use one of {formats}.", format=fmt,
                             formats=", ".join(FORMATS))
        if not format_available(fmt):
            raise InputError("Writing {format} tables needs the Python package {package}: install it "
                             "(Plugins › Digital Resilience Toolkit › Install dependencies).",
                             format=fmt.upper(), package=_pip_name(PACKAGES[fmt]))
        if fmt == "csv":
            for index, table in enumerate(tables, start=1):
                path = folder / f"{stem}_{_slug(table.name) or index}.csv"
                written.append(_atomic(path, lambda target, t=table: write_csv(t, target)))
        else:
            path = folder / f"{stem}.{fmt}"
            writer = {"xlsx": write_xlsx, "docx": write_docx, "tex": write_latex}[fmt]
            written.append(_atomic(path, lambda target, w=writer: w(tables, target)))
    return written


def _pip_name(package: str) -> str:
    return {"docx": "python-docx"}.get(package, package)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text or "").strip("_").lower()


def _atomic(path: Path, write) -> str:
    """Write through ``write(temporary path)`` and rename onto ``path`` when it succeeded."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return str(path)


def _rows(table: PaperTable) -> list[tuple[str, list[str]]]:
    """The header and body rows as (kind, cells): kind 'header', 'coef', 'se' or 'stat'."""
    return [("header", ["", *[column.title for column in table.columns]]),
            *[(kind, cells) for kind, cells, _ in table.grid()]]


# ------------------------------------------------------------------------- CSV
def write_csv(table: PaperTable, path) -> None:
    """The table in its paper layout (header, rows), then its notes, one per line (UTF-8 with
    a BOM so that Excel reads Chinese)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for _, cells in _rows(table):
            writer.writerow(cells)
        for note in table.all_notes():
            writer.writerow([note])


# ------------------------------------------------------------------------ XLSX
def _sheet_title(text: str, index: int, used: set) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", text or "").strip()[:28] or f"Table {index}"
    base, n = title, 2
    while title.lower() in used:
        title = f"{base[:25]} ({n})"
        n += 1
    used.add(title.lower())
    return title


def write_xlsx(tables: list[PaperTable], path) -> None:
    """One sheet per table: the title in A1, a three-line (booktabs) table from row 2, the notes
    below in small italics. Cells are text, exactly as printed (stars and parentheses)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    workbook.remove(workbook.active)
    thick, thin = Side(style="medium"), Side(style="thin")
    used = set()
    for index, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(_sheet_title(table.name or table.title, index, used))
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True)
        rows = _rows(table)
        width = len(rows[0][1])
        first_stat = next((i for i, (kind, _) in enumerate(rows) if kind == "stat"), None)
        for i, (kind, cells) in enumerate(rows):
            r = i + 2
            for j, text in enumerate(cells):
                cell = sheet.cell(row=r, column=j + 1, value=text)
                cell.alignment = Alignment(horizontal="left" if j == 0 else "center", vertical="center")
                top = thick if i == 0 else thin if i == first_stat else None
                bottom = thin if i == 0 else thick if i == len(rows) - 1 else None
                if kind == "header":
                    cell.font = Font(bold=True)
                cell.border = Border(top=top, bottom=bottom)
        note_row = len(rows) + 2
        for k, note in enumerate(table.all_notes()):
            cell = sheet.cell(row=note_row + k, column=1, value=note)
            cell.font = Font(italic=True, size=9)
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=False)
        label_width = max((len(str(cells[0])) for _, cells in rows), default=10)
        sheet.column_dimensions["A"].width = min(max(12, label_width * 1.1 + 2), 60)
        for j in range(2, width + 1):
            longest = max(len(str(cells[j - 1])) for _, cells in rows)
            sheet.column_dimensions[sheet.cell(row=2, column=j).column_letter].width = max(12, longest * 1.1 + 2)
        sheet.freeze_panes = "B3"
    workbook.save(path)


# ------------------------------------------------------------------------ DOCX
def _cell_border(cell, **edges) -> None:
    """Set the borders of a python-docx table cell: ``top=12`` (eighths of a point)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    borders = properties.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        properties.append(borders)
    for edge, size in edges.items():
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)


def _fonts(run_or_style, size: float | None = None) -> None:
    """Times New Roman for Latin text, SimSun (宋体) for Chinese, as Chinese journals ask."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = "Times New Roman"
    if size is not None:
        font.size = Pt(size)
    properties = run_or_style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "SimSun")


def write_docx(tables: list[PaperTable], path) -> None:
    """Every table in one document: a bold caption, a three-line table (top and bottom rules,
    a rule under the header and one above the statistics) and the notes in small type. Tables
    with more than six model columns go on landscape pages."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    _fonts(normal, 10.5)
    normal.paragraph_format.space_after = Pt(0)
    landscape = False
    for index, table in enumerate(tables):
        wide = len(table.columns) > 6
        if index and wide != landscape:
            document.add_section(WD_SECTION.NEW_PAGE)
        if wide != landscape or (index == 0 and wide):
            section = document.sections[-1]
            section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
            if (section.page_width < section.page_height) == wide:
                section.page_width, section.page_height = section.page_height, section.page_width
            landscape = wide
        caption = document.add_paragraph()
        caption.paragraph_format.space_before = Pt(12 if index else 0)
        caption.paragraph_format.space_after = Pt(4)
        caption.add_run(table.title).bold = True
        rows = _rows(table)
        first_stat = next((i for i, (kind, _) in enumerate(rows) if kind == "stat"), None)
        grid = document.add_table(rows=len(rows), cols=len(rows[0][1]))
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, ((kind, cells), grid_row) in enumerate(zip(rows, grid.rows)):
            # the row's cells once: python-docx's grid.cell(i, j) lists every cell of the table on
            # each call (4 s for the demo's tables, quadratic in their size)
            grid_cells = grid_row.cells
            for j, text in enumerate(cells):
                cell = grid_cells[j]
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(text)
                if kind == "header":
                    run.bold = True
                edges = {}
                if i == 0:
                    edges.update(top=12, bottom=6)
                if i == first_stat:
                    edges["top"] = 6
                if i == len(rows) - 1:
                    edges["bottom"] = 12
                if edges:
                    _cell_border(cell, **edges)
        for note in table.all_notes():
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(2)
            run = paragraph.add_run(note)
            run.font.size = Pt(9)
    document.save(path)


# ----------------------------------------------------------------------- LaTeX
_LATEX_TEXT = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
               "–": "--", "—": "---", "\u00a0": "~", "“": "``", "”": "''", "‘": "`", "’": "'", "…": r"\ldots{}"}
_LATEX_MATH = {"ρ": r"\rho", "λ": r"\lambda", "φ": r"\phi", "β": r"\beta", "σ": r"\sigma", "θ": r"\theta",
               "τ": r"\tau", "ε": r"\varepsilon", "α": r"\alpha", "γ": r"\gamma", "δ": r"\delta", "μ": r"\mu",
               "χ": r"\chi", "Σ": r"\Sigma", "Δ": r"\Delta", "²": "^{2}", "³": "^{3}", "×": r"\times",
               "−": "-", "·": r"\cdot", "†": r"\dagger", "′": "'", "≤": r"\leq", "≥": r"\geq", "<": "<",
               ">": ">", "√": r"\surd", "≈": r"\approx", "±": r"\pm", "→": r"\rightarrow", "ŷ": r"\hat{y}"}


def latex_text(text: str) -> str:
    """Text for a pdfLaTeX table: special characters escaped, Greek letters and symbols as math.
    (Chinese characters are kept: compile with XeLaTeX and ``ctex``.)"""
    out = []
    for char in str(text):
        if char in _LATEX_MATH:
            out.append(f"${_LATEX_MATH[char]}$")
        elif char in _LATEX_TEXT:
            out.append(_LATEX_TEXT[char])
        else:
            out.append(char)
    return "".join(out).replace("$$", "")


def _latex_cell(text: str) -> str:
    match = _STARS.match(text)
    if match and match.group(1):
        return f"{latex_text(match.group(1))}$^{{{match.group(2)}}}$"
    return latex_text(text)


def latex(tables: list[PaperTable]) -> str:
    """The tables as LaTeX ``table`` environments with booktabs rules (``\\input`` them)."""
    lines = ["% Regression tables written by the Digital Resilience Toolkit.",
             "% Needs \\usepackage{booktabs}; Chinese text: XeLaTeX with \\usepackage{ctex}.", ""]
    for table in tables:
        rows = _rows(table)
        lines += ["\\begin{table}[htbp]", "\\centering", f"\\caption{{{latex_text(table.title)}}}",
                  f"\\begin{{tabular}}{{l{'c' * len(table.columns)}}}", "\\toprule"]
        for i, (kind, cells) in enumerate(rows):
            if kind == "stat" and rows[i - 1][0] != "stat":
                lines.append("\\midrule")
            lines.append(" & ".join(_latex_cell(cell) for cell in cells) + " \\\\")
            if kind == "header":
                lines.append("\\midrule")
        lines += ["\\bottomrule", "\\end{tabular}"]
        notes = table.all_notes()
        if notes:
            lines += ["", "\\smallskip", "\\begin{minipage}{\\linewidth}\\footnotesize"]
            lines += [latex_text(note) + ("\\par" if k < len(notes) - 1 else "") for k, note in enumerate(notes)]
            lines.append("\\end{minipage}")
        lines += ["\\end{table}", ""]
    return "\n".join(lines)


def write_latex(tables: list[PaperTable], path) -> None:
    Path(path).write_text(latex(tables), encoding="utf-8")
