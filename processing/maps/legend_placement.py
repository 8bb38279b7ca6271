"""Where the legend of a report map goes: over no mapped feature.

A legend inside the map frame (the landscape templates put it at the lower left) may cover
features: Tibet's border on a map of China, a city of a region's page. :func:`place_legend`
renders the main map's layers once, at low resolution, into an occupancy mask over an area
larger than the map (so that zoomed-out views can be tested without rendering again), then
tries legend positions along the frame's edges, nearest the template's corner first, for the
map's own view and, when no position is free, for views shifted sideways and zoomed out a
little. The first free position wins; the map's other items (scale bar, north arrow, the South
China Sea inset and its label) are obstacles for the legend, and a new view may not push
more features under them than the original one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qgis.core import (
    QgsLayoutItem,
    QgsLayoutItemPage,
    QgsLayoutPoint,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsRectangle,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QImage, QPainter
from qgis.PyQt.QtWidgets import QStyleOptionGraphicsItem

#: Mask resolution (pixels per millimetre of the page), margins and gaps in millimetres.
PIXELS_PER_MM = 2.0
MARGIN = 3.0
GAP = 2.0
STEP = 2.0
#: Views tried when no position is free: zoom factors (map scale divided by), and horizontal
#: shifts as fractions of the room the content leaves on either side.
ZOOMS = (1.0, 1.05, 1.1, 1.15, 1.2, 1.27, 1.35, 1.45, 1.55)
SHIFTS = (0.0, -0.5, 0.5, -1.0, 1.0)
#: Preference of the frame's corners (lower left, as the templates, then the others).
CORNERS = (("left", "bottom", 0.0), ("left", "top", 10.0), ("right", "bottom", 15.0), ("right", "top", 20.0))


@dataclass
class Placement:
    extent: QgsRectangle
    x: float
    y: float


class Occupancy:
    """Which parts of a map area hold drawn features (alpha of a render of the layers)."""

    def __init__(self, layers, crs, area: QgsRectangle, width_px: int, height_px: int, context=None):
        import numpy as np

        settings = QgsMapSettings()
        settings.setLayers(layers)
        settings.setDestinationCrs(crs)
        settings.setOutputSize(QSize(width_px, height_px))
        settings.setOutputDpi(25.4 * PIXELS_PER_MM)
        settings.setExtent(area)
        settings.setBackgroundColor(QColor(0, 0, 0, 0))
        if context is not None:
            settings.setTransformContext(context)
        image = QImage(width_px, height_px, QImage.Format_ARGB32_Premultiplied)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        job = QgsMapRendererCustomPainterJob(settings, painter)
        job.renderSynchronously()
        painter.end()
        self.area = settings.visibleExtent()
        stride = image.bytesPerLine()
        data = np.frombuffer(image.constBits().asstring(stride * height_px), dtype=np.uint8)
        alpha = data.reshape(height_px, stride)[:, 3:width_px * 4:4]  # ARGB32 is B, G, R, A in memory
        occupied = (alpha > 24).astype(np.int64)
        self.sums = np.zeros((height_px + 1, width_px + 1), dtype=np.int64)
        self.sums[1:, 1:] = occupied.cumsum(axis=0).cumsum(axis=1)
        self.width, self.height = width_px, height_px

    def count(self, rect: QgsRectangle) -> int:
        """Occupied pixels inside ``rect`` (map units)."""
        area = self.area
        c0 = math.floor((rect.xMinimum() - area.xMinimum()) / area.width() * self.width)
        c1 = math.ceil((rect.xMaximum() - area.xMinimum()) / area.width() * self.width)
        r0 = math.floor((area.yMaximum() - rect.yMaximum()) / area.height() * self.height)
        r1 = math.ceil((area.yMaximum() - rect.yMinimum()) / area.height() * self.height)
        c0, c1 = max(c0, 0), min(c1, self.width)
        r0, r1 = max(r0, 0), min(r1, self.height)
        if c1 <= c0 or r1 <= r0:
            return 0
        s = self.sums
        return int(s[r1, c1] - s[r0, c1] - s[r1, c0] + s[r0, c0])


def _to_map(frame: QRectF, extent: QgsRectangle, rect: QRectF) -> QgsRectangle:
    """A rectangle on the page (mm) inside the map item ``frame`` showing ``extent``, in map units."""
    sx = extent.width() / frame.width()
    sy = extent.height() / frame.height()
    return QgsRectangle(extent.xMinimum() + (rect.left() - frame.left()) * sx,
                        extent.yMaximum() - (rect.bottom() - frame.top()) * sy,
                        extent.xMinimum() + (rect.right() - frame.left()) * sx,
                        extent.yMaximum() - (rect.top() - frame.top()) * sy)


def _grow(rect: QRectF, by: float) -> QRectF:
    return rect.adjusted(-by, -by, by, by)


def _positions(frame: QRectF, width: float, height: float):
    """Top-left corners of legend positions that touch the frame's margin, best first."""
    left, right = frame.left() + MARGIN, frame.right() - MARGIN - width
    top, bottom = frame.top() + MARGIN, frame.bottom() - MARGIN - height
    if right < left or bottom < top:
        return []
    xs = [left + i * STEP for i in range(int((right - left) / STEP) + 1)] + [right]
    ys = [top + i * STEP for i in range(int((bottom - top) / STEP) + 1)] + [bottom]
    scored = {}
    for x in xs:
        for y in ys:
            if x not in (left, right) and y not in (top, bottom):
                continue
            best = None
            for side_x, side_y, penalty in CORNERS:
                corner_x = left if side_x == "left" else right
                corner_y = bottom if side_y == "bottom" else top
                score = abs(x - corner_x) + abs(y - corner_y) + penalty
                best = score if best is None else min(best, score)
            scored[(x, y)] = best
    return sorted(scored, key=lambda xy: scored[xy])


def _views(base: QgsRectangle, content: QgsRectangle, keep_bottom: bool):
    """Candidate map extents: the map's own, then shifted sideways and zoomed out."""
    for zoom in ZOOMS:
        width, height = base.width() * zoom, base.height() * zoom
        low = content.xMaximum() - width  # leftmost left edge that keeps the content in view
        high = content.xMinimum()
        centred = base.center().x() - width / 2
        y0 = base.yMinimum() if keep_bottom else base.center().y() - height / 2
        seen = set()
        for shift in SHIFTS:
            if zoom == 1.0 and shift == 0.0:
                x0 = base.xMinimum()
            elif high < low:
                continue
            else:
                x0 = min(max(centred, low), high)
                x0 += shift * ((high - x0) if shift > 0 else (x0 - low))
            key = round(x0, 3)
            if key in seen:
                continue
            seen.add(key)
            yield QgsRectangle(x0, y0, x0 + width, y0 + height)


def legend_size(legend) -> QRectF:
    """The legend's box (mm on the page) fitted to its contents. QGIS 3.22 sizes a legend only
    once it has been painted (it needs the painter's resolution), so paint it once, off-page."""
    legend.adjustBoxSize()
    rect = legend.sceneBoundingRect()
    if rect.width() > 0 and rect.height() > 0:
        return rect
    image = QImage(8, 8, QImage.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    legend.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    legend.adjustBoxSize()
    return legend.sceneBoundingRect()


def place_legend(layout, legend, main_map, content: QgsRectangle, keep_bottom: bool, home: QRectF,
                 transform_context=None) -> Placement | None:
    """Move ``legend`` (and if need be the view of ``main_map``) so that the legend covers no
    drawn feature. ``content`` is the extent (map units) the page must show whole; with
    ``keep_bottom`` the view keeps its southern edge (the main map stops south of Hainan when
    the South China Sea inset shows the islands). ``home`` is the legend's rectangle in the
    template: a legend outside the map frame (portrait templates) stays where it is.
    Returns the placement, or None when the legend was left alone."""
    frame = main_map.sceneBoundingRect()
    if legend is None or not legend.isVisible() or not home.intersects(frame):
        return None
    base = QgsRectangle(main_map.extent())
    if base.isEmpty() or content is None or content.isEmpty():
        return None
    size = legend_size(legend)
    width, height = size.width(), size.height()
    obstacles = [_grow(item.sceneBoundingRect(), GAP) for item in layout.items()
                 if isinstance(item, QgsLayoutItem) and not isinstance(item, QgsLayoutItemPage)
                 and item is not legend and item is not main_map and item.isVisible()
                 and item.sceneBoundingRect().intersects(frame)]
    # One render of the area that holds every candidate view.
    views = list(_views(base, content, keep_bottom))
    area = QgsRectangle(base)
    for view in views:
        area.combineExtentWith(view)
    scale = frame.width() / base.width()  # mm per map unit in the map's own view
    occupancy = Occupancy(main_map.layers(), main_map.crs(), area,
                          max(1, round(area.width() * scale * PIXELS_PER_MM)),
                          max(1, round(area.height() * scale * PIXELS_PER_MM)), transform_context)

    def under_items(extent):
        return sum(occupancy.count(_to_map(frame, extent, rect)) for rect in obstacles)

    allowed = under_items(base)
    positions = _positions(frame, width, height)
    for view in views:
        if under_items(view) > allowed:
            continue
        for x, y in positions:
            rect = QRectF(x, y, width, height)
            if any(rect.intersects(obstacle) for obstacle in obstacles):
                continue
            if occupancy.count(_to_map(frame, view, _grow(rect, GAP))) == 0:
                if view != base:
                    main_map.setExtent(view)
                legend.setReferencePoint(QgsLayoutItem.UpperLeft)
                legend.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
                return Placement(view, x, y)
    return None
