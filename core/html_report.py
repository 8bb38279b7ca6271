"""Small, dependency-free HTML reports (tables, key figures, embedded images).

Every algorithm that writes a report uses this, so reports look alike and open in
any browser and in QGIS's results viewer. Text is escaped; images are embedded as
data URIs so a report is a single self-contained file.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

from .progress import checkpoint

STYLE = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", Arial, sans-serif;
       margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; border-bottom: 2px solid #3a6ea5; padding-bottom: .2em; }
h2 { font-size: 1.15em; margin-top: 1.4em; color: #3a6ea5; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #eef3f8; }
td.text, th.text { text-align: left; }
p.note { color: #555; font-size: .9em; }
"""


class HtmlReport:
    """Build a report section by section, then :meth:`write` it."""

    def __init__(self, title: str):
        self.title = title
        self.parts: list[str] = []

    def heading(self, text: str) -> HtmlReport:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")
        return self

    def paragraph(self, text: str, note: bool = False) -> HtmlReport:
        css = ' class="note"' if note else ""
        self.parts.append(f"<p{css}>{html.escape(text)}</p>")
        return self

    def table(self, header: list, rows: list, text_columns: int = 1) -> HtmlReport:
        """A table; the first ``text_columns`` columns are left-aligned."""
        checkpoint()

        rows = [list(row) for row in rows]
        decimals = [_column_decimals([row[i] for row in rows if i < len(row)]) for i in range(len(header))]

        def cell(tag, value, index):
            css = ' class="text"' if index < text_columns else ""
            places = decimals[index] if tag == "td" and index < len(decimals) else None
            return f"<{tag}{css}>{html.escape(_fmt(value, places))}</{tag}>"

        lines = ["<table>", "<tr>" + "".join(cell("th", h, i) for i, h in enumerate(header)) + "</tr>"]
        for row in rows:
            lines.append("<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>")
        lines.append("</table>")
        self.parts.append("\n".join(lines))
        return self

    def image(self, path, alt: str = "", width: int | None = None) -> HtmlReport:
        path = Path(path)
        mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        size = f' width="{width}"' if width else ""
        self.parts.append(f'<p><img src="data:{mime};base64,{data}" alt="{html.escape(alt)}"{size}></p>')
        return self

    def image_bytes(self, data: bytes, mime: str = "image/png", alt: str = "",
                    width: int | None = None) -> HtmlReport:
        """An image from bytes (e.g. a chart rendered in memory: ``core.charts.embed``)."""
        encoded = base64.b64encode(data).decode("ascii")
        size = f' width="{width}"' if width else ""
        self.parts.append(f'<p><img src="data:{mime};base64,{encoded}" alt="{html.escape(alt)}"{size}></p>')
        return self

    def render(self) -> str:
        body = "\n".join(self.parts)
        return (
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head>\n"
            f"<body><h1>{html.escape(self.title)}</h1>\n{body}\n</body></html>\n"
        )

    def write(self, path) -> str:
        checkpoint()
        Path(path).write_text(self.render(), encoding="utf-8")
        return str(path)


def _column_decimals(values) -> int | None:
    """One number of decimals for a column of floats, so that its numbers line up (0.3750 over
    0.3489, not 0.375): 4, or more so that the smallest shows 3 significant digits (at most 8).
    None (each number on its own) for columns of other values or too wide a range."""
    numbers = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v)]
    if not numbers or len(numbers) < sum(1 for v in values if v is not None and v != "") or max(numbers) >= 1e6:
        return None
    smallest = min((v for v in numbers if v > 0), default=1.0)
    places = max(4, 2 - math.floor(math.log10(smallest)))
    return places if places <= 8 else None


def _fmt(value, places: int | None = None) -> str:
    if isinstance(value, float):
        if places is not None and math.isfinite(value):
            return f"{value:.{places}f}"
        return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e6 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)
