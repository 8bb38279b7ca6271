"""The layer copies of map pages (processing/maps/layer_copy.py): drawn exactly as QGIS's own
clone() draws them, the user's layer unchanged, and clone() itself wherever a copy could differ."""

from __future__ import annotations

import numpy as np
import pytest


def render(layer, extent=None):
    """The layer drawn alone into a 240 × 180 image (as bytes, for an exact comparison)."""
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(extent or layer.extent())
    settings.setOutputSize(QSize(240, 180))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    return bytes(image.constBits().asstring(image.sizeInBytes()))


@pytest.fixture()
def wide_layer(cities_frame, tmp_path, qgis_app):
    """The sample cities with 300 extra fields, graduated, labelled, half transparent, filtered."""
    import pandas as pd
    from qgis.core import (
        QgsClassificationJenks,
        QgsGradientColorRamp,
        QgsGraduatedSymbolRenderer,
        QgsPalLayerSettings,
        QgsSymbol,
        QgsVectorLayer,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtGui import QColor

    # values with more digits than a style's XML keeps (its class bounds are written with 15
    # decimals): natural breaks are data values, so a bound rounded in a copy moves a city up a class
    extra = pd.DataFrame({f"F{j:03d}": np.arange(len(cities_frame), dtype=float) * j / 3e5 for j in range(300)},
                         index=cities_frame.index)
    path = tmp_path / "wide.gpkg"
    pd.concat([cities_frame, extra], axis=1).to_file(path, layer="cities")
    layer = QgsVectorLayer(f"{path}|layername=cities", "Wide cities", "ogr")
    assert layer.isValid() and layer.fields().count() > 300
    renderer = QgsGraduatedSymbolRenderer("F007")
    renderer.setClassificationMethod(QgsClassificationJenks())
    renderer.setSourceSymbol(QgsSymbol.defaultSymbol(layer.geometryType()))
    renderer.setSourceColorRamp(QgsGradientColorRamp(QColor("#fee5d9"), QColor("#a50f15")))
    renderer.updateClasses(layer, 5)
    layer.setRenderer(renderer)
    labels = QgsPalLayerSettings()
    labels.fieldName = "name"
    layer.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    layer.setLabelsEnabled(True)
    layer.setOpacity(0.5)
    layer.setSubsetString('"F001" >= 100 / 3e5')
    return layer


def test_a_wide_layer_is_drawn_as_its_clone_and_stays_unchanged(wide_layer):
    from digital_resilience.processing.maps.layer_copy import _needs_clone, copy_for_map

    assert not _needs_clone(wide_layer)  # the copy, not clone(), is what this test measures
    before = wide_layer.renderer().dump(), wide_layer.subsetString(), wide_layer.opacity()
    copy = copy_for_map(wide_layer)
    assert copy is not wide_layer and copy.id() != wide_layer.id()
    assert copy.name() == "Wide cities" and copy.subsetString() == '"F001" >= 100 / 3e5'
    assert copy.featureCount() == wide_layer.featureCount() < 367
    assert copy.labelsEnabled() and copy.opacity() == 0.5
    extent = wide_layer.extent()
    assert render(copy, extent) == render(wide_layer.clone(), extent) == render(wide_layer, extent)
    copy.renderer().setClassAttribute("F002")  # the copy's style is its own
    assert (wide_layer.renderer().dump(), wide_layer.subsetString(), wide_layer.opacity()) == before


def test_a_copy_with_the_default_style_would_be_seen(wide_layer):
    """The image comparison can fail: the same source with its default look differs."""
    from qgis.core import QgsVectorLayer

    plain = QgsVectorLayer(wide_layer.source(), "plain", "ogr")
    extent = wide_layer.extent()
    assert render(plain, extent) != render(wide_layer, extent)


def test_layers_a_copy_could_get_wrong_are_cloned(wide_layer, qgis_app):
    from qgis.core import QgsVectorLayer

    from digital_resilience.processing.maps.layer_copy import _needs_clone, copy_for_map
    from digital_resilience.processing.qgis_compat import FieldType, new_field

    virtual = QgsVectorLayer(wide_layer.source(), "virtual", "ogr")
    virtual.addExpressionField('"F001" * 2', new_field("TWICE", FieldType.DOUBLE))
    assert _needs_clone(virtual)
    copy = copy_for_map(virtual)
    assert copy.fields().indexOf("TWICE") >= 0  # clone() keeps the virtual field a renderer may use
    broken = QgsVectorLayer("/nonexistent/none.gpkg|layername=x", "broken", "ogr")
    assert _needs_clone(broken)
    assert not _needs_clone(wide_layer)


def test_a_wide_memory_layer_is_copied_with_its_features(wide_layer, qgis_app):
    """A temporary output (memory layer): its features copied, drawn as the layer is drawn. (QGIS
    3.22's clone() of a memory layer drops its filter: it drew 267 cities where the layer shows 167.)"""
    from qgis.core import QgsFeatureRequest

    from digital_resilience.processing.maps.layer_copy import _needs_clone, copy_for_map

    memory = wide_layer.materialize(QgsFeatureRequest())
    memory.setName("Temporary output")
    memory.setRenderer(wide_layer.renderer().clone())
    memory.setOpacity(0.5)
    memory.setSubsetString('"F001" >= 200 / 3e5')
    assert memory.providerType() == "memory" and not _needs_clone(memory)
    copy = copy_for_map(memory)
    assert copy.name() == "Temporary output" and copy.providerType() == "memory"
    assert copy.featureCount() == memory.featureCount() < wide_layer.featureCount()
    assert copy.fields().names() == memory.fields().names()
    extent = wide_layer.extent()
    assert render(copy, extent) == render(memory, extent)
    assert memory.subsetString() == '"F001" >= 200 / 3e5' and memory.featureCount() == copy.featureCount()

