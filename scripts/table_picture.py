"""A PNG picture of one sheet of a paper-table workbook (core/regression/export.py), for the README.

There is no office suite or TeX on the build machine, so the picture draws the sheet's cells
as they are stored (text, bold, the three rules from the cell borders, the notes) with
matplotlib. Usage (after `make demo`):

    python3 scripts/table_picture.py demo_output/tables/spillover_sdm.xlsx models docs/images/table_spillover.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def draw(workbook: Path, sheet_name: str, out: Path, max_columns: int = 7) -> None:
    import openpyxl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sys.path.insert(0, str(ROOT / ".build" / "plugins"))  # this checkout as `digital_resilience` (make setup)
    from digital_resilience.core.charts.base import chart_context, save_chart

    sheet = openpyxl.load_workbook(workbook)[sheet_name]
    rows = [list(row[:max_columns]) for row in sheet.iter_rows()]
    title = rows[0][0].value
    table = [row for row in rows[1:] if not row[0].font.i]
    notes = [row[0].value for row in rows[1:] if row[0].value and row[0].font.i]
    char = 0.062  # inches per character at 7.5 pt
    widths = [0.25 + char * max(len(str(row[j].value or "")) for row in table) for j in range(len(table[0]))]
    starts = [0.1 + sum(widths[:j]) for j in range(len(widths))]
    line_height = 0.22
    width = max(starts[-1] + widths[-1] + 0.1, char * 0.85 * max(len(n) for n in notes) + 0.3 if notes else 0)
    height = line_height * (len(table) + len(notes) + 2.5)
    with chart_context():
        figure = Figure(figsize=(width, height), dpi=110)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        axes.set_xlim(0, width)
        axes.set_ylim(height, 0)
        y = line_height
        axes.text(0.1, y, title, fontsize=9, fontweight="bold", va="center")
        y += line_height * 1.2
        for row in table:
            top = y - line_height / 2
            for column, cell in enumerate(row):
                x = starts[column] if column == 0 else starts[column] + widths[column] / 2
                axes.text(x, y, "" if cell.value is None else str(cell.value), fontsize=7.5,
                          ha="left" if column == 0 else "center", va="center",
                          fontweight="bold" if cell.font.b else "normal")
            for side, level in (("top", top), ("bottom", top + line_height)):
                style = getattr(getattr(row[1].border, side), "style", None)
                if style:
                    axes.plot([0.05, starts[-1] + widths[-1]], [level, level], color="black",
                              linewidth=1.2 if style == "medium" else 0.6)
            y += line_height
        y += line_height * 0.3
        for note in notes:
            axes.text(0.1, y, note, fontsize=6.5, style="italic", va="center", color="#333333")
            y += line_height
        save_chart(figure, out, dpi=110)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("sheet")
    parser.add_argument("out", type=Path)
    parser.add_argument("--columns", type=int, default=7, help="label column and up to six models")
    args = parser.parse_args(argv)
    draw(args.workbook, args.sheet, args.out, args.columns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
