"""QGIS desktop with the plugin, as a person starts it: a real window under Xvfb.

A throw-away profile enables the plugin (``[PythonPlugins] digital_resilience=true``) and
turns off the tips and version check; ``PYQGIS_STARTUP`` runs before the plugins load and
copies QGIS's message log into a file; ``--code`` runs once the project is open, takes the
screenshots, writes what it saw as JSON and quits. The test then reads the log (no Python
error), the state (plugin, provider, menu, layers) and the pixels of the map canvas.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
QGIS = "/usr/bin/qgis"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: The toolkit's algorithms (docs/DESIGN.md), without the study chain model.
DESIGN_IDS = {
    "jointable", "zonalstatistics", "compositeindex", "couplingcoordination", "spatialweights",
    "globalautocorrelation", "localmoran", "localgeary", "hotspots", "corenodecoverage",
    "spatialdurbin", "heterogeneity", "convergence", "mediation", "reportmap", "scenario", "targeting",
    "networkredundancy",
}

STARTUP = r'''
import builtins, os, threading
from qgis.core import QgsApplication
if not getattr(builtins, "_dr_log_hooked", False):
    builtins._dr_log_hooked = True
    # A modal error dialog would block QGIS for ever: leave after DR_WATCHDOG s (40) whatever happens.
    _watchdog = threading.Timer(float(os.environ.get("DR_WATCHDOG", 40)), os._exit, (4,))
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


def launch_qgis(tmp_path: Path, code: str, arguments=(), ini: str = "", env: dict | None = None,
                timeout: float = 75, watchdog: float = 40):
    """QGIS desktop under Xvfb in a throw-away profile (``tmp_path/profile``) that runs ``code``
    (``--code``) once it is up: (log lines, process). Fails on a Python error in QGIS's log."""
    if not Path(QGIS).exists():
        pytest.skip("QGIS desktop (/usr/bin/qgis) is not installed")
    display = start_xvfb()
    if display is None:
        pytest.skip("Xvfb could not start a display (install Debian's xvfb; make setup does)")
    xvfb, name = display
    profile = tmp_path / "profile"
    settings = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    settings.parent.mkdir(parents=True)
    settings.write_text(ini + "\n[qgis]\nshowTips=false\ncheckVersion=false\n"
                        "\n[core]\nNewsFeed\\httpsfeedqgisorg\\disabled=true\n", encoding="utf-8")
    (tmp_path / "startup.py").write_text(STARTUP, encoding="utf-8")
    (tmp_path / "code.py").write_text(code, encoding="utf-8")
    log = tmp_path / "messages.log"
    environment = {
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
        "DR_WATCHDOG": str(watchdog),
        "LC_ALL": "C.UTF-8",  # English unless a test sets QGIS's locale
        **(env or {}),
    }
    environment = {key: value for key, value in environment.items() if value is not None}
    try:
        result = subprocess.run([QGIS, "--noversioncheck", "--nologo", "--code", str(tmp_path / "code.py"),
                                 *arguments], env=environment, capture_output=True, text=True,
                                timeout=timeout, cwd=str(tmp_path))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    messages = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    errors = [line for line in messages if "\tPython error\t" in line or "Traceback" in line]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0, f"QGIS exit {result.returncode}:\n{result.stderr[-3000:]}"
    return messages, result


def run_qgis_desktop(project: Path, tmp_path: Path, code: str = CODE):
    """QGIS desktop under Xvfb with the plugin and ``project``: (log lines, process, state,
    canvas pixels as an (height, width, 3) array)."""
    messages, result = launch_qgis(tmp_path, code, ["--project", str(project)],
                                   ini="[PythonPlugins]\ndigital_resilience=true\n")
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
    assert len(state["layers"]) == 34 + 1 and state["invalid"] == []  # 34 GeoPackage layers; indices twice
    assert state["visible"][0] == "LISA clusters of resilience 2019"
    assert count_colour(pixels, "#ff0000") > 50 and count_colour(pixels, "#0000ff") > 500  # High-High, Low-Low
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


# Shows the Processing Toolbox with the toolkit's groups expanded; screenshots the X screen.
TOOLBOX_CODE = r'''
import os, subprocess
from qgis.gui import QgsProcessingToolboxModel
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface


def show_toolbox():
    dock = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    dock.show()
    dock.raise_()
    tree = dock.algorithmTree
    tree.collapseAll()
    proxy = tree.model()
    source = sip.cast(proxy.sourceModel(), QgsProcessingToolboxModel)
    index = proxy.mapFromSource(source.indexForProvider("resilience"))
    tree.setExpanded(index, True)
    for row in range(proxy.rowCount(index)):
        tree.setExpanded(proxy.index(row, 0, index), True)
    tree.scrollTo(index, tree.PositionAtTop)


def screenshot(name):
    subprocess.run(["import", "-window", "root", os.path.join(os.environ["DR_OUT"], name)], check=False)
'''


# Install from ZIP as the Plugin Manager does (pyplugin_installer's installFromZipFile: unzip into
# the profile's python/plugins, then loadPlugin/startPlugin, or reloadPlugin when it was active),
# then again over itself, reload, disable/enable and an upgrade to a changed version. After each
# step: what the registry and the menu bar hold, and one algorithm run.
INSTALL_CODE = r'''
import importlib, json, os, subprocess, sys, traceback
import processing
import pyplugin_installer
import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface

out = os.environ["DR_OUT"]
PACKAGE = "digital_resilience"
records = []


def home_plugins():
    """The profile's plugin folder: qgis.utils.HOME_PLUGIN_PATH on QGIS 3.40, home_plugin_path on 3.22."""
    return getattr(qgis.utils, "HOME_PLUGIN_PATH", None) or qgis.utils.home_plugin_path


def record(step):
    provider = QgsApplication.processingRegistry().providerById("resilience")
    menus = [a.menu().objectName() for a in iface.mainWindow().menuBar().actions() if a.menu()]
    entry = {"step": step, "active": PACKAGE in qgis.utils.active_plugins,
             "menus": menus.count("mDigitalResilienceMenu"),
             "version": qgis.utils.pluginMetadata(PACKAGE, "version"),
             "installed": os.path.isdir(os.path.join(home_plugins(), PACKAGE)),
             "algorithms": sorted(a.name() for a in provider.algorithms()) if provider else []}
    if provider is not None:
        base = sys.modules[PACKAGE + ".processing.algorithm"].ResilienceAlgorithm
        entry["current_classes"] = sum(isinstance(a, base) for a in provider.algorithms())
        model = provider.algorithm("studychain")
        entry["model_outputs"] = len(model.outputDefinitions()) if model else 0
        entry["marker"] = getattr(importlib.import_module(PACKAGE + ".core.indices"), "UPGRADE_MARKER", None)
        result = processing.run("resilience:spatialweights", {
            "INPUT": os.environ["DR_CITIES"] + "|layername=cities", "ID_FIELD": "adcode", "KIND": 0,
            "OUTPUT": "TEMPORARY_OUTPUT", "WEIGHTS_OUTPUT": os.path.join(out, step + ".gal")})
        entry["units"], entry["links"] = int(result["UNITS"]), int(result["LINKS"])
    records.append(entry)


installer = pyplugin_installer.instance()
STEPS = [
    ("fresh", lambda: None),
    ("install", lambda: installer.installFromZipFile(os.environ["DR_ZIP"])),
    ("reinstall", lambda: installer.installFromZipFile(os.environ["DR_ZIP"])),
    ("toolbox", show_toolbox),
    ("reload", lambda: qgis.utils.reloadPlugin(PACKAGE)),
    ("disable", lambda: qgis.utils.unloadPlugin(PACKAGE)),
    ("enable", lambda: qgis.utils.loadPlugin(PACKAGE) and qgis.utils.startPlugin(PACKAGE)),
    ("upgrade", lambda: installer.installFromZipFile(os.environ["DR_UPGRADE_ZIP"])),
]


def finish(error=None):
    with open(os.path.join(out, "install.json"), "w", encoding="utf-8") as handle:
        json.dump({"records": records, "error": error}, handle)
    QTimer.singleShot(0, iface.actionExit().trigger)
    QTimer.singleShot(15000, lambda: os._exit(3))


def step(number=0):
    if number == len(STEPS):
        return finish()
    name, action = STEPS[number]
    try:
        action()
        if name == "toolbox":
            QTimer.singleShot(1500, lambda: (screenshot("toolbox_reinstall.png"), step(number + 1)))
            return
        record(name)
    except Exception:
        return finish(f"{name}: {traceback.format_exc()}")
    QTimer.singleShot(500, lambda: step(number + 1))


QTimer.singleShot(1500, step)
'''


def upgraded_zip(source: Path, target: Path, version: str) -> Path:
    """``source`` with another version in metadata.txt and a marker in a package that only
    submodule imports load (``core.indices``): an upgrade that changed the code."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "digital_resilience/metadata.txt":
                data = re.sub(rb"(?m)^version=.*$", f"version={version}".encode(), data)
            elif item.filename == "digital_resilience/core/indices/__init__.py":
                data += f'\nUPGRADE_MARKER = "{version}"\n'.encode()
            new.writestr(item, data)
    return target


def test_install_reinstall_reload_and_upgrade_keep_every_algorithm(cities_path, tmp_path):
    """The Plugin Manager's "Install from ZIP" into a fresh profile, the same zip over itself,
    reloadPlugin, disable/enable and an upgrade to a changed version, in one QGIS session:
    every time the 15 algorithms and the study chain (whose steps resolve), one menu, fresh
    classes, the new code after the upgrade, and spatial weights run on the sample."""
    spec = importlib.util.spec_from_file_location("build_zip", ROOT / "scripts" / "build_zip.py")
    build_zip = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_zip)
    archive = build_zip.build(tmp_path / "dist")
    upgrade = upgraded_zip(archive, tmp_path / "dist" / "digital_resilience-99.0.0.zip", "99.0.0")
    home = tmp_path / "home"
    home.mkdir()
    launch_qgis(tmp_path, TOOLBOX_CODE + INSTALL_CODE, timeout=240, watchdog=200, env={
        "HOME": str(home), "QGIS_PLUGINPATH": None, "DR_ZIP": str(archive), "DR_UPGRADE_ZIP": str(upgrade),
        "DR_CITIES": str(cities_path)})
    state = json.loads((tmp_path / "install.json").read_text(encoding="utf-8"))
    assert state["error"] is None, state["error"]
    steps = {entry["step"]: entry for entry in state["records"]}
    assert list(steps) == ["fresh", "install", "reinstall", "reload", "disable", "enable", "upgrade"]
    assert steps["fresh"]["algorithms"] == [] and not steps["fresh"]["installed"]
    assert steps["disable"]["algorithms"] == [] and steps["disable"]["menus"] == 0
    expected = sorted(DESIGN_IDS | {"studychain"})
    for name in ("install", "reinstall", "reload", "enable", "upgrade"):
        entry = steps[name]
        assert entry["active"] and entry["installed"], entry
        assert entry["algorithms"] == expected, (name, entry["algorithms"])
        assert entry["current_classes"] == len(DESIGN_IDS), entry  # no class from an unloaded module
        assert entry["model_outputs"] > 0, entry  # the study chain's steps found the new algorithms
        assert entry["menus"] == 1, entry
        assert (entry["units"], entry["links"]) == (367, 1934), entry  # queen contiguity of the cities
    assert steps["reload"]["marker"] is None
    assert (steps["upgrade"]["version"], steps["upgrade"]["marker"]) == ("99.0.0", "99.0.0")
    assert (tmp_path / "toolbox_reinstall.png").exists()


# QGIS in Chinese the normal way (Options › General › 用户界面语言 › 简体中文 writes
# locale/userLocale=zh-Hans): the Toolbox and an algorithm dialog, their texts and a screenshot.
CHINESE_CODE = r'''
import json, os
import processing
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QLabel, QTextBrowser
from qgis.utils import iface

dialogs = []


def open_dialog():
    show_toolbox()
    dialog = processing.createAlgorithmDialog("resilience:spatialweights")
    dialogs.append(dialog)
    dialog.show()
    dialog.move(40, 140)
    QTimer.singleShot(2500, look)


def look():
    screenshot("chinese_toolbox_dialog.png")
    dialog = dialogs[0]
    provider = QgsApplication.processingRegistry().providerById("resilience")
    state = {
        "translation": QgsApplication.instance().translation(),
        "provider": provider.name(),
        "groups": sorted({a.group() for a in provider.algorithms()}),
        "title": dialog.windowTitle(),
        "labels": [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()],
        "help": " ".join(w.toPlainText() for w in dialog.findChildren(QTextBrowser))[:400],
        "menu": [a.text() for a in iface.mainWindow().menuBar().actions()],
    }
    with open(os.path.join(os.environ["DR_OUT"], "chinese.json"), "w", encoding="utf-8") as handle:
        json.dump(state, handle, ensure_ascii=False)
    dialog.close()
    QTimer.singleShot(0, iface.actionExit().trigger)
    QTimer.singleShot(15000, lambda: os._exit(3))


QTimer.singleShot(2000, open_dialog)
'''


def test_qgis_in_simplified_chinese_shows_the_toolkit_in_chinese(tmp_path):
    """QGIS set to 简体中文 in its Options (userLocale=zh-Hans): the Toolbox groups, the menu and
    the spatial weights dialog (title, parameters, help) are Chinese; a screenshot is kept."""
    launch_qgis(tmp_path, TOOLBOX_CODE + CHINESE_CODE, ini="[PythonPlugins]\ndigital_resilience=true\n\n"
                "[locale]\nuserLocale=zh-Hans\noverrideFlag=true\n", timeout=120, watchdog=90)
    state = json.loads((tmp_path / "chinese.json").read_text(encoding="utf-8"))
    assert state["translation"] == "zh-Hans"
    assert state["provider"] == "数字韧性" and "数字韧性" in state["menu"]
    assert {"空间权重", "空间自相关", "地图与报告"} <= set(state["groups"])
    assert state["title"].startswith("空间权重"), state["title"]
    assert "空间权重类型" in state["labels"], state["labels"]
    assert CJK.search(state["help"]), state["help"]
    assert (tmp_path / "chinese_toolbox_dialog.png").exists()
