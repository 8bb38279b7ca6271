"""σ-convergence: the dispersion of an index over the years (overall and by region)."""

from __future__ import annotations

from ..palettes import SERIES_COLORS
from .base import blank_figure, chart_context, year_panel

#: The σ measures of ``core.convergence.sigma``, in the order they are drawn.
MEASURES = ("cv", "sd_log", "theil", "gini")


def _lines(axes, years, series: dict) -> None:
    """One line per series in the house colours."""
    for index, (key, value) in enumerate(series.items()):
        axes.plot(years, value, color=SERIES_COLORS[index % len(SERIES_COLORS)], linewidth=1.8, marker="o",
                  markersize=3.5, label=key or None)


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
        _lines(axes[0], years, {text[m]: sigma[m].to_numpy(dtype=float) for m in MEASURES})
        year_panel(axes[0], text["overall"], text["year"], text["value"], years)
        if grouped:
            by_group = {str(group): rows.set_index("year")["cv"].reindex(years).to_numpy(dtype=float)
                        for group, rows in sigma_groups.groupby("group", sort=False)}
            _lines(axes[1], years, by_group)
            axes[1].plot(years, sigma["cv"], color="#222222", linestyle="--", linewidth=1.2, label=text["all"])
            year_panel(axes[1], text["by_group"], text["year"], text["cv"], years)
            axes[2].bar(years, sigma["theil_within"], color="#9ECAE1", label=text["within"])
            axes[2].bar(years, sigma["theil_between"], bottom=sigma["theil_within"], color=SERIES_COLORS[0],
                        label=text["between"])
            year_panel(axes[2], text["theil_parts"], text["year"], text["theil"], years)
        figure.suptitle(text["title"], fontsize=11)
    return figure
