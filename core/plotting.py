"""Shared matplotlib set-up for report charts, QGIS-safe.

matplotlib is optional for the toolkit (QGIS ships it on most platforms, but not
everywhere): :func:`available` says whether charts can be drawn, and algorithms skip
them with a warning otherwise. Figures are built with the object API and an Agg canvas,
never ``pyplot``, so nothing touches QGIS's Qt event loop or matplotlib's global backend.
"""

from __future__ import annotations

from importlib.util import find_spec

#: Fonts tried in order; CJK first so Chinese group or unit names render.
FONTS = ["Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", "Microsoft YaHei", "Arial"]


def available() -> bool:
    return find_spec("matplotlib") is not None


def rc():
    """A matplotlib rc context with the report fonts."""
    import matplotlib

    return matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS,
                                  "axes.unicode_minus": False})


def new_figure(width: float, height: float, dpi: int = 110):
    """A figure with an Agg canvas (inches)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure
