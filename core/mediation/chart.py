"""The bootstrap distribution of the indirect effect (see :mod:`core.plotting`).

Captions come from the caller (translated by the Processing layer)."""

from __future__ import annotations

from ..plotting import available, new_figure, rc

__all__ = ["available", "bootstrap_chart"]


def bootstrap_chart(draws, estimate: float, percentile, bias_corrected, path, text: dict) -> str:
    """Histogram of the draws with the estimate and both intervals; ``text``: title, x, y,
    estimate, percentile, bc."""
    import numpy as np

    with rc():
        figure = new_figure(6.4, 4.0)
        axes = figure.add_subplot(1, 1, 1)
        axes.hist(draws, bins=min(60, max(10, int(np.sqrt(len(draws))))), color="#9ecae1",
                  edgecolor="white", linewidth=0.4)
        axes.axvline(estimate, color="#b2182b", linewidth=1.8, label=text["estimate"])
        for bounds, style, color, label in ((percentile, "--", "#222222", text["percentile"]),
                                            (bias_corrected, ":", "#e07b39", text["bc"])):
            if all(np.isfinite(bounds)):
                axes.axvline(bounds[0], color=color, linestyle=style, linewidth=1.3, label=label)
                axes.axvline(bounds[1], color=color, linestyle=style, linewidth=1.3)
        axes.axvline(0.0, color="#888888", linewidth=0.8)
        axes.set_title(text["title"], fontsize=10)
        axes.set_xlabel(text["x"], fontsize=9)
        axes.set_ylabel(text["y"], fontsize=9)
        axes.legend(fontsize=8, frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        figure.savefig(path)
    return str(path)
