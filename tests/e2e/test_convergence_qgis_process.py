"""resilience:convergence and resilience:mediation from qgis_process, as a batch user runs them."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wide_gpkg(tmp_path_factory, cities_frame, sample_dir):
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    frame = cities_frame[["adcode", "name", "region", "geometry"]]
    for column, stem in (("resilience", "RES"), ("digital_economy", "DE"), ("innovation", "INNO")):
        frame = frame.merge(latent.pivot(index="adcode", columns="year", values=column).add_prefix(f"{stem}_"),
                            left_on="adcode", right_index=True)
    path = tmp_path_factory.mktemp("e2e-convergence") / "wide.gpkg"
    frame.to_file(path, layer="cities", driver="GPKG")
    return path


def test_qgis_process_runs_convergence(run_algorithm, wide_gpkg, tmp_path):
    out = run_algorithm("convergence", INPUT=wide_gpkg, FIELD="RES_2019", ID_FIELD="adcode", GROUP_FIELD="region",
                        SPATIAL_MODELS=0, WEIGHTS_KIND=2, OUTPUT=tmp_path / "growth.gpkg",
                        SIGMA_TABLE=tmp_path / "sigma.csv", BETA_TABLE=tmp_path / "beta.csv",
                        REPORT=tmp_path / "report.html")
    results = out["results"]
    assert results["UNITS"] == 367
    assert round(results["BETA"], 3) == -0.033 and round(results["CV_START"], 3) == 0.545
    beta = pd.read_csv(tmp_path / "beta.csv")
    assert "SAR" in set(beta["estimator"])
    assert len(pd.read_csv(tmp_path / "sigma.csv")) == 9
    assert "σ-convergence" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_qgis_process_runs_mediation(run_algorithm, wide_gpkg, tmp_path):
    out = run_algorithm("mediation", INPUT=wide_gpkg, X_FIELD="DE_2019", M_FIELD="INNO_2019", Y_FIELD="RES_2019",
                        ID_FIELD="adcode", MODEL=1, DRAWS=199, SEED=7, COEFFICIENTS=tmp_path / "coef.csv",
                        EFFECTS=tmp_path / "effects.csv", REPORT=tmp_path / "mediation.html")
    results = out["results"]
    assert round(results["INDIRECT"] / results["TOTAL"], 2) == 0.29  # SYNTHETIC_PANEL.md: about 29 %
    assert results["CI_LOW"] < results["INDIRECT"] < results["CI_HIGH"]
    assert results["VERDICT"] == "complementary"
    assert set(pd.read_csv(tmp_path / "effects.csv")["effect"]) >= {"total", "direct", "indirect"}
