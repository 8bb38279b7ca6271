"""From a QGIS whose Python lacks the packages, the plugin's installer installs them and the
algorithm then runs, in the same session and profile (issue 12).

QGIS's Python here is Debian's /usr/bin/python3.11, which has numpy, SciPy, pyproj and
matplotlib but no pandas: coupling coordination (numpy + pandas) is the smallest case. The
script runs under /usr/bin/python3 with a fresh HOME and profile (so no user site), drives
``PackageInstaller`` exactly as the dialog does (pip of QGIS's interpreter, found from its
prefix, into the profile's package folder), then runs the algorithm and checks its numbers
against the formula computed here by hand. It needs the package index (or pip's configured
mirror); the time it took is printed (``pytest -s``).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"

SCRIPT = r'''
import json, os, sys, time
from qgis.core import (QgsApplication, QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingException,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QEventLoop, QTimer

profile = sys.argv[1]
app = QgsApplication([], False, profile)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
from processing.core.Processing import Processing
Processing.initialize()
import processing

import digital_resilience
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
from digital_resilience.core import dependencies
from digital_resilience.plugin.installer import PackageInstaller

out = {"executable": sys.executable}
algorithm = QgsApplication.processingRegistry().algorithmById("resilience:couplingcoordination")
found = dependencies.problems(algorithm.REQUIRES)
out["missing"] = [problem.package for problem in found]

layer = QgsVectorLayer("Point?crs=EPSG:4326&field=A:double&field=B:double", "t", "memory")
features = []
for i, (a, b) in enumerate([(0.2, 0.6), (0.5, 0.5), (0.9, 0.1)]):
    feature = QgsFeature(layer.fields())
    feature.setAttributes([a, b])
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100 + i, 30)))
    features.append(feature)
layer.dataProvider().addFeatures(features)
parameters = {"INPUT": layer, "FIELD_A": "A", "FIELD_B": "B", "OUTPUT": os.path.join(profile, "ccd.gpkg")}
try:
    processing.run("resilience:couplingcoordination", parameters)
except QgsProcessingException as error:
    out["before"] = str(error)

plan = dependencies.plan_install(found)
run = PackageInstaller(plan)
results = []
loop = QEventLoop()
run.finished.connect(lambda ok, installed, restart: (results.append([ok, installed, restart]), loop.quit()))
QTimer.singleShot(900000, loop.quit)
run.start()
loop.exec_()
out.update(install=results, python=run.python, program=run.process.program(), base=run.base,
           seconds=run.seconds, constraints=plan.constraints, log=run.log[-8:])
result = processing.run("resilience:couplingcoordination", parameters)
ccd = QgsVectorLayer(result["OUTPUT"], "ccd", "ogr")
out["ccd"] = [[f["A"], f["B"], f["CPL"], f["CPT"], f["CCD"], f["CCL"]] for f in ccd.getFeatures()]
out["pandas"] = sys.modules["pandas"].__file__
import pyproj
out["pyproj"] = pyproj.__file__
print("RESULT " + json.dumps(out))
'''


@pytest.mark.skipif(not os.access(SYSTEM_PYTHON, os.X_OK), reason="Debian's QGIS Python")
def test_installer_brings_pandas_then_coupling_coordination_runs(tmp_path):
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pandas"], capture_output=True,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    if probe.returncode == 0:
        pytest.skip("the system Python already has pandas")
    profile = tmp_path / "profile"
    profile.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT / ".build" / "plugins"), "PYTHONSAFEPATH": "1",
           "XDG_RUNTIME_DIR": str(tmp_path), "LANG": "C.UTF-8"}
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONFIG_FILE", "http_proxy", "https_proxy",
                "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        if key in os.environ:
            env[key] = os.environ[key]
    started = time.perf_counter()
    result = subprocess.run([SYSTEM_PYTHON, "-c", SCRIPT, str(profile)], capture_output=True, text=True, env=env,
                            cwd="/tmp", timeout=900)
    elapsed = time.perf_counter() - started
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    assert line, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    found = json.loads(line[len("RESULT "):])
    print(f"\ninstall of {found['install'][0][1]}: {found['seconds']:.1f} s; whole run {elapsed:.1f} s")

    assert found["missing"] == ["pandas"]
    assert "Coupling coordination degree needs Python packages" in found["before"]
    assert "pandas (missing; needs >= 1.4)" in found["before"] and "geopandas" not in found["before"]
    # QGIS's interpreter, found from its prefix (not PATH, not sys.executable), ran pip.
    assert found["python"] == found["program"] == os.path.realpath("/usr/bin/python3")  # Debian 12: python3.11
    ok, installed, restart = found["install"][0]
    assert ok, found["log"]
    assert "pandas" in installed and restart == []
    assert "pyproj" not in installed and "numpy" not in installed  # QGIS's own are kept
    assert "pyproj==3.4.1" in found["constraints"] and any(c.startswith("numpy==") for c in found["constraints"])
    base = str(profile / "python" / "digital_resilience_packages")
    assert found["base"] == base and found["pandas"].startswith(base)
    assert found["pyproj"].startswith("/usr/lib/python3/dist-packages/")
    # The algorithm ran in the same session: C = 2√(U1·U2)/(U1+U2), T = (U1+U2)/2, D = √(C·T).
    assert len(found["ccd"]) == 3
    for a, b, c, t, d, level in found["ccd"]:
        c_hand = 2 * math.sqrt(a * b) / (a + b)
        t_hand = 0.5 * a + 0.5 * b
        assert c == pytest.approx(c_hand, abs=1e-9) and t == pytest.approx(t_hand, abs=1e-9)
        assert d == pytest.approx(math.sqrt(c_hand * t_hand), abs=1e-9)
        assert level == min(10, int(math.sqrt(c_hand * t_hand) * 10) + 1)
