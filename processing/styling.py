"""Styles for output layers: written with the output, and applied when Processing loads it.

An algorithm describes the style it wants with small value objects (graduated,
categorized, single symbol, labels, field aliases) and calls :func:`attach_style`.
That does two things:

* it writes the style *with the output* (:func:`save_output_style`), whatever runs the
  algorithm (Toolbox, batch, a model, ``processing.run()``, ``qgis_process``): a
  GeoPackage (or any format that stores styles, e.g. SpatiaLite) gets it as the layer's
  default style in its ``layer_styles`` table, other files a ``.qml`` beside them (the
  file QGIS reads as a file's default style), a temporary layer the style itself. So the
  output opens styled wherever it is opened, e.g. a LISA map GeoDa-coloured;
* it gives the output a ``QgsProcessingLayerPostProcessorInterface`` that QGIS runs in
  the main thread once it has loaded the layer (Toolbox, modeler, batch): the layer's
  name and, for several styles, the named styles of its style manager.
  ``processing.run()`` does not run post-processors: tests call
  :meth:`StylePostProcessor.postProcessLayer` themselves, or :func:`apply_style`.

SIP deletes a Python post-processor as soon as Python holds no reference to it, so
every instance is kept in :data:`_ALIVE` for the life of the session (the pattern of
the QGIS cookbook and of QuickOSM's ``decorate_output``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsClassificationCustom,
    QgsExpression,
    QgsFillSymbol,
    QgsGradientColorRamp,
    QgsGraduatedSymbolRenderer,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsRendererRange,
    QgsSingleSymbolRenderer,
    QgsStyle,
    QgsSymbol,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QColor, QFont

from ..core.palettes import (
    ADDED_CORE_COLOR,
    ADDED_CORE_OUTLINE,
    CHOSEN_OUTLINE,
    CONNECTIVITY_COLOR,
    CORE_COLOR,
    CORE_DISTANCE_COLORS,
    CORE_OUTLINE,
    COVERAGE_FILL,
    COVERAGE_OUTLINE,
    LINK_COLOR,
)
from .qgis_compat import saves_styles_in_database

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
    """One colour per value: ``categories`` is a list of (value, colour, label); a :class:`Single`
    in place of the colour gives that category its own symbol (marker shape, size, outline)."""

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
    #: False: polygons and markers drawn as outlines only (an overlay over another layer's colours).
    fill: bool = True
    dashed: bool = False  # a dashed outline (polygons) or line
    #: Clip features to the map extent before drawing (QGIS's default). Off for shapes that
    #: may lie wholly outside a map (e.g. coverage circles beside an inset): clipped to nothing,
    #: QGIS still draws them as empty paths, which PDF readers report as syntax errors.
    clip: bool = True


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
def _new_symbol(geometry) -> QgsSymbol:
    """A plain symbol for ``geometry`` (not ``QgsSymbol.defaultSymbol``, which reads the
    current project's default symbols: the style must not depend on the project, and styles
    are built in Processing's worker thread, where the project is out of bounds)."""
    if geometry == QgsWkbTypes.PolygonGeometry:
        return QgsFillSymbol()
    if geometry == QgsWkbTypes.LineGeometry:
        return QgsLineSymbol()
    return QgsMarkerSymbol()


def _base_symbol(layer, color: str, spec: Single | None = None) -> QgsSymbol:
    symbol = _new_symbol(layer.geometryType())
    symbol.setColor(QColor(color))
    geometry = layer.geometryType()
    if geometry == QgsWkbTypes.PolygonGeometry:
        symbol_layer = symbol.symbolLayer(0)
        symbol_layer.setStrokeColor(QColor(spec.outline if spec else OUTLINE))
        symbol_layer.setStrokeWidth(spec.width if spec else 0.1)
        if spec is not None and not spec.fill:
            symbol_layer.setBrushStyle(Qt.NoBrush)
        if spec is not None and spec.dashed:
            symbol_layer.setStrokeStyle(Qt.DashLine)
    elif geometry == QgsWkbTypes.LineGeometry:
        symbol.setWidth(spec.width if spec else 0.4)
        if spec is not None and spec.dashed:
            symbol.symbolLayer(0).setPenStyle(Qt.DashLine)
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
            if not spec.fill:  # a ring: the outline in the symbol's colour, its width
                symbol.symbolLayer(0).setFillColor(QColor(0, 0, 0, 0))
                symbol.symbolLayer(0).setStrokeColor(QColor(spec.color))
                symbol.symbolLayer(0).setStrokeWidth(spec.width)
    if spec is not None:
        symbol.setOpacity(spec.opacity)
        symbol.setClipFeaturesToExtent(spec.clip)
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
        bottom = stored_bound(lower, up=False) if i == 0 else ranges[-1].upperValue()
        ranges.append(QgsRendererRange(bottom, stored_bound(upper, up=True), _base_symbol(layer, color), label))
        lower = upper
    renderer = QgsGraduatedSymbolRenderer(spec.field, ranges)
    renderer.setClassificationMethod(QgsClassificationCustom())  # breaks are ours
    return renderer


def stored_bound(value: float, up: bool) -> float:
    """A class bound that a saved style gives back unchanged, on the same side of ``value``.

    QGIS writes a graduated renderer's bounds with 15 decimals (the GeoPackage's style, a .qml,
    the project), and natural breaks are data values: a break of 0.18481925873027413 came back as
    0.184819258730274, below the city that ends its class, and a fresh project drew that city one
    class too high (2 of the 5 classes of the demo's index map). The bound rounded up (an upper
    bound) or down (the lowest) to 15 decimals holds the same values, unless another lies within
    1e-15 of the break; large values, where 15 decimals exceed a double's precision, stay as they are.
    """
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

    value = float(value)
    if not math.isfinite(value) or abs(value) >= 100:  # 15 decimals then keep all 17 digits
        return value
    rounded = Decimal(value).quantize(Decimal("1e-15"), rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return float(rounded)


def categorized_renderer(layer, spec: Categorized):
    categories = [
        QgsRendererCategory(value, _base_symbol(layer, color.color, color) if isinstance(color, Single)
                            else _base_symbol(layer, color), label)
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
    """Write ``style`` with output ``dest_id`` (:func:`save_output_style`) and ask Processing
    to style the output when it loads it; returns the post-processor (or None when the
    output is not loaded, e.g. skipped). Call it once the output's sink is closed (after
    ``bridge.frame_to_sink``)."""
    if not dest_id:
        return None
    save_output_style(context, dest_id, style)
    if not context.willLoadLayerOnCompletion(dest_id):
        return None
    return _set_post_processor(context, dest_id, StylePostProcessor(style))


# ------------------------------------------------------ styles written with outputs
def style_description() -> str:
    return style_tr("Style written by the Digital Resilience Toolkit")


def save_output_style(context, dest_id: str, style: Style, current_name: str | None = None,
                      alternatives: list[tuple[str, Style]] | None = None) -> bool:
    """Store ``style`` with the output ``dest_id`` so that it opens styled anywhere.

    A temporary (memory) layer of the context gets the style itself (and the named
    ``alternatives`` in its style manager). A file is opened on its own: a GeoPackage (or
    another format whose provider stores styles) gets ``style`` as the layer's default
    style in its ``layer_styles`` table, named ``current_name`` (or the style's name), and
    each alternative as a further named style (*Layer Properties › Style › Load Style*);
    any other file a ``.qml`` beside it (``name.qml`` for ``name.shp``), the file QGIS
    loads as its default style. Returns whether a style was stored; an output that cannot
    be opened as a vector layer (e.g. a database table) is left as it is.
    """
    alternatives = alternatives or []
    stored = context.temporaryLayerStore().mapLayer(dest_id)
    if stored is not None:
        if isinstance(stored, QgsVectorLayer) and stored.isValid():
            if alternatives:
                add_named_styles(stored, style, current_name or style.name or "default", alternatives)
            else:
                apply_style(stored, style)
            return True
        return False
    layer = QgsVectorLayer(dest_id, "output", "ogr", QgsVectorLayer.LayerOptions(False))
    if not layer.isValid():
        return False
    name = current_name or style.name or "default"
    provider = layer.dataProvider()
    if provider is not None and saves_styles_in_database(provider):
        others = [(other_name, other) for other_name, other in alternatives if other_name != name]
        _delete_database_styles(layer, {name, *(other_name for other_name, _ in others)})
        for other_name, other in others:
            apply_style(layer, other)
            layer.saveStyleToDatabase(other_name, style_description(), False, "")
        apply_style(layer, style)
        error = layer.saveStyleToDatabase(name, style_description(), True, "")
        return not error
    apply_style(layer, style)
    uri = layer.styleURI()
    if not uri.lower().endswith(".qml"):
        return False
    _message, ok = layer.saveNamedStyle(uri)
    return bool(ok)


def _delete_database_styles(layer, names: set) -> None:
    """Delete the layer's stored styles called one of ``names`` (a re-run into the same
    GeoPackage table): QGIS 3.22's OGR provider asks "overwrite?" in a message box when a
    style of that name exists, which would block a headless run (and a worker thread)."""
    count, ids, styles, _descriptions, _error = layer.listStylesInDatabase()
    for style_id, style_name in zip(ids[:count], styles[:count]):
        if style_name in names:
            layer.deleteStyleFromDatabase(style_id)


def _set_post_processor(context, dest_id: str, processor: StylePostProcessor) -> StylePostProcessor:
    """Give the loaded output ``dest_id`` its style's name and ``processor`` (kept alive)."""
    _ALIVE.append(processor)
    details = context.layerToLoadOnCompletionDetails(dest_id)
    if processor.style.name:
        details.name = processor.style.name
    details.setPostProcessor(processor)
    return processor


# Several styles for one layer (QGIS's style manager: Layer Properties › Styles, or the
# layer's context menu): e.g. a LISA layer opens on the cluster map of its last year and
# also holds the significance map and every other year, so a planner switches maps
# without re-running anything.
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
    """As :func:`attach_style`, with named alternative styles; also registers ``dest_id``
    for loading when it is not yet (extra layers, e.g. one per year, under ``output_name``)."""
    if not dest_id:
        return None
    save_output_style(context, dest_id, style, current_name, alternatives)
    if not context.willLoadLayerOnCompletion(dest_id):
        if output_name is None:
            return None
        context.addLayerToLoadOnCompletion(
            dest_id, QgsProcessingContext.LayerDetails(style.name or "", context.project(), output_name))
    return _set_post_processor(context, dest_id, MultiStylePostProcessor(style, current_name, alternatives or []))


# ============================================================ report styles
# Ready-made styles that algorithms and the report maps share (issue 8). Each
# function returns a :class:`Style` to pass to :func:`attach_style` or
# :func:`apply_style`; legend labels are translated (context "Styling") and every
# label and layout text uses a CJK-capable font, so legends read well in Chinese
# and in English.

#: The font for labels and layout text: covers Chinese and Latin (Debian's
#: fonts-noto-cjk, which ``make setup`` installs).
CJK_FONT = "Noto Sans CJK SC"


def style_tr(text: str) -> str:
    return QCoreApplication.translate("Styling", text)


def cjk_font_family() -> str:
    """:data:`CJK_FONT` when it is installed, else the application's default family
    (Qt then falls back per glyph to any installed font that has it)."""
    from qgis.PyQt.QtGui import QFontDatabase

    if CJK_FONT in QFontDatabase().families():
        return CJK_FONT
    return QFont().family()


#: Classification schemes offered to users, in enum order (append only); keys of
#: ``core.classify.SCHEMES``.
SCHEME_KEYS = ("fisher_jenks", "quantiles", "equal_interval", "std_mean", "box_plot")


def scheme_labels() -> dict[str, str]:
    """Translated names of :data:`SCHEME_KEYS`, for enum parameters."""
    return {
        "fisher_jenks": style_tr("Natural breaks (Fisher–Jenks)"),
        "quantiles": style_tr("Quantiles"),
        "equal_interval": style_tr("Equal interval"),
        "std_mean": style_tr("Standard deviation"),
        "box_plot": style_tr("Box plot"),
    }


#: Colour ramps of QGIS's default style offered to users, in enum order (append only).
RAMP_NAMES = ("YlOrRd", "Blues", "Greens", "Reds", "Purples", "OrRd", "YlGnBu", "RdYlBu", "Spectral", "Viridis")


def label_precision(breaks, minimum: float | None = None) -> int:
    """Decimals that tell the class bounds apart without noise (0 for large values)."""
    import math

    values = [float(b) for b in breaks] + ([float(minimum)] if minimum is not None else [])
    values = sorted(set(values))
    steps = [b - a for a, b in zip(values, values[1:]) if b > a]
    step = min(steps) if steps else max(abs(v) for v in values) if values else 1.0
    if step <= 0:
        return 2
    if step >= 10:
        return 0
    return 1 if step >= 1 else min(6, -math.floor(math.log10(step)))


def graduated_style(values, field: str, scheme: str = "fisher_jenks", k: int = 5, ramp: str = "YlOrRd",
                    alias: str | None = None, name: str | None = None, breaks=None,
                    colors: list[str] | None = None, aliases: dict | None = None,
                    allow_empty: bool = False) -> Style:
    """A choropleth of ``field`` (a field, or an expression such as :func:`latest_field`'s):
    classes from mapclassify (``core.classify``) on ``values`` (or the given ``breaks``),
    colours from ``ramp``. ``values`` may pool several years so that maps of different
    years share their classes. ``alias`` is ``field``'s alias, ``aliases`` any others.
    Without finite values: an error, or with ``allow_empty`` a style without renderer."""
    import numpy as np

    from ..core.classify import class_breaks

    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    aliases = {**(aliases or {}), **({field: alias} if alias else {})}
    if allow_empty and breaks is None and not data.size:
        return Style(aliases=aliases, name=name)
    bounds = list(breaks) if breaks is not None else class_breaks(data, scheme, k)
    if data.size:
        # Standard-deviation and box-plot bins may start below the data: drop the
        # empty classes below the minimum, so the first class starts at the minimum.
        bounds = [b for b in bounds if b >= data.min()] or [float(data.max())]
    minimum = float(min(data.min(), bounds[0])) if data.size else float(bounds[0])
    precision = label_precision(bounds, minimum)
    return Style(
        renderer=Graduated(field=field, breaks=bounds, ramp=ramp, colors=colors, minimum=minimum,
                           precision=precision),
        aliases=aliases,
        name=name,
    )


def latest_field(stem: str, year, year_field: str | None) -> str:
    """The renderer attribute that maps ``stem`` in ``year`` (a panel output shows its latest
    year): the field ``STEM_YYYY`` of a wide layer, or for a long layer (one feature per
    unit and year) an expression that keeps that year's features only, so years never
    overlap; ``stem`` itself without a year."""
    if year is None:
        return stem
    if year_field:
        return (f"if({QgsExpression.quotedColumnRef(year_field)} = {int(year)}, "
                f"{QgsExpression.quotedColumnRef(stem)}, NULL)")
    return f"{stem}_{int(year)}"


# ------------------------------------------------ clusters, hot spots, significance
# Local statistics store their class as an English label (LISA_LAB, LG_LAB, GI_LAB) and
# as a code (LISA_CL and LG_CL: GeoDa's cluster codes; GI_BIN: Gi_Bin); codes and labels
# are defined in core/autocorrelation/clusters.py, colours in core/palettes.py.

def cluster_labels() -> dict[str, str]:
    """Translated legend labels of the cluster and hot-spot classes, by stored English label."""
    return {
        "High-High": style_tr("High-High"),
        "Low-Low": style_tr("Low-Low"),
        "Low-High": style_tr("Low-High"),
        "High-Low": style_tr("High-Low"),
        "Other positive": style_tr("Other positive"),
        "Negative": style_tr("Negative"),
        "Not significant": style_tr("Not significant"),
        "No neighbours": style_tr("No neighbours"),
        "No data": style_tr("No data"),
        "Hot spot (99% confidence)": style_tr("Hot spot (99% confidence)"),
        "Hot spot (95% confidence)": style_tr("Hot spot (95% confidence)"),
        "Hot spot (90% confidence)": style_tr("Hot spot (90% confidence)"),
        "Cold spot (90% confidence)": style_tr("Cold spot (90% confidence)"),
        "Cold spot (95% confidence)": style_tr("Cold spot (95% confidence)"),
        "Cold spot (99% confidence)": style_tr("Cold spot (99% confidence)"),
    }


def _cluster_style(field: str, codes: dict, order, colors: dict, by_code: bool, name, aliases) -> Style:
    """Categories of ``field`` in ``order`` (codes): each code's label (or the code itself
    when ``by_code``), its colour and its translated label."""
    labels = cluster_labels()
    categories = [(code if by_code else codes[code], colors[codes[code]], labels[codes[code]]) for code in order]
    return Style(renderer=Categorized(field, categories), aliases=aliases or {}, name=name)


def lisa_style(field: str = "LISA_LAB", codes: bool = False, name: str | None = None,
               aliases: dict | None = None) -> Style:
    """LISA cluster map (GeoDa's colours) of ``field``, which holds the cluster label
    ("High-High", …, as LISA_LAB) or, with ``codes=True``, GeoDa's cluster code (as LISA_CL:
    0 not significant, 1 HH, 2 LL, 3 LH, 4 HL, 5 no data, 6 no neighbours)."""
    from ..core.autocorrelation.clusters import LISA_LABELS, NO_DATA, NO_NEIGHBOURS
    from ..core.palettes import LISA_COLORS

    order = (1, 2, 3, 4, 0, NO_NEIGHBOURS, NO_DATA)
    return _cluster_style(field, LISA_LABELS, order, LISA_COLORS, codes, name, aliases)


def geary_style(field: str = "LG_LAB", codes: bool = False, name: str | None = None,
                aliases: dict | None = None) -> Style:
    """Local Geary cluster map (GeoDa's colours) of a label field (LG_LAB) or, with
    ``codes=True``, of GeoDa's codes (LG_CL: 1 HH, 2 LL, 3 other positive, 4 negative)."""
    from ..core.autocorrelation.clusters import GEARY_LABELS, NO_DATA, NO_NEIGHBOURS
    from ..core.palettes import GEARY_COLORS

    order = (1, 2, 3, 4, 0, NO_NEIGHBOURS, NO_DATA)
    return _cluster_style(field, GEARY_LABELS, order, GEARY_COLORS, codes, name, aliases)


def hotspot_style(field: str = "GI_LAB", codes: bool = False, name: str | None = None,
                  aliases: dict | None = None) -> Style:
    """Hot and cold spots from hot (Gi_Bin 3) to cold (−3) of a label field (GI_LAB, with
    the units without neighbours or data) or, with ``codes=True``, of a Gi_Bin field
    (GI_BIN, integers −3 … 3; NULL where untested)."""
    from ..core.autocorrelation.clusters import HOTSPOT_LABELS, LISA_LABELS, NO_DATA, NO_NEIGHBOURS
    from ..core.palettes import HOTSPOT_COLORS, LISA_COLORS

    bins = (3, 2, 1, 0, -1, -2, -3)
    colors = {HOTSPOT_LABELS[b]: HOTSPOT_COLORS[b] for b in bins}
    style = _cluster_style(field, HOTSPOT_LABELS, bins, colors, codes, name, aliases)
    if not codes:
        labels = cluster_labels()
        style.renderer.categories += [(LISA_LABELS[code], LISA_COLORS[LISA_LABELS[code]], labels[LISA_LABELS[code]])
                                      for code in (NO_NEIGHBOURS, NO_DATA)]
    return style


def significance_levels(alpha: float) -> list[tuple[float, str]]:
    """(threshold, colour) of the significance map: GeoDa's levels up to ``alpha``."""
    from ..core.palettes import EXTRA_LEVEL_COLOR, SIGNIFICANCE_LEVELS

    levels = [(t, c) for t, c in SIGNIFICANCE_LEVELS if t < alpha]
    colour = dict(SIGNIFICANCE_LEVELS).get(alpha, EXTRA_LEVEL_COLOR)
    return [*levels, (alpha, colour)]


def significance_style(p_field: str, label_field: str, alpha: float, name: str | None = None,
                       aliases: dict | None = None) -> Style:
    """GeoDa's significance map: classes of the (adjusted) p-value up to ``alpha``.

    Categorised on an expression, so units without neighbours or data (read from the
    cluster label field) keep their grey.
    """
    from ..core.autocorrelation.clusters import LISA_LABELS, NO_DATA, NO_NEIGHBOURS, NOT_SIGNIFICANT
    from ..core.palettes import LISA_COLORS

    labels = cluster_labels()
    untested = [LISA_LABELS[code] for code in (NO_NEIGHBOURS, NO_DATA)]
    cases = [f"WHEN \"{label_field}\" = '{label}' THEN '{label}'" for label in untested]
    categories = []
    for threshold, colour in significance_levels(alpha):
        value = f"p <= {threshold:g}"
        cases.append(f"WHEN \"{p_field}\" <= {threshold!r} THEN '{value}'")
        categories.append((value, colour, f"p ≤ {threshold:g}"))
    not_significant = LISA_LABELS[NOT_SIGNIFICANT]
    expression = "CASE " + " ".join(cases) + f" ELSE '{not_significant}' END"
    categories += [(label, LISA_COLORS[label], labels[label]) for label in (not_significant, *untested)]
    return Style(renderer=Categorized(expression, categories), aliases=aliases or {}, name=name)


# ------------------------------------------------------------ coverage and links
def coverage_circle_style(name: str | None = None, aliases: dict | None = None) -> Style:
    """Coverage circles (e.g. 300 km around each core): a light translucent fill."""
    return Style(renderer=Single(color=COVERAGE_FILL, outline=COVERAGE_OUTLINE, width=0.3, opacity=0.25, clip=False),
                 aliases=aliases or {}, name=name)


def core_distance_style(radius_km: float, largest_km: float, field: str = "CORE_KM", name: str | None = None,
                        aliases: dict | None = None) -> Style:
    """Cities by distance to their core: thirds of the radius in greens to yellow, then
    beyond the radius (not covered) in red."""
    third = radius_km / 3
    top = max(largest_km, radius_km) + 1.0
    labels = [f"0 – {third:.0f} km", f"{third:.0f} – {2 * third:.0f} km", f"{2 * third:.0f} – {radius_km:g} km",
              style_tr("beyond {radius} km (not covered)").format(radius=f"{radius_km:g}")]
    return Style(renderer=Graduated(field=field, breaks=[third, 2 * third, radius_km, top], minimum=0.0,
                                    colors=list(CORE_DISTANCE_COLORS), labels=labels),
                 aliases=aliases or {}, name=name)


def core_marker_style(label_field: str | None = "NAME", name: str | None = None,
                      aliases: dict | None = None) -> Style:
    """Core cities as red stars, labelled with ``label_field`` (None: no labels)."""
    return Style(renderer=Single(color=CORE_COLOR, marker="star", size=5.0, outline=CORE_OUTLINE),
                 labels=Labels(label_field, size=9.0) if label_field else None, aliases=aliases or {}, name=name)


def network_cores_style(label_field: str | None = "NAME", new_field: str = "NEW", name: str | None = None,
                        aliases: dict | None = None) -> Style:
    """Cores of a network, existing (red stars, as :func:`core_marker_style`) and additional
    (``new_field`` = 1: purple stars), labelled with ``label_field`` (None: no labels)."""
    existing = Single(color=CORE_COLOR, marker="star", size=5.0, outline=CORE_OUTLINE)
    added = Single(color=ADDED_CORE_COLOR, marker="star", size=5.0, outline=ADDED_CORE_OUTLINE)
    return Style(renderer=Categorized(new_field, [(0, existing, style_tr("Existing core")),
                                                  (1, added, style_tr("Additional core"))]),
                 labels=Labels(label_field, size=9.0) if label_field else None, aliases=aliases or {}, name=name)


def outline_style(color: str = CHOSEN_OUTLINE, width: float = 0.6, dashed: bool = False,
                  name: str | None = None) -> Style:
    """Polygons as outlines only (markers as rings): an overlay that marks features (e.g. the
    cities chosen for a policy) over another layer's colours."""
    return Style(renderer=Single(color=color, outline=color, width=width, fill=False, dashed=dashed, clip=False),
                 name=name)


def links_style(radius_km: float | None = None, field: str = "COVERED", name: str | None = None,
                aliases: dict | None = None) -> Style:
    """Core–node links (a line from each city to its core). With ``radius_km``, coloured by
    ``field`` (1: the core is within the radius, 0: beyond it)."""
    if radius_km is None:
        renderer = Single(color=LINK_COLOR, width=0.35, opacity=0.8)
    else:
        radius = f"{radius_km:g}"
        renderer = Categorized(field, [(1, LINK_COLOR, style_tr("within {radius} km").format(radius=radius)),
                                       (0, CORE_COLOR, style_tr("beyond {radius} km").format(radius=radius))])
    return Style(renderer=renderer, aliases=aliases or {}, name=name)


#: Maps of China: the South China Sea dashed line, darker than the province boundaries.
MARITIME_LINE = "#404040"
PROVINCE_LINE = "#5A5A5A"
BASEMAP_FILL = "#F2F2F2"


def no_data_region_style() -> Style:
    """Taiwan, Hong Kong and Macao on maps of China: a light fill (no data), provincial outline."""
    return Style(renderer=Single(color=BASEMAP_FILL, outline=PROVINCE_LINE, width=0.3))


def maritime_line_style() -> Style:
    """The South China Sea dashed line (its geometry is the dashes)."""
    return Style(renderer=Single(color=MARITIME_LINE, width=0.5))


def connectivity_style(name: str | None = None, aliases: dict | None = None) -> Style:
    """Spatial weights connectivity (a line per neighbour link)."""
    return Style(renderer=Single(color=CONNECTIVITY_COLOR, width=0.2, opacity=0.7),
                 aliases=aliases or {}, name=name)
