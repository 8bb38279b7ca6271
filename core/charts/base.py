"""Figures without pyplot: Agg canvas, CJK-capable fonts, saving to files or bytes."""

from __future__ import annotations

import functools
import io
from pathlib import Path

#: Font files tried for Chinese text, in order (Debian's fonts-noto-cjk and common others).
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
CJK_FAMILY_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Microsoft YaHei",
                    "WenQuanYi Micro Hei", "PingFang SC", "SimHei")

#: Page-friendly default size (inches) and resolution.
DEFAULT_SIZE = (6.4, 4.0)
DEFAULT_DPI = 150


@functools.lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The family name of an installed CJK font, registered with matplotlib (None if none)."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FAMILY_NAMES:
        if name in known:
            return name
    for path in CJK_FONT_FILES:
        if Path(path).exists():
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def font_families() -> list[str]:
    """Font fallback list: the CJK font first (it has Latin glyphs too), then DejaVu Sans."""
    family = cjk_family()
    return [family, "DejaVu Sans"] if family else ["DejaVu Sans"]


def chart_context():
    """rcParams for drawing: the CJK-capable fonts. Charts are built *and* saved inside it
    (matplotlib creates tick labels at draw time)."""
    import matplotlib

    return matplotlib.rc_context({"font.family": font_families(), "axes.unicode_minus": False,
                                  "svg.fonttype": "path", "pdf.fonttype": 42})


def new_figure(size=DEFAULT_SIZE, dpi: int = DEFAULT_DPI):
    """(figure, axes) on an Agg canvas (call inside :func:`chart_context`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def style_axes(axes) -> None:
    """The house look: light grid, no top/right spines."""
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def save_chart(figure, path, dpi: int | None = None) -> str:
    """Write ``figure`` to ``path``; the format follows the suffix (.png, .svg, .pdf)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with chart_context():
        figure.savefig(str(path), dpi=dpi or figure.dpi, format=path.suffix.lstrip(".").lower() or "png")
    return str(path)


def chart_bytes(figure, fmt: str = "png", dpi: int | None = None) -> bytes:
    """The figure encoded as PNG/SVG/PDF bytes."""
    buffer = io.BytesIO()
    with chart_context():
        figure.savefig(buffer, format=fmt, dpi=dpi or figure.dpi)
    return buffer.getvalue()
