"""Each algorithm asks only for the packages it uses (issue 12): the table and index algorithms
run in a QGIS whose Python has no shapely, pyproj or geopandas, and an algorithm that needs them
names exactly those in its message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import importlib.abc, json, sys
BLOCKED = {"shapely", "pyproj", "geopandas", "pyogrio"}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is blocked in this test")  # as when missing
        return None

sys.meta_path.insert(0, Block())
from qgis.core import QgsApplication, QgsGeometry, QgsVectorLayer, QgsProcessingException
app = QgsApplication([], False)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
from processing.core.Processing import Processing
Processing.initialize()
import processing

import digital_resilience
from digital_resilience.core import dependencies
real = dependencies.installed_version
dependencies.installed_version = lambda name: None if name in BLOCKED else real(name)
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
cities, panel, out = sys.argv[1:4]
found = {}
joined = processing.run("resilience:jointable", {"INPUT": cities, "LAYER_KEY": "adcode", "TABLE": panel,
                                                 "OUTPUT": out + "/joined.gpkg"})
layer = QgsVectorLayer(joined["OUTPUT"], "j", "ogr")
source = QgsVectorLayer(cities, "c", "ogr")
first = {f["adcode"]: f.geometry() for f in source.getFeatures()}
found["joined"] = [layer.featureCount(), sum(abs(f.geometry().area() - first[f["adcode"]].area()) < 1e-12
                                            and f.geometry().equals(first[f["adcode"]]) for f in layer.getFeatures())]
index = processing.run("resilience:compositeindex", {"INPUT": joined["OUTPUT"], "OUTPUT": out + "/index.gpkg"})
found["indices"] = index["INDICES"]
coupling = processing.run("resilience:couplingcoordination", {"INPUT": index["OUTPUT"], "FIELD_A": "DEI_2019",
                                                             "FIELD_B": "URI_2019", "OUTPUT": out + "/ccd.gpkg"})
ccd = QgsVectorLayer(coupling["OUTPUT"], "ccd", "ogr")
found["ccd"] = [ccd.featureCount(), ccd.wkbType(), source.wkbType(), ccd.crs().authid(), source.crs().authid()]
mediation = processing.run("resilience:mediation", {
    "INPUT": index["OUTPUT"], "X_FIELD": "DEI_2019", "M_FIELD": "URINF_2019", "Y_FIELD": "URI_2019",
    "ID_FIELD": "adcode", "NAME_FIELD": "name", "DRAWS": 50,
    "COEFFICIENTS": "TEMPORARY_OUTPUT", "EFFECTS": "TEMPORARY_OUTPUT"})
found["mediation"] = mediation["VERDICT"]
try:
    processing.run("resilience:spatialweights", {"INPUT": cities, "OUTPUT": "TEMPORARY_OUTPUT"})
except QgsProcessingException as error:
    found["weights_error"] = str(error)
found["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
found["classifiers"] = sorted({m.split(".")[0] for m in sys.modules} & {"mapclassify", "numba"})
print("RESULT " + json.dumps(found))
'''


def test_table_and_index_algorithms_run_without_shapely_pyproj_geopandas(cities_path, sample_dir, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / ".build" / "plugins"), PYTHONSAFEPATH="1",
               QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(cities_path), str(sample_dir / "synthetic_panel.csv"),
                             str(tmp_path)], capture_output=True, text=True, env=env, cwd="/tmp", timeout=600)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    assert line, f"exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    found = json.loads(line[len("RESULT "):])
    # The join keeps every city with its own geometry (WKB copied through, no shapely).
    assert found["joined"] == [367, 367]
    assert found["indices"].split(",")[:1] == ["DEI"]
    count, wkb_type, source_type, crs, source_crs = found["ccd"]
    assert count == 367 and wkb_type == source_type and crs == source_crs
    assert found["mediation"]
    assert found["modules"] == []
    # styled with the default Fisher–Jenks breaks (the core's): mapclassify, and numba with it, stay
    # unimported (issue 16: their import cost seconds in every session's first run)
    assert found["classifiers"] == []
    # spatial weights needs them: its message names what it lacks, and only that.
    message = found["weights_error"]
    assert "shapely (missing; needs >= 2.0)" in message and "geopandas (missing; needs >= 0.12)" in message
    assert "pyproj (missing; needs >= 3.3)" in message
    assert " pandas" not in message and "numpy" not in message.split("Install")[0] and "highspy" not in message
    assert "pyproj must be the one built against QGIS's own PROJ library (geopandas need(s) it)" in message
    assert '"shapely>=2.0"' in message and "pyproj==" not in message and '"geopandas' not in message
