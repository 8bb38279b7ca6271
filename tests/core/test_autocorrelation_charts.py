"""The autocorrelation charts: Moran scatter panels and the statistic over the years, from the
analyses (core/autocorrelation/chart_data.py) to files (core/charts)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.autocorrelation.analyses import global_autocorrelation, local_moran_analysis
from digital_resilience.core.autocorrelation.chart_data import scatter_panels, trend_series
from digital_resilience.core.autocorrelation.options import ANALYTICAL_INFERENCE, InferenceSpec
from digital_resilience.core.autocorrelation.runs import LayerUnits
from digital_resilience.core.charts.base import font_families, save_chart
from digital_resilience.core.charts.moran_scatter import moran_scatter_chart
from digital_resilience.core.charts.moran_trend import moran_trend_chart
from digital_resilience.core.weights.files import read_weights_file

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def columbus_panel(root):
    folder = root / "tests" / "reference" / "autocorrelation"
    data = pd.read_csv(folder / "columbus.csv")
    return LayerUnits.wide(data, read_weights_file(folder / "columbus_queen.gal", data.POLYID.to_numpy()))


def test_scatter_slope_is_morans_i_and_files_are_written(columbus_panel, tmp_path):
    analysis = local_moran_analysis(columbus_panel, "CRIME", inference=InferenceSpec(permutations=99, seed=1))
    (panel,) = scatter_panels(analysis)
    # GeoDa's published Moran's I of CRIME (queen): 0.500; the slope of the plot is I.
    assert panel.slope == pytest.approx(0.500188557, abs=1e-9)
    assert panel.statistic == pytest.approx(panel.slope, rel=1e-12)
    assert (panel.cluster[panel.cluster > 0] == analysis.runs[0].result.cluster[analysis.runs[0].result.significant]
            ).all()
    png = save_chart(moran_scatter_chart([panel]), tmp_path / "scatter.png")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    svg = save_chart(moran_scatter_chart([panel]), tmp_path / "scatter.svg")
    assert "<svg" in open(svg, encoding="utf-8").read(2000)


def test_bivariate_slope_is_the_bivariate_i(columbus_panel):
    analysis = local_moran_analysis(columbus_panel, "CRIME", kind="bivariate", second="INC",
                                    inference=ANALYTICAL_INFERENCE)
    (panel,) = scatter_panels(analysis)
    x, lag = analysis.runs[0].result.zx, analysis.runs[0].result.lag
    assert panel.slope == pytest.approx(float(x @ lag / (x @ x)))
    assert panel.slope == pytest.approx(analysis.runs[0].global_statistic, rel=1e-12)


def test_chinese_text_renders_without_missing_glyphs(columbus_panel, tmp_path):
    if len(font_families()) == 1:
        pytest.skip("no CJK font installed")
    frame = columbus_panel.frame.rename(columns={"CRIME": "犯罪率_2019"})
    analysis = local_moran_analysis(LayerUnits.wide(frame, columbus_panel.weights), "犯罪率_2019",
                                    inference=ANALYTICAL_INFERENCE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_chart(moran_scatter_chart(scatter_panels(analysis), title="莫兰散点图"), tmp_path / "中文.png")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing


def test_chart_over_the_years(tmp_path):
    rng = np.random.default_rng(1)
    n = 25
    codes = np.arange(n)
    rows, cols = [], []
    for i in range(n):
        for j in (i - 1, i + 1, i - 5, i + 5):
            if 0 <= j < n and (abs(i - j) == 5 or i // 5 == j // 5):
                rows.append(i)
                cols.append(j)
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    weights = SpatialWeights(codes, sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)))
    frame = pd.DataFrame({f"DEI_{y}": codes % 5 + rng.normal(size=n) for y in (2011, 2012, 2013)})
    table = global_autocorrelation(LayerUnits.wide(frame, weights), ["DEI_2011"], all_years=True,
                                   inference=InferenceSpec(permutations=49, seed=1)).table
    series = trend_series(table)
    assert series.statistic == "Moran's I" and series.inference == "permutation" and series.yearly
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "permutation")]
    assert list(series.x) == [2011, 2012, 2013]
    np.testing.assert_array_equal(series.values["DEI"], moran["value"].to_numpy())
    np.testing.assert_array_equal(series.p_values["DEI"], moran["p_value"].to_numpy())
    assert series.expected == pytest.approx(moran["expected"].mean())  # the permutations' mean of I
    figure = moran_trend_chart(series.x, series.values, series.p_values, series.expected)
    assert open(save_chart(figure, tmp_path / "chart.png"), "rb").read(4) == b"\x89PNG"
    no_years = global_autocorrelation(LayerUnits.wide(frame.rename(columns=lambda c: c[:3] + c[-1]), weights),
                                      ["DEI1", "DEI2"], inference=ANALYTICAL_INFERENCE).table
    series = trend_series(no_years)
    assert not series.yearly and list(series.x) == ["DEI1", "DEI2"] and series.inference == "randomisation"
    figure = moran_trend_chart(series.x, series.values, series.p_values, series.expected, lines=False)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["DEI1", "DEI2"]
    assert not any(line.get_label() == "Moran's I" for line in figure.axes[0].lines)  # points, no line
    assert open(save_chart(figure, tmp_path / "fields.svg"), encoding="utf-8").read(200).find("<svg") >= 0
