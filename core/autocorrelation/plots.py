"""Moran scatter plots and the chart of a global statistic over the years (matplotlib).

Figures are drawn with matplotlib's object API (``Figure``, no pyplot), so nothing
changes the backend or the state of a QGIS session; the format follows the file's
extension (.png, .svg, .pdf). Text uses DejaVu Sans with a CJK font as fallback
(matplotlib ≥ 3.6 falls back per glyph) when one is installed, so Chinese field names
render with Simplified Chinese glyphs (Noto Sans CJK SC on Debian, SimHei or Microsoft
YaHei on Windows); without one, matplotlib draws empty boxes.
Every text can be replaced through ``texts`` (the Processing layer passes translations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..palettes import LISA_COLORS
from .clusters import HIGH_HIGH, HIGH_LOW, LISA_LABELS, LOW_HIGH, LOW_LOW

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
             "PingFang SC", "Noto Sans CJK JP")

SCATTER_TEXTS = {
    "title": "Moran scatter plot",
    "x": "{variable} (standardised)",
    "y": "Spatial lag of {variable}",
    "statistic": "Moran's I = {value:.3f}",
    "not_significant": "Not significant",
    "significant": "{label} ({count})",
}
CHART_TEXTS = {
    "title": "{statistic} over the years",
    "year": "Year",
    "expected": "Expected under no autocorrelation",
    "significant": "filled: p ≤ {alpha} ({inference})",
}


def font_families() -> list[str]:
    """DejaVu Sans plus a CJK font (a known one, or fontconfig's Simplified Chinese font)."""
    global _CJK_FAMILY
    if _CJK_FAMILY is None:
        _CJK_FAMILY = _known_cjk_family() or _register_fontconfig_chinese() or ""
    return ["DejaVu Sans", _CJK_FAMILY] if _CJK_FAMILY else ["DejaVu Sans"]


_CJK_FAMILY: str | None = None


def _known_cjk_family() -> str | None:
    from matplotlib import font_manager

    for name in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        return name
    return None


def _register_fontconfig_chinese() -> str | None:
    """Register fontconfig's regular sans font for Simplified Chinese with matplotlib.

    Debian ships Noto Sans CJK as font collections (.ttc), which matplotlib 3.6 neither
    lists nor reads beyond their first face (Japanese); the Simplified Chinese face is
    extracted once with fontTools into the temporary folder.
    """
    import subprocess

    from matplotlib import font_manager

    try:
        listing = subprocess.run(["fc-list", ":lang=zh-cn", "-f", "%{file}|%{index}|%{family[0]}|%{style[0]}\n"],
                                 capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    candidates = [line.split("|") for line in listing.splitlines() if line.count("|") == 3]
    if not candidates:
        return None
    path, index, _, _ = min(candidates, key=lambda c: (c[3] != "Regular", "Mono" in c[2], "Serif" in c[2],
                                                                " SC" not in c[2]))
    try:
        usable = _single_face(path, int(index))
        font_manager.fontManager.addfont(usable)
        return font_manager.FontProperties(fname=usable).get_name()
    except Exception:  # an unreadable font only costs the Chinese glyphs
        return None


def _single_face(path: str, index: int) -> str:
    """A file matplotlib can read holding face ``index`` of ``path`` (a .ttc collection)."""
    import os
    import tempfile
    from pathlib import Path

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


def _figure(count: int, width: float = 4.4, height: float = 4.2):
    from matplotlib.figure import Figure

    columns = min(count, 3)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for extra in axes[count:]:
        extra.set_visible(False)
    return figure, axes[:count]


def _save(figure, path) -> str:
    path = str(path)
    figure.savefig(path, dpi=150)
    return path


@dataclass
class ScatterPanel:
    """One Moran scatter plot: standardised x against the spatial lag (of y)."""

    title: str
    x: np.ndarray
    lag: np.ndarray
    cluster: np.ndarray  # GeoDa cluster codes (0 not significant, 1–4 quadrants)
    slope: float
    statistic: float
    x_variable: str
    y_variable: str


def scatter_panels(analysis) -> list[ScatterPanel]:
    """The panels of a local Moran analysis (:class:`~.analyses.LocalAnalysis`), one per run.

    The line's slope is the least-squares slope through the origin, ``Σ x·lag / Σ x²``:
    Moran's I (or the bivariate I) under row-standardised weights.
    """
    panels = []
    for local in analysis.runs:
        result = local.result
        x = result.zx if hasattr(result, "zx") else result.z
        tested = np.ones(len(x), dtype=bool)
        tested[result.islands] = False
        slope = float(x @ result.lag / (x @ x))
        columns = local.run.columns
        if analysis.kind == "bivariate":
            variables = (columns[0], columns[1])
        elif analysis.kind == "differential":
            variables = (f"{columns[0]} − {columns[1]}",) * 2
        else:
            variables = (columns[0], columns[0])
        panels.append(ScatterPanel(local.run.title, x[tested], result.lag[tested], result.cluster[tested], slope,
                                   local.global_statistic, *variables))
    return panels


def moran_scatter_plot(path, panels: list[ScatterPanel], texts: dict | None = None, labels: dict | None = None) -> str:
    """Draw the panels (quadrants tinted, significant units in their cluster colour)."""
    from matplotlib import rc_context

    texts = {**SCATTER_TEXTS, **(texts or {})}
    labels = {**LISA_LABELS, **(labels or {})}
    with rc_context({"font.family": font_families(), "axes.unicode_minus": False}):
        figure, axes = _figure(len(panels))
        for ax, panel in zip(axes, panels):
            _scatter(ax, panel, texts, labels)
        if len(panels) > 1:
            figure.suptitle(texts["title"])
        return _save(figure, path)


def _scatter(ax, panel: ScatterPanel, texts, labels) -> None:
    reach = float(np.nanmax(np.abs(np.concatenate([panel.x, panel.lag, [1.0]])))) * 1.08
    quadrants = {HIGH_HIGH: (0, reach, 0, reach), LOW_LOW: (-reach, 0, -reach, 0),
                 LOW_HIGH: (-reach, 0, 0, reach), HIGH_LOW: (0, reach, -reach, 0)}
    for code, (x0, x1, y0, y1) in quadrants.items():
        ax.fill_between([x0, x1], y0, y1, color=LISA_COLORS[LISA_LABELS[code]], alpha=0.10, linewidth=0, zorder=0)
    ax.axhline(0, color="#555555", linewidth=0.6, linestyle="--", zorder=1)
    ax.axvline(0, color="#555555", linewidth=0.6, linestyle="--", zorder=1)
    quiet = panel.cluster == 0
    ax.scatter(panel.x[quiet], panel.lag[quiet], s=12, color="#b5b5b5", linewidths=0, zorder=2,
               label=f"{texts['not_significant']} ({int(quiet.sum())})")
    for code in (HIGH_HIGH, LOW_LOW, LOW_HIGH, HIGH_LOW):
        chosen = panel.cluster == code
        if chosen.any():
            ax.scatter(panel.x[chosen], panel.lag[chosen], s=22, color=LISA_COLORS[LISA_LABELS[code]],
                       edgecolors="black", linewidths=0.4, zorder=3,
                       label=texts["significant"].format(label=labels[code], count=int(chosen.sum())))
    line = np.array([-reach, reach])
    ax.plot(line, panel.slope * line, color="black", linewidth=1.2, zorder=4)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_xlabel(texts["x"].format(variable=panel.x_variable))
    ax.set_ylabel(texts["y"].format(variable=panel.y_variable))
    ax.set_title(f"{panel.title}\n{texts['statistic'].format(value=panel.statistic)}", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.85)


def statistic_chart(path, table, alpha: float = 0.05, texts: dict | None = None) -> str:
    """A global statistic (Moran's I if present) per field over the years.

    ``table``: :func:`~.analyses.global_autocorrelation`'s table. A filled marker is
    significant at ``alpha`` (permutation p-value if there is one, else randomisation).
    Fields without years are drawn as points along the x axis.
    """
    from matplotlib import rc_context

    texts = {**CHART_TEXTS, **(texts or {})}
    statistic = next((s for s in ("Moran's I", "Geary's C", "Getis-Ord General G")
                      if (table["statistic"] == s).any()), table["statistic"].iloc[0])
    rows = table[table["statistic"] == statistic]
    inference = "permutation" if (rows["inference"] == "permutation").any() else "randomisation"
    rows = rows[rows["inference"] == inference]
    with rc_context({"font.family": font_families(), "axes.unicode_minus": False}):
        figure, (ax,) = _figure(1, width=7.5, height=4.5)
        yearly = rows["year"].notna().any()
        for position, (name, group) in enumerate(rows.groupby("field", sort=False)):
            x = group["year"].astype(float).to_numpy() if yearly else np.full(len(group), position, dtype=float)
            y = group["value"].to_numpy()
            significant = group["p_value"].to_numpy() <= alpha
            (line,) = ax.plot(x, y, marker="", linewidth=1.5, label=name)
            ax.scatter(x[significant], y[significant], s=36, color=line.get_color(), zorder=3)
            ax.scatter(x[~significant], y[~significant], s=36, facecolors="white", edgecolors=line.get_color(),
                       zorder=3)
        expected = rows["expected"].mean()
        ax.axhline(expected, color="#777777", linewidth=0.8, linestyle="--", label=texts["expected"])
        if yearly:
            years = sorted(int(y) for y in rows["year"].dropna().unique())
            ax.set_xticks(years)
            ax.set_xlabel(texts["year"])
        else:
            names = list(dict.fromkeys(rows["field"]))
            ax.set_xticks(range(len(names)), names)
        ax.set_ylabel(statistic)
        ax.set_title(texts["title"].format(statistic=statistic))
        ax.legend(fontsize=8, title=texts["significant"].format(alpha=alpha, inference=inference),
                  title_fontsize=8)
        return _save(figure, path)
