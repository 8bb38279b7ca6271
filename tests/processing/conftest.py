"""Fixtures for tests that run QGIS Processing headless."""

from __future__ import annotations

import pytest

_KEEP_ALIVE: list = []


@pytest.fixture(scope="session", autouse=True)
def english_qgis(qgis_app):
    """Tests read English unless they install a translation: the test profile (.qgis-settings)
    sets QGIS's locale to en_US, so a Chinese system locale on the machine running the tests does
    not turn the plugin Chinese (the plugin follows the system locale when QGIS does)."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    settings.setValue("locale/userLocale", "en_US")
    settings.setValue("locale/overrideFlag", True)


@pytest.fixture(scope="session", autouse=True)
def free_qgis_objects_before_qgis_exits(qgis_app):
    """QGIS objects that Python still holds when QGIS shuts down (a processing context kept by the
    frames of a caught exception, in a reference cycle) are freed by the interpreter's final
    collection, after GDAL is gone: a segfault at exit (QgsProcessingContext's layer store closing
    an OGR dataset). Collect them while QGIS is still up (this teardown runs before qgis_app's)."""
    yield
    import gc
    import sys

    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    gc.collect()


@pytest.fixture()
def provider(qgis_app, qgis_processing):
    """The toolkit's provider, registered (as initProcessing does) unless it already is."""
    from qgis.core import QgsApplication

    from digital_resilience.processing.provider import ResilienceProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("resilience")
    if existing is not None:
        return existing
    provider = ResilienceProvider()
    assert registry.addProvider(provider)
    _KEEP_ALIVE.append(provider)  # SIP drops the Python overrides once Python forgets it
    return provider


@pytest.fixture()
def cities_layer(cities_path, qgis_app):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{cities_path}|layername=cities", "cities", "ogr")
    assert layer.isValid()
    return layer


@pytest.fixture()
def context_and_feedback(qgis_app):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return context, QgsProcessingFeedback()


@pytest.fixture()
def no_provider(qgis_app, qgis_processing):
    """No toolkit provider registered (as before QGIS loads the plugin)."""
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("resilience")
    if existing is not None:
        registry.removeProvider(existing)
    return registry
