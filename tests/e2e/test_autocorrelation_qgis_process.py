"""The autocorrelation algorithms in qgis_process (batch use without the desktop GUI)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def panel_gpkg(tmp_path_factory, cities_path, sample_dir):
    import geopandas as gpd

    cities = gpd.read_file(cities_path, layer="cities")
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    wide = latent.pivot(index="adcode", columns="year", values="digital_economy")
    wide.columns = [f"DEI_{year}" for year in wide.columns]
    path = tmp_path_factory.mktemp("e2e-panel") / "panel.gpkg"
    cities.merge(wide, left_on="adcode", right_index=True).to_file(path, layer="panel", driver="GPKG")
    return path


def test_qgis_process_runs_lisa_for_every_year(run_algorithm, panel_gpkg, tmp_path):
    import geopandas as gpd

    out = run_algorithm("localmoran", INPUT=panel_gpkg, FIELD="DEI_2019", ALL_YEARS="true",
                        WEIGHTS_ID_FIELD="adcode", PERMUTATIONS=199, CORRECTION=1,
                        OUTPUT=tmp_path / "lisa.gpkg", SCATTER_PLOT=tmp_path / "scatter.png")
    results = out["results"]
    assert results["HIGH_HIGH"] > 0 and results["LOW_LOW"] > 0
    assert results["MORAN_I"] == pytest.approx(0.64268684376918761, rel=1e-9)  # spdep moran.test, zero.policy
    layer = gpd.read_file(tmp_path / "lisa.gpkg")
    assert len(layer) == 367 and {"LI_2011", "LPADJ_2019", "LLAB_2019"} <= set(layer.columns)
    assert (layer["LLAB_2019"] == "No neighbours").sum() == 1
    assert (tmp_path / "scatter.png").read_bytes()[:4] == b"\x89PNG"
    # qgis_process runs no post-processor, yet the GeoPackage carries the LISA map as its default
    # style (issue 13), and a fresh QGIS layer opens with it: GeoDa's colours, the last year.
    with sqlite3.connect(tmp_path / "lisa.gpkg") as db:
        styles = db.execute("SELECT f_table_name, styleName, useAsDefault FROM layer_styles").fetchall()
    assert [(table, name) for table, name, default in styles if default] == [("lisa", "LISA clusters — DEI_2019")]
    assert len(styles) == 2 * 9  # cluster and significance maps of every year
    from qgis.core import QgsVectorLayer

    lisa = QgsVectorLayer(str(tmp_path / "lisa.gpkg"), "lisa", "ogr")
    colours = {c.value(): c.symbol().color().name() for c in lisa.renderer().categories()}
    assert lisa.renderer().classAttribute() == "LLAB_2019"
    assert {key: colours[key] for key in ("High-High", "Low-Low", "Not significant")} == {
        "High-High": "#ff0000", "Low-Low": "#0000ff", "Not significant": "#f0f0f0"}


def test_qgis_process_writes_the_global_table(run_algorithm, panel_gpkg, tmp_path):
    out = run_algorithm("globalautocorrelation", INPUT=panel_gpkg, FIELDS="DEI_2019", ALL_YEARS="true",
                        WEIGHTS_ID_FIELD="adcode", PERMUTATIONS=99, OUTPUT=tmp_path / "global.csv",
                        CHART=tmp_path / "moran.svg")
    table = pd.read_csv(tmp_path / "global.csv")
    moran = table[(table["statistic"] == "Moran's I") & (table["inference"] == "randomisation")]
    assert moran["year"].tolist() == list(range(2011, 2020))
    assert (moran["p_value"] < 1e-20).all()
    assert (tmp_path / "moran.svg").exists() and out["results"]["CHART"].endswith("moran.svg")
