"""β-convergence: each unit's average annual growth against its initial log level."""

from __future__ import annotations

import numpy as np

from ..palettes import SERIES_COLORS
from .base import chart_context, new_figure, style_axes


def beta_convergence_chart(ln_start, growth, fitted: tuple[float, float], groups=None, *, title: str = "",
                           xlabel: str = "ln initial level", ylabel: str = "Average annual growth (%)",
                           line_label: str = "OLS fit"):
    """Points (ln y₀, growth in % a year), coloured by ``groups`` (one label per unit) when
    given, with the absolute β line ``(constant + β · ln y₀) · 100`` of ``fitted`` =
    (constant, β) of the cross-section OLS (growth as a share a year)."""
    x = np.asarray(ln_start, dtype=float)
    y = np.asarray(growth, dtype=float) * 100.0
    with chart_context():
        figure, axes = new_figure(size=(6.0, 4.2))
        style_axes(axes)
        if groups is None:
            axes.scatter(x, y, s=10, alpha=0.75, color=SERIES_COLORS[0])
        else:
            groups = np.asarray(groups, dtype=object)
            for i, group in enumerate(dict.fromkeys(groups)):
                chosen = groups == group
                axes.scatter(x[chosen], y[chosen], s=10, alpha=0.75, color=SERIES_COLORS[i % len(SERIES_COLORS)],
                             label=str(group))
        line = np.linspace(np.nanmin(x), np.nanmax(x), 50)
        axes.plot(line, (fitted[0] + fitted[1] * line) * 100.0, color="#B2182B", linewidth=1.5, label=line_label)
        axes.set_title(title, fontsize=10)
        axes.set_xlabel(xlabel, fontsize=9)
        axes.set_ylabel(ylabel, fontsize=9)
        axes.legend(fontsize=8, frameon=False)
    return figure
