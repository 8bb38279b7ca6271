"""resilience:mediation through Processing, on the sample cities joined (with pandas) to the
synthetic panel: digital economy DE_YYYY → innovation INNO_YYYY → resilience RES_YYYY."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def wide_path(tmp_path_factory, cities_frame, sample_dir):
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    frame = cities_frame[["adcode", "name", "geometry"]]
    for source, column, stem in ((latent, "digital_economy", "DE"), (latent, "innovation", "INNO"),
                                 (latent, "resilience", "RES"), (panel, "URB", "URB")):
        frame = frame.merge(source.pivot(index="adcode", columns="year", values=column).add_prefix(f"{stem}_"),
                            left_on="adcode", right_index=True)
    frame.loc[frame.adcode == 120100, "INNO_2014"] = np.nan
    path = tmp_path_factory.mktemp("mediation") / "wide.gpkg"
    frame.to_file(path, layer="cities", driver="GPKG")
    return f"{path}|layername=cities"


BASE = {"X_FIELD": "DE_2019", "M_FIELD": "INNO_2019", "Y_FIELD": "RES_2019", "ID_FIELD": "adcode",
        "NAME_FIELD": "name", "COEFFICIENTS": "TEMPORARY_OUTPUT", "EFFECTS": "TEMPORARY_OUTPUT"}


def run(parameters):
    import processing

    return processing.run("resilience:mediation", parameters)


def rows(layer):
    names = [f.name() for f in layer.fields()]
    return pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()])


def test_pooled_model_reproduces_least_squares(wide_path, provider, sample_dir, tmp_path):
    result = run({**BASE, "INPUT": wide_path, "MODEL": 1, "SE_TYPE": 0, "DRAWS": 199, "SEED": 3,
                  "BALANCE": True, "REPORT": str(tmp_path / "m.html"), "CHART": str(tmp_path / "m.png"),
                  "PAPER_TABLES": str(tmp_path / "mediation.xlsx"), "TABLE_FORMATS": [3]})
    # the same regressions by numpy least squares, without the city dropped for its gap
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    latent = latent[latent.adcode != 120100]
    dummies = pd.get_dummies(latent.year, drop_first=True, dtype=float).to_numpy()
    one = np.ones(len(latent))

    def slopes(response, *columns):
        return np.linalg.lstsq(np.column_stack([*columns, one, dummies]), response, rcond=None)[0]

    d, n, r = (latent[c].to_numpy() for c in ("digital_economy", "innovation", "resilience"))
    c = slopes(r, d)[0]
    a = slopes(n, d)[0]
    c_prime, b = slopes(r, d, n)[:2]
    assert result["TOTAL"] == pytest.approx(c, rel=1e-10)
    assert result["DIRECT"] == pytest.approx(c_prime, rel=1e-10)
    assert result["INDIRECT"] == pytest.approx(a * b, rel=1e-10)
    assert result["PROPORTION"] == pytest.approx(a * b / c, rel=1e-10)
    assert result["CI_LOW"] < a * b < result["CI_HIGH"]
    assert result["VERDICT"] == "complementary"
    effects = rows(result["EFFECTS"]).set_index("effect")
    assert effects.loc["path_a", "estimate"] == pytest.approx(a, rel=1e-10)
    assert effects.loc["path_b", "estimate"] == pytest.approx(b, rel=1e-10)
    assert effects.loc["indirect", "bc_low"] == pytest.approx(result["CI_LOW"])
    coefficients = rows(result["COEFFICIENTS"])
    assert set(coefficients["step"]) == {1, 2, 3}
    assert (coefficients["n_obs"] == 366 * 9).all()
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    for text in ("Baron and Kenny", "DE → INNO → RES", "Sobel (1982)", "Bias-corrected 95 % interval",
                 "Year fixed effects", "1 unit(s) with missing years were left out: 120100"):
        assert text in html
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    # The paper table (CSV chosen): FE rows of pooled OLS with year dummies, N, R² by numpy.
    paper = pd.read_csv(tmp_path / "mediation_regressions.csv", encoding="utf-8-sig", header=None,
                        dtype=str).fillna("")
    table = {row[0]: row[1:] for row in paper.values.tolist() if row[0]}
    assert table["City fixed effects"] == ["No"] * 3 and table["Year fixed effects"] == ["Yes"] * 3
    assert table["N (units × years)"] == ["3,294 (366 × 9)"] * 3
    design = np.column_stack([d, one, dummies])
    resid = r - design @ np.linalg.lstsq(design, r, rcond=None)[0]
    assert table["R²"][0] == f"{1 - resid @ resid / ((r - r.mean()) @ (r - r.mean())):.4f}"
    assert "R² = 1 − SSR/SST, with SST about the mean of the dependent variable." in table


def test_panel_fixed_effects_is_the_default_and_clusters_by_city(wide_path, provider):
    result = run({**BASE, "INPUT": wide_path, "DRAWS": 0, "BALANCE": True})
    coefficients = rows(result["COEFFICIENTS"])
    assert "constant" not in set(coefficients["variable"])  # absorbed by the fixed effects
    assert {"year 2012", "year 2019"} <= set(coefficients["variable"])
    assert np.isnan(result["CI_LOW"])  # no bootstrap
    assert result["INDIRECT"] > 0


def test_unbalanced_panel_is_named(wide_path, provider):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"not balanced: 1 unit-year\(s\) lack a value: "
                                                     r"120100 2014 \(INNO\)"):
        run({**BASE, "INPUT": wide_path, "DRAWS": 0})


def test_the_same_field_twice_is_refused(wide_path, provider):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="three different fields; DE is used twice"):
        run({**BASE, "INPUT": wide_path, "M_FIELD": "DE_2011", "DRAWS": 0, "BALANCE": True})


def test_cross_section_of_one_year(wide_path, provider, sample_dir):
    result = run({**BASE, "INPUT": wide_path, "MODEL": 0, "YEAR": 2016, "DRAWS": 99, "CONTROLS": ["URB_2016"]})
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    latent = latent[latent.year == 2016].set_index("adcode")
    urb = pd.read_csv(sample_dir / "synthetic_panel.csv").query("year == 2016").set_index("adcode").URB
    x = np.column_stack([latent.digital_economy, urb.loc[latent.index], np.ones(len(latent))])
    c = np.linalg.lstsq(x, latent.resilience, rcond=None)[0][0]
    assert result["TOTAL"] == pytest.approx(c, rel=1e-10)


def test_tables_carry_aliases_when_loaded(wide_path, provider, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    result = processing.runAndLoadResults("resilience:mediation", {**BASE, "INPUT": wide_path, "DRAWS": 0,
                                                                  "BALANCE": True})
    effects = QgsProject.instance().mapLayer(result["EFFECTS"])
    assert effects.name() == "Mediation effects"
    assert effects.attributeAlias(effects.fields().lookupField("bc_low")) == "Bias-corrected bootstrap interval, lower"
    coefficients = QgsProject.instance().mapLayer(result["COEFFICIENTS"])
    assert coefficients.attributeAlias(coefficients.fields().lookupField("p")) == "p-value"
