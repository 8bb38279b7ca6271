"""Charts as files (core/charts): contents checked on the figure and on the pixels."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

from digital_resilience.core.charts.base import cjk_family, save_chart
from digital_resilience.core.errors import InputError


def pixels(figure):
    """RGB array of the figure rendered as PNG (what a reader sees)."""
    from matplotlib.image import imread

    from digital_resilience.core.charts.base import chart_bytes

    return (imread(io.BytesIO(chart_bytes(figure, "png")))[..., :3] * 255).round().astype(int)


def count_color(image, hex_color, tolerance=6):
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())


def test_ranking_rows_by_hand():
    from digital_resilience.core.charts.ranking import ranking_rows

    names = ["a", "b", "c", "d", "e", "f", "g"]
    values = [0.5, 0.9, np.nan, 0.1, 0.7, 0.3, 0.2]
    # Sorted high to low without the NaN: b .9, e .7, a .5, f .3, g .2, d .1
    assert ranking_rows(names, values, top=2, bottom=2) == [
        ("b", 0.9, "top"), ("e", 0.7, "top"), ("g", 0.2, "bottom"), ("d", 0.1, "bottom")]
    # Fewer units than top + bottom: everyone once, the first `top` are "top".
    rows = ranking_rows(names, values, top=4, bottom=4)
    assert [r[0] for r in rows] == ["b", "e", "a", "f", "g", "d"]
    assert [r[2] for r in rows] == ["top"] * 4 + ["bottom"] * 2
    with pytest.raises(InputError, match="no values to rank"):
        ranking_rows(["a"], [np.nan])
    with pytest.raises(InputError, match="one name per value"):
        ranking_rows(["a", "b"], [1.0])


def test_ranking_chart_draws_the_top_and_bottom_bars():
    from digital_resilience.core.charts.ranking import BOTTOM_COLOR, TOP_COLOR, ranking_chart

    rng = np.random.default_rng(1)
    values = rng.uniform(0, 1, 40)
    names = [f"城市{i}" for i in range(40)]
    figure = ranking_chart(names, values, top=5, bottom=3, title="数字经济指数排名", xlabel="指数")
    axes = figure.axes[0]
    widths = [bar.get_width() for bar in axes.patches]
    expected = sorted(values, reverse=True)
    assert widths == pytest.approx(expected[:5] + expected[-3:])
    top_bar = max(axes.patches, key=lambda bar: bar.get_y())
    assert top_bar.get_width() == pytest.approx(values.max())  # the highest value is drawn at the top
    ticks = {round(t.get_position()[1]): t.get_text() for t in axes.get_yticklabels()}
    assert ticks[round(top_bar.get_y() + top_bar.get_height() / 2)] == names[int(np.argmax(values))]
    image = pixels(figure)
    assert count_color(image, TOP_COLOR) > 500 and count_color(image, BOTTOM_COLOR) > 300


def test_moran_trend_marks_significance_and_expected_value():
    from digital_resilience.core.charts.moran_trend import moran_trend_chart

    years = np.arange(2011, 2020)
    values = np.linspace(0.42, 0.30, 9)
    p_values = np.array([0.001] * 7 + [0.2, 0.3])
    figure = moran_trend_chart(years, {"DEI": values}, {"DEI": p_values}, expected=-1 / 366,
                               title="Moran's I 2011–2019")
    axes = figure.axes[0]
    line = axes.lines[0]
    assert list(line.get_xdata()) == list(years) and line.get_ydata() == pytest.approx(values)
    assert axes.lines[1].get_ydata() == pytest.approx([-1 / 366] * 9)  # E[I] = -1/(n-1)
    filled, hollow = axes.collections[0], axes.collections[1]
    assert len(filled.get_offsets()) == 7 and len(hollow.get_offsets()) == 2
    assert tuple(hollow.get_facecolor()[0][:3]) == (1.0, 1.0, 1.0)
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["DEI", "E[I]", "p ≤ 0.05", "not significant"]
    with pytest.raises(InputError, match="one value per year"):
        moran_trend_chart(years, values[:5])


def test_moran_scatter_slope_is_morans_i_by_hand():
    """Four units on a line (1-2-3-4), row-standardised rook weights, x = (1, 2, 4, 7).

    z = (x - 3.5) / std(x) with std = sqrt(((2.5)² + 1.5² + 0.5² + 3.5²) / 4) = sqrt(5.25).
    Moran's I = (n / S0) Σ_ij w_ij z_i z_j / Σ z_i² with S0 = n (row-standardised):
    the lag (Wz) of unit 1 is z2, of 2 is (z1 + z3)/2, of 3 is (z2 + z4)/2, of 4 is z3.
    In units of 1/sqrt(5.25): z = (-2.5, -1.5, 0.5, 3.5), Wz = (-1.5, -1, 1, 0.5),
    Σ z·Wz = 3.75 + 1.5 + 0.5 + 1.75 = 7.5, Σ z² = 21, so I = 7.5 / 21 = 0.357142…
    """
    from digital_resilience.core.charts.moran_scatter import ScatterPanel, moran_scatter_chart

    x = np.array([1, 2, 4, 7], dtype=float)
    z = (x - x.mean()) / x.std()
    w = np.array([[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [0, 0, 1, 0]])
    clusters = [2, 0, 0, 1]  # GeoDa codes: Low-Low, not significant, not significant, High-High
    panel = ScatterPanel.from_arrays(z, w @ z, clusters, title="DEI_2019", x_variable="DEI_2019")
    assert panel.slope == pytest.approx(7.5 / 21) and panel.statistic == pytest.approx(7.5 / 21)
    figure = moran_scatter_chart(panel, cluster_labels={1: "高-高", 2: "低-低"})
    axes = figure.axes[0]
    (x0, x1), (y0, y1) = axes.lines[-1].get_xdata(), axes.lines[-1].get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(7.5 / 21)
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["Not significant (2)", "高-高 (1)", "低-低 (1)"]
    assert axes.get_title() == "DEI_2019\nMoran's I = 0.357"
    image = pixels(figure)
    assert count_color(image, "#FF0000") > 20 and count_color(image, "#0000FF") > 20
    with pytest.raises(InputError, match="one spatial lag"):
        ScatterPanel.from_arrays(z, (w @ z)[:3])


def test_chinese_text_uses_the_simplified_chinese_face_without_missing_glyphs(tmp_path):
    """Debian's Noto Sans CJK is a .ttc whose first face is Japanese (matplotlib 3.6 reads no
    other): the chart font must be the extracted Simplified Chinese face, and no glyph of a
    Chinese title may be missing."""
    from matplotlib import font_manager

    from digital_resilience.core.charts.base import chart_context, font_families
    from digital_resilience.core.charts.moran_trend import moran_trend_chart

    assert cjk_family(), "install Debian's fonts-noto-cjk (make setup does)"
    assert font_families()[0] == cjk_family()
    if cjk_family().startswith("Noto Sans CJK"):
        assert cjk_family() == "Noto Sans CJK SC"
    figure = moran_trend_chart([2011, 2012], [0.5, 0.4], title="区域差异的σ收敛", ylabel="变异系数")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from current font"
        save_chart(figure, tmp_path / "sigma.png")
    with chart_context():
        font = font_manager.findfont(figure.axes[0].title.get_fontproperties())
    assert "CJK" in font


def test_save_chart_formats_and_embedding(tmp_path):
    from digital_resilience.core.charts.embed import embed_chart
    from digital_resilience.core.charts.moran_trend import moran_trend_chart
    from digital_resilience.core.html_report import HtmlReport

    figure = moran_trend_chart([2011, 2012, 2013], [0.5, 0.45, 0.4])
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}
    for suffix, start in magic.items():
        path = save_chart(figure, tmp_path / f"chart.{suffix}")
        assert open(path, "rb").read(5).startswith(start)
    report = HtmlReport("Report")
    embed_chart(report, figure, alt="sigma")
    html = report.render()
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html and 'alt="sigma"' in html


def test_palettes_are_geoda_colours():
    from digital_resilience.core.palettes import HOTSPOT_COLORS, LISA_COLORS

    assert LISA_COLORS == {"High-High": "#FF0000", "Low-Low": "#0000FF", "Low-High": "#9696FF",
                           "High-Low": "#FF9696", "Not significant": "#F0F0F0", "No neighbours": "#8C8C8C",
                           "No data": "#464646"}
    assert sorted(HOTSPOT_COLORS) == [-3, -2, -1, 0, 1, 2, 3]


def test_sigma_report_chart_draws_measures_groups_and_the_theil_split():
    import pandas as pd

    from digital_resilience.core.charts.sigma_convergence import MEASURES, sigma_report_chart

    years = [2011, 2012, 2013]
    sigma = pd.DataFrame({"year": years, "cv": [0.5, 0.45, 0.4], "sd_log": [0.6, 0.55, 0.5],
                          "theil": [0.12, 0.10, 0.08], "gini": [0.3, 0.28, 0.25],
                          "theil_within": [0.07, 0.06, 0.05], "theil_between": [0.05, 0.04, 0.03]})
    groups = pd.DataFrame({"year": years * 2, "group": ["东部"] * 3 + ["西部"] * 3,
                           "cv": [0.3, 0.28, 0.26, 0.6, 0.55, 0.5]})
    text = {m: m.upper() for m in MEASURES} | {"title": "σ", "year": "Year", "value": "Dispersion",
                                               "overall": "All", "by_group": "By group", "theil_parts": "Theil",
                                               "between": "Between", "within": "Within", "all": "All units"}
    alone = sigma_report_chart(sigma, None, text=text)
    assert len(alone.axes) == 1 and [line.get_label() for line in alone.axes[0].lines] == ["CV", "SD_LOG", "THEIL",
                                                                                           "GINI"]
    figure = sigma_report_chart(sigma, groups, text=text)
    by_group, theil = figure.axes[1], figure.axes[2]
    assert [line.get_label() for line in by_group.lines] == ["东部", "西部", "All units"]
    assert by_group.lines[1].get_ydata() == pytest.approx([0.6, 0.55, 0.5])
    # Stacked bars: within at the bottom, between on top of it, so each bar reaches the Theil index.
    tops = [bar.get_y() + bar.get_height() for bar in theil.patches[3:]]
    assert tops == pytest.approx([0.12, 0.10, 0.08])
    # Page-shaped, not a strip: it fills a landscape page or a 900 px wide HTML image legibly.
    width, height = figure.get_size_inches()
    assert 1.0 <= width / height <= 1.6 and height >= 6


def test_beta_convergence_chart_line_is_the_fitted_regression():
    from digital_resilience.core.charts.beta_convergence import beta_convergence_chart

    ln_start = np.array([1.0, 1.5, 2.0, 2.5])
    growth = np.array([0.05, 0.04, 0.03, 0.02])
    figure = beta_convergence_chart(ln_start, growth, (0.07, -0.02), ["east", "west", "east", "west"],
                                    line_label="β = −0.02")
    axes = figure.axes[0]
    line = axes.lines[0]
    # (0.07 − 0.02 · ln y₀) · 100 at both ends of the data: 5 % at 1.0, 2 % at 2.5.
    assert line.get_ydata()[0] == pytest.approx(5.0) and line.get_ydata()[-1] == pytest.approx(2.0)
    assert [len(c.get_offsets()) for c in axes.collections] == [2, 2]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["east", "west", "β = −0.02"]


def test_bootstrap_chart_marks_estimate_and_intervals():
    from digital_resilience.core.charts.bootstrap import bootstrap_chart

    draws = np.random.default_rng(1).normal(0.2, 0.05, 400)
    figure = bootstrap_chart(draws, 0.2, (0.1, 0.3), (0.11, float("nan")), estimate_label="a·b")
    axes = figure.axes[0]
    assert sum(bar.get_height() for bar in axes.patches) == 400
    positions = [line.get_xdata()[0] for line in axes.lines]
    assert positions == [0.2, 0.1, 0.3, 0.0]  # the bias-corrected interval has a NaN bound: left out
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["a·b", "Percentile interval"]


def test_html_table_columns_share_their_decimals():
    """0.3750 over 0.3489 (the convergence report printed 0.375 over 0.3489 and 0.262 below);
    a column with small values gets the decimals its smallest needs, for every row."""
    from digital_resilience.core.html_report import HtmlReport

    report = HtmlReport("t").table(["Year", "CV", "SE", "Note"],
                                   [["2011", 0.375, 0.0014, "a"], ["2012", 0.3489, 0.000744, 1.5],
                                    ["2013", 0.262, 0.000309, "c"]])
    text = report.render()
    for cell in ("<td>0.3750</td>", "<td>0.3489</td>", "<td>0.2620</td>",
                 "<td>0.001400</td>", "<td>0.000744</td>", "<td>0.000309</td>", "<td>1.5</td>"):
        assert cell in text, cell
