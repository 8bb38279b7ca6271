"""The Moran scatter plot: each unit's standardised value against its spatial lag."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..palettes import LISA_COLORS
from .base import chart_context, new_figure, style_axes


def standardize(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    spread = values.std()
    if not np.isfinite(spread) or spread == 0:
        raise InputError("The variable is constant; a Moran scatter plot needs values that vary.")
    return (values - values.mean()) / spread


def moran_scatter_chart(z, lag, clusters=None, *, title: str | None = None,
                        xlabel: str = "Standardised value", ylabel: str = "Spatial lag",
                        slope_label: str = "Moran's I = {slope:.3f}", cluster_labels: dict | None = None,
                        quadrant_labels: bool = True):
    """Points (z_i, (Wz)_i) with the least-squares line through the origin area; its slope is
    Moran's I when ``z`` is standardised and W row-standardised. ``clusters`` (optional,
    one label per unit: "High-High", "Low-Low", "Low-High", "High-Low", "Not significant",
    "No neighbours") colours the points as GeoDa's LISA map; ``cluster_labels`` translates
    the legend entries."""
    z = np.asarray(z, dtype=float)
    lag = np.asarray(lag, dtype=float)
    if z.shape != lag.shape:
        raise InputError("Give one spatial lag per value: {values} values, {lags} lags.",
                         values=z.size, lags=lag.size)
    keep = np.isfinite(z) & np.isfinite(lag)
    slope, intercept = np.polyfit(z[keep], lag[keep], 1)
    with chart_context():
        figure, axes = new_figure(size=(5.0, 4.6))
        style_axes(axes)
        axes.axhline(0, color="#888888", linewidth=0.8)
        axes.axvline(0, color="#888888", linewidth=0.8)
        if clusters is None:
            axes.scatter(z, lag, s=14, color="#3A6EA5", alpha=0.75, edgecolor="none")
        else:
            clusters = np.asarray(clusters, dtype=object)
            names = cluster_labels or {}
            for label, color in LISA_COLORS.items():
                chosen = clusters == label
                if chosen.any():
                    edge = "#999999" if label == "Not significant" else "none"
                    axes.scatter(z[chosen], lag[chosen], s=16, color=color, edgecolor=edge, linewidth=0.4,
                                 label=names.get(label, label), zorder=3 if label != "Not significant" else 2)
        span = np.array([np.nanmin(z), np.nanmax(z)])
        axes.plot(span, intercept + slope * span, color="#222222", linewidth=1.4,
                  label=slope_label.format(slope=slope))
        if quadrant_labels:
            for x, y, text in ((0.98, 0.98, "HH"), (0.02, 0.02, "LL"), (0.02, 0.98, "LH"), (0.98, 0.02, "HL")):
                axes.text(x, y, text, transform=axes.transAxes, ha="right" if x > 0.5 else "left",
                          va="top" if y > 0.5 else "bottom", color="#666666", fontsize="small")
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        if title:
            axes.set_title(title)
        axes.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(0.0, 0.93))
    return figure
