"""resilience:heterogeneity through Processing, on the synthetic panel (SYNTHETIC_PANEL.md: the
own effect of the digital economy is ×1.30 from 2016 and ×1.40 in the most open cities)."""


from __future__ import annotations

import pandas as pd
import pytest

EXPLANATORY = ["DIG_2019", "INNOV_2019", "URB_2019", "HUM_2019", "GOV_2019"]
BASE = {"DEPENDENT": "RES_2019", "EXPLANATORY": EXPLANATORY, "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2,
        "WEIGHTS_K": 6, "EFFECTS": 3, "DRAWS": 100}


def run(parameters):
    import processing

    return processing.run("resilience:heterogeneity", parameters)


def test_period_split_finds_the_stronger_effect_after_2016(provider, wide_layer_path, tmp_path):
    result = run({"INPUT": wide_layer_path, **BASE, "GROUPING": 0, "SPLIT_YEAR": 2016,
                  "REPORT": str(tmp_path / "period.html"), "TABLE": str(tmp_path / "period.csv"),
                  "PAPER_TABLES": str(tmp_path / "period.xlsx"), "TABLE_FORMATS": [0, 3]})
    assert result["RATIO"] < 0.9 and result["DIFFERENCE"] < 0 and result["P_VALUE"] < 0.001
    assert result["Z"] == pytest.approx(result["DIFFERENCE"] / abs(result["DIFFERENCE"] / result["Z"]))
    table = pd.read_csv(tmp_path / "period.csv", encoding="utf-8-sig")
    assert list(table.columns[1:]) == ["All", "before 2016", "2016 and after"]
    assert "Direct effect of DIG" in table.iloc[:, 0].tolist()
    tests = pd.read_csv(tmp_path / "period_tests.csv", encoding="utf-8-sig")
    assert {"coefficient", "direct effect", "indirect effect", "total effect"} <= set(tests.quantity)
    assert "2016 and after" in (tmp_path / "period.html").read_text(encoding="utf-8")
    # The side-by-side table for papers: FE rows, N per group, the weights, the Lee–Yu note.
    paper = pd.read_csv(tmp_path / "period_groups.csv", encoding="utf-8-sig", header=None, dtype=str).fillna("")
    rows = {row[0]: row[1:] for row in paper.values.tolist() if row[0]}
    assert rows["City fixed effects"] == ["Yes", "Yes", "Yes"] and rows["Year fixed effects"] == ["Yes", "Yes", "Yes"]
    assert rows["N (units × years)"][1:] == ["1,835 (367 × 5)", "1,468 (367 × 4)"]  # 2011–2015, 2016–2019
    assert rows["Spatial weights"][0] == "k-nearest neighbours (k = 6), row-standardised"
    assert any("before the Lee–Yu bias correction" in label for label in rows)
    openpyxl = pytest.importorskip("openpyxl")
    assert openpyxl.load_workbook(tmp_path / "period.xlsx").sheetnames == ["groups"]


def test_openness_interaction_and_groups_layer(provider, wide_layer_path, qgis_new_project):
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:heterogeneity", {
        "INPUT": wide_layer_path, **BASE, "GROUPING": 2, "GROUP_FIELD": "OPEN_2019", "TOP_SHARE": 30,
        "BOTTOM_SHARE": 30, "METHOD": 1, "REPORT": None, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert result["RATIO"] > 1.3 and result["P_VALUE"] < 1e-6  # top 30 % against bottom 30 %
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    groups = [f["GROUP"] for f in layer.getFeatures()]
    assert groups.count("top 30 %") == groups.count("bottom 30 %") == 110
    assert isinstance(layer.renderer(), QgsCategorizedSymbolRenderer)
    assert {c.value() for c in layer.renderer().categories()} == {"top 30 %", "bottom 30 %", "middle"}


def test_regions_side_by_side(provider, wide_layer_path, tmp_path):
    result = run({"INPUT": wide_layer_path, **BASE, "MODEL": 1, "GROUPING": 1, "GROUP_FIELD": "region",
                  "TABLE": str(tmp_path / "regions.csv"), "REPORT": None})
    table = pd.read_csv(tmp_path / "regions.csv", encoding="utf-8-sig")
    assert list(table.columns[1:]) == ["All", "central", "east", "northeast", "west"]
    assert result["P_VALUE"] is not None


def test_region_interaction_gives_each_regions_effects(provider, wide_layer_path, tmp_path):
    """A category grouping with the interaction model: each region's direct, indirect and total effects of
    DIG (on the region's cities) in the side-by-side table, the paper table and the report, and their
    differences tested with the joint draws."""
    run({"INPUT": wide_layer_path, **BASE, "GROUPING": 1, "GROUP_FIELD": "region", "METHOD": 1,
         "REPORT": str(tmp_path / "regions.html"), "TABLE": str(tmp_path / "regions.csv"),
         "PAPER_TABLES": str(tmp_path / "paper.xlsx"), "TABLE_FORMATS": [3]})
    table = pd.read_csv(tmp_path / "regions.csv", encoding="utf-8-sig", dtype=str).fillna("")
    rows = dict(zip(table.iloc[:, 0], table.iloc[:, 2]))  # the interaction model's column
    cells = [rows[f"{kind} effect of DIG × {region}"] for region in ("central", "east", "northeast", "west")
             for kind in ("Direct", "Indirect", "Total")]
    assert all(cell.lstrip("-−")[:1].isdigit() for cell in cells), cells
    tests = pd.read_csv(tmp_path / "regions_tests.csv", encoding="utf-8-sig")
    effects = tests[tests.quantity == "total effect"]
    assert len(effects) == 6 and set(effects.method) == {"simulated, joint draws"} and effects.se.gt(0).all()
    paper = (tmp_path / "paper_groups.csv").read_text(encoding="utf-8-sig")
    assert "Total effect of DIG × west" in paper
    html = (tmp_path / "regions.html").read_text(encoding="utf-8")
    assert "Effects by group (interaction model)" in html and "simulated, joint draws" in html


def test_grouping_field_required(provider, wide_layer_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="needs the group field"):
        run({"INPUT": wide_layer_path, **BASE, "GROUPING": 1, "REPORT": None})


def test_no_draws_leaves_the_effect_differences_out_and_no_output_is_nan(provider, wide_layer_path, tmp_path,
                                                                        monkeypatch):
    """DRAWS = 0: the effects have no standard errors, so their group differences (z, p undefined) are not
    in the tests table or the report; the key coefficient's difference still is. An undefined number is
    a NULL output (None), never NaN."""
    import math

    from digital_resilience.core.econometrics import heterogeneity

    parameters = {"INPUT": wide_layer_path, **BASE, "DRAWS": 0, "GROUPING": 0, "SPLIT_YEAR": 2016,
                  "REPORT": str(tmp_path / "period.html"), "TABLE": str(tmp_path / "period.csv")}
    result = run(parameters)
    for name in ("DIFFERENCE", "Z", "P_VALUE", "RATIO"):
        assert isinstance(result[name], float) and math.isfinite(result[name])
    tests = pd.read_csv(tmp_path / "period_tests.csv", encoding="utf-8-sig")
    assert set(tests.quantity) == {"coefficient", "W·coefficient"} and tests[["z", "p"]].notna().all().all()
    html = (tmp_path / "period.html").read_text(encoding="utf-8")
    assert "effect</td>" not in html and "No inference on the direct, indirect and total effects" in html
    # A ratio, z and p that are undefined (second coefficient 0, no standard error) come out as NULL.
    monkeypatch.setattr(heterogeneity.Comparison, "ratio", property(lambda self: float("nan")))
    monkeypatch.setattr(heterogeneity.Comparison, "z", property(lambda self: float("nan")))
    result = run({**parameters, "REPORT": None, "TABLE": None})
    assert result["RATIO"] is None and result["Z"] is None and result["P_VALUE"] is None
    assert isinstance(result["DIFFERENCE"], float)


def test_gap_over_time_by_region(provider, wide_layer_path, tmp_path):
    """Method 2 (gap over time) by region against the east: the central and western cities' own effect is
    below the east's by 0.15 in 2011 and by 0.04 in 2019 (SYNTHETIC_PANEL.md), so their gaps start negative
    and rise (a positive trend); the CSV holds every group and year, the report the section and chart."""
    result = run({"INPUT": wide_layer_path, **BASE, "MODEL": 1, "GROUPING": 1, "GROUP_FIELD": "region",
                  "METHOD": 2, "REFERENCE": "east", "REPORT": str(tmp_path / "gap.html"),
                  "GAP_TABLE": str(tmp_path / "gap.csv"), "TABLE": str(tmp_path / "groups.csv")})
    assert result["GAP_FIRST"] < -0.05 and result["GAP_TREND"] > 0 and result["GAP_TREND_P"] < 0.05
    assert result["GAP_LAST"] > result["GAP_FIRST"]
    table = pd.read_csv(tmp_path / "gap.csv", encoding="utf-8-sig")
    assert len(table) == 4 * 9 and set(table.group) == {"central", "east", "northeast", "west"}
    assert table[table.group == "east"].gap.isna().all() and table[table.group == "central"].gap.notna().all()
    central = table[table.group == "central"].set_index("year")
    assert central.loc[2011, "gap"] == pytest.approx(result["GAP_FIRST"])
    assert (central.gap_lower < central.gap).all() and (central.gap < central.gap_upper).all()
    html = (tmp_path / "gap.html").read_text(encoding="utf-8")
    assert "The gap over time" in html and "data:image/png;base64" in html
    assert (tmp_path / "groups_gap.csv").exists()


def test_gap_over_time_needs_groups_of_cities(provider, wide_layer_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="not the period"):
        run({"INPUT": wide_layer_path, **BASE, "GROUPING": 0, "METHOD": 2, "REPORT": None})


def test_gap_over_time_with_standard_errors_clustered_by_city(provider, wide_layer_path, tmp_path):
    """The advanced STANDARD_ERRORS choice reaches the heterogeneity models: the gap's intervals widen and
    the report names the standard errors."""
    parameters = {"INPUT": wide_layer_path, **BASE, "MODEL": 0, "GROUPING": 1, "GROUP_FIELD": "region",
                  "METHOD": 2, "REFERENCE": "east"}  # OLS: clustered by city (SAR would keep the information matrix)
    plain = run({**parameters, "REPORT": None, "GAP_TABLE": str(tmp_path / "plain.csv")})
    clustered = run({**parameters, "STANDARD_ERRORS": 1, "REPORT": str(tmp_path / "gap.html"),
                     "GAP_TABLE": str(tmp_path / "clustered.csv")})
    assert clustered["GAP_FIRST"] == pytest.approx(plain["GAP_FIRST"], rel=1e-10)  # same estimates
    widths = [pd.read_csv(tmp_path / name, encoding="utf-8-sig").eval("gap_upper - gap_lower").dropna().mean()
              for name in ("plain.csv", "clustered.csv")]
    assert widths[1] > widths[0]
    assert "clustered by city" in (tmp_path / "gap.html").read_text(encoding="utf-8")
