"""The bootstrap distribution of an estimate (e.g. the indirect effect of a mediation) with
the estimate and its confidence intervals."""

from __future__ import annotations

import numpy as np

from .base import chart_context, new_figure, style_axes


def bootstrap_chart(draws, estimate: float, percentile, bias_corrected, *, title: str = "",
                    xlabel: str = "Estimate", ylabel: str = "Draws", estimate_label: str = "Estimate",
                    percentile_label: str = "Percentile interval", bc_label: str = "Bias-corrected interval"):
    """Histogram of ``draws`` with the estimate (solid), the percentile interval (dashed) and
    the bias-corrected interval (dotted); an interval with a NaN bound is left out."""
    draws = np.asarray(draws, dtype=float)
    with chart_context():
        figure, axes = new_figure()
        style_axes(axes)
        axes.grid(False, axis="x")
        axes.hist(draws, bins=min(60, max(10, int(np.sqrt(len(draws))))), color="#9ECAE1", edgecolor="white",
                  linewidth=0.4)
        axes.axvline(estimate, color="#B2182B", linewidth=1.8, label=estimate_label)
        for bounds, style, color, label in ((percentile, "--", "#222222", percentile_label),
                                            (bias_corrected, ":", "#E07B39", bc_label)):
            if all(np.isfinite(bounds)):
                axes.axvline(bounds[0], color=color, linestyle=style, linewidth=1.3, label=label)
                axes.axvline(bounds[1], color=color, linestyle=style, linewidth=1.3)
        axes.axvline(0.0, color="#888888", linewidth=0.8)
        axes.set_title(title, fontsize=10)
        axes.set_xlabel(xlabel, fontsize=9)
        axes.set_ylabel(ylabel, fontsize=9)
        axes.legend(fontsize=8, frameon=False)
    return figure
