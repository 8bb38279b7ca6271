"""σ-convergence: the dispersion of an index over the years (overall and by region)."""

from __future__ import annotations

import numpy as np

from ..palettes import SERIES_COLORS
from .base import blank_figure, chart_context, new_figure, style_axes
from .series import as_series

#: The σ measures of ``core.convergence.sigma``, in the order they are drawn.
MEASURES = ("cv", "sd_log", "theil", "gini")


def _lines(axes, years, series: dict, annotate_ends: bool, marker_size: float = 4) -> None:
    """One line per series in the house colours; first and last values written beside it."""
    for index, (key, value) in enumerate(series.items()):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        axes.plot(years, value, color=color, linewidth=1.8, marker="o", markersize=marker_size, label=key or None)
        if annotate_ends:
            finite = np.flatnonzero(np.isfinite(value))
            for position, align in ((finite[:1], "right"), (finite[-1:], "left")):
                for i in position:
                    axes.annotate(f"{value[i]:.2f}", (years[i], value[i]), textcoords="offset points",
                                  xytext=(-6 if align == "right" else 6, 0), ha=align, va="center",
                                  fontsize="small", color=color)


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
        _lines(axes, years, series, annotate_ends)
        axes.set_xticks(years)
        axes.margins(x=0.08)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if title:
            axes.set_title(title)
        if len(series) > 1 or next(iter(series)):
            axes.legend(frameon=False, fontsize="small")
    return figure


def sigma_report_chart(sigma, sigma_groups=None, *, text: dict):
    """The σ panel of the convergence report: every measure over the years; with groups also
    the coefficient of variation by group (all units dashed) and the Theil index split into
    its within- and between-group parts (stacked bars).

    ``sigma``: ``core.convergence.sigma``'s table by year (``year``, the measures,
    ``theil_within``, ``theil_between``); ``sigma_groups``: its table by group and year.
    ``text``: title, year, value, overall, by_group, theil_parts, between, within, all and
    one caption per measure (cv, sd_log, theil, gini).
    """
    grouped = sigma_groups is not None and len(sigma_groups)
    years = sigma["year"].to_numpy()
    with chart_context():
        if grouped:  # two panels above, the Theil split below across the width: a page-shaped figure
            figure = blank_figure(size=(10.4, 7.6))
            mosaic = figure.subplot_mosaic([["overall", "groups"], ["theil", "theil"]])
            axes = [mosaic["overall"], mosaic["groups"], mosaic["theil"]]
        else:
            figure = blank_figure(size=(6.4, 4.2))
            axes = [figure.subplots()]
        _lines(axes[0], years, {text[m]: sigma[m].to_numpy(dtype=float) for m in MEASURES}, False, 3.5)
        _panel(axes[0], text["overall"], text["year"], text["value"], years)
        if grouped:
            by_group = {str(group): rows.set_index("year")["cv"].reindex(years).to_numpy(dtype=float)
                        for group, rows in sigma_groups.groupby("group", sort=False)}
            _lines(axes[1], years, by_group, False, 3.5)
            axes[1].plot(years, sigma["cv"], color="#222222", linestyle="--", linewidth=1.2, label=text["all"])
            _panel(axes[1], text["by_group"], text["year"], text["cv"], years)
            axes[2].bar(years, sigma["theil_within"], color="#9ECAE1", label=text["within"])
            axes[2].bar(years, sigma["theil_between"], bottom=sigma["theil_within"], color=SERIES_COLORS[0],
                        label=text["between"])
            _panel(axes[2], text["theil_parts"], text["year"], text["theil"], years)
        figure.suptitle(text["title"], fontsize=11)
    return figure


def _panel(axes, title: str, xlabel: str, ylabel: str, years) -> None:
    style_axes(axes)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.set_ylabel(ylabel, fontsize=9)
    axes.set_xticks(list(years))
    axes.tick_params(labelsize=8)
    axes.legend(fontsize=8, frameon=False)
