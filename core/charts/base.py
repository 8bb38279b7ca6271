"""Figures without pyplot: Agg canvas, CJK-capable fonts, saving to files or bytes."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from ..progress import checkpoint

#: CJK families used when matplotlib already knows one (Windows and macOS list their fonts).
CJK_FAMILY_NAMES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
                    "WenQuanYi Zen Hei", "PingFang SC", "SimHei")
#: Font files tried last (no fontconfig, e.g. Windows); face 0 of each is Simplified Chinese.
CJK_FONT_FILES = ("C:/Windows/Fonts/msyh.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

#: Page-friendly default size (inches) and resolution.
DEFAULT_SIZE = (6.4, 4.0)
DEFAULT_DPI = 150


@functools.lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The family name of an installed Simplified Chinese font, registered with matplotlib
    (None if there is none: Chinese text then draws as empty boxes).

    Debian ships Noto Sans CJK as font collections (.ttc) whose first face is Japanese, and
    matplotlib 3.6 neither lists collections nor reads them beyond their first face: the
    face fontconfig names for Simplified Chinese is extracted once (fontTools) into the
    temporary folder and registered from there.
    """
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FAMILY_NAMES:
        if name in known:
            return name
    for path, index in [*_fontconfig_chinese(), *((path, 0) for path in CJK_FONT_FILES)]:
        if not Path(path).exists():
            continue
        try:
            usable = _single_face(path, index)
            font_manager.fontManager.addfont(usable)
            return font_manager.FontProperties(fname=usable).get_name()
        except Exception:  # an unreadable font only costs the Chinese glyphs
            continue
    return None


def _fontconfig_chinese() -> list[tuple[str, int]]:
    """(file, face index) of fontconfig's sans fonts for Simplified Chinese, regular SC first."""
    import subprocess

    try:
        listing = subprocess.run(["fc-list", ":lang=zh-cn", "-f", "%{file}|%{index}|%{family[0]}|%{style[0]}\n"],
                                 capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    candidates = [line.split("|") for line in listing.splitlines() if line.count("|") == 3]
    candidates.sort(key=lambda c: (c[3] != "Regular", "Mono" in c[2], "Serif" in c[2], " SC" not in c[2]))
    return [(path, int(index)) for path, index, _, _ in candidates]


def _single_face(path: str, index: int) -> str:
    """A file matplotlib can read holding face ``index`` of ``path`` (a .ttc collection)."""
    import os
    import tempfile

    if not path.lower().endswith((".ttc", ".otc")) or index == 0:
        return path
    target = Path(tempfile.gettempdir()) / "digital_resilience_fonts" / f"{Path(path).stem}-{index}.otf"
    if not target.exists():
        from fontTools.ttLib import TTCollection

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        TTCollection(path, lazy=True).fonts[index].save(str(partial))
        os.replace(partial, target)
    return str(target)


def font_families() -> list[str]:
    """Font fallback list: the CJK font first (it has Latin glyphs too, and the maps' labels
    use Noto Sans CJK SC), then DejaVu Sans (matplotlib ≥ 3.6 falls back per glyph)."""
    family = cjk_family()
    return [family, "DejaVu Sans"] if family else ["DejaVu Sans"]


def chart_context():
    """rcParams for drawing: the CJK-capable fonts. Charts are built *and* saved inside it
    (matplotlib creates tick labels at draw time)."""
    import matplotlib

    return matplotlib.rc_context({"font.family": font_families(), "axes.unicode_minus": False,
                                  "svg.fonttype": "path", "pdf.fonttype": 42})


def blank_figure(size=DEFAULT_SIZE, dpi: int = DEFAULT_DPI):
    """A figure on an Agg canvas, without axes (call inside :func:`chart_context`)."""
    checkpoint()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def new_figure(size=DEFAULT_SIZE, dpi: int = DEFAULT_DPI):
    """(figure, axes): one plot on an Agg canvas (call inside :func:`chart_context`)."""
    figure = blank_figure(size, dpi)
    return figure, figure.add_subplot()


def year_panel(axes, title: str, xlabel: str, ylabel: str, years) -> None:
    """A panel over the years in the house look: title, axis labels, one tick per year, the legend."""
    style_axes(axes)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.set_ylabel(ylabel, fontsize=9)
    axes.set_xticks(list(years))
    axes.tick_params(labelsize=8)
    axes.legend(fontsize=8, frameon=False)


def style_axes(axes) -> None:
    """The house look: light grid, no top/right spines."""
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def save_chart(figure, path, dpi: int | None = None) -> str:
    """Write ``figure`` to ``path``; the format follows the suffix (.png, .svg, .pdf)."""
    path = Path(path)
    checkpoint()
    path.parent.mkdir(parents=True, exist_ok=True)
    with chart_context():
        figure.savefig(str(path), dpi=dpi or figure.dpi, format=path.suffix.lstrip(".").lower() or "png")
    return str(path)


def chart_bytes(figure, fmt: str = "png", dpi: int | None = None) -> bytes:
    """The figure encoded as PNG/SVG/PDF bytes."""
    buffer = io.BytesIO()
    checkpoint()
    with chart_context():
        figure.savefig(buffer, format=fmt, dpi=dpi or figure.dpi)
    return buffer.getvalue()
