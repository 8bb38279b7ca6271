"""resilience:spatialdurbin through Processing, as a user runs it."""


from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

EXPLANATORY = ["DIG_2019", "INNOV_2019", "URB_2019", "HUM_2019", "GOV_2019"]


def run(parameters):
    import processing

    return processing.run("resilience:spatialdurbin", parameters)


def test_cross_section_sdm_equals_spatialreg(provider, columbus_layer_path, queen_gal, reference, tmp_path):
    """R's columbus and R's own neighbour file: the numbers R printed."""
    result = run({"INPUT": columbus_layer_path, "LAYOUT": 1, "DEPENDENT": "CRIME", "EXPLANATORY": ["INC", "HOVAL"],
                  "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 3,
                  "REPORT": str(tmp_path / "sdm.html"), "TABLES": str(tmp_path / "tables"),
                  "PAPER_TABLES": str(tmp_path / "paper" / "sdm.xlsx"), "TABLE_FORMATS": [0, 1, 2, 3]})
    r = reference["sdm"]
    assert result["SPATIAL"] == pytest.approx(r["rho"], rel=1e-4)
    assert result["LOGLIK"] == pytest.approx(r["loglik"], rel=1e-6)
    assert result["AIC"] == pytest.approx(r["aic"], rel=1e-6)
    assert result["OBSERVATIONS"] == 49
    coefficients = pd.read_csv(tmp_path / "tables" / "coefficients.csv", encoding="utf-8-sig")
    sdm = coefficients[coefficients.model == "SDM"].set_index("term")
    for term, name in (("constant", "(Intercept)"), ("INC", "INC"), ("W·HOVAL", "lag.HOVAL")):
        assert sdm.loc[term, "estimate"] == pytest.approx(r[f"coef[{name}]"], rel=1e-4)
        assert sdm.loc[term, "se"] == pytest.approx(r[f"se[{name}]"], rel=1e-4)
    effects = pd.read_csv(tmp_path / "tables" / "effects.csv", encoding="utf-8-sig")
    indirect = effects[(effects.variable == "INC") & (effects.effect == "indirect")].estimate.iloc[0]
    assert indirect == pytest.approx(reference["sdm_impacts"]["indirect[INC]"], rel=1e-4)
    tests = pd.read_csv(tmp_path / "tables" / "tests.csv", encoding="utf-8-sig").set_index("test")
    assert tests.loc["LR: SDM → SEM", "statistic"] == pytest.approx(reference["lr"]["sdm_vs_sem"], rel=1e-4)
    assert tests.loc["LM lag", "statistic"] == pytest.approx(reference["ols_lm"]["LMlag"], rel=1e-6)
    html = (tmp_path / "sdm.html").read_text(encoding="utf-8")
    assert "SDM †" in html and "Direct, indirect (spillover) and total effects" in html and "***" in html
    paper = pd.read_csv(tmp_path / "tables" / "table_models.csv", encoding="utf-8-sig")
    assert list(paper.columns[1:]) == ["OLS", "SLX", "SAR", "SEM", "SDM †", "SDEM"]
    # The paper tables (core/regression/export.py): the footer convention, R's log-likelihood, the notes.
    assert result["PAPER_TABLES"] == str(tmp_path / "paper" / "sdm.xlsx")
    written = {path.name for path in (tmp_path / "paper").iterdir()}
    assert {"sdm.xlsx", "sdm.tex", "sdm_models.csv", "sdm_effects.csv"} <= written
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(tmp_path / "paper" / "sdm.xlsx")["models"]
    cells = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    header = cells[1]
    rows = {row[0]: dict(zip(header[1:], row[1:])) for row in cells[2:] if row[0]}
    assert rows["N"]["SDM †"] == "49" and "City fixed effects" not in rows  # a cross-section has no FE rows
    assert rows["Log-likelihood"]["SDM †"] == f"{r['loglik']:.3f}"
    assert rows["AIC"]["SDM †"] == f"{r['aic']:.3f}"
    assert rows["Spatial weights"]["SDM †"].endswith(", row-standardised") and rows["Spatial weights"]["OLS"] == ""
    assert rows["INC"]["SDM †"] == f"{r['coef[INC]']:.4f}***"
    notes = [row[0] for row in cells if row[0].startswith(("R² = 1 − SSR/SST", "σ² = SSR/(n − k)"))]
    assert len(notes) == 2
    if "sdm.docx" not in written:
        pytest.importorskip("docx")


def test_wide_panel_two_way_sdm_with_maps(provider, wide_layer_path, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run({"INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": EXPLANATORY,
                  "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "EFFECTS": 3, "DROP_ISLANDS": True,
                  "DRAWS": 200, "OUTPUT": str(tmp_path / "fitted.gpkg"), "LISA": str(tmp_path / "lisa.gpkg")})
    assert result["OBSERVATIONS"] == 366 * 9
    assert 0 < result["SPATIAL"] < 1
    fitted = QgsVectorLayer(result["OUTPUT"], "fitted", "ogr")
    assert fitted.featureCount() == 366
    names = fitted.fields().names()
    assert {"adcode", "FIT_2011", "RES_2019", "FIT_MEAN", "RES_MEAN"} <= set(names)
    assert all(len(name) <= 10 for name in names)
    observed = QgsVectorLayer(wide_layer_path, "input", "ogr")
    truth = {f["adcode"]: f["RES_2019"] for f in observed.getFeatures()}
    for feature in list(fitted.getFeatures())[:50]:  # fitted + residual = observed
        assert feature["FIT_2019"] + feature["RES_2019"] == pytest.approx(truth[feature["adcode"]], abs=1e-9)
    lisa = QgsVectorLayer(result["LISA"], "lisa", "ogr")
    assert lisa.featureCount() == 366
    labels = {f["RLISA_CL"] for f in lisa.getFeatures()}
    assert labels <= {"High-High", "Low-Low", "Low-High", "High-Low", "Not significant"}
    # The clusters are of the last year's residuals: with city fixed effects the residuals' mean
    # over the years is zero for every city (rounding noise, whose clusters were random).
    last = {f["adcode"]: f["RES_2019"] for f in fitted.getFeatures()}
    mapped = {f["adcode"]: f["RESID"] for f in lisa.getFeatures()}
    assert mapped == pytest.approx(last, abs=1e-12)
    assert np.std(list(mapped.values())) > 1e-3


def test_long_layer_gives_the_wide_layer_results(provider, wide_layer_path, long_layer_path):
    common = {"WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "MODEL": 1, "EFFECTS": 1,
              "DRAWS": 0}
    wide = run({"INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2015", "INNOV_2011"],
                **common})
    long = run({"INPUT": long_layer_path, "DEPENDENT": "RES", "EXPLANATORY": ["DIG", "INNOV"],
                "YEAR_FIELD": "year", **common})
    assert long["OBSERVATIONS"] == wide["OBSERVATIONS"] == 367 * 9
    assert long["LOGLIK"] == pytest.approx(wide["LOGLIK"], rel=1e-10)
    assert long["SPATIAL"] == pytest.approx(wide["SPATIAL"], rel=1e-10)


def test_layers_are_styled_when_loaded(provider, wide_layer_path, qgis_new_project):
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsGraduatedSymbolRenderer, QgsProject

    result = processing.runAndLoadResults("resilience:spatialdurbin", {
        "INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019", "INNOV_2019"],
        "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "EFFECTS": 3, "DRAWS": 0, "REPORT": None,
        "OUTPUT": "TEMPORARY_OUTPUT", "LISA": "TEMPORARY_OUTPUT"})
    lisa = QgsProject.instance().mapLayer(result["LISA"])
    assert isinstance(lisa.renderer(), QgsCategorizedSymbolRenderer)
    colours = {c.value(): c.symbol().color().name() for c in lisa.renderer().categories()}
    assert colours["High-High"] == "#ff0000" and colours["Low-Low"] == "#0000ff"
    assert colours["Not significant"] == "#f0f0f0"
    assert lisa.attributeAlias(lisa.fields().lookupField("RLISA_I")) == "Local Moran's I of the residuals"
    fitted = QgsProject.instance().mapLayer(result["OUTPUT"])
    assert isinstance(fitted.renderer(), QgsGraduatedSymbolRenderer)
    assert fitted.renderer().classAttribute() == "FIT_MEAN"
    assert fitted.name() == "Fitted RES (SDM)"


@pytest.mark.parametrize("parameters, message", [
    ({"WEIGHTS_KIND": 0, "DROP_ISLANDS": False}, r"三沙市 \(460300\).*Leave out units without neighbours"),
    ({"LAYOUT": 3}, "A long panel needs the year field"),
    ({"EXPLANATORY": ["RES_2015", "DIG_2019"]}, "is also an explanatory variable"),
    ({"MODEL": 2, "EFFECTS": 4}, "Random effects are available for OLS, SLX, SAR and SDM, not for SEM"),
    # Scripts and models (resilience:studychain) can name fields the layer lacks.
    ({"DEPENDENT": "NOPE_2019"}, "The layer has no field NOPE_2019; choose fields of the input layer"),
    ({"EXPLANATORY": ["DIG_2019", "NOPE_2019"]}, "The layer has no field NOPE_2019"),
])
def test_bad_input_messages(provider, wide_layer_path, parameters, message):
    from qgis.core import QgsProcessingException

    base = {"INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019"],
            "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "DRAWS": 0}
    with pytest.raises(QgsProcessingException, match=message):
        run({**base, **parameters})


def test_defaults_run_on_the_sample_and_warn_naming_the_island(provider, wide_layer_path):
    """Only the required parameters (queen weights, islands left out by default): 三沙市 has no
    queen neighbour, so it is left out with a warning that names it as a planner reads it."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)
            super().pushWarning(text)

    feedback = Warnings()
    result = processing.run("resilience:spatialdurbin", {
        "INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019", "URB_2019"]},
        context=QgsProcessingContext(), feedback=feedback)
    assert result["OBSERVATIONS"] == 366 * 9  # 367 cities less 三沙市, 2011–2019
    assert any("三沙市 (460300)" in text and "left out" in text for text in feedback.warnings), feedback.warnings


def test_long_layer_without_unit_id(provider, long_layer_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="choose the unit id field"):
        run({"INPUT": long_layer_path, "DEPENDENT": "RES", "EXPLANATORY": ["DIG"], "YEAR_FIELD": "year",
             "WEIGHTS_KIND": 2, "DRAWS": 0})


def test_unbalanced_wide_panel_says_what_is_missing(provider, tmp_path, cities_frame, synthetic_long_frame):
    from qgis.core import QgsProcessingException

    wide = synthetic_long_frame.pivot(index="adcode", columns="year", values=["RES", "DIG"])
    wide.columns = [f"{stem}_{year}" for stem, year in wide.columns]
    wide.loc[130100, "DIG_2014"] = None
    layer = cities_frame[["adcode", "geometry"]].merge(wide.reset_index(), on="adcode")
    path = tmp_path / "gaps.gpkg"
    layer.to_file(path, layer="cities", driver="GPKG")
    parameters = {"INPUT": f"{path}|layername=cities", "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019"],
                  "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "DRAWS": 0, "MODEL": 0}
    with pytest.raises(QgsProcessingException, match=r"not balanced: 1 unit-year\(s\).*130100 \(DIG: 2014\)"):
        run(parameters)
    result = run({**parameters, "BALANCE": True})
    assert result["OBSERVATIONS"] == 366 * 9


def test_cancel_stops_the_estimation(provider, wide_layer_path):
    """A cancel during the estimation (after reading, at 30 %) stops it cleanly."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    seen = []

    def cancel_late(progress):
        seen.append(progress)
        if progress > 30:
            feedback.cancel()

    feedback.progressChanged.connect(cancel_late)
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run("resilience:spatialdurbin", {
            "INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": EXPLANATORY,
            "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "EFFECTS": 3, "DRAWS": 2000}, feedback=feedback)
    assert max(seen) < 80


@pytest.fixture
def two_blocks(tmp_path):
    """Two disconnected complete blocks of 10 points (a GAL file), y = block (0/1) + noise: SAR's ρ is
    interior (≈ 0.97), SDM's and SDEM's run to the bound −9 (see tests/core/econometrics/test_bad_input.py)."""
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Point

    rng = np.random.default_rng(0)
    noise, x = 0.05 * rng.normal(size=20), rng.normal(size=20)
    frame = gpd.GeoDataFrame({"uid": np.arange(1, 21), "Y": np.r_[np.zeros(10), np.ones(10)] + noise, "X1": x},
                             geometry=[Point(i, 0) for i in range(20)], crs="EPSG:3857")
    frame.to_file(tmp_path / "blocks.gpkg", layer="blocks", driver="GPKG")
    lines = ["20"]
    for block in (range(1, 11), range(11, 21)):
        for i in block:
            others = [j for j in block if j != i]
            lines += [f"{i} {len(others)}", " ".join(map(str, others))]
    (tmp_path / "blocks.gal").write_text("\n".join(lines) + "\n")
    return {"INPUT": f"{tmp_path / 'blocks.gpkg'}|layername=blocks", "LAYOUT": 1, "DEPENDENT": "Y",
            "EXPLANATORY": ["X1"], "WEIGHTS_ID_FIELD": "uid", "WEIGHTS_FILE": str(tmp_path / "blocks.gal"),
            "DRAWS": 0}


def warning_feedback():
    """A Processing feedback that keeps the warnings it is given (``.warnings``)."""
    from qgis.core import QgsProcessingFeedback

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):
            self.warnings.append(text)
            super().pushWarning(text)

    return Feedback()


def test_a_comparison_model_that_fails_is_left_out_with_a_warning(provider, two_blocks, tmp_path):
    """The chosen SAR runs although SDM and SDEM (comparison only) have ρ/λ at the bound."""
    import processing
    from qgis.core import QgsProcessingException

    feedback = warning_feedback()
    result = processing.run("resilience:spatialdurbin", {
        **two_blocks, "MODEL": 1, "REPORT": str(tmp_path / "sar.html"), "TABLES": str(tmp_path / "tables")},
        feedback=feedback)
    assert 0.9 < result["SPATIAL"] < 0.999
    assert [w[:40] for w in feedback.warnings] == ["The SDM model was left out of the compar",
                                                   "The SDEM model was left out of the compa"]
    assert "SDM: the spatial parameter ρ = -9.0000 reached the bound" in feedback.warnings[0]
    html = (tmp_path / "sar.html").read_text(encoding="utf-8")
    assert "The SDEM model was left out of the comparison table" in html
    assert "No inference on the direct, indirect and total effects (simulation draws = 0)" in html  # DRAWS 0
    paper = pd.read_csv(tmp_path / "tables" / "table_models.csv", encoding="utf-8-sig")
    assert list(paper.columns[1:]) == ["OLS", "SLX", "SAR †", "SEM"]
    # The chosen model's failure stays an error.
    with pytest.raises(QgsProcessingException, match=r"SDM: the spatial parameter ρ = -9\.0000"):
        run({**two_blocks, "MODEL": 3})
    # Without the comparison: the chosen model only, no warning.
    feedback = warning_feedback()
    processing.run("resilience:spatialdurbin", {
        **two_blocks, "MODEL": 1, "COMPARE": False, "TABLES": str(tmp_path / "alone")}, feedback=feedback)
    assert feedback.warnings == []
    paper = pd.read_csv(tmp_path / "alone" / "table_models.csv", encoding="utf-8-sig")
    assert list(paper.columns[1:]) == ["SAR †"]


def test_paper_tables_and_weights_in_chinese(provider, columbus_layer_path, queen_gal, tmp_path):
    """zh_CN: the footer labels, the notes and the weights (kind and transformation) are Chinese."""
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.plugin.plugin import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        run({"INPUT": columbus_layer_path, "LAYOUT": 1, "DEPENDENT": "CRIME", "EXPLANATORY": ["INC", "HOVAL"],
             "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 1, "COMPARE": False, "DRAWS": 0,
             "REPORT": str(tmp_path / "sar.html"), "PAPER_TABLES": str(tmp_path / "sar.xlsx"), "TABLE_FORMATS": [3]})
    finally:
        QCoreApplication.removeTranslator(translator)
    paper = pd.read_csv(tmp_path / "sar_models.csv", encoding="utf-8-sig", header=None, dtype=str).fillna("")
    rows = {row[0]: row[1:] for row in paper.values.tolist() if row[0]}
    assert rows["样本量"] == ["49"] and rows["对数似然值"][0]
    assert rows["空间权重"] == ["文件 columbus_queen.gal，行标准化"]
    assert any(label.startswith("R² = 1 − SSR/SST，") for label in rows)
    assert "空间权重：文件 columbus_queen.gal，行标准化" in (tmp_path / "sar.html").read_text(encoding="utf-8")


def test_bootstrap_standard_errors_are_named_in_the_tables_and_report(provider, wide_layer_path, tmp_path):
    """“Standard errors”: wild cluster bootstrap by city (index 2) for the chosen SDM, CR1 for OLS/SLX, the
    information matrix named for the other ML models; the notes define each; the report shows the intervals."""
    run({"INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019", "INNOV_2019"],
         "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "WEIGHTS_K": 6, "EFFECTS": 3, "STANDARD_ERRORS": 2,
         "BOOTSTRAP_DRAWS": 8, "SEED": 3, "REPORT": str(tmp_path / "sdm.html"),
         "PAPER_TABLES": str(tmp_path / "sdm.xlsx"), "TABLE_FORMATS": [3]})
    paper = pd.read_csv(tmp_path / "sdm_models.csv", encoding="utf-8-sig", header=None, dtype=str).fillna("")
    header = paper.values.tolist()[0]
    rows = {row[0]: row[1:] for row in paper.values.tolist() if row[0]}
    kinds = dict(zip(header[1:], rows["Standard errors"]))
    assert kinds["SDM †"] == "wild cluster bootstrap by city (8 draws)"
    assert kinds["OLS"] == kinds["SLX"] == "clustered by city (CR1, 367 clusters)"
    assert kinds["SAR"] == kinds["SEM"] == kinds["SDEM"] == "asymptotic (information matrix)"
    notes = " ".join(label for label in rows if label.startswith(("Wild cluster", "Standard errors clustered",
                                                                   "Spatial maximum-likelihood")))
    assert "Wild cluster bootstrap by city: 8 draws (seed 3)" in notes
    assert "Standard errors clustered by city (CR1)" in notes
    assert "whose “Standard errors” row reads “asymptotic (information matrix)”" in notes
    report = (tmp_path / "sdm.html").read_text(encoding="utf-8")
    assert "Bootstrap SE" in report and "SDM: wild cluster bootstrap by city, percentile 95 % intervals." in report
    effects = pd.read_csv(tmp_path / "sdm_effects.csv", encoding="utf-8-sig", header=None, dtype=str).fillna("")
    assert any("wild cluster bootstrap by city: the effects of 8 refits, seed 3" in cell
               for cell in effects[0].tolist())


def test_too_few_cities_for_the_bootstrap_in_chinese(provider, columbus_layer_path, tmp_path):
    """16 cities: a translated message that names the minimum, the count and the way out."""
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.plugin.plugin import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        message = r"按城市的野聚类自助法至少需要 20 个城市（聚类），但模型只有 16 个.*请使用更多城市"
        with pytest.raises(QgsProcessingException, match=message):
            run({"INPUT": columbus_layer_path + "|subset=POLYID <= 16", "LAYOUT": 1, "DEPENDENT": "CRIME",
                 "EXPLANATORY": ["INC", "HOVAL"], "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_KIND": 2, "WEIGHTS_K": 4,
                 "MODEL": 1, "STANDARD_ERRORS": 2, "DRAWS": 0, "REPORT": str(tmp_path / "sar.html")})
    finally:
        QCoreApplication.removeTranslator(translator)
    assert list(tmp_path.iterdir()) == []
