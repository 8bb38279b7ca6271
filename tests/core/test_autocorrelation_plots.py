"""Moran scatter plots and the chart over the years: files written, slope right, CJK text drawn."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.autocorrelation.analyses import global_autocorrelation, local_moran_analysis
from digital_resilience.core.autocorrelation.plots import (
    CJK_FONTS,
    font_families,
    moran_scatter_plot,
    scatter_panels,
    statistic_chart,
)
from digital_resilience.core.autocorrelation.runs import Panel
from digital_resilience.core.weights.files import read_weights_file

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def columbus_panel(root):
    folder = root / "tests" / "reference" / "autocorrelation"
    data = pd.read_csv(folder / "columbus.csv")
    return Panel.wide(data, read_weights_file(folder / "columbus_queen.gal", data.POLYID.to_numpy()))


def test_scatter_slope_is_morans_i_and_files_are_written(columbus_panel, tmp_path):
    analysis = local_moran_analysis(columbus_panel, "CRIME", permutations=99, seed=1)
    (panel,) = scatter_panels(analysis)
    # GeoDa's published Moran's I of CRIME (queen): 0.500; the slope of the plot is I.
    assert panel.slope == pytest.approx(0.500188557, abs=1e-9)
    assert panel.statistic == pytest.approx(panel.slope, rel=1e-12)
    assert (panel.cluster[panel.cluster > 0] == analysis.runs[0].result.cluster[analysis.runs[0].result.significant]
            ).all()
    png = moran_scatter_plot(tmp_path / "scatter.png", [panel])
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    svg = moran_scatter_plot(tmp_path / "scatter.svg", [panel])
    assert "<svg" in open(svg, encoding="utf-8").read(2000)


def test_bivariate_slope_is_the_bivariate_i(columbus_panel):
    analysis = local_moran_analysis(columbus_panel, "CRIME", kind="bivariate", second="INC", permutations=0)
    (panel,) = scatter_panels(analysis)
    x, lag = analysis.runs[0].result.zx, analysis.runs[0].result.lag
    assert panel.slope == pytest.approx(float(x @ lag / (x @ x)))
    assert panel.slope == pytest.approx(analysis.runs[0].global_statistic, rel=1e-12)


def test_chinese_text_renders_without_missing_glyphs(columbus_panel, tmp_path):
    families = font_families()
    if len(families) == 1:
        pytest.skip(f"no CJK font installed (looked for {', '.join(CJK_FONTS)})")
    frame = columbus_panel.frame.rename(columns={"CRIME": "犯罪率_2019"})
    analysis = local_moran_analysis(Panel.wide(frame, columbus_panel.weights), "犯罪率_2019", permutations=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        moran_scatter_plot(tmp_path / "中文.png", scatter_panels(analysis), texts={"title": "莫兰散点图"})
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
    table = global_autocorrelation(Panel.wide(frame, weights), ["DEI_2011"], all_years=True, permutations=49,
                                   seed=1).table
    path = statistic_chart(tmp_path / "chart.png", table)
    assert open(path, "rb").read(4) == b"\x89PNG"
    no_years = global_autocorrelation(Panel.wide(frame.rename(columns=lambda c: c[:3] + c[-1]), weights),
                                      ["DEI1", "DEI2"], permutations=0).table
    assert open(statistic_chart(tmp_path / "fields.svg", no_years), encoding="utf-8").read(200).find("<svg") >= 0
