"""Charts of a convergence analysis (see :mod:`core.plotting`: matplotlib, no pyplot).

Every caption is passed in by the caller, so the Processing layer can translate it.
"""

from __future__ import annotations

import numpy as np

from ..plotting import available, new_figure, rc

__all__ = ["available", "beta_scatter", "sigma_chart"]

MEASURE_COLORS = {"cv": "#3a6ea5", "sd_log": "#e07b39", "theil": "#5b9e47", "gini": "#a4439a"}
GROUP_COLORS = ["#3a6ea5", "#e07b39", "#5b9e47", "#a4439a", "#c9a227", "#6e6e6e", "#1b9e9e", "#d6604d"]


def _style(axes, title: str, xlabel: str, ylabel: str, years) -> None:
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.set_ylabel(ylabel, fontsize=9)
    axes.set_xticks(list(years))
    axes.tick_params(labelsize=8)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def sigma_chart(sigma, sigma_groups, path, text: dict) -> str:
    """σ measures over the years (and CV by group, Theil between/within when grouped).

    ``text`` holds the captions: title, year, value, overall, by_group, theil_parts,
    between, within and one per measure (cv, sd_log, theil, gini).
    """
    grouped = sigma_groups is not None and len(sigma_groups)
    panels = 3 if grouped else 1
    with rc():
        figure = new_figure(5.2 * panels, 3.8)
        years = sigma["year"].to_numpy()
        axes = figure.add_subplot(1, panels, 1)
        for measure, color in MEASURE_COLORS.items():
            axes.plot(years, sigma[measure], marker="o", markersize=3.5, color=color, label=text[measure])
        _style(axes, text["overall"], text["year"], text["value"], years)
        axes.legend(fontsize=8, frameon=False)
        if grouped:
            axes = figure.add_subplot(1, panels, 2)
            for i, (group, rows) in enumerate(sigma_groups.groupby("group", sort=False)):
                axes.plot(rows["year"], rows["cv"], marker="o", markersize=3.5,
                          color=GROUP_COLORS[i % len(GROUP_COLORS)], label=str(group))
            axes.plot(years, sigma["cv"], color="#222222", linestyle="--", linewidth=1.2, label=text["all"])
            _style(axes, text["by_group"], text["year"], text["cv"], years)
            axes.legend(fontsize=8, frameon=False)
            axes = figure.add_subplot(1, panels, 3)
            axes.bar(years, sigma["theil_within"], color="#9ecae1", label=text["within"])
            axes.bar(years, sigma["theil_between"], bottom=sigma["theil_within"], color="#3a6ea5",
                     label=text["between"])
            _style(axes, text["theil_parts"], text["year"], text["theil"], years)
            axes.legend(fontsize=8, frameon=False)
        figure.suptitle(text["title"], fontsize=11)
        figure.tight_layout()
        figure.savefig(path)
    return str(path)


def beta_scatter(unit_table, fitted: tuple[float, float], path, text: dict) -> str:
    """Average annual growth against the initial log level, with the absolute β line.

    ``fitted``: (constant, β) of the cross-section OLS; ``text``: title, x, y, line.
    """
    with rc():
        figure = new_figure(6.0, 4.2)
        axes = figure.add_subplot(1, 1, 1)
        x = unit_table["ln_start"].to_numpy()
        y = unit_table["growth"].to_numpy() * 100.0
        if "group" in unit_table:
            for i, (group, rows) in enumerate(unit_table.groupby("group", sort=False)):
                axes.scatter(rows["ln_start"], rows["growth"] * 100.0, s=10, alpha=0.75,
                             color=GROUP_COLORS[i % len(GROUP_COLORS)], label=str(group))
        else:
            axes.scatter(x, y, s=10, alpha=0.75, color="#3a6ea5")
        line = np.linspace(x.min(), x.max(), 50)
        axes.plot(line, (fitted[0] + fitted[1] * line) * 100.0, color="#b2182b", linewidth=1.5,
                  label=text["line"])
        axes.set_title(text["title"], fontsize=10)
        axes.set_xlabel(text["x"], fontsize=9)
        axes.set_ylabel(text["y"], fontsize=9)
        axes.grid(True, color="#dddddd", linewidth=0.6)
        axes.legend(fontsize=8, frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        figure.savefig(path)
    return str(path)
