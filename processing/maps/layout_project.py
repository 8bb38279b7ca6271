"""A private QgsProject for print layouts, freed in one fixed order whatever happens.

A layout needs a project, and a report map's layers (clones, basemaps) need one that is not
the user's. Left to Python's garbage collector, these QGIS objects die in whatever order the
references go: after a cancel or an error the exception's traceback keeps the layout, its
items and layers alive (SIP even keeps the last exception of a ``processAlgorithm``), so a
layout could outlive the legend tree or the project it points to, and QGIS 3.40 crashes
(``QgsProject.clear()`` with a live legend over a freed tree, or a project freed after
``QgsApplication.exitQgis()``).

:class:`LayoutProject` owns everything through QGIS itself: layers and layouts belong to the
project (its layout manager), legend trees to this object, and :meth:`close` frees them in
this order, now, on the calling thread: layouts (with their legends), legend trees, layers,
then the project (``sip.delete``, so that no Python reference left in a traceback can keep it
alive). Python references left elsewhere then raise ``RuntimeError`` instead of crashing.
"""

from __future__ import annotations

from qgis.core import QgsLayerTree, QgsProject
from qgis.PyQt import sip

from . import layouts


class LayoutProject:
    """``with LayoutProject() as lp:`` … ``lp.project``, ``lp.add_layer``, ``lp.load_layout``,
    ``lp.legend_tree``; everything is freed when the block ends (or by :meth:`close`)."""

    def __init__(self, ellipsoid: str | None = None):
        self.project = QgsProject()
        if ellipsoid:
            self.project.setEllipsoid(ellipsoid)
        self._trees: list = []

    def __enter__(self) -> LayoutProject:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add_layer(self, layer):
        """``layer`` now belongs to the project (not shown in its layer tree)."""
        self.project.addMapLayer(layer, False)
        return layer

    def load_layout(self, path):
        """A layout of this project from the template ``path``, owned by the project's layout
        manager (None when the file is unreadable)."""
        layout = layouts.load_layout(self.project, path)
        if layout is None:
            return None
        manager = self.project.layoutManager()
        layout.setName(manager.generateUniqueTitle())
        manager.addLayout(layout)
        return layout

    def legend_tree(self, layers) -> QgsLayerTree:
        """A layer tree of ``layers`` for a legend's model: it lives until the layouts are gone."""
        root = QgsLayerTree()
        for layer in layers:
            root.addLayer(layer)
        self._trees.append(root)
        return root

    def close(self) -> None:
        """Free the layouts, the legend trees, the layers and the project, in that order."""
        project, self.project = self.project, None
        if project is None:
            return
        manager = project.layoutManager()
        for layout in manager.layouts():
            manager.removeLayout(layout)  # deletes it, its items and legend models
        trees, self._trees = self._trees, []
        for tree in trees:
            if not sip.isdeleted(tree):
                sip.delete(tree)
        project.removeAllMapLayers()
        project.clear()
        sip.delete(project)
