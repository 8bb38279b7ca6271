"""Join the sample panel and build the indices with qgis_process, as a batch user would."""

import pytest

pytestmark = pytest.mark.e2e


def test_join_index_and_couple_with_qgis_process(run_algorithm, cities_path, sample_dir, tmp_path):
    from qgis.core import QgsVectorLayer

    joined = run_algorithm("jointable", INPUT=cities_path, LAYER_KEY="adcode",
                           TABLE=sample_dir / "synthetic_panel.csv", OUTPUT=tmp_path / "joined.gpkg")
    assert joined["results"]["MATCHED_ROWS"] == 3303
    indices = run_algorithm("compositeindex", INPUT=tmp_path / "joined.gpkg", SYSTEM=0,
                            OUTPUT=tmp_path / "indices.gpkg", WEIGHTS=tmp_path / "weights.csv")
    assert indices["results"]["INDICES"] == "DEI,URI,URSOC,URECO,URINF,URENV"
    assert (tmp_path / "weights.csv").read_text(encoding="utf-8").count("\n") == 26
    coupled = run_algorithm("couplingcoordination", INPUT=tmp_path / "indices.gpkg", FIELD_A="DEI_2019",
                            FIELD_B="URI_2019", OUTPUT=tmp_path / "ccd.gpkg")
    layer = QgsVectorLayer(coupled["results"]["OUTPUT"], "ccd", "ogr")
    assert layer.featureCount() == 367
    assert all(1 <= f["CCL_2019"] <= 10 and 0 <= f["CCD_2019"] <= 1 for f in layer.getFeatures())
