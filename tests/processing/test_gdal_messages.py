"""Tables written into a GeoPackage without GDAL's "ERROR 1: No geometry column".

The cause (processing/io/gdal_messages.py): QGIS 3.22's layer exporter asks the OGR provider for a
spatial index when it closes any GeoPackage sink, and GeoPackage's CreateSpatialIndex() fails on
a table. GDAL prints its errors on the C stderr, which the first test reads from a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


SCRIPT = r"""
import os, sys
from qgis.core import QgsApplication, QgsFeature, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
from processing.core.Processing import Processing
Processing.initialize()
import processing
from digital_resilience.processing.provider import ResilienceProvider
provider = ResilienceProvider(); QgsApplication.processingRegistry().addProvider(provider)
folder, cities = sys.argv[1], sys.argv[2]
table = QgsVectorLayer("None?field=code:integer&field=value:double", "table", "memory")
rows = []
for i in range(3):
    feature = QgsFeature(table.fields()); feature.setAttributes([i, 0.5 * i]); rows.append(feature)
table.dataProvider().addFeatures(rows)
def mark(text):
    sys.stderr.flush(); os.write(2, f"@@ {text}\n".encode())
mark("qgis")
# A feature sink of QGIS's own (3.40's native:savefeatures no longer takes an ogr: destination).
processing.run("native:extractbyexpression", {"INPUT": table, "EXPRESSION": "true",
                                              "OUTPUT": f"ogr:dbname='{folder}/qgis.gpkg' table=\"t\""})
mark("ours")
result = processing.run("resilience:globalautocorrelation", {
    "INPUT": cities, "FIELDS": ["area_km2"], "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 0,
    "OUTPUT": f"ogr:dbname='{folder}/ours.gpkg' table=\"moran\""})
mark("done")
written = QgsVectorLayer(result["OUTPUT"], "moran", "ogr")
csv = processing.run("resilience:globalautocorrelation", {
    "INPUT": cities, "FIELDS": ["area_km2"], "WEIGHTS_ID_FIELD": "adcode", "PERMUTATIONS": 0,
    "OUTPUT": f"{folder}/moran.csv"})["OUTPUT"]
rows = sum(1 for _ in open(csv, encoding="utf-8")) - 1
print(written.isValid(), written.featureCount(), rows, int(written.wkbType()))
QgsApplication.processingRegistry().removeProvider(provider)
"""


def test_tables_go_into_a_geopackage_without_gdal_noise(tmp_path, cities_path):
    """In a fresh process (other tests install GDAL error handlers, e.g. rasterio's): QGIS's own
    algorithm prints the error (the cause; if a later QGIS stops, this test says so and the
    workaround can go), ours writes its table completely and quietly."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONSAFEPATH": "1",
           "PYTHONPATH": str(ROOT / ".build" / "plugins"), "XDG_RUNTIME_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), f"{cities_path}|layername=cities"],
                            capture_output=True, text=True, env=env, cwd="/tmp", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    err = result.stderr
    qgis, ours = err[err.index("@@ qgis"):err.index("@@ ours")], err[err.index("@@ ours"):err.index("@@ done")]
    assert "ERROR 1: No geometry column" in qgis
    assert "No geometry column" not in ours and "ERROR" not in ours, ours
    valid, count, rows, wkb = result.stdout.split()[-4:]
    assert valid == "True" and int(count) == int(rows) > 0 and wkb == "100"  # every row of the CSV; NoGeometry


def test_other_gdal_messages_still_show(capsys):
    gdal = pytest.importorskip("osgeo.gdal")

    from digital_resilience.processing.io.gdal_messages import NO_GEOMETRY_COLUMN, PNG_NO_UPDATE, ignore_gdal_errors

    # Raised by C++ code (QGIS's exporter), the errors go to the handler whether or not GDAL's Python
    # bindings use exceptions; raised from Python, they would become exceptions when they do (GDAL
    # 3.10 under QGIS 3.40, once something called gdal.UseExceptions()).
    use_exceptions = gdal.GetUseExceptions()
    gdal.DontUseExceptions()
    try:
        with ignore_gdal_errors(NO_GEOMETRY_COLUMN, PNG_NO_UPDATE):
            gdal.Error(gdal.CE_Failure, 1, NO_GEOMETRY_COLUMN)
            gdal.Error(gdal.CE_Failure, 6, PNG_NO_UPDATE + "\n")  # as the PNG driver ends it
            gdal.Error(gdal.CE_Failure, 4, "Something real went wrong")
            gdal.Error(gdal.CE_Warning, 6, "A warning")
    finally:
        if use_exceptions:
            gdal.UseExceptions()
    err = capsys.readouterr().err
    assert NO_GEOMETRY_COLUMN not in err and "PNG driver" not in err
    assert "ERROR 4: Something real went wrong" in err and "Warning 6: A warning" in err
