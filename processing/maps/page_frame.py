"""Framing a report map page: the main map's extent, the South China Sea inset and the legend.

A map of (most of) China always carries the inset, whatever the layer holds (e.g. 三沙市 left out),
and the islands stay out of the main map; the legend covers no mapped feature
(``legend_placement``). Used by ``resilience:reportmap`` for every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

from . import layouts
from .china_basemaps import zoom
from .legend_placement import legend_size, place_legend


@dataclass
class PageFrame:
    """The layout's map items and what decides the framing of every page."""

    layout: object
    items: dict
    main_map: object
    inset: object
    crs: object
    project: object
    china: bool
    force_inset: bool
    legend_home: object = None  # the legend's rectangle in the template, read on the first page

    def show(self, wgs84, layer) -> None:
        """Frame the page whose features span ``wgs84`` (a WGS 84 extent, None when empty) and
        refresh the legend of the thematic ``layer``."""
        show_inset = False
        content = None
        if wgs84 is not None and self.china:
            reaches_islands = wgs84.yMinimum() < layouts.MAINLAND_SOUTH < wgs84.yMaximum() - 5
            show_inset = reaches_islands or self.force_inset or layouts.shows_most_of_china(wgs84)
            if show_inset and wgs84.yMinimum() < layouts.MAINLAND_SOUTH:
                wgs84.setYMinimum(min(layouts.MAINLAND_SOUTH, wgs84.yMaximum() - 1))
        if wgs84 is not None:
            extent = self.to_map().transformBoundingBox(wgs84)
            content = QgsRectangle(extent)
            extent.scale(1.04)
            zoom(self.main_map, extent)
            if show_inset:
                # Keep the islands out of the main map: the frame's spare height goes to the top.
                shown = self.main_map.extent()
                if shown.yMinimum() < extent.yMinimum():
                    self.main_map.setExtent(QgsRectangle(shown.xMinimum(), extent.yMinimum(), shown.xMaximum(),
                                                         extent.yMinimum() + shown.height()))
        if self.inset is not None:
            self.inset.setVisibility(show_inset)
            if show_inset:
                zoom(self.inset, self.to_map().transformBoundingBox(QgsRectangle(*layouts.SOUTH_CHINA_SEA)))
        if layouts.INSET_LABEL in self.items:
            self.items[layouts.INSET_LABEL].setVisibility(show_inset)
        legend = self.items.get(layouts.LEGEND)
        if legend is not None:
            legend.model().refreshLayerLegend(legend.model().rootGroup().findLayer(layer.id()))
            legend.adjustBoxSize()
            legend.refresh()
            if self.legend_home is None:
                self.legend_home = legend_size(legend)
            # Moved (and if need be the view shifted or zoomed out a little) where the rendered
            # layers leave room.
            place_legend(self.layout, legend, self.main_map, content, show_inset, self.legend_home,
                         self.project.transformContext())
        self.main_map.invalidateCache()
        self.layout.refresh()

    def to_map(self) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), self.crs, self.project)
