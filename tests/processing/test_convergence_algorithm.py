"""resilience:convergence through Processing, on the sample cities joined (with pandas) to
the synthetic panel: latent resilience as the index RES_YYYY, urbanisation URB_YYYY."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def panel_layers(tmp_path_factory, cities_frame, sample_dir):
    """(wide GeoPackage path, long CSV path) of the synthetic panel."""
    folder = tmp_path_factory.mktemp("convergence")
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    res = latent.pivot(index="adcode", columns="year", values="resilience").add_prefix("RES_")
    urb = panel.pivot(index="adcode", columns="year", values="URB").add_prefix("URB_")
    wide = cities_frame[["adcode", "name", "region", "geometry"]].merge(res, left_on="adcode", right_index=True)
    wide = wide.merge(urb, left_on="adcode", right_index=True)
    for year in range(2011, 2020):  # ZERO: RES with one city at zero in 2011; DUP: collinear with URB
        wide[f"ZERO_{year}"] = wide[f"RES_{year}"]
        wide[f"DUP_{year}"] = 2 * wide[f"URB_{year}"] + 1
        wide[f"GAP_{year}"] = wide[f"RES_{year}"]
    wide.loc[wide.adcode == 110100, "ZERO_2011"] = 0.0
    wide.loc[wide.adcode.isin([120100, 130100]), "GAP_2014"] = np.nan
    wide.to_file(folder / "wide.gpkg", layer="cities", driver="GPKG")
    long = latent[["adcode", "year", "resilience"]].merge(cities_frame[["adcode", "region"]], on="adcode")
    long.to_csv(folder / "long.csv", index=False)
    return folder / "wide.gpkg", folder / "long.csv"


def wide_layer(path):
    return f"{path}|layername=cities"


def long_layer(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"file://{path}?type=csv&delimiter=,&detectTypes=yes&geomType=none", "long",
                           "delimitedtext")
    assert layer.isValid()
    return layer


def run(parameters, feedback=None):
    import processing

    return processing.run("resilience:convergence", parameters, feedback=feedback)


def rows(layer):
    names = [f.name() for f in layer.fields()]
    return pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()])


def test_wide_layer_sigma_beta_map_report(panel_layers, provider, tmp_path, sample_dir):
    from qgis.core import QgsVectorLayer

    wide, _ = panel_layers
    result = run({"INPUT": wide_layer(wide), "FIELD": "RES_2015", "ID_FIELD": "adcode", "GROUP_FIELD": "region",
                  "CONTROLS": ["URB_2019"], "NAME_FIELD": "name",
                  "OUTPUT": str(tmp_path / "growth.gpkg"), "SIGMA_TABLE": "TEMPORARY_OUTPUT",
                  "BETA_TABLE": "TEMPORARY_OUTPUT", "GROUP_TABLE": "TEMPORARY_OUTPUT",
                  "COEFFICIENTS": "TEMPORARY_OUTPUT", "REPORT": str(tmp_path / "report.html"),
                  "CHART": str(tmp_path / "sigma.png"), "PAPER_TABLES": str(tmp_path / "beta.xlsx"),
                  "TABLE_FORMATS": [0, 2]})
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    r2011 = latent[latent.year == 2011].set_index("adcode").resilience
    r2019 = latent[latent.year == 2019].set_index("adcode").resilience
    # σ: CV by hand (sample standard deviation) in the first and last years
    assert result["CV_START"] == pytest.approx(r2011.std(ddof=1) / r2011.mean(), rel=1e-12)
    assert result["CV_END"] == pytest.approx(r2019.std(ddof=1) / r2019.mean(), rel=1e-12)
    # β: OLS of the average annual log growth on the initial log level
    growth = np.log(r2019 / r2011) / 8
    slope = np.polyfit(np.log(r2011), growth, 1)[0]
    assert result["BETA"] == pytest.approx(slope, rel=1e-10)
    assert result["SPEED"] == pytest.approx(-math.log(1 + 8 * slope) / 8, rel=1e-10)
    assert result["HALF_LIFE"] == pytest.approx(math.log(2) / result["SPEED"], rel=1e-10)
    assert result["UNITS"] == 367
    # the map: every city with its growth in % per year
    cities = QgsVectorLayer(result["OUTPUT"], "growth", "ogr")
    assert cities.featureCount() == 367 and cities.wkbType() != 100
    table = rows(cities).set_index("adcode")
    assert table.loc[110100, "GROWTH"] == pytest.approx(growth[110100] * 100, rel=1e-10)
    assert table.loc[110100, "Y_START"] == pytest.approx(r2011[110100])
    assert {"name", "region", "RES_2011", "LN_START", "REL_START"} <= set(table.columns)
    sigma = rows(result["SIGMA_TABLE"])
    assert list(sigma["year"]) == list(range(2011, 2020))
    assert sigma["theil_btw"].add(sigma["theil_wth"]).to_numpy() == pytest.approx(sigma["theil"].to_numpy())
    beta = rows(result["BETA_TABLE"]).set_index("model")
    assert set(beta["estimator"]) == {"OLS"} and len(beta) == 4
    assert (beta["beta"] < 0).all()
    assert len(rows(result["GROUP_TABLE"])) == 36
    assert {"ln y0", "URB", "ln y(t-1)", "URB (t-1)"} <= set(rows(result["COEFFICIENTS"])["variable"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # the β of the first model with its cluster-robust standard error (one city per cluster: HC1), by hand
    x_mat = np.column_stack([np.ones(len(r2011)), np.log(r2011)])
    e = growth.to_numpy() - x_mat @ np.linalg.lstsq(x_mat, growth.to_numpy(), rcond=None)[0]
    bread = np.linalg.inv(x_mat.T @ x_mat)
    hc1 = bread @ (x_mat.T * e**2) @ x_mat @ bread * len(e) / (len(e) - 2)
    for text in ("σ-convergence", "Dagum", f"{slope:.4f}***", f"({np.sqrt(hc1[1, 1]):.4f})", "Half-life",
                 "data:image/png;base64"):
        assert text in html
    assert (tmp_path / "sigma.png").read_bytes()[:4] == b"\x89PNG"
    # The β tables for papers: cross-section and panel, N (units × years) and FE rows in the panel.
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(tmp_path / "beta.xlsx")
    assert book.sheetnames == ["cross_section", "panel"]
    cells = {row[0]: row[1:] for row in book["panel"].iter_rows(values_only=True) if row[0]}
    assert cells["N (units × years)"][0] == "2,936 (367 × 8)"
    assert cells["City fixed effects"][0] == "Yes" and cells["R² within"][0]
    cross = {row[0]: row[1:] for row in book["cross_section"].iter_rows(values_only=True) if row[0]}
    assert cross["N"][0] == "367" and "City fixed effects" not in cross
    assert f"{slope:.4f}$^{{***}}$" in (tmp_path / "beta.tex").read_text(encoding="utf-8")


def test_long_layer_without_geometry_gives_the_same_numbers(panel_layers, provider):
    wide, long = panel_layers
    from_wide = run({"INPUT": wide_layer(wide), "FIELD": "RES_2019", "ID_FIELD": "adcode",
                     "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"})
    from_long = run({"INPUT": long_layer(long), "FIELD": "resilience", "ID_FIELD": "adcode", "YEAR_FIELD": "year",
                     "GROUP_FIELD": "region", "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT",
                     "BETA_TABLE": "TEMPORARY_OUTPUT"})
    for key in ("BETA", "SPEED", "CV_START", "CV_END"):
        assert from_long[key] == pytest.approx(from_wide[key], rel=1e-12)
    assert from_long["OUTPUT"].featureCount() == 367
    assert [f.name() for f in from_long["OUTPUT"].fields()] == [
        "adcode", "region", "Y_START", "Y_END", "LN_START", "GROWTH", "REL_START"]


def test_spatial_models_with_nearest_neighbours(panel_layers, provider, tmp_path):
    from qgis.core import NULL

    wide, _ = panel_layers
    result = run({"INPUT": wide_layer(wide), "FIELD": "RES_2019", "ID_FIELD": "adcode", "SPATIAL_MODELS": [0, 1, 2],
                  "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "OUTPUT": "TEMPORARY_OUTPUT",
                  "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT",
                  "PAPER_TABLES": str(tmp_path / "beta.xlsx"), "TABLE_FORMATS": [3]})
    beta = rows(result["BETA_TABLE"]).set_index("estimator")
    assert {"SAR", "SEM", "SDM"} <= set(beta.index)
    assert (beta.loc[["SAR", "SEM", "SDM"], "beta"] < 0).all()
    assert beta.loc["SAR", "sp_param"] == "rho" and beta.loc["SEM", "sp_param"] == "lambda"
    assert beta.loc["SAR", "total"] < beta.loc["SAR", "direct"] < 0  # ρ > 0 spreads the convergence
    assert beta.loc["SDM", "direct"] < 0 and beta.loc["SDM", "total"] < 0
    # Simulated standard errors of the effects (1,000 draws) for SAR and SDM; none for the SEM.
    for estimator in ("SAR", "SDM"):
        assert (beta.loc[estimator, ["direct_se", "indir_se", "total_se"]] > 0).all()
    assert all(value == NULL for value in beta.loc["SEM", ["direct_se", "indir_se", "total_se"]])
    # The paper table: the speed from the total effect, λ = −ln(1 + total·τ)/τ over the 8 years, for SAR and
    # SDM (not for the SEM, whose β is its effect), and the weights of the spatial models.
    paper = pd.read_csv(tmp_path / "beta_cross_section.csv", encoding="utf-8-sig", header=None,
                        dtype=str).fillna("")
    header = paper.iloc[0].tolist()
    table = {row[0]: dict(zip(header[1:], row[1:])) for row in paper.values.tolist()[1:] if row[0]}
    speeds = table["Speed λ from the total effect (per year)"]
    for estimator in ("SAR", "SDM"):
        column = next(title for title in header if title.startswith(f"Cross-section {estimator},"))
        expected = -math.log(1 + 8 * beta.loc[estimator, "total"]) / 8
        assert speeds[column] == f"{expected:.4f}"
        assert table["Spatial weights"][column] == "k-nearest neighbours (k = 6), row-standardised"
    sem = next(title for title in header if title.startswith("Cross-section SEM,"))
    assert speeds[sem] == "" and table["Pseudo R²"][sem]


def test_queen_weights_with_an_island_are_refused_for_spatial_models(panel_layers, provider):
    from qgis.core import QgsProcessingException

    wide, _ = panel_layers
    with pytest.raises(QgsProcessingException, match=r"1 unit\(s\) have no neighbours .*: 460300 三沙市.*"
                                                     r"use k-nearest neighbours"):
        run({"INPUT": wide_layer(wide), "FIELD": "RES_2019", "ID_FIELD": "adcode", "NAME_FIELD": "name",
             "SPATIAL_MODELS": [0], "WEIGHTS_KIND": 0, "OUTPUT": "TEMPORARY_OUTPUT",
             "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"})


def test_growth_map_is_graduated_when_loaded(panel_layers, provider, qgis_new_project):
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject

    wide, _ = panel_layers
    result = processing.runAndLoadResults("resilience:convergence", {
        "INPUT": wide_layer(wide), "FIELD": "RES_2019", "ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT",
        "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"})
    layer = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert layer.name() == "Growth of RES 2011–2019"
    renderer = layer.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer) and renderer.classAttribute() == "GROWTH"
    assert len(renderer.ranges()) == 5
    alias = layer.attributeAlias(layer.fields().lookupField("GROWTH"))
    assert alias == "Average annual log growth of RES 2011–2019 (% per year)"
    sigma = QgsProject.instance().mapLayer(result["SIGMA_TABLE"])
    assert sigma.attributeAlias(sigma.fields().lookupField("sd_log")) == "Standard deviation of logs"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"FIELD": "ZERO_2011"}, r"ZERO must be positive: .* 1 unit\(s\) have zero or negative values: "
                                 r"110100 北京市 \(2011\)"),
        ({"FIELD": "RES_2019", "CONTROLS": ["RES_2011"]}, "The indicator RES cannot also be a control"),
        ({"FIELD": "RES_2019", "START_YEAR": 2025}, "No data between 2025 and 2019"),
        ({"FIELD": "RES_2019", "CONTROLS": ["URB_2019", "DUP_2019"]},
         "perfectly collinear: DUP is a linear combination of constant, URB"),
        ({"FIELD": "GAP_2019"}, r"not balanced: 2 unit-year\(s\) lack a value: 120100 2014 \(GAP\), "
                                r"130100 2014 \(GAP\)\. .*Drop units with missing years"),
        ({"FIELD": "name"}, None),  # not numeric: refused by the parameter itself
    ],
)
def test_bad_input_gives_a_clear_message(panel_layers, provider, parameters, message):
    from qgis.core import QgsProcessingException

    wide, _ = panel_layers
    base = {"INPUT": wide_layer(wide), "ID_FIELD": "adcode", "NAME_FIELD": "name", "OUTPUT": "TEMPORARY_OUTPUT",
            "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"}
    with pytest.raises(QgsProcessingException, match=message):
        run({**base, **parameters})


def test_balancing_drops_the_units_with_gaps_and_says_so(panel_layers, provider):
    from qgis.core import QgsProcessingFeedback

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)

    wide, _ = panel_layers
    feedback = Feedback()
    result = run({"INPUT": wide_layer(wide), "FIELD": "GAP_2019", "ID_FIELD": "adcode", "NAME_FIELD": "name",
                  "BALANCE": True, "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT",
                  "BETA_TABLE": "TEMPORARY_OUTPUT"}, feedback)
    assert result["UNITS"] == 365 and result["OUTPUT"].featureCount() == 365
    assert "2 unit(s) with missing years were left out: 120100 天津市, 130100 石家庄市." in feedback.warnings


def test_long_layer_needs_the_unit_id(panel_layers, provider):
    from qgis.core import QgsProcessingException

    _, long = panel_layers
    with pytest.raises(QgsProcessingException, match="needs its unit id field"):
        run({"INPUT": long_layer(long), "FIELD": "resilience", "YEAR_FIELD": "year", "OUTPUT": "TEMPORARY_OUTPUT",
             "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"})


def test_a_unit_that_changes_group_is_refused(panel_layers, provider, tmp_path):
    from qgis.core import QgsProcessingException

    _, long = panel_layers
    frame = pd.read_csv(long)
    frame.loc[(frame.adcode == 110100) & (frame.year == 2015), "region"] = "central"
    frame.to_csv(tmp_path / "moving.csv", index=False)
    with pytest.raises(QgsProcessingException, match=r"The group field region changes over the years for "
                                                     r"1 unit\(s\): 110100"):
        run({"INPUT": long_layer(tmp_path / "moving.csv"), "FIELD": "resilience", "ID_FIELD": "adcode",
             "YEAR_FIELD": "year", "GROUP_FIELD": "region", "OUTPUT": "TEMPORARY_OUTPUT",
             "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"})


def test_a_tiny_group_is_refused(tmp_path, panel_layers, provider):
    import geopandas as gpd
    from qgis.core import QgsProcessingException

    wide, _ = panel_layers
    frame = gpd.read_file(wide, layer="cities")
    frame.loc[frame.adcode.isin([110100, 310000 if (frame.adcode == 310000).any() else 310100]), "region"] = "capital"
    frame.to_file(tmp_path / "groups.gpkg", layer="cities", driver="GPKG")
    with pytest.raises(QgsProcessingException, match=r"Too few units per group: capital \(2\)"):
        run({"INPUT": wide_layer(tmp_path / "groups.gpkg"), "FIELD": "RES_2019", "ID_FIELD": "adcode",
             "GROUP_FIELD": "region", "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT",
             "BETA_TABLE": "TEMPORARY_OUTPUT"})


def test_cancel_stops_the_run(panel_layers, provider):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    wide, _ = panel_layers
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: feedback.cancel())
    with pytest.raises(QgsProcessingException, match="Cancelled by the user"):
        run({"INPUT": wide_layer(wide), "FIELD": "RES_2019", "ID_FIELD": "adcode", "SPATIAL_MODELS": [0],
             "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT"},
            feedback)


def test_a_spatial_model_at_the_bound_is_left_out_of_tables_and_report(provider, tmp_path):
    """Two disconnected complete blocks, growth constant within each: ρ = 1. The SAR is left out of the
    β table and the report (before: ρ 1.0000*** with SE 2.6e-8, a half-life of 5e8 years), with its reason."""
    import geopandas as gpd
    from qgis.core import QgsProcessingFeedback
    from shapely.geometry import Point

    rng = np.random.default_rng(1)
    start = np.exp(rng.normal(size=20))
    growth = np.r_[np.zeros(10), np.full(10, 0.05)] + 1e-9 * rng.normal(size=20)
    gpd.GeoDataFrame({"uid": np.arange(1, 21), "RES_2011": start, "RES_2019": start * np.exp(8 * growth)},
                     geometry=[Point(i, 0) for i in range(20)], crs="EPSG:3857").to_file(
        tmp_path / "blocks.gpkg", layer="blocks", driver="GPKG")
    lines = ["20"]
    for block in (range(1, 11), range(11, 21)):
        for i in block:
            others = [j for j in block if j != i]
            lines += [f"{i} {len(others)}", " ".join(map(str, others))]
    (tmp_path / "blocks.gal").write_text("\n".join(lines) + "\n")

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)

    feedback = Feedback()
    result = run({"INPUT": f"{tmp_path / 'blocks.gpkg'}|layername=blocks", "FIELD": "RES_2019", "ID_FIELD": "uid",
                  "SPATIAL_MODELS": [0], "WEIGHTS_FILE": str(tmp_path / "blocks.gal"),
                  "OUTPUT": "TEMPORARY_OUTPUT", "SIGMA_TABLE": "TEMPORARY_OUTPUT", "BETA_TABLE": "TEMPORARY_OUTPUT",
                  "REPORT": str(tmp_path / "report.html")}, feedback)
    beta = rows(result["BETA_TABLE"])
    assert list(beta["estimator"]) == ["OLS"]
    reason = [w for w in feedback.warnings if "SAR (absolute): the spatial parameter ρ = 1.0000" in w]
    assert len(reason) == 1 and "left out of the tables and the report" in reason[0]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Cross-section SAR" not in html and "Spatial models: effects" not in html
    assert "SAR (absolute): the spatial parameter ρ = 1.0000 is at the bound of its range" in html
