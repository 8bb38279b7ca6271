"""resilience:scenario through Processing: R's columbus SDM (the coefficients R spatialreg printed)
and R's own neighbour file, the reduced form computed here with dense matrices."""

# ruff: noqa: N806 - matrix notation (W, S) as in the econometrics literature
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from .conftest import REFERENCE


def run(parameters):
    import processing

    return processing.run("resilience:scenario", parameters)


def dense_queen():
    """R's columbus_queen.gal, row-standardised, as a dense matrix (ids in file order)."""
    lines = (REFERENCE / "columbus_queen.gal").read_text().split("\n")[1:]
    neighbours = {}
    for head, tail in zip(lines[0::2], lines[1::2]):
        if head.strip():
            neighbours[head.split()[0]] = tail.split()
    ids = list(neighbours)
    W = np.zeros((len(ids), len(ids)))
    for i, unit in enumerate(ids):
        for other in neighbours[unit]:
            W[i, ids.index(other)] = 1.0
    return ids, W / W.sum(axis=1, keepdims=True)


def test_sdm_scenario_equals_the_dense_reduced_form_with_r_coefficients(provider, columbus_layer_path, queen_gal,
                                                                       reference, tmp_path):
    from qgis.core import QgsVectorLayer

    result = run({"INPUT": columbus_layer_path, "LAYOUT": 1, "DEPENDENT": "CRIME", "EXPLANATORY": ["INC", "HOVAL"],
                  "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 3, "DRAWS": 200,
                  "REGRESSOR": "INC", "CHANGE_KIND": 1, "DELTA": 10.0, "CITIES_EXPRESSION": '"POLYID" <= 10',
                  "OUTPUT": str(tmp_path / "changes.gpkg"), "TABLE": str(tmp_path / "changes.csv"),
                  "REPORT": str(tmp_path / "scenario.html")})
    ids, W = dense_queen()
    columbus = pd.read_csv(REFERENCE / "columbus.csv")
    columbus.index = columbus.POLYID.astype(str)
    inc = columbus.loc[ids, "INC"].to_numpy()
    chosen = np.array([int(unit) <= 10 for unit in ids])
    dx = np.where(chosen, inc * 0.10, 0.0)
    r = reference["sdm"]
    n = len(ids)
    S = np.linalg.inv(np.eye(n) - r["rho"] * W) @ (r["coef[INC]"] * np.eye(n) + r["coef[lag.INC]"] * W)
    total, own = S @ dx, np.diag(S) * dx
    layer = QgsVectorLayer(result["OUTPUT"], "changes", "ogr")
    assert layer.featureCount() == 49
    names = layer.fields().names()
    assert {"POLYID", "SC_DX", "SC_OWN", "SC_RECV", "SC_TOTAL", "SC_LOW", "SC_HIGH"} <= set(names)
    assert all(len(name) <= 10 for name in names)
    got = {str(f["POLYID"]): f for f in layer.getFeatures()}
    for i, unit in enumerate(ids):
        feature = got[unit]
        assert feature["SC_DX"] == pytest.approx(dx[i], rel=1e-12, abs=1e-12)
        assert feature["SC_TOTAL"] == pytest.approx(total[i], rel=2e-4, abs=1e-6)
        assert feature["SC_OWN"] == pytest.approx(own[i], rel=2e-4, abs=1e-6)
        assert feature["SC_RECV"] == pytest.approx(total[i] - own[i], rel=2e-4, abs=1e-6)
        assert feature["SC_LOW"] <= feature["SC_TOTAL"] <= feature["SC_HIGH"]
    assert result["CHOSEN"] == 10
    assert result["TOTAL_CHANGE"] == pytest.approx(total.sum(), rel=2e-4)
    assert result["TOTAL_OWN"] == pytest.approx(own.sum(), rel=2e-4)
    assert result["TOTAL_RECEIVED"] == pytest.approx(total.sum() - own.sum(), rel=2e-4)
    table = pd.read_csv(tmp_path / "changes.csv", encoding="utf-8-sig")
    assert len(table) == 49 and table.chosen.sum() == 10
    html = (tmp_path / "scenario.html").read_text(encoding="utf-8")
    assert "Predicted change of CRIME" in html and "Cities with the largest change" in html


@pytest.mark.parametrize(("extra", "message"), [
    ({"REGRESSOR": "HOVAL", "EXPLANATORY": ["INC"]}, "not an explanatory variable"),
    ({"CITIES_EXPRESSION": '"POLYID" > 1000'}, "No city is chosen"),
    ({"DELTA": 0.0}, "changes nothing"),
    ({"CHANGE_KIND": 2, "DELTA": 0.0}, "at or above the target"),
    ({"CITIES_EXPRESSION": '"NOSUCH" = 1'}, "fields that are not in the layer"),
])
def test_bad_input_messages(provider, columbus_layer_path, queen_gal, tmp_path, extra, message):
    from qgis.core import QgsProcessingException

    parameters = {"INPUT": columbus_layer_path, "LAYOUT": 1, "DEPENDENT": "CRIME", "EXPLANATORY": ["INC", "HOVAL"],
                  "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 3, "DRAWS": 0,
                  "REGRESSOR": "INC", "DELTA": 1.0, "OUTPUT": str(tmp_path / "changes.gpkg"), **extra}
    with pytest.raises(QgsProcessingException, match=message):
        run(parameters)
    assert not (tmp_path / "changes.gpkg").exists()


def test_wide_panel_one_unit_everywhere_gives_the_effects(provider, wide_layer_path, tmp_path):
    """Two-way FE SDM on the synthetic panel: +1 in every city (an expression true everywhere)
    gives spatialdurbin's direct/indirect/total effects as the mean own/received/total change
    (spatialdurbin run separately, its CSV effects table); the 0–1 field and a region expression
    choose the same cities."""
    import processing
    from qgis.core import QgsGraduatedSymbolRenderer, QgsProject, QgsVectorLayer

    common = {"INPUT": wide_layer_path, "DEPENDENT": "RES_2019", "EXPLANATORY": ["DIG_2019", "URB_2019"],
              "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 2, "MODEL": 3, "EFFECTS": 3, "DRAWS": 100}
    processing.run("resilience:spatialdurbin", {**common, "COMPARE": False, "TABLES": str(tmp_path / "tables")})
    effects = pd.read_csv(tmp_path / "tables" / "effects.csv", encoding="utf-8-sig")
    effects = effects[effects.variable == "DIG"].set_index("effect").estimate
    result = run({**common, "REGRESSOR": "DIG_2015", "DELTA": 1.0, "CITIES_EXPRESSION": '"adcode" IS NOT NULL',
                  "OUTPUT": str(tmp_path / "all.gpkg")})
    n = 367
    assert result["CHOSEN"] == n
    assert result["TOTAL_OWN"] / n == pytest.approx(effects["direct"], rel=1e-9)
    assert result["TOTAL_RECEIVED"] / n == pytest.approx(effects["indirect"], rel=1e-9)
    assert result["TOTAL_CHANGE"] / n == pytest.approx(effects["total"], rel=1e-9)
    layer = QgsVectorLayer(result["OUTPUT"], "all", "ogr")
    assert layer.featureCount() == n
    west = processing.runAndLoadResults("resilience:scenario", {
        **common, "REGRESSOR": "DIG_2019", "DELTA": 1.0, "DRAWS": 0,
        "CITIES_EXPRESSION": "\"region\" IN ('central', 'west')", "OUTPUT": "TEMPORARY_OUTPUT"})
    assert west["CHOSEN"] == 87 + 141
    assert 0 < west["TOTAL_OWN"] < result["TOTAL_OWN"]
    styled = QgsProject.instance().mapLayer(west["OUTPUT"])
    assert isinstance(styled.renderer(), QgsGraduatedSymbolRenderer)
    assert styled.renderer().classAttribute() == "SC_TOTAL"
    assert styled.fields().field("SC_RECV").alias().startswith("Spillover of RES received")
    chosen = {f["adcode"] for f in styled.getFeatures() if f["SC_CHOSEN"] == 1}
    regions = {f["adcode"]: f["region"] for f in QgsVectorLayer(wide_layer_path, "w", "ogr").getFeatures()}
    assert chosen == {code for code, region in regions.items() if region in ("central", "west")}


def test_selected_cities_an_expression_and_a_field_choose_the_cities(provider, columbus_layer_path, queen_gal,
                                                                    tmp_path):
    """The selection, an expression and a field (non-zero: chosen) are united."""
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(columbus_layer_path, "columbus", "ogr")
    layer.selectByExpression('"POLYID" <= 5')
    result = run({"INPUT": layer, "LAYOUT": 1, "DEPENDENT": "HOVAL", "EXPLANATORY": ["INC", "CRIME"],
                  "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 1, "DRAWS": 0,
                  "REGRESSOR": "INC", "DELTA": 1.0, "CITIES_SELECTED": True,
                  "OUTPUT": str(tmp_path / "selected.gpkg")})
    assert result["CHOSEN"] == 5
    chosen = {f["POLYID"] for f in QgsVectorLayer(result["OUTPUT"], "out", "ogr").getFeatures() if f["SC_CHOSEN"]}
    assert chosen == {1, 2, 3, 4, 5}
    frame = pd.read_csv(REFERENCE / "columbus.csv")
    high_crime = set(frame.POLYID[frame.CRIME > 40])
    both = run({"INPUT": layer, "LAYOUT": 1, "DEPENDENT": "HOVAL", "EXPLANATORY": ["INC", "CRIME"],
                "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 1, "DRAWS": 0,
                "REGRESSOR": "INC", "DELTA": 1.0, "CITIES_SELECTED": True, "CITIES_EXPRESSION": '"CRIME" > 40',
                "OUTPUT": str(tmp_path / "both.gpkg")})
    assert both["CHOSEN"] == len(high_crime | {1, 2, 3, 4, 5})
    every = run({"INPUT": columbus_layer_path, "LAYOUT": 1, "DEPENDENT": "HOVAL", "EXPLANATORY": ["INC", "CRIME"],
                 "WEIGHTS_ID_FIELD": "POLYID", "WEIGHTS_FILE": queen_gal, "MODEL": 1, "DRAWS": 0,
                 "REGRESSOR": "INC", "DELTA": 1.0, "CITIES_FIELD": "CRIME", "OUTPUT": str(tmp_path / "field.gpkg")})
    assert every["CHOSEN"] == int((frame.CRIME != 0).sum())
    del layer
