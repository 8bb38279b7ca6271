"""A small SVG bar chart of neighbour counts for the weights summary report.

Plain SVG text (no matplotlib, which QGIS installations do not always have: so this one
chart lives beside the weights rather than in ``core/charts``), embedded
in the HTML report with ``HtmlReport.image``. Islands (0 neighbours) are drawn in
GeoDa's "no neighbours" grey so they stand out.
"""

from __future__ import annotations

from html import escape

from ..palettes import LISA_COLORS, SERIES_COLORS

ISLAND = LISA_COLORS["No neighbours"]
BAR = SERIES_COLORS[0]


def histogram_svg(histogram: dict, x_label: str = "Neighbours", y_label: str = "Units",
                  width: int = 560, height: int = 260) -> str:
    """Bars of ``histogram`` ({neighbour count: number of units}), every count from the
    smallest to the largest on the axis (empty ones too), labelled."""
    if not histogram:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'
    low, high = min(histogram), max(histogram)
    counts = list(range(low, high + 1))
    tallest = max(histogram.values())
    top_value = tallest * 1.08  # headroom above the tallest bar
    left, right, top, bottom = 48, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(counts)
    bar_w = max(step * 0.8, 1.0)
    label_every = max(1, round(len(counts) / 20))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="Arial, sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for tick in _ticks(tallest):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
        parts.append(f'<line x1="{left - 3}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" stroke="#444"/>')
    for position, count in enumerate(counts):
        units = histogram.get(count, 0)
        x = left + position * step + (step - bar_w) / 2
        bar_h = plot_h * units / top_value
        colour = ISLAND if count == 0 else BAR
        if units:
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                f'fill="{colour}"><title>{count}: {units}</title></rect>'
            )
        if position % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{count}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text transform="translate(12,{top + plot_h / 2}) rotate(-90)" text-anchor="middle">'
                 f'{escape(y_label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _ticks(tallest: int) -> list[int]:
    """Up to about five round tick values from 0 to ``tallest``."""
    raw = max(tallest / 5, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return list(range(0, tallest + 1, int(step)))
