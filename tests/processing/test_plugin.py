"""The plugin as QGIS sees it: classFactory, provider, menu, unload, dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESIGN_IDS = {
    "jointable", "zonalstatistics", "compositeindex", "couplingcoordination", "spatialweights",
    "globalautocorrelation", "localmoran", "localgeary", "hotspots", "corenodecoverage",
    "spatialdurbin", "heterogeneity", "convergence", "mediation", "reportmap", "scenario", "targeting",
    "networkredundancy",
}


class StandInMessageBar:
    def __init__(self):
        self.messages = []

    def pushMessage(self, title, text, level=0, duration=0):
        self.messages.append((title, text, level))


class StandInIface:
    """The parts of QgisInterface the plugin uses, with a real main window and menu bar."""

    def __init__(self):
        from qgis.PyQt.QtWidgets import QMainWindow

        self.window = QMainWindow()
        self.help = self.window.menuBar().addMenu("&Help")
        self.bar = StandInMessageBar()

    def mainWindow(self):
        return self.window

    def helpMenu(self):
        return self.help

    def messageBar(self):
        return self.bar


def test_processing_is_qgis_own_module(qgis_processing):
    import processing

    import digital_resilience.processing as ours

    assert Path(processing.__file__).resolve().parts[-3:-1] == ("plugins", "processing")
    assert "share/qgis/python/plugins" in Path(processing.__file__).resolve().as_posix()
    assert processing is not ours
    assert not any(Path(p or ".").resolve() == ROOT for p in sys.path)


def test_class_factory_registers_menu_and_provider_then_unloads(no_provider):
    import digital_resilience

    registry = no_provider
    iface = StandInIface()
    plugin = digital_resilience.classFactory(iface)
    plugin.initGui()
    try:
        provider = registry.providerById("resilience")
        assert provider is not None
        assert provider.name() == "Digital Resilience"
        assert not provider.icon().isNull()
        titles = [a.text() for a in iface.window.menuBar().actions()]
        assert titles.index("Digital Resilience") == titles.index("&Help") - 1
        actions = {a.objectName() for a in plugin.actions}
        extra = {"mAction_install_dependencies", "mAction_edit_study_chain"}
        assert {f"mAction_{alg.name()}" for alg in provider.algorithms()} | extra == actions
        assert iface.bar.messages == []  # every package is installed here
    finally:
        plugin.unload()
    assert registry.providerById("resilience") is None
    assert "Digital Resilience" not in [a.text() for a in iface.window.menuBar().actions()]
    plugin.initProcessing()  # qgis_process path: provider without GUI
    assert registry.providerById("resilience") is not None
    plugin.unload()


def test_menu_entry_opens_the_algorithm_dialog(no_provider, monkeypatch):
    import processing

    import digital_resilience

    opened = []
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda alg_id, *a, **k: opened.append(alg_id))
    iface = StandInIface()
    plugin = digital_resilience.classFactory(iface)
    plugin.initGui()
    try:
        action = next(a for a in plugin.actions if a.objectName() == "mAction_spatialweights")
        action.trigger()
        assert opened == ["resilience:spatialweights"]
    finally:
        plugin.unload()


#: Graphical Modeler models shipped with the plugin (resources/models/).
MODEL_IDS = {"studychain"}


def test_algorithms_are_those_of_the_design(provider):
    ids = {alg.name() for alg in provider.algorithms()}
    assert ids and ids <= DESIGN_IDS | MODEL_IDS
    for alg in provider.algorithms():
        assert alg.displayName() and alg.group() and alg.shortHelpString()
        assert alg.createInstance() is not alg and type(alg.createInstance()) is type(alg)


def test_missing_packages_give_one_clear_message(qgis_app, qgis_processing, provider, monkeypatch,
                                                 cities_path):
    import processing
    from qgis.core import QgsApplication, QgsProcessingException, QgsSettings

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem
    from digital_resilience.plugin import installer

    fake = [Problem("esda", "2.5", None), Problem("libpysal", "4.9", "4.1.0")]
    monkeypatch.setattr(dependencies, "problems", lambda packages=None: fake)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("resilience:spatialweights", {"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT"})
    text = str(caught.value)
    assert text.startswith("Spatial weights needs Python packages that QGIS's Python lacks: ")
    assert "esda (missing; needs >= 2.5)" in text and "libpysal 4.1.0 (too old" in text
    assert "Digital Resilience › Install dependencies…" in text
    assert f"{dependencies.python_executable()} -m pip install --user" in text and '"esda>=2.5"' in text
    assert "--no-binary" not in text and "from source" not in text  # nothing to compile

    import digital_resilience

    QgsApplication.processingRegistry().removeProvider(provider)
    QgsSettings().setValue(installer.SETTINGS_ASKED, True)  # not the first start: no dialog
    iface = StandInIface()
    plugin = digital_resilience.classFactory(iface)
    plugin.initGui()
    try:
        assert len(iface.bar.messages) == 1
        assert "Install dependencies…" in iface.bar.messages[0][1]
        assert plugin.dialog is None
        action = next(a for a in plugin.actions if a.objectName() == "mAction_install_dependencies")
        assert action is not None and action.text() == "Install dependencies…"
        action.trigger()
        assert plugin.dialog is not None and plugin.dialog.isVisible()
        packages = [plugin.dialog.tree.topLevelItem(i).text(0) for i in range(plugin.dialog.tree.topLevelItemCount())]
        assert packages[:2] == ["esda", "libpysal"]
    finally:
        plugin.unload()
    assert plugin.dialog is None


def test_without_pyproj_the_message_gives_the_distribution_command(qgis_app, qgis_processing, provider,
                                                                   monkeypatch, cities_path):
    """pip must never bring a pyproj wheel (its own PROJ crashes QGIS): pyproj and what pulls it in are
    left to the distribution; the rest is still installed with pip."""
    import processing
    from qgis.core import QgsProcessingException

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem

    fake = [Problem("pyproj", "3.3", None), Problem("geopandas", "0.12", None), Problem("scipy", "1.8", None)]
    monkeypatch.setattr(dependencies, "problems", lambda packages=None: fake)
    monkeypatch.setattr(dependencies, "is_conda", lambda prefix=None: False)
    real = dependencies.installed_version
    monkeypatch.setattr(dependencies, "installed_version", lambda name: None if name == "pyproj" else real(name))
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("resilience:spatialweights", {"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT"})
    text = str(caught.value)
    assert text.count("needs Python packages") == 1
    command = text[text.index(" -m pip install"):text.index("pyproj must be")]
    assert '"scipy>=1.8"' in command and "geopandas" not in command and "pyproj" not in command
    if sys.platform.startswith("linux"):
        assert "sudo apt install python3-pyproj" in text
    assert "(geopandas need(s) it)" in text


def test_loading_the_plugin_imports_nothing_heavy_and_is_fast():
    """classFactory + initProcessing must not import the scientific stack (and stay cheap)."""
    code = r"""
import sys, time
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
before = set(sys.modules)
start = time.perf_counter()
import digital_resilience
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
elapsed = time.perf_counter() - start
heavy = {"pandas", "geopandas", "scipy", "libpysal", "esda", "spopt", "spreg", "mapclassify",
         "shapely", "pyproj", "sklearn", "matplotlib", "rasterio"}
loaded = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in heavy)
print(repr((elapsed, loaded, len(QgsApplication.processingRegistry().providerById("resilience").algorithms()))))
plugin.unload()
"""
    env = {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT / ".build" / "plugins"),
           "PYTHONSAFEPATH": "1", "PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": "/tmp"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/tmp")
    line = [row for row in result.stdout.splitlines() if row.startswith("(")]
    assert line, result.stderr
    elapsed, loaded, count = eval(line[-1])
    assert loaded == []
    assert count >= 1
    assert elapsed < 0.5, f"plugin load took {elapsed:.3f} s"


def test_invalid_geometry_under_the_stop_policy_neither_stops_attribute_work_nor_crashes(provider, qgis_app):
    """QGIS 3.22 crashes on the Processing run *after* one whose feature iterator aborted on
    an invalid geometry; the base class reads sources with the check off, so attribute-only
    algorithms run, and geometry-sensitive ones apply the user's policy themselves."""
    import processing
    from qgis.core import (
        QgsFeature,
        QgsFeatureRequest,
        QgsGeometry,
        QgsProcessingContext,
        QgsProcessingException,
        QgsProcessingFeedback,
        QgsProject,
        QgsVectorLayer,
    )

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "bowtie", "memory")
    layer.dataProvider().addAttributes([new_field("A", FieldType.DOUBLE), new_field("B", FieldType.DOUBLE)])
    layer.updateFields()
    features = []
    for i, wkt in enumerate(["POLYGON((0 0,1 1,1 0,0 1,0 0))", "POLYGON((2 0,3 0,3 1,2 1,2 0))",
                             "POLYGON((3 0,4 0,4 1,3 1,3 0))"]):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([0.2 + 0.1 * i, 0.5])
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    for _ in range(2):
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryAbortOnInvalid)
        result = processing.run("resilience:couplingcoordination",
                                {"INPUT": layer, "FIELD_A": "A", "FIELD_B": "B", "OUTPUT": "TEMPORARY_OUTPUT"},
                                context=context, feedback=QgsProcessingFeedback())
        assert result["OUTPUT"].featureCount() == 3
        assert context.invalidGeometryCheck() == QgsFeatureRequest.GeometryAbortOnInvalid  # restored
        with pytest.raises(QgsProcessingException, match="invalid geometries"):
            processing.run("resilience:spatialweights", {"INPUT": layer, "OUTPUT": "TEMPORARY_OUTPUT"},
                           context=context, feedback=QgsProcessingFeedback())


def test_inline_weights_follow_the_invalid_geometry_policy(provider, qgis_app):
    import processing
    from qgis.core import (
        QgsFeature,
        QgsFeatureRequest,
        QgsGeometry,
        QgsProcessingContext,
        QgsProcessingException,
        QgsProcessingFeedback,
        QgsProject,
        QgsVectorLayer,
    )

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "grid", "memory")
    layer.dataProvider().addAttributes([new_field("code", FieldType.INT), new_field("x", FieldType.DOUBLE)])
    layer.updateFields()
    features = []
    for i in range(9):
        row, col = divmod(i, 3)
        wkt = f"POLYGON(({col} {row},{col + 1} {row},{col + 1} {row + 1},{col} {row + 1},{col} {row}))"
        if i == 4:  # a bow-tie in the middle cell, touching the same neighbours
            wkt = "POLYGON((1 1,2 2,2 1,1 2,1 1))"
        feature = QgsFeature(layer.fields())
        feature.setAttributes([i, float(i % 3) + (i // 3) * 0.5])
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    parameters = {"INPUT": layer, "FIELDS": ["x"], "WEIGHTS_ID_FIELD": "code", "WEIGHTS_KIND": 0,
                  "PERMUTATIONS": 0, "OUTPUT": "TEMPORARY_OUTPUT"}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryAbortOnInvalid)
    with pytest.raises(QgsProcessingException, match=r"1 feature\(s\) have invalid geometries: 4\. Repair"):
        processing.run("resilience:globalautocorrelation", parameters, context=context,
                       feedback=QgsProcessingFeedback())
    context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
    result = processing.run("resilience:globalautocorrelation", parameters, context=context,
                            feedback=QgsProcessingFeedback())
    assert result["MORAN_I"] is not None


def test_every_algorithm_module_is_listed_for_static_import():
    """QGIS unloads only the modules its import hook saw: every module of the algorithms package
    is imported by a plain import statement (``MODULES``), none only found at run time."""
    import pkgutil

    from digital_resilience.processing import algorithms

    listed = {module.__name__.rsplit(".", 1)[1] for module in algorithms.MODULES}
    assert listed == {info.name for info in pkgutil.iter_modules(algorithms.__path__)}
    assert {cls.NAME for cls in algorithms.algorithm_classes()} == DESIGN_IDS


def test_unload_outside_qgis_plugin_manager_keeps_the_modules(no_provider):
    """The plugin forgets its modules only when QGIS's plugin machinery unloads it (a plugin
    created directly, as here and in scripts, leaves sys.modules alone)."""
    import digital_resilience
    from digital_resilience.plugin import plugin as module

    plugin = digital_resilience.classFactory(StandInIface())
    plugin.initProcessing()
    plugin.unload()
    assert not module.unloaded_by_qgis(plugin)
    assert sys.modules["digital_resilience.plugin.plugin"] is module


def test_a_fresh_import_replaces_modules_an_older_unload_left_behind():
    """Upgrading from a version whose unload left modules in sys.modules (QGIS removed only those
    its import hook saw: before 0.1.1 the algorithm modules and several packages stayed): the new
    package drops them when it is imported, so all algorithms derive from the new base class."""
    code = r"""
import sys
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
import digital_resilience
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
plugin.unload()
stale = sys.modules["digital_resilience.processing.algorithms.spatial_weights"]
left = ("digital_resilience.processing.algorithms.", "digital_resilience.core.weights", "digital_resilience.plugin")
for name in [n for n in sys.modules if n.startswith("digital_resilience")]:
    if not name.startswith(left):
        del sys.modules[name]
import digital_resilience
plugin = digital_resilience.classFactory(None)
plugin.initProcessing()
base = sys.modules["digital_resilience.processing.algorithm"].ResilienceAlgorithm
algorithms = QgsApplication.processingRegistry().providerById("resilience").algorithms()
print(repr((len(algorithms), sum(isinstance(a, base) for a in algorithms),
            sys.modules["digital_resilience.processing.algorithms.spatial_weights"] is stale)))
plugin.unload()
"""
    env = {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT / ".build" / "plugins"),
           "PYTHONSAFEPATH": "1", "PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": "/tmp"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/tmp")
    line = [row for row in result.stdout.splitlines() if row.startswith("(")]
    assert line, result.stderr
    assert eval(line[-1]) == (len(DESIGN_IDS) + 1, len(DESIGN_IDS), False)  # + the study chain


def test_a_deprecated_qgis_call_fails_the_tests(qgis_app):
    """pyproject.toml turns QGIS's deprecation warnings from the plugin's and the tests' code into
    errors, so a deprecated call cannot come back unnoticed (processing/qgis_compat.py has the form
    for every supported QGIS). QgsRectangle.setMinimal is deprecated since QGIS 3.34 (setNull)."""
    from qgis.core import QgsRectangle

    if not hasattr(QgsRectangle, "setNull"):
        pytest.skip("QgsRectangle.setMinimal is not deprecated before QGIS 3.34")
    with pytest.raises(DeprecationWarning, match="setMinimal"):
        QgsRectangle().setMinimal()
