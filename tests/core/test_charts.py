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
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["DEI", "E[I]", "p < 0.05", "not significant"]
    with pytest.raises(InputError, match="one value per year"):
        moran_trend_chart(years, values[:5])


def test_sigma_convergence_writes_the_first_and_last_values():
    from digital_resilience.core.charts.sigma_convergence import sigma_convergence_chart

    years = np.arange(2011, 2020)
    sigma = {"全国": np.linspace(0.57, 0.42, 9), "east": np.linspace(0.40, 0.35, 9)}
    figure = sigma_convergence_chart(years, sigma, title="σ 收敛")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["0.57", "0.42", "0.40", "0.35"]
    assert figure.axes[0].lines[0].get_ydata() == pytest.approx(sigma["全国"])


def test_moran_scatter_slope_is_morans_i_by_hand():
    """Four units on a line (1-2-3-4), row-standardised rook weights, x = (1, 2, 4, 7).

    z = (x - 3.5) / std(x) with std = sqrt(((2.5)² + 1.5² + 0.5² + 3.5²) / 4) = sqrt(5.25).
    Moran's I = (n / S0) Σ_ij w_ij z_i z_j / Σ z_i² with S0 = n (row-standardised):
    the lag (Wz) of unit 1 is z2, of 2 is (z1 + z3)/2, of 3 is (z2 + z4)/2, of 4 is z3.
    In units of 1/sqrt(5.25): z = (-2.5, -1.5, 0.5, 3.5), Wz = (-1.5, -1, 1, 0.5),
    Σ z·Wz = 3.75 + 1.5 + 0.5 + 1.75 = 7.5, Σ z² = 21, so I = 7.5 / 21 = 0.357142…
    """
    from digital_resilience.core.charts.moran_scatter import moran_scatter_chart, standardize

    z = standardize([1, 2, 4, 7])
    w = np.array([[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [0, 0, 1, 0]])
    lag = w @ z
    clusters = ["Low-Low", "Not significant", "Not significant", "High-High"]
    figure = moran_scatter_chart(z, lag, clusters, title="Moran 散点图",
                                 cluster_labels={"High-High": "高-高", "Low-Low": "低-低"})
    axes = figure.axes[0]
    x0, x1 = axes.lines[-1].get_xdata()
    y0, y1 = axes.lines[-1].get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(7.5 / 21)
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["高-高", "低-低", "Not significant", "Moran's I = 0.357"]
    image = pixels(figure)
    assert count_color(image, "#FF0000") > 20 and count_color(image, "#0000FF") > 20


def test_chinese_text_uses_the_cjk_font_without_missing_glyphs(tmp_path):
    from matplotlib import font_manager

    from digital_resilience.core.charts.base import chart_context
    from digital_resilience.core.charts.sigma_convergence import sigma_convergence_chart

    assert cjk_family(), "install Debian's fonts-noto-cjk (make setup does)"
    figure = sigma_convergence_chart([2011, 2012], [0.5, 0.4], title="区域差异的σ收敛", ylabel="变异系数")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from current font"
        save_chart(figure, tmp_path / "sigma.png")
    with chart_context():
        font = font_manager.findfont(figure.axes[0].title.get_fontproperties())
    assert "CJK" in font


def test_save_chart_formats_and_embedding(tmp_path):
    from digital_resilience.core.charts.embed import embed_chart
    from digital_resilience.core.charts.sigma_convergence import sigma_convergence_chart
    from digital_resilience.core.html_report import HtmlReport

    figure = sigma_convergence_chart([2011, 2012, 2013], [0.5, 0.45, 0.4])
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
