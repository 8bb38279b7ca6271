"""Charts as files (PNG, SVG, PDF) for reports: one chart per module.

Each chart function takes plain arrays, Series or DataFrames (already computed by the
analysis) and returns a matplotlib ``Figure`` drawn with the Agg backend (no pyplot,
no global state, no display: safe headless and in QGIS's worker threads). Text given
by the caller (titles, axis labels, legend entries) is used as is, so the Processing
layer passes translated strings; Chinese renders with the Noto Sans CJK font when it is
installed. Save with :func:`core.charts.base.save_chart`, or embed in an
:class:`core.html_report.HtmlReport` with :func:`core.charts.embed.embed_chart`.
"""

from __future__ import annotations

import importlib.util


def charts_available() -> bool:
    """True when matplotlib is installed (charts are optional in reports)."""
    return importlib.util.find_spec("matplotlib") is not None


def optional_chart(build, warn=None, message: str = ""):
    """``build()`` (a report's chart, or its charts) when matplotlib is installed; else None, and
    ``warn(message)`` (the caller's translated note that the report goes without)."""
    if charts_available():
        return build()
    if warn is not None:
        warn(message)
    return None
