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
    "spatialdurbin", "heterogeneity", "convergence", "mediation", "reportmap",
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
        assert {f"mAction_{alg.name()}" for alg in provider.algorithms()} == actions
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
    from qgis.core import QgsApplication, QgsProcessingException

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem

    fake = [Problem("esda", "2.5", None), Problem("libpysal", "4.9", "4.1.0")]
    monkeypatch.setattr(dependencies, "problems", lambda packages=None: fake)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("resilience:spatialweights", {"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT"})
    text = str(caught.value)
    assert "esda (missing; needs >= 2.5)" in text and "libpysal 4.1.0 (too old" in text
    assert "-m pip install --upgrade" in text and '"esda>=2.5"' in text
    assert "--no-binary" not in text and "from source" not in text  # nothing to compile

    import digital_resilience

    QgsApplication.processingRegistry().removeProvider(provider)
    iface = StandInIface()
    plugin = digital_resilience.classFactory(iface)
    plugin.initGui()
    try:
        assert len(iface.bar.messages) == 1
        assert "pip install" in iface.bar.messages[0][1]
    finally:
        plugin.unload()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="source builds are for Linux")
def test_missing_geo_packages_message_builds_them_from_source_on_linux(qgis_app, qgis_processing, provider,
                                                                      monkeypatch, cities_path):
    """PyPI wheels of pyproj/shapely/pyogrio crash QGIS on Linux: the one message says how to build them."""
    import processing
    from qgis.core import QgsProcessingException

    from digital_resilience.core import dependencies
    from digital_resilience.core.dependencies import Problem

    fake = [Problem("geopandas", "0.12", None)]
    monkeypatch.setattr(dependencies, "problems", lambda packages=None: fake)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("resilience:spatialweights", {"INPUT": str(cities_path), "OUTPUT": "TEMPORARY_OUTPUT"})
    text = str(caught.value)
    assert text.count("Digital Resilience Toolkit needs") == 1
    assert '--no-binary pyproj,shapely,pyogrio "geopandas>=0.12"' in text
    assert "builds pyproj, shapely, pyogrio from source" in text
    assert "libproj-dev proj-bin libgeos-dev libgdal-dev" in text


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


def test_a_deprecated_qgis_call_fails_the_tests(qgis_app):
    """pyproject.toml turns QGIS's deprecation warnings from the plugin's and the tests' code into
    errors, so a deprecated call cannot come back unnoticed (processing/qgis_compat.py has the form
    for every supported QGIS). QgsRectangle.setMinimal is deprecated since QGIS 3.34 (setNull)."""
    from qgis.core import QgsRectangle

    if not hasattr(QgsRectangle, "setNull"):
        pytest.skip("QgsRectangle.setMinimal is not deprecated before QGIS 3.34")
    with pytest.raises(DeprecationWarning, match="setMinimal"):
        QgsRectangle().setMinimal()
