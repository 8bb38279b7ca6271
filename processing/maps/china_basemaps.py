"""What a map of China draws besides its data, and where it looks.

The province boundaries over the thematic layers with the South China Sea dashed line; Taiwan,
Hong Kong and Macao under them (no data in the sample's panel); a light province fill under the
South China Sea inset (``resources/sample/make_china_context.py`` makes the bundled files). Also
the extent helpers the report map uses to decide that a map is a map of China and to frame it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsProcessingUtils,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt

from ..algorithm import PLUGIN_DIR
from ..styling import Single, Style, apply_style, maritime_line_style, no_data_region_style
from ..translation import translator
from . import layouts

PROVINCES = PLUGIN_DIR / "resources" / "sample" / "china_provinces.gpkg"
#: Taiwan, Hong Kong and Macao (not in the sample's panel) and the South China Sea dashed line.
CHINA_CONTEXT = PLUGIN_DIR / "resources" / "sample" / "china_context.gpkg"


tr = translator("ReportMapAlgorithm")  # the report map's context


@dataclass
class ChinaBasemaps:
    """The layers a map of China draws besides the thematic ones, top first: ``over`` the thematic
    layers, and under them in the main map and in the South China Sea inset."""

    over: list = field(default_factory=list)
    under_main: list = field(default_factory=list)
    under_inset: list = field(default_factory=list)


def load_china_basemaps(private) -> ChinaBasemaps:
    """The styled basemap layers, owned by ``private`` (a :class:`LayoutProject`); empty when the
    bundled files are missing. Read from copies of the bundled files so the plugin's own files
    are never opened for writing."""
    folder = Path(QgsProcessingUtils.tempFolder())
    layers = {}
    for key, path, layer_name, name in (
        ("fill", PROVINCES, "provinces", tr("Provinces")),
        ("lines", PROVINCES, "provinces", tr("Province boundaries")),
        ("regions", CHINA_CONTEXT, "no_data_regions", tr("Taiwan, Hong Kong and Macao")),
        ("dashes", CHINA_CONTEXT, "maritime_boundary", tr("South China Sea dashed line")),
    ):
        copy = folder / f"report_{path.name}"
        if not copy.exists() and path.exists():
            shutil.copyfile(path, copy)
        layer = QgsVectorLayer(f"{copy}|layername={layer_name}", name, "ogr")
        if layer.isValid():
            layers[key] = layer
    if "fill" not in layers or "lines" not in layers:
        return ChinaBasemaps()
    apply_style(layers["fill"], Style(renderer=Single(color="#F2F2F2", outline="#9E9E9E", width=0.15)))
    apply_style(layers["lines"], Style(renderer=Single(color="#00000000", outline="#5A5A5A", width=0.3)))
    layers["lines"].renderer().symbol().symbolLayer(0).setBrushStyle(Qt.NoBrush)  # outlines only
    if "regions" in layers:
        apply_style(layers["regions"], no_data_region_style())
    if "dashes" in layers:
        apply_style(layers["dashes"], maritime_line_style())
    for layer in layers.values():
        private.add_layer(layer)
    over = [layers["lines"]] + ([layers["dashes"]] if "dashes" in layers else [])
    regions = [layers["regions"]] if "regions" in layers else []
    return ChinaBasemaps(over=over, under_main=regions, under_inset=[*regions, layers["fill"]])


def wgs84_extent(layers, project, expression: str | None = None):
    """Extent of the layers' features (those matching ``expression``) in WGS 84; None when empty."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    extent = QgsRectangle()  # empty (null): any extent combined with it replaces it
    for layer in layers:
        if expression:
            box = QgsRectangle()
            request = QgsFeatureRequest().setFilterExpression(expression).setNoAttributes()
            for feature in layer.getFeatures(request):
                if feature.hasGeometry():
                    box.combineExtentWith(feature.geometry().boundingBox())
        else:
            box = layer.extent()
        if box.isNull():
            continue
        transform = QgsCoordinateTransform(layer.crs(), wgs84, project)
        try:
            extent.combineExtentWith(transform.transformBoundingBox(box))
        except QgsCsException:  # an untransformable layer adds nothing
            continue
    return None if extent.isNull() or extent.xMinimum() > extent.xMaximum() else extent


def is_china_extent(extent) -> bool:
    """A WGS 84 extent inside China's box and wider than 8°, with the basemaps bundled."""
    x0, y0, x1, y1 = layouts.CHINA_BOX
    return (extent is not None and extent.xMinimum() >= x0 - 1 and extent.xMaximum() <= x1 + 1
            and extent.yMinimum() >= y0 - 1 and extent.yMaximum() <= y1 + 1
            and extent.width() > 8 and PROVINCES.exists())


def zoom(map_item, extent) -> None:
    """Show ``extent`` whole in ``map_item``, keeping the item's size. QGIS 3.22's
    zoomToExtent does nothing while the item's extent is empty, and setExtent resizes the
    item to the extent's aspect ratio: so first set an extent of the item's own shape."""
    if map_item.extent().isEmpty():
        size = map_item.rect()
        map_item.setExtent(QgsRectangle(0, 0, size.width(), size.height()))
    map_item.zoomToExtent(extent)
