"""Index rankings: the top and bottom N units as a horizontal bar chart."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .base import chart_context, new_figure, style_axes

TOP_COLOR = "#3A6EA5"
BOTTOM_COLOR = "#D7301F"


def ranking_rows(names, values, top: int = 10, bottom: int = 10) -> list[tuple[str, float, str]]:
    """(name, value, "top"/"bottom") from the highest down: the ``top`` highest, then the
    ``bottom`` lowest (NaN left out; every unit once when there are fewer than top + bottom)."""
    names = np.asarray(names, dtype=object)
    values = np.asarray(values, dtype=float)
    if names.shape != values.shape:
        raise InputError("Give one name per value: {names} names for {values} values.",
                         names=names.size, values=values.size)
    keep = np.isfinite(values)
    names, values = names[keep], values[keep]
    if names.size == 0:
        raise InputError("There are no values to rank: the field is empty or all NULL.")
    order = np.argsort(-values, kind="stable")
    if top + bottom >= order.size:
        chosen = [(i, "top" if rank < max(top, order.size - bottom) else "bottom") for rank, i in enumerate(order)]
    else:
        chosen = [(i, "top") for i in order[:top]] + [(i, "bottom") for i in order[order.size - bottom:]]
    return [(str(names[i]), float(values[i]), group) for i, group in chosen]


def ranking_chart(names, values, *, top: int = 10, bottom: int = 10, title: str | None = None,
                  xlabel: str = "Index", top_label: str = "Top {n}", bottom_label: str = "Bottom {n}",
                  decimals: int = 3):
    """Horizontal bars, highest at the top: the top ``top`` units in blue, the bottom
    ``bottom`` in red, values written at the bar ends."""
    rows = ranking_rows(names, values, top, bottom)
    height = 0.6 + 0.22 * len(rows)
    with chart_context():
        figure, axes = new_figure(size=(6.4, max(2.5, height)))
        style_axes(axes)
        axes.grid(False, axis="y")
        positions = np.arange(len(rows))[::-1]
        colors = [TOP_COLOR if group == "top" else BOTTOM_COLOR for _, _, group in rows]
        bars = axes.barh(positions, [v for _, v, _ in rows], color=colors, height=0.7)
        axes.set_yticks(positions, labels=[n for n, _, _ in rows])
        for bar, (_, value, _) in zip(bars, rows):
            axes.annotate(f"{value:.{decimals}f}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                          textcoords="offset points", xytext=(3, 0), va="center", fontsize="x-small")
        axes.margins(x=0.12)
        axes.set_xlabel(xlabel)
        if title:
            axes.set_title(title)
        groups = {group for _, _, group in rows}
        if groups == {"top", "bottom"}:
            from matplotlib.patches import Patch

            n_top = sum(1 for row in rows if row[2] == "top")
            axes.legend(handles=[Patch(color=TOP_COLOR, label=top_label.format(n=n_top)),
                                 Patch(color=BOTTOM_COLOR, label=bottom_label.format(n=len(rows) - n_top))],
                        frameon=False, fontsize="small", loc="lower right")
    return figure
