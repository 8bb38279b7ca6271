"""Moran's I (or any global statistic) over the years, significance marked."""

from __future__ import annotations

import numpy as np

from ..palettes import SERIES_COLORS
from .base import chart_context, new_figure, style_axes
from .series import as_series


def moran_trend_chart(years, values, p_values=None, expected=None, *, alpha: float = 0.05,
                      title: str | None = None, xlabel: str = "Year", ylabel: str = "Moran's I",
                      significant_label: str = "p ≤ {alpha}", not_significant_label: str = "not significant",
                      expected_label: str = "E[I]", name: str = "", lines: bool = True):
    """A line per series (one array, a dict or a DataFrame with one column per variable);
    filled markers where ``p_values ≤ alpha``, hollow where not; a dashed line at
    ``expected`` (E[I] = −1/(n−1) under the null) when given.

    ``years`` may also be labels (fields without years): then draw with ``lines=False``,
    markers only, since neighbouring labels are not a sequence."""
    labels = np.asarray(years)
    numeric = np.issubdtype(labels.dtype, np.number)
    x = labels if numeric else np.arange(len(labels))
    series = as_series(x, values, name)
    pvalues = as_series(x, p_values, name) if p_values is not None else {}
    with chart_context():
        figure, axes = new_figure()
        style_axes(axes)
        for index, (key, value) in enumerate(series.items()):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            if lines:
                axes.plot(x, value, color=color, linewidth=1.6, label=key or None, zorder=2)
            if key in pvalues:
                significant = pvalues[key] <= alpha
                axes.scatter(x[significant], value[significant], color=color, s=36, zorder=3,
                             label=None if lines else key or None)
                axes.scatter(x[~significant], value[~significant], facecolor="white", edgecolor=color,
                             s=36, zorder=3)
            else:
                axes.scatter(x, value, color=color, s=36, zorder=3, label=None if lines else key or None)
        if expected is not None:
            axes.plot(x, np.broadcast_to(np.asarray(expected, dtype=float), x.shape), color="#777777",
                      linestyle="--", linewidth=1.0, label=expected_label, zorder=1)
        if pvalues:
            axes.scatter([], [], color="#444444", s=36, label=significant_label.format(alpha=alpha))
            axes.scatter([], [], facecolor="white", edgecolor="#444444", s=36, label=not_significant_label)
        axes.set_xticks(x, labels=None if numeric else [str(label) for label in labels])
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if title:
            axes.set_title(title)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(frameon=False, fontsize="small")
    return figure
