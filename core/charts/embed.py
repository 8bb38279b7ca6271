"""Charts inside the HTML reports (one self-contained file: the image is a data URI)."""

from __future__ import annotations

from .base import chart_bytes

MIME = {"png": "image/png", "svg": "image/svg+xml"}


def embed_chart(report, figure, alt: str = "", width: int | None = None, fmt: str = "png",
                dpi: int | None = None):
    """Append ``figure`` to ``report`` (a :class:`core.html_report.HtmlReport`); returns the report."""
    if fmt not in MIME:
        raise ValueError(f"fmt must be one of {sorted(MIME)}")
    return report.image_bytes(chart_bytes(figure, fmt, dpi), MIME[fmt], alt=alt, width=width)
