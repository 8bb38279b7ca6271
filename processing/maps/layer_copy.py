"""A copy of a layer to draw on a map page: the same features and the same look, and the user's
layer never changed.

``QgsVectorLayer.clone()`` copies every per-field setting (aliases, widgets, constraints…) by
looking each field up by name in the whole field list, which is quadratic in the fields: on QGIS
3.22 a clone of the demo's indices layer (354 fields) takes 2.3 s, and a report of ten map pages
spent 7.9 of its 17 s cloning. A map needs none of those settings: :func:`copy_for_map` opens the
same source again (without the default style), or for a memory layer (a temporary output, whose
features live in the layer) copies its features into a new one (``materialize``), and copies the
style categories that decide what is drawn (symbology, labels, diagrams, rendering, legend; the
renderer, labels and diagrams themselves as objects, not through the style's XML, which rounds class
bounds): 0.04 s for the same layer, the same image. Whatever such a copy could miss falls back to ``clone()``: a
layer that is not a vector layer or not valid again from its source, joined, virtual or not yet
saved fields, and an auxiliary layer (labels moved by hand).
"""

from __future__ import annotations

from qgis.core import QgsFeatureRequest, QgsMapLayer, QgsReadWriteContext, QgsVectorLayer
from qgis.PyQt.QtXml import QDomDocument

from ..qgis_compat import field_is_stored

#: The style categories that decide how a layer is drawn (QGIS 3.22 has them on QgsMapLayer,
#: 3.40 on QgsMapLayer.StyleCategory too; Legend is 3.16+).
_CATEGORY_NAMES = ("Symbology", "Symbology3D", "Labeling", "Diagrams", "Rendering", "Legend", "CustomProperties")


def _drawing_categories():
    categories = getattr(QgsMapLayer, "StyleCategory", QgsMapLayer)
    found = [getattr(categories, name) for name in _CATEGORY_NAMES if hasattr(categories, name)]
    combined = found[0]
    for category in found[1:]:
        combined = combined | category
    return combined


def _needs_clone(layer) -> bool:
    """Whether a copy from the source and the drawing style would differ from ``clone()``."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return True
    if layer.auxiliaryLayer() is not None:
        return True
    fields = layer.fields()
    return not all(field_is_stored(fields, index) for index in range(fields.count()))


def copy_for_map(layer, transform_context=None):
    """A new layer drawn as ``layer`` is (same source, subset, CRS, name and drawing style)."""
    if _needs_clone(layer):
        return layer.clone()
    if layer.providerType() == "memory":
        copy = layer.materialize(QgsFeatureRequest())  # the features as the layer shows them (its subset)
        copy.setName(layer.name())
    else:
        options = QgsVectorLayer.LayerOptions(transform_context or layer.transformContext())
        options.loadDefaultStyle = False
        copy = QgsVectorLayer(layer.source(), layer.name(), layer.providerType(), options)
        if not copy.isValid():
            return layer.clone()
        if copy.subsetString() != layer.subsetString():
            copy.setSubsetString(layer.subsetString())
    copy.setCrs(layer.crs())
    categories = _drawing_categories()
    document = QDomDocument()
    error = layer.exportNamedStyle(document, QgsReadWriteContext(), categories)
    imported = copy.importNamedStyle(document, categories) if not error else (False, error)
    if not (imported[0] if isinstance(imported, tuple) else imported):
        return layer.clone()
    # The renderer, labels and diagrams as objects, as clone() copies them: the style's XML writes
    # class bounds with 15 decimals, and natural breaks are data values, so a bound read back from
    # it can fall below the city that ends its class and draw that city a class too high.
    if layer.renderer() is not None:
        copy.setRenderer(layer.renderer().clone())
    if layer.labeling() is not None:
        copy.setLabeling(layer.labeling().clone())
    copy.setLabelsEnabled(layer.labelsEnabled())
    if layer.diagramRenderer() is not None:
        copy.setDiagramRenderer(layer.diagramRenderer().clone())
        copy.setDiagramLayerSettings(layer.diagramLayerSettings())
    return copy
