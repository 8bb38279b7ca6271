"""Paper tables (core/regression/table.py) and the residual local Moran."""

# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pytest

from digital_resilience.core.econometrics.local_moran import local_moran
from digital_resilience.core.regression.table import PaperColumn, PaperTable, number, p_value, stars


def test_stars_follow_the_journal_convention():
    assert [stars(p) for p in (0.0001, 0.0099, 0.01, 0.049, 0.05, 0.099, 0.1, 0.5, float("nan"))] == [
        "***", "***", "**", "**", "*", "*", "", "", ""]
    assert [p_value(p) for p in (0.5, 0.0012, 0.00099, 0.0)] == ["0.500", "0.001", "<\u00a00.001", "<\u00a00.001"]
    assert number(0.12345) == "0.1235" and number(1234) == "1,234" and number(np.int64(3303)) == "3,303"
    # Small values keep three significant digits in fixed notation; text passes through.
    assert number(-2.5e-6) == "-0.00000250" and number(0.000626) == "0.000626" and number("367") == "367"
    assert number(2.5e7) == "2.50e+07" and number(float("nan")) == "" and number(None) == ""


def test_paper_table_layout_html_and_csv():
    a = PaperColumn("SAR", {"DIG": (0.51234, 0.021, 1e-9), "rho": (0.4, 0.1, 0.02)}, {"Observations": 3303})
    b = PaperColumn("SDM †", {"DIG": (0.49, 0.03, 0.2), "W·DIG": (0.3, 0.1, 0.004)}, {"Observations": 3303})
    table = PaperTable("Table 1", [a, b], terms=["DIG", "W·DIG", "rho"], term_labels={"rho": "ρ"})
    frame = table.frame()
    assert list(frame.columns) == ["", "SAR", "SDM †"]
    assert frame.values.tolist() == [
        ["DIG", "0.5123***", "0.4900"], ["", "(0.0210)", "(0.0300)"],
        ["W·DIG", "", "0.3000***"], ["", "", "(0.1000)"],
        ["ρ", "0.4000**", ""], ["", "(0.1000)", ""],
        ["Observations", "3,303", "3,303"]]
    html = table.html()
    assert "<caption>Table 1</caption>" in html and "<td>(0.0210)</td>" in html and "SDM †" in html
    assert "*** p &lt; 0.01" in html


def test_local_moran_equals_esda_and_brute_force_permutations(synthetic):
    esda = pytest.importorskip("esda")
    data, _, knn, _ = synthetic
    values = data.y[: data.n]
    ours = local_moran(values, knn.transformed(), permutations=999, seed=5)
    # esda's statistic and GeoDa quadrants (permutations=0: esda's numba permutation engine
    # compiles for half a minute on first use).
    theirs = esda.Moran_Local(values, knn.to_libpysal(), permutations=0, geoda_quads=True)
    np.testing.assert_allclose(ours.I, theirs.Is, rtol=1e-10)
    np.testing.assert_array_equal(ours.quadrant, theirs.q)
    # Pseudo p-values against a plain conditional permutation for 40 units: for unit i, draw
    # its neighbours' values from the other units, 999 times (another random stream, so the
    # two p-values agree to Monte-Carlo precision).
    W = knn.transformed().tocsr()
    z = values - values.mean()
    rng = np.random.default_rng(99)
    for i in range(0, 367, 9):
        weights = W.data[W.indptr[i]:W.indptr[i + 1]]
        others = np.delete(np.arange(367), i)
        simulated = np.array([(366 * z[i] * (z[rng.choice(others, len(weights), replace=False)] @ weights))
                              / (z @ z) for _ in range(999)])
        larger = min((simulated >= ours.I[i]).sum(), 999 - (simulated >= ours.I[i]).sum())
        brute = (larger + 1) / 1000
        assert abs(ours.p[i] - brute) < 4 * np.sqrt(2 * brute * (1 - brute) / 999) + 0.003  # 4 MC SEs
    labels = ours.labels
    assert set(labels) <= {"High-High", "Low-Low", "Low-High", "High-Low", "Not significant"}
    assert (labels == "High-High").sum() > 20  # resilience clusters in the east (SYNTHETIC_PANEL.md)


def test_local_moran_marks_units_without_neighbours(synthetic):
    data, queen, _, _ = synthetic
    result = local_moran(data.y[: data.n], queen.transformed(), permutations=99, seed=1)
    island = int(np.flatnonzero(queen.ids == 460300)[0])
    assert result.labels[island] == "No neighbours" and result.quadrant[island] == 0
