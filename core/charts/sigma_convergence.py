"""σ-convergence: the dispersion of an index over the years (overall and by region)."""

from __future__ import annotations

import numpy as np

from ..palettes import SERIES_COLORS
from .base import chart_context, new_figure, style_axes
from .series import as_series


def sigma_convergence_chart(years, sigma, *, title: str | None = None, xlabel: str = "Year",
                            ylabel: str = "σ (coefficient of variation)", name: str = "",
                            annotate_ends: bool = True):
    """One line per series of σ values (an array, or a dict/DataFrame such as overall, east,
    central, west); the first and last values are written beside the line, so the fall
    (e.g. 0.57 → 0.42) reads at a glance."""
    years = np.asarray(years)
    series = as_series(years, sigma, name)
    with chart_context():
        figure, axes = new_figure()
        style_axes(axes)
        for index, (key, value) in enumerate(series.items()):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            axes.plot(years, value, color=color, linewidth=1.8, marker="o", markersize=4, label=key or None)
            if annotate_ends:
                finite = np.flatnonzero(np.isfinite(value))
                for position, align in ((finite[:1], "right"), (finite[-1:], "left")):
                    for i in position:
                        axes.annotate(f"{value[i]:.2f}", (years[i], value[i]), textcoords="offset points",
                                      xytext=(-6 if align == "right" else 6, 0), ha=align, va="center",
                                      fontsize="small", color=color)
        axes.set_xticks(years)
        axes.margins(x=0.08)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if title:
            axes.set_title(title)
        if len(series) > 1 or next(iter(series)):
            axes.legend(frameon=False, fontsize="small")
    return figure
