"""The gap over time (``core.econometrics.elasticity_gap``): each group's yearly coefficient with its
95 % interval, and each group's gap against the reference with its interval and linear trend."""

from __future__ import annotations

import numpy as np

from ..palettes import SERIES_COLORS
from .base import blank_figure, chart_context, year_panel


def elasticity_gap_chart(gap, *, text: dict):
    """Two panels side by side. ``gap``: a ``GapAnalysis``; ``text``: title, year, coefficient, gap,
    by_group (left panel title), against (right panel title, with ``{reference}``), trend (legend entry
    of the fitted line), interval (legend entry of the band) and ``groups`` ({label: translated label})."""
    years = np.asarray(gap.years)
    names = text.get("groups", {})
    with chart_context():
        figure = blank_figure(size=(10.4, 4.2))
        left, right = figure.subplots(1, 2)
        for g, group in enumerate(gap.groups):
            colour = SERIES_COLORS[g % len(SERIES_COLORS)]
            value, half = gap.coefficient[g], 1.96 * gap.se[g]
            left.fill_between(years, value - half, value + half, color=colour, alpha=0.15, linewidth=0)
            left.plot(years, value, color=colour, marker="o", markersize=3.5, linewidth=1.8,
                      label=names.get(str(group), str(group)))
        year_panel(left, text["by_group"], text["year"], text["coefficient"], years)
        for index, path in enumerate(gap.paths):
            colour = SERIES_COLORS[(gap.groups.index(path.group)) % len(SERIES_COLORS)]
            label = names.get(str(path.group), str(path.group))
            right.fill_between(years, path.lower, path.upper, color=colour, alpha=0.18, linewidth=0,
                               label=text["interval"] if index == 0 else None)
            right.plot(years, path.gap, color=colour, marker="o", markersize=3.5, linewidth=1.8, label=label)
            centre = years.mean()
            fitted = path.gap.mean() + path.trend * (years - centre)
            right.plot(years, fitted, color=colour, linestyle="--", linewidth=1.1,
                       label=text["trend"] if index == 0 else None)
        right.axhline(0.0, color="#555555", linewidth=0.8)
        reference = names.get(str(gap.reference), str(gap.reference))
        year_panel(right, text["against"].format(reference=reference), text["year"], text["gap"], years)
        for axes in (left, right):
            axes.tick_params(axis="x", labelrotation=45)
        figure.suptitle(text["title"], fontsize=11)
    return figure
