"""The Moran scatter plot: each unit's standardised value against its spatial lag, one
panel per year (or run), quadrants tinted and significant units in their LISA colour."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..palettes import LISA_COLORS
from .base import blank_figure, chart_context, style_axes

#: GeoDa's quadrant codes (core.autocorrelation.clusters) and their English labels.
QUADRANTS = {1: "High-High", 2: "Low-Low", 3: "Low-High", 4: "High-Low"}


@dataclass
class ScatterPanel:
    """One Moran scatter plot: standardised x against the spatial lag (of y)."""

    title: str
    x: np.ndarray
    lag: np.ndarray
    cluster: np.ndarray  # GeoDa cluster codes: 0 not significant, 1–4 the quadrant of a significant unit
    slope: float  # least squares through the origin, Σ x·lag / Σ x²: Moran's I under row-standardised W
    statistic: float  # the value written in the panel's title
    x_variable: str
    y_variable: str

    @classmethod
    def from_arrays(cls, x, lag, cluster=None, title: str = "", x_variable: str = "", y_variable: str | None = None,
                    statistic: float | None = None) -> ScatterPanel:
        """A panel of standardised values ``x`` and their lags (units with NaN left out);
        without ``cluster`` every unit is drawn as not significant."""
        x = np.asarray(x, dtype=float)
        lag = np.asarray(lag, dtype=float)
        cluster = np.zeros(x.shape, dtype=np.int64) if cluster is None else np.asarray(cluster, dtype=np.int64)
        if not (x.shape == lag.shape == cluster.shape):
            from ..errors import InputError

            raise InputError("Give one spatial lag and one cluster per value: {values} values, {lags} lags.",
                             values=x.size, lags=lag.size)
        keep = np.isfinite(x) & np.isfinite(lag)
        x, lag, cluster = x[keep], lag[keep], cluster[keep]
        slope = float(x @ lag / (x @ x))
        return cls(title, x, lag, cluster, slope, slope if statistic is None else float(statistic), x_variable,
                   x_variable if y_variable is None else y_variable)


def moran_scatter_chart(panels, *, title: str = "Moran scatter plot", xlabel: str = "{variable} (standardised)",
                        ylabel: str = "Spatial lag of {variable}", statistic_label: str = "Moran's I = {value:.3f}",
                        not_significant_label: str = "Not significant", cluster_label: str = "{label} ({count})",
                        cluster_labels: dict | None = None):
    """A figure with one scatter per :class:`ScatterPanel` (up to three side by side; ``title``
    above several). The line through the origin has the panel's slope; the legend counts the
    units of each cluster (``cluster_labels``: translated names by GeoDa quadrant code)."""
    panels = [panels] if isinstance(panels, ScatterPanel) else list(panels)
    names = {**QUADRANTS, **(cluster_labels or {})}
    texts = (xlabel, ylabel, statistic_label, not_significant_label, cluster_label)
    with chart_context():
        columns = min(len(panels), 3)
        rows = math.ceil(len(panels) / columns)
        figure = blank_figure(size=(4.4 * columns, 4.2 * rows))
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for extra in axes[len(panels):]:
            extra.set_visible(False)
        for ax, panel in zip(axes, panels):
            _scatter(ax, panel, names, *texts)
        if len(panels) > 1:
            figure.suptitle(title)
    return figure


def _scatter(ax, panel: ScatterPanel, names, xlabel, ylabel, statistic_label, not_significant_label,
             cluster_label) -> None:
    style_axes(ax)
    ax.grid(False)
    reach = float(np.nanmax(np.abs(np.concatenate([panel.x, panel.lag, [1.0]])))) * 1.08
    tints = {1: (0, reach, 0, reach), 2: (-reach, 0, -reach, 0), 3: (-reach, 0, 0, reach), 4: (0, reach, -reach, 0)}
    for code, (x0, x1, y0, y1) in tints.items():
        ax.fill_between([x0, x1], y0, y1, color=LISA_COLORS[QUADRANTS[code]], alpha=0.10, linewidth=0, zorder=0)
    ax.axhline(0, color="#555555", linewidth=0.6, linestyle="--", zorder=1)
    ax.axvline(0, color="#555555", linewidth=0.6, linestyle="--", zorder=1)
    quiet = panel.cluster == 0
    ax.scatter(panel.x[quiet], panel.lag[quiet], s=12, color="#b5b5b5", linewidths=0, zorder=2,
               label=f"{not_significant_label} ({int(quiet.sum())})")
    for code, label in QUADRANTS.items():
        chosen = panel.cluster == code
        if chosen.any():
            ax.scatter(panel.x[chosen], panel.lag[chosen], s=22, color=LISA_COLORS[label], edgecolors="black",
                       linewidths=0.4, zorder=3, label=cluster_label.format(label=names[code], count=int(chosen.sum())))
    line = np.array([-reach, reach])
    ax.plot(line, panel.slope * line, color="black", linewidth=1.2, zorder=4)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_xlabel(xlabel.format(variable=panel.x_variable))
    ax.set_ylabel(ylabel.format(variable=panel.y_variable))
    statistic = statistic_label.format(value=panel.statistic)
    ax.set_title(f"{panel.title}\n{statistic}" if panel.title else statistic, fontsize=10)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.85)
