"""The convergence run on the synthetic panel, and its messages for bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.convergence.analysis import ConvergenceSettings, convergence_analysis
from digital_resilience.core.errors import InputError
from digital_resilience.core.regression.panel_data import read_panel
from digital_resilience.core.weights.model import SpatialWeights


@pytest.fixture(scope="module")
def wide(sample_dir, cities_frame):
    """The cities with latent resilience RES_YYYY and urbanisation URB_YYYY (wide layer)."""
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    res = latent.pivot(index="adcode", columns="year", values="resilience").add_prefix("RES_")
    urb = panel.pivot(index="adcode", columns="year", values="URB").add_prefix("URB_")
    frame = cities_frame[["adcode", "name", "region", "geometry"]].merge(res, left_on="adcode", right_index=True)
    return frame.merge(urb, left_on="adcode", right_index=True)


def run(frame, fields=("RES_2019",), controls=(), groups=True, **settings):
    panel = read_panel(frame, list(fields), frame["adcode"].to_numpy())
    return convergence_analysis(
        panel, "RES", controls, groups=frame.set_index("adcode")["region"] if groups else None,
        settings=ConvergenceSettings(**settings), labels=dict(zip(frame["adcode"], frame["name"])),
    )


def test_the_synthetic_panel_converges(wide):
    result = run(wide, ("RES_2019", "URB_2019"), ["URB"])
    assert result.years == list(range(2011, 2020)) and len(result.units) == 367
    sigma = result.sigma.set_index("year")
    # SYNTHETIC_PANEL.md: σ falls from 0.545 to 0.334, in every year but 2018 (0.366 -> 0.373)
    assert (np.diff(sigma["cv"]) < 0).sum() == 7
    assert sigma.loc[2011, "cv"] == pytest.approx(0.545, abs=5e-4)
    assert sigma.loc[2019, "cv"] == pytest.approx(0.334, abs=5e-4)
    trends = result.trends.set_index("measure")
    assert (trends["slope"] < 0).all() and (trends["p"] < 0.001).all()
    for key in ("cs_ols_abs", "cs_ols_cond", "panel_ols_abs", "panel_ols_cond"):
        beta, _, p = result.model(key).beta
        assert beta < 0 and p < 0.001, key
    # the west and centre catch up with the east (SYNTHETIC_PANEL.md: ×2.47 and ×2.48 against ×2.12)
    growth = result.unit_table.groupby("group")["growth"].mean()
    assert growth["west"] > growth["east"] and growth["central"] > growth["east"]


def test_theil_parts_add_up_and_groups_are_reported(wide):
    result = run(wide)
    sigma = result.sigma
    np.testing.assert_allclose(sigma["theil_between"] + sigma["theil_within"], sigma["theil"], rtol=1e-12)
    np.testing.assert_allclose(sigma["gini_within"] + sigma["gini_between"] + sigma["gini_transvariation"],
                               sigma["gini"], rtol=1e-12)
    groups = result.sigma_groups
    assert set(groups["group"]) == {"east", "central", "west", "northeast"}
    assert len(groups) == 4 * 9
    east_2011 = wide.loc[wide.region == "east", "RES_2011"].to_numpy()
    row = groups[(groups.year == 2011) & (groups.group == "east")].iloc[0]
    assert row["cv"] == pytest.approx(east_2011.std(ddof=1) / east_2011.mean(), rel=1e-12)
    assert row["n"] == 103


def test_years_can_be_restricted_and_the_denominator_chosen(wide):
    result = run(wide, groups=False, start=2013, end=2017, ddof=0)
    assert result.years == [2013, 2014, 2015, 2016, 2017]
    values = wide["RES_2013"].to_numpy()
    assert result.sigma["cv"].iloc[0] == pytest.approx(values.std() / values.mean(), rel=1e-12)
    assert result.sigma_groups is None
    assert result.model("cs_ols_abs").speed.tau == 4


def test_non_positive_values_name_the_cities(wide):
    frame = wide.copy()
    frame.loc[frame.adcode == 110100, "RES_2013"] = 0.0
    frame.loc[frame.adcode == 120100, "RES_2015"] = -0.2
    with pytest.raises(InputError, match=r"RES must be positive: .* 2 unit\(s\) have zero or negative values: "
                                         r"110100 北京市 \(2013\), 120100 天津市 \(2015\)"):
        run(frame)


def test_a_constant_indicator_is_refused(wide):
    frame = wide.copy()
    frame["RES_2011"] = 0.5
    with pytest.raises(InputError, match="RES has the same value for every unit in 2011"):
        run(frame)


def test_empty_group_values_are_named(wide):
    frame = wide.copy()
    frame.loc[frame.adcode == 110100, "region"] = None
    with pytest.raises(InputError, match=r"The group field is empty for 1 unit\(s\): 110100 北京市"):
        run(frame)


def test_too_few_units_per_group(wide):
    frame = wide.copy()
    frame.loc[frame.adcode.isin([110100, 120100]), "region"] = "capital"
    with pytest.raises(InputError, match=r"Too few units per group: capital \(2\)\. .* at least 3 units"):
        run(frame)


def test_an_unbalanced_panel_says_what_is_missing_or_is_balanced(wide):
    frame = wide.copy()
    frame.loc[frame.adcode == 110100, "RES_2014"] = np.nan
    frame.loc[frame.adcode == 130100, "URB_2016"] = np.nan
    with pytest.raises(InputError, match=r"not balanced: 2 unit-year\(s\) lack a value: 110100 2014 \(RES\), "
                                         r"130100 2016 \(URB\)\. .* drop the 2 unit\(s\)"):
        run(frame, ("RES_2019", "URB_2019"), ["URB"])
    result = run(frame, ("RES_2019", "URB_2019"), ["URB"], balance=True)
    assert result.dropped == [110100, 130100] and len(result.units) == 365


def test_a_missing_year_field_is_named(wide):
    frame = wide.drop(columns=["URB_2012"])
    with pytest.raises(InputError, match="URB has no values in 2012"):
        run(frame, ("RES_2019", "URB_2019"), ["URB"])


def test_collinear_controls_are_named(wide):
    frame = wide.copy()
    for year in range(2011, 2020):
        frame[f"DUP_{year}"] = 2 * frame[f"URB_{year}"] + 1
    with pytest.raises(InputError, match="perfectly collinear: DUP is a linear combination of constant, URB"):
        run(frame, ("RES_2019", "URB_2019", "DUP_2019"), ["URB", "DUP"])


def test_islands_are_refused_for_spatial_models(wide):
    panel = read_panel(wide, ["RES_2019"], wide["adcode"].to_numpy())
    import scipy.sparse as sp

    n = len(wide)
    ring = sp.diags([np.ones(n - 1), np.ones(n - 1)], [1, -1]).tolil()
    ring[5, 4] = ring[5, 6] = ring[4, 5] = ring[6, 5] = 0  # unit 5 loses its neighbours
    weights = SpatialWeights(wide["adcode"].to_numpy(), ring.tocsr())
    with pytest.raises(InputError, match=r"1 unit\(s\) have no neighbours in the spatial weights: 130400"):
        convergence_analysis(panel, "RES", weights=weights, settings=ConvergenceSettings(spatial_models=("SAR",)))


def test_a_long_layer_gives_the_same_result(sample_dir, wide):
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    panel = read_panel(latent, ["resilience"], latent["adcode"].to_numpy(), year_field="year")
    long_result = convergence_analysis(panel, "resilience")
    wide_result = run(wide, groups=False)
    np.testing.assert_allclose(long_result.sigma["cv"], wide_result.sigma["cv"], rtol=1e-12)
    assert long_result.model("cs_ols_abs").beta == pytest.approx(wide_result.model("cs_ols_abs").beta)


def test_unequally_spaced_years_skip_the_panel_with_a_reason(wide):
    frame = wide.drop(columns=["RES_2012"])
    result = run(frame, groups=False)
    assert result.model("panel_ols_abs") is None
    (design, error), = result.skipped
    assert design == "panel" and "not equally spaced" in str(error)
    assert result.model("cs_ols_abs") is not None


def two_block_growth():
    """(panel, weights): 20 units in two disconnected complete blocks; growth 0 in one block and
    0.05 a year in the other (+1e-9 noise), so W·growth = growth and ρ, λ run to the bound."""
    import scipy.sparse as sp

    from digital_resilience.core.weights.model import SpatialWeights

    rng = np.random.default_rng(1)
    start = np.exp(rng.normal(size=20))
    growth = np.r_[np.zeros(10), np.full(10, 0.05)] + 1e-9 * rng.normal(size=20)
    frame = pd.DataFrame({"uid": np.arange(1, 21), "RES_2011": start, "RES_2019": start * np.exp(8 * growth)})
    block = np.ones((10, 10)) - np.eye(10)
    weights = SpatialWeights(np.arange(1, 21), sp.block_diag([block, block]).tocsr())
    return read_panel(frame, ["RES_2019"], frame["uid"].to_numpy()), weights


@pytest.mark.parametrize("model, name", [("SAR", "ρ"), ("SEM", "λ"), ("SDM", "ρ")])
def test_a_spatial_model_at_the_bound_is_left_out_with_its_reason(model, name):
    """Before: SAR reported ρ = 1.0000 (SE 2.6e-8) with a starred β, a half-life of 5e8 years and effects."""
    from digital_resilience.core.convergence.spatial import cross_section_spatial
    from digital_resilience.core.econometrics.likelihood import AtBound

    panel, weights = two_block_growth()
    with pytest.raises(AtBound) as bound:
        cross_section_spatial(panel.matrix("RES"), panel.years, weights, model)
    assert abs(bound.value.params["value"]) > 0.99
    result = convergence_analysis(panel, "RES", weights=weights, settings=ConvergenceSettings(spatial_models=(model,)))
    assert [m.estimator for m in result.models] == ["OLS"]
    (_, error), = [entry for entry in result.skipped if entry[0] == "cross-section"]
    assert str(error).startswith(f"{model} (absolute): the spatial parameter {name} = ")
    assert "is at the bound of its range" in str(error) and "left out of the tables and the report" in str(error)


def test_the_report_is_written_from_plain_python_in_english(wide, tmp_path):
    """core/convergence/report.py: no QGIS, English by default; SYNTHETIC_PANEL.md's σ (0.545 → 0.334)."""
    import html

    from digital_resilience.core.convergence.report import write_report

    result = run(wide, ("RES_2019", "URB_2019"), ["URB"])
    written = write_report(result, tmp_path / "r.html", None, "cities")
    assert written == {"REPORT": str(tmp_path / "r.html"), "CHART": None}
    text = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "The coefficient of variation fell from 0.545 (2011) to 0.334 (2019)" in text
    assert "Theil index: between and within groups" in text and "β-convergence: do units that start" in text


def test_the_report_translates_every_label_through_the_translator_passed_in(wide, tmp_path):
    """Each caption goes through ``tr``; a word used in two senses names its own context."""
    from digital_resilience.core.convergence.report import build_report, sigma_table

    seen = []

    def tr(text, context=None):
        seen.append((context, text))
        return f"«{text}»"

    report = build_report(run(wide), "cities", {}, tr).render()
    assert ("convergence", "Total") in seen and ("convergence", "Group") in seen
    assert "<th>«Total»</th>" in report and "«Theil index: between and within groups»" in report
    _, aliases, title = sigma_table(run(wide), tr)
    assert title == "«σ-convergence of RES»" and aliases["cv"] == "«Coefficient of variation»"


def test_without_matplotlib_the_report_has_no_charts_and_says_so(wide, tmp_path, monkeypatch):
    from digital_resilience.core import charts
    from digital_resilience.core.convergence.report import write_report

    monkeypatch.setattr(charts, "charts_available", lambda: False)
    warnings = []
    written = write_report(run(wide), tmp_path / "r.html", tmp_path / "c.png", "cities", warn=warnings.append)
    assert written == {"REPORT": str(tmp_path / "r.html"), "CHART": None} and not (tmp_path / "c.png").exists()
    assert warnings == ["matplotlib is not installed in QGIS's Python: the report has no charts."]
    assert "<img" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_an_indicator_that_varies_only_by_rounding_is_refused(wide):
    """The one "does not vary" rule (core.constant.is_constant): spreads of 1e-16 of the values are
    rounding noise, not dispersion (σ of log values would be pure noise)."""
    frame = wide.copy()
    frame["RES_2011"] = 0.5 + np.where(np.arange(len(frame)) % 2, 1e-16, 0.0)
    assert frame["RES_2011"].nunique() == 2
    with pytest.raises(InputError, match="RES has the same value for every unit in 2011"):
        run(frame)
