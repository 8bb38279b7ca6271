"""QGIS desktop with the plugin, as a person starts it: a real window under Xvfb.

A throw-away profile enables the plugin (``[PythonPlugins] digital_resilience=true``) and
turns off the tips and version check; ``PYQGIS_STARTUP`` runs before the plugins load and
copies QGIS's message log into a file; ``--code`` runs once the project is open, takes the
screenshots, writes what it saw as JSON and quits. The test then reads the log (no Python
error), the state (plugin, provider, menu, layers) and the pixels of the map canvas.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
QGIS = "/usr/bin/qgis"

STARTUP = r'''
import builtins, os, threading
from qgis.core import QgsApplication
if not getattr(builtins, "_dr_log_hooked", False):
    builtins._dr_log_hooked = True
    # A modal error dialog would block QGIS for ever: leave after 40 s whatever happens.
    _watchdog = threading.Timer(40, os._exit, (4,))
    _watchdog.daemon = True
    _watchdog.start()
    _log = open(os.environ["DR_LOG"], "a", encoding="utf-8")
    def _write(message, tag, level):
        _log.write(f"{int(level)}\t{tag}\t{message}".replace("\n", " | ") + "\n")
        _log.flush()
    QgsApplication.messageLog().messageReceived.connect(_write)
'''

CODE = r'''
import json, os, time
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins

out = os.environ["DR_OUT"]
started = time.perf_counter()

done = []
extra = {}


def finish():
    if done:
        return
    done.append(True)
    canvas = iface.mapCanvas()
    canvas.grab().save(os.path.join(out, "canvas.png"))
    iface.mainWindow().grab().save(os.path.join(out, "window.png"))
    provider = QgsApplication.processingRegistry().providerById("resilience")
    menus = [a.menu().objectName() for a in iface.mainWindow().menuBar().actions() if a.menu()]
    state = {
        "plugins": sorted(plugins),
        "provider": provider.name() if provider else None,
        "algorithms": sorted(a.name() for a in provider.algorithms()) if provider else [],
        "menu": "mDigitalResilienceMenu" in menus,
        "layers": [layer.name() for layer in QgsProject.instance().mapLayers().values()],
        "invalid": [layer.name() for layer in QgsProject.instance().mapLayers().values() if not layer.isValid()],
        "visible": [node.name() for node in QgsProject.instance().layerTreeRoot().findLayers() if node.isVisible()],
        "seconds": time.perf_counter() - started,
        "symbols": {layer.name(): [layer.renderer().type(), layer.renderer().symbol().color().name(),
                                   round(layer.renderer().symbol().width(), 3)]
                    for layer in QgsProject.instance().mapLayers().values()
                    if hasattr(layer, "renderer") and hasattr(layer.renderer(), "symbol")
                    and hasattr(layer.renderer().symbol(), "width")},
        **extra,
    }
    with open(os.path.join(out, "state.json"), "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    # No question on exit: the layers live under /tmp, which QGIS calls temporary.
    QgsProject.instance().clear()
    QTimer.singleShot(0, iface.actionExit().trigger)
    QTimer.singleShot(15000, lambda: os._exit(3))  # never hang on a dialog

def wait_for_render():
    canvas = iface.mapCanvas()
    canvas.mapCanvasRefreshed.connect(lambda: QTimer.singleShot(300, finish))
    canvas.zoomToFullExtent()
    canvas.refreshAllLayers()

QTimer.singleShot(1500, globals().get("first_step", wait_for_render))
QTimer.singleShot(25000, finish)  # never wait for ever for the canvas
'''

# Run an algorithm as a person does from the Toolbox: its dialog, filled in and run (the Run
# button's slot), in QGIS's task manager; QGIS then loads the outputs and runs the layer
# post-processors (the styles), which processing.run() does not.
DIALOG_CODE = r'''
import processing

dialogs = []


def first_step():
    layer = QgsProject.instance().mapLayersByName("cities")[0]
    dialog = processing.createAlgorithmDialog("resilience:spatialweights", {
        "INPUT": layer.id(), "ID_FIELD": "adcode", "KIND": 0,
        "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS_OUTPUT": os.path.join(out, "queen.gal")})
    dialogs.append(dialog)

    def finished(ok, results):
        extra["dialog_ok"] = ok
        extra["dialog_results"] = {key: str(value) for key, value in results.items()}
        QTimer.singleShot(500, wait_for_render)

    dialog.algorithmFinished.connect(finished)
    dialog.show()
    dialog.runAlgorithm()
'''


def start_xvfb():
    """Start Xvfb on a free display; (process, ':N') or None when it cannot start."""
    binary = shutil.which("Xvfb")
    if binary is None:
        return None
    read, write = os.pipe()
    process = subprocess.Popen([binary, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten",
                                "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        process.wait()
        return None
    return process, f":{number}"


@pytest.fixture()
def styled_project(cities_path, tmp_path, qgis_app):
    """A .qgz with the sample cities in a graduated style (written with QGIS's API)."""
    from qgis.core import QgsProject, QgsVectorLayer

    from digital_resilience.processing.styling import apply_style, graduated_style

    layer = QgsVectorLayer(f"{cities_path}|layername=cities", "cities", "ogr")
    values = [f["area_km2"] for f in layer.getFeatures()]
    apply_style(layer, graduated_style(values, "area_km2", ramp="Blues"))
    project = QgsProject()
    project.addMapLayer(layer)
    project.setCrs(layer.crs())
    path = tmp_path / "demo.qgz"
    assert project.write(str(path))
    return path


def run_qgis_desktop(project: Path, tmp_path: Path, code: str = CODE):
    """QGIS desktop under Xvfb with the plugin and ``project``: (log lines, process, state,
    canvas pixels as an (height, width, 3) array)."""
    if not Path(QGIS).exists():
        pytest.skip("QGIS desktop (/usr/bin/qgis) is not installed")
    display = start_xvfb()
    if display is None:
        pytest.skip("Xvfb could not start a display (install Debian's xvfb; make setup does)")
    xvfb, name = display
    profile = tmp_path / "profile"
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\ndigital_resilience=true\n\n[qgis]\nshowTips=false\ncheckVersion=false\n"
                   "\n[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n", encoding="utf-8")
    (tmp_path / "startup.py").write_text(STARTUP, encoding="utf-8")
    (tmp_path / "code.py").write_text(code, encoding="utf-8")
    log = tmp_path / "messages.log"
    env = {
        **os.environ,
        "DISPLAY": name,
        "QT_QPA_PLATFORM": "xcb",
        "QGIS_CUSTOM_CONFIG_PATH": str(profile),
        "QGIS_PLUGINPATH": str(ROOT / ".build" / "plugins"),
        "PYQGIS_STARTUP": str(tmp_path / "startup.py"),
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "XDG_RUNTIME_DIR": str(tmp_path),
        "DR_LOG": str(log),
        "DR_OUT": str(tmp_path),
    }
    try:
        result = subprocess.run([QGIS, "--noversioncheck", "--nologo", "--code", str(tmp_path / "code.py"),
                                 "--project", str(project)], env=env, capture_output=True, text=True,
                                timeout=75, cwd=str(tmp_path))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    messages = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    errors = [line for line in messages if "\tPython error\t" in line or "Traceback" in line]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0, f"QGIS exit {result.returncode}:\n{result.stderr[-3000:]}"
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))

    from qgis.PyQt.QtGui import QImage

    image = QImage(str(tmp_path / "canvas.png")).convertToFormat(QImage.Format_RGB888)
    assert not image.isNull() and image.width() > 200
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(stride * image.height()), dtype=np.uint8)
    pixels = data.reshape(image.height(), stride)[:, :image.width() * 3].reshape(image.height(), -1, 3)
    return messages, result, state, pixels


def count_colour(pixels, colour: str, tolerance: int = 3) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - rgb).max(axis=2) <= tolerance).sum())


def test_qgis_desktop_loads_the_plugin_without_python_errors(styled_project, tmp_path):
    messages, _, state, pixels = run_qgis_desktop(styled_project, tmp_path)
    assert any("Loaded Digital Resilience Toolkit" in line for line in messages)
    assert "digital_resilience" in state["plugins"] and state["menu"]
    assert state["provider"] == "Digital Resilience" and {"spatialweights", "reportmap"} <= set(state["algorithms"])
    assert state["layers"] == ["cities"]

    from digital_resilience.processing.styling import ramp_colors

    for color in ramp_colors("Blues", 5)[:2]:  # the two classes that hold most cities
        assert count_colour(pixels, color) > 200, color


def test_qgis_desktop_opens_the_demo_project(demo_run, tmp_path):
    """The project `make demo` writes, opened as a person would: the plugin loads without a
    Python error, every layer is valid, and the canvas shows the LISA map (GeoDa colours) on top."""
    messages, _, state, pixels = run_qgis_desktop(demo_run.out / "demo.qgz", tmp_path)
    assert any("Loaded Digital Resilience Toolkit" in line for line in messages)
    assert "studychain" in state["algorithms"]  # the Graphical Modeler model, in the Toolbox
    assert len(state["layers"]) == 29 + 1 and state["invalid"] == []  # 29 GeoPackage layers; indices twice
    assert state["visible"][0] == "LISA clusters of resilience 2019"
    assert count_colour(pixels, "#ff0000") > 100 and count_colour(pixels, "#0000ff") > 500  # High-High, Low-Low
    assert count_colour(pixels, "#f0f0f0") > 2000  # not significant
    shutil.copyfile(tmp_path / "window.png", tmp_path / "demo_window.png")  # kept for a look when it fails


def test_an_algorithm_runs_from_its_dialog_and_loads_its_output_styled(styled_project, tmp_path):
    """From the Toolbox: the spatial weights dialog runs queen contiguity on the cities; QGIS
    loads the connectivity layer with the plugin's style (the post-processor ran) and the GAL
    file holds the 367 units."""
    # DIALOG_CODE defines first_step, which CODE schedules instead of its canvas check.
    _, _, state, _ = run_qgis_desktop(styled_project, tmp_path, DIALOG_CODE + CODE)
    assert state.get("dialog_ok") is True, state
    assert state["dialog_results"]["LINKS"] == "1934" and state["dialog_results"]["UNITS"] == "367"
    from digital_resilience.core.palettes import CONNECTIVITY_COLOR

    connectivity = [name for name in state["layers"] if name != "cities"]
    assert len(connectivity) == 1, state["layers"]
    kind, color, width = state["symbols"][connectivity[0]]
    assert (kind, color, width) == ("singleSymbol", CONNECTIVITY_COLOR.lower(), 0.2)
    header = (tmp_path / "queen.gal").read_text(encoding="utf-8").splitlines()[0].split()
    assert header[-1] == "adcode" and header[1] == "367"
