"""Styles of the autocorrelation outputs: LISA and local Geary cluster maps (GeoDa's
colours), significance maps (GeoDa's greens), hot and cold spots (Gi_Bin colours).

A layer can carry several named styles (QGIS's style manager: *Layer Properties ›
Styles*, or the layer's context menu): a LISA layer opens on the cluster map of its
most recent year and also holds the significance map and every other year, so a
planner switches maps without re-running anything. :class:`MultiStylePostProcessor`
registers them when Processing loads the layer.
"""

from __future__ import annotations

from qgis.core import QgsProcessingContext
from qgis.PyQt.QtCore import QCoreApplication

from ..core.autocorrelation.clusters import (
    GEARY_COLOURS,
    GEARY_LABELS,
    HOTSPOT_COLOURS,
    HOTSPOT_LABELS,
    LISA_COLOURS,
    LISA_LABELS,
    NO_DATA,
    NO_NEIGHBOURS,
    SIGNIFICANCE_LEVELS,
)
from .styling import _ALIVE, Categorized, Style, StylePostProcessor, apply_style

#: A lighter green for a significance level above 0.05 (GeoDa stops at 0.05).
EXTRA_LEVEL_COLOUR = "#b9ffb4"


def tr(text: str) -> str:
    return QCoreApplication.translate("AutocorrelationStyles", text)


def core_tr(text: str) -> str:
    """Translate a core string (labels, aliases): the context of core messages."""
    return QCoreApplication.translate("core", text)


def _categories(labels: dict, colours: dict, order) -> list[tuple]:
    return [(labels[code], colours[code], core_tr(labels[code])) for code in order]


def lisa_style(label_field: str, name: str, aliases: dict) -> Style:
    """GeoDa's LISA cluster map, categorised on the (English) label field."""
    order = (1, 2, 3, 4, 0, NO_NEIGHBOURS, NO_DATA)
    return Style(renderer=Categorized(label_field, _categories(LISA_LABELS, LISA_COLOURS, order)),
                 aliases=aliases, name=name)


def geary_style(label_field: str, name: str, aliases: dict) -> Style:
    """GeoDa's local Geary cluster map."""
    order = (1, 2, 3, 4, 0, NO_NEIGHBOURS, NO_DATA)
    return Style(renderer=Categorized(label_field, _categories(GEARY_LABELS, GEARY_COLOURS, order)),
                 aliases=aliases, name=name)


def hotspot_style(label_field: str, name: str, aliases: dict) -> Style:
    """Hot and cold spots by Gi_Bin class (99/95/90 % confidence)."""
    categories = [(HOTSPOT_LABELS[b], HOTSPOT_COLOURS[b], core_tr(HOTSPOT_LABELS[b])) for b in (3, 2, 1, 0, -1, -2, -3)]
    for code in (NO_NEIGHBOURS, NO_DATA):
        categories.append((LISA_LABELS[code], LISA_COLOURS[code], core_tr(LISA_LABELS[code])))
    return Style(renderer=Categorized(label_field, categories), aliases=aliases, name=name)


def significance_levels(alpha: float) -> list[tuple[float, str]]:
    """(threshold, colour) of the significance map: GeoDa's levels up to ``alpha``."""
    levels = [(t, c) for t, c in SIGNIFICANCE_LEVELS if t < alpha]
    colour = dict(SIGNIFICANCE_LEVELS).get(alpha, EXTRA_LEVEL_COLOUR)
    return [*levels, (alpha, colour)]


def significance_style(p_field: str, label_field: str, alpha: float, name: str, aliases: dict) -> Style:
    """GeoDa's significance map: classes of the (adjusted) p-value up to ``alpha``.

    Categorised on an expression, so units without neighbours or data keep their grey.
    """
    cases = [f"WHEN \"{label_field}\" = '{LISA_LABELS[code]}' THEN '{LISA_LABELS[code]}'"
             for code in (NO_NEIGHBOURS, NO_DATA)]
    categories = []
    for threshold, colour in significance_levels(alpha):
        value = f"p <= {threshold:g}"
        cases.append(f"WHEN \"{p_field}\" <= {threshold!r} THEN '{value}'")
        categories.append((value, colour, f"p ≤ {threshold:g}"))
    not_significant = LISA_LABELS[0]
    expression = "CASE " + " ".join(cases) + f" ELSE '{not_significant}' END"
    categories.append((not_significant, LISA_COLOURS[0], core_tr(not_significant)))
    for code in (NO_NEIGHBOURS, NO_DATA):
        categories.append((LISA_LABELS[code], LISA_COLOURS[code], core_tr(LISA_LABELS[code])))
    return Style(renderer=Categorized(expression, categories), aliases=aliases, name=name)


class MultiStylePostProcessor(StylePostProcessor):
    """Applies the main style and stores ``alternatives`` as named styles of the layer."""

    def __init__(self, style: Style, current_name: str, alternatives: list[tuple[str, Style]]):
        super().__init__(style)
        self.current_name = current_name
        self.alternatives = alternatives

    def postProcessLayer(self, layer, context, feedback):
        if layer is None or not layer.isValid():
            return
        add_named_styles(layer, self.style, self.current_name, self.alternatives)


def add_named_styles(layer, style: Style, current_name: str, alternatives: list[tuple[str, Style]]) -> None:
    """Give ``layer`` the named ``alternatives`` and make ``style`` its current style."""
    manager = layer.styleManager()
    for name, alternative in alternatives:
        if name in manager.styles():
            continue
        apply_style(layer, alternative)
        manager.addStyleFromLayer(name)
    apply_style(layer, style)
    if current_name not in manager.styles():
        manager.renameStyle(manager.currentStyle(), current_name)


def attach_styles(context, dest_id: str | None, style: Style, current_name: str,
                  alternatives: list[tuple[str, Style]] | None = None, output_name: str | None = None):
    """As :func:`styling.attach_style`, with named alternative styles; also registers
    ``dest_id`` for loading when it is not yet (extra per-year layers)."""
    if not dest_id:
        return None
    if not context.willLoadLayerOnCompletion(dest_id):
        if output_name is None:
            return None
        context.addLayerToLoadOnCompletion(
            dest_id, QgsProcessingContext.LayerDetails(style.name or "", context.project(), output_name))
    processor = MultiStylePostProcessor(style, current_name, alternatives or [])
    _ALIVE.append(processor)
    details = context.layerToLoadOnCompletionDetails(dest_id)
    if style.name:
        details.name = style.name
    details.setPostProcessor(processor)
    return processor
