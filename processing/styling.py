"""Styles for output layers, applied when Processing loads the layer.

An algorithm describes the style it wants with small value objects (graduated,
categorized, single symbol, labels, field aliases) and calls :func:`attach_style`.
The style is applied by a ``QgsProcessingLayerPostProcessorInterface`` that QGIS
runs in the main thread once the output layer is loaded (toolbox, modeler, batch).
``processing.run()`` does not run post-processors: tests call
:meth:`StylePostProcessor.postProcessLayer` themselves, or :func:`apply_style`.

SIP deletes a Python post-processor as soon as Python holds no reference to it, so
every instance is kept in :data:`_ALIVE` for the life of the session (the pattern of
the QGIS cookbook and of QuickOSM's ``decorate_output``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsGradientColorRamp,
    QgsGraduatedSymbolRenderer,
    QgsPalLayerSettings,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSingleSymbolRenderer,
    QgsStyle,
    QgsSymbol,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayerSimpleLabeling,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QColor, QFont

OUTLINE = "#6e6e6e"


# ----------------------------------------------------------------- specs
@dataclass
class Graduated:
    """Classes of a numeric field: ``breaks`` are the upper bounds, lowest first."""

    field: str
    breaks: list[float]
    ramp: str = "YlOrRd"  # a colour ramp of QGIS's default style (ColorBrewer names)
    colors: list[str] | None = None  # explicit colours override the ramp
    minimum: float | None = None
    precision: int = 3
    labels: list[str] | None = None


@dataclass
class Categorized:
    """One colour per value: ``categories`` is a list of (value, colour, label)."""

    field: str
    categories: list[tuple]
    fallback_label: str | None = None


@dataclass
class Single:
    """One symbol for every feature."""

    color: str = "#3a6ea5"
    width: float = 0.26  # mm, lines and outlines
    size: float = 2.0  # mm, markers
    marker: str = "circle"
    opacity: float = 1.0
    outline: str = OUTLINE


@dataclass
class Labels:
    field: str
    size: float = 8.0
    color: str = "#222222"
    buffer: bool = True


@dataclass
class Style:
    """Everything an algorithm wants for one output layer."""

    renderer: object | None = None  # Graduated, Categorized or Single
    labels: Labels | None = None
    aliases: dict = field(default_factory=dict)
    name: str | None = None  # layer name in the project
    opacity: float = 1.0


# ----------------------------------------------------------------- symbols
def _base_symbol(layer, color: str, spec: Single | None = None) -> QgsSymbol:
    symbol = QgsSymbol.defaultSymbol(layer.geometryType())
    symbol.setColor(QColor(color))
    geometry = layer.geometryType()
    if geometry == QgsWkbTypes.PolygonGeometry:
        symbol_layer = symbol.symbolLayer(0)
        symbol_layer.setStrokeColor(QColor(spec.outline if spec else OUTLINE))
        symbol_layer.setStrokeWidth(spec.width if spec else 0.1)
    elif geometry == QgsWkbTypes.LineGeometry:
        symbol.setWidth(spec.width if spec else 0.4)
    elif geometry == QgsWkbTypes.PointGeometry:
        symbol.setSize(spec.size if spec else 2.0)
        if spec is not None:
            from qgis.core import QgsSimpleMarkerSymbolLayerBase

            shapes = {
                "circle": QgsSimpleMarkerSymbolLayerBase.Circle,
                "star": QgsSimpleMarkerSymbolLayerBase.Star,
                "square": QgsSimpleMarkerSymbolLayerBase.Square,
                "triangle": QgsSimpleMarkerSymbolLayerBase.Triangle,
                "diamond": QgsSimpleMarkerSymbolLayerBase.Diamond,
            }
            symbol.symbolLayer(0).setShape(shapes.get(spec.marker, shapes["circle"]))
            symbol.symbolLayer(0).setStrokeColor(QColor(spec.outline))
    if spec is not None:
        symbol.setOpacity(spec.opacity)
    return symbol


def ramp_colors(name: str, count: int) -> list[str]:
    """``count`` colours sampled from a colour ramp of QGIS's default style."""
    ramp = QgsStyle.defaultStyle().colorRamp(name) if QgsStyle.defaultStyle() else None
    if ramp is None:
        ramp = QgsGradientColorRamp(QColor("#ffffb2"), QColor("#bd0026"))
    if count == 1:
        return [ramp.color(1.0).name()]
    return [ramp.color(i / (count - 1)).name() for i in range(count)]


def graduated_renderer(layer, spec: Graduated):
    colors = spec.colors or ramp_colors(spec.ramp, len(spec.breaks))
    lower = spec.minimum
    if lower is None:
        index = layer.fields().lookupField(spec.field)
        lower = layer.minimumValue(index) if index >= 0 else spec.breaks[0]
        lower = spec.breaks[0] if lower is None else float(lower)
    ranges = []
    for i, (upper, color) in enumerate(zip(spec.breaks, colors)):
        if spec.labels:
            label = spec.labels[i]
        else:
            label = f"{lower:.{spec.precision}f} – {upper:.{spec.precision}f}"
        ranges.append(QgsRendererRange(lower, upper, _base_symbol(layer, color), label))
        lower = upper
    renderer = QgsGraduatedSymbolRenderer(spec.field, ranges)
    renderer.setMode(QgsGraduatedSymbolRenderer.Custom)
    return renderer


def categorized_renderer(layer, spec: Categorized):
    categories = [
        QgsRendererCategory(value, _base_symbol(layer, color), label)
        for value, color, label in spec.categories
    ]
    return QgsCategorizedSymbolRenderer(spec.field, categories)


def single_renderer(layer, spec: Single):
    return QgsSingleSymbolRenderer(_base_symbol(layer, spec.color, spec))


def labeling(spec: Labels):
    settings = QgsPalLayerSettings()
    settings.fieldName = spec.field
    text = QgsTextFormat()
    text.setFont(QFont("Noto Sans CJK SC"))
    text.setSize(spec.size)
    text.setColor(QColor(spec.color))
    if spec.buffer:
        buffer = QgsTextBufferSettings()
        buffer.setEnabled(True)
        buffer.setSize(0.8)
        buffer.setColor(QColor("white"))
        text.setBuffer(buffer)
    settings.setFormat(text)
    return QgsVectorLayerSimpleLabeling(settings)


def apply_style(layer, style: Style) -> None:
    """Apply ``style`` to a loaded vector layer (renderer, labels, aliases, name)."""
    spec = style.renderer
    if isinstance(spec, Graduated):
        layer.setRenderer(graduated_renderer(layer, spec))
    elif isinstance(spec, Categorized):
        layer.setRenderer(categorized_renderer(layer, spec))
    elif isinstance(spec, Single):
        layer.setRenderer(single_renderer(layer, spec))
    if style.labels is not None:
        layer.setLabeling(labeling(style.labels))
        layer.setLabelsEnabled(True)
    for field_name, alias in style.aliases.items():
        index = layer.fields().lookupField(field_name)
        if index >= 0:
            layer.setFieldAlias(index, alias)
    if style.opacity != 1.0:
        layer.setOpacity(style.opacity)
    if style.name:
        layer.setName(style.name)
    layer.triggerRepaint()


# ---------------------------------------------------------- post-processing
_ALIVE: list = []


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a :class:`Style` to an output layer once Processing has loaded it."""

    def __init__(self, style: Style):
        super().__init__()
        self.style = style

    def postProcessLayer(self, layer, context, feedback):
        if layer is not None and layer.isValid():
            apply_style(layer, self.style)


def attach_style(context, dest_id: str | None, style: Style):
    """Ask Processing to style output ``dest_id`` when it loads it; returns the
    post-processor (or None when the output is not loaded, e.g. skipped)."""
    if not dest_id or not context.willLoadLayerOnCompletion(dest_id):
        return None
    processor = StylePostProcessor(style)
    _ALIVE.append(processor)
    details = context.layerToLoadOnCompletionDetails(dest_id)
    if style.name:
        details.name = style.name
    details.setPostProcessor(processor)
    return processor
