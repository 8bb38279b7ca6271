"""Tables written into a GeoPackage without GDAL's "ERROR 1: No geometry column".

The cause (processing/gdal_messages.py): QGIS 3.22's layer exporter asks the OGR provider for a
spatial index when it closes any GeoPackage sink, and GeoPackage's CreateSpatialIndex() fails on
a table. GDAL prints its errors on the C stderr, so the tests read file descriptor 2 (capfd).
"""

from __future__ import annotations

import shutil

import pytest


def table_layer():
    from qgis.core import QgsFeature, QgsVectorLayer

    layer = QgsVectorLayer("None?field=code:integer&field=value:double", "table", "memory")
    rows = []
    for i in range(3):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([i, 0.5 * i])
        rows.append(feature)
    layer.dataProvider().addFeatures(rows)
    return layer


def test_qgis_itself_prints_the_error_for_a_table_in_a_geopackage(qgis_processing, tmp_path, capfd):
    """The cause, shown with QGIS's own algorithm (if a later QGIS stops printing it, this test
    says so and the workaround can go)."""
    import processing

    target = tmp_path / "out.gpkg"
    processing.run("native:savefeatures", {"INPUT": table_layer(), "OUTPUT": f"ogr:dbname='{target}' table=\"t\""})
    assert "No geometry column" in capfd.readouterr().err


def test_our_tables_go_into_a_geopackage_quietly_and_completely(provider, cities_path, tmp_path, capfd):
    import processing
    from qgis.core import QgsVectorLayer

    target = tmp_path / "demo.gpkg"
    shutil.copyfile(cities_path, target)
    panel = joined_panel(tmp_path, cities_path)
    capfd.readouterr()
    result = processing.run("resilience:compositeindex", {
        "INPUT": panel, "SYSTEM": 1,
        "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS": f"ogr:dbname='{target}' table=\"index_weights\"",
    })
    err = capfd.readouterr().err
    assert "No geometry column" not in err and "ERROR" not in err, err
    weights = QgsVectorLayer(result["WEIGHTS"], "weights", "ogr")
    assert weights.isValid() and weights.featureCount() == 5  # the digital economy index: 5 indicators
    assert weights.wkbType() == 100  # NoGeometry


def joined_panel(tmp_path, cities_path):
    import processing

    from digital_resilience.processing.algorithm import PLUGIN_DIR

    result = processing.run("resilience:jointable", {
        "INPUT": f"{cities_path}|layername=cities", "LAYER_KEY": "adcode",
        "TABLE": str(PLUGIN_DIR / "resources" / "sample" / "synthetic_panel.csv"),
        "OUTPUT": str(tmp_path / "panel.gpkg"),
    })
    return result["OUTPUT"]


def test_other_gdal_messages_still_show(capsys):
    gdal = pytest.importorskip("osgeo.gdal")

    from digital_resilience.processing.gdal_messages import NO_GEOMETRY_COLUMN, ignore_gdal_errors

    with ignore_gdal_errors(NO_GEOMETRY_COLUMN):
        gdal.Error(gdal.CE_Failure, 1, NO_GEOMETRY_COLUMN)
        gdal.Error(gdal.CE_Failure, 4, "Something real went wrong")
        gdal.Error(gdal.CE_Warning, 6, "A warning")
    err = capsys.readouterr().err
    assert NO_GEOMETRY_COLUMN not in err
    assert "ERROR 4: Something real went wrong" in err and "Warning 6: A warning" in err
