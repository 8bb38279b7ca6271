"""The one place that knows which QGIS runs the plugin (3.22 LTR … 3.40 LTR and newer).

Every API that QGIS deprecated between those releases, where the new form does not exist on
3.22, goes through a function here; the rest of the plugin calls these and never asks which
QGIS runs. Each switch detects the new form itself (no version numbers to get wrong) and uses
it as soon as it exists, so nothing deprecated runs on a current QGIS (the tests turn QGIS's
deprecation warnings into errors).
Where one form works on every supported version the plugin simply uses it (e.g.
``QgsRectangle()`` for an empty extent, ``QgsVectorFileWriter.writeAsVectorFormatV3``).
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsField,
    QgsFields,
    QgsLayoutItemLabel,
    QgsLegendStyle,
    QgsProcessingAlgorithm,
    QgsTextFormat,
)
from qgis.PyQt.QtCore import QMetaType, QVariant


def _fields_take_metatype() -> bool:
    """QgsField takes and returns QMetaType.Type since QGIS 3.38 (the QVariant.Type forms are
    deprecated there); before, it refuses a QMetaType.Type."""
    try:
        QgsField("probe", QMetaType.Double)
    except TypeError:
        return False
    return True


FIELDS_USE_METATYPE = _fields_take_metatype()


def _enum(owner, scoped: str, name: str):
    """``owner.<scoped>.<name>`` (PyQt6 style) or ``owner.<name>`` (PyQt5)."""
    scope = getattr(owner, scoped, None)
    return getattr(scope, name, None) or getattr(owner, name)


class FieldType:
    """Attribute types as QgsField takes them and ``QgsField.type()`` returns them on this QGIS."""

    if FIELDS_USE_METATYPE:
        BOOL = _enum(QMetaType, "Type", "Bool")
        INT = _enum(QMetaType, "Type", "Int")
        UINT = _enum(QMetaType, "Type", "UInt")
        LONGLONG = _enum(QMetaType, "Type", "LongLong")
        ULONGLONG = _enum(QMetaType, "Type", "ULongLong")
        DOUBLE = _enum(QMetaType, "Type", "Double")
        STRING = _enum(QMetaType, "Type", "QString")
        DATE = _enum(QMetaType, "Type", "QDate")
        DATETIME = _enum(QMetaType, "Type", "QDateTime")
        TIME = _enum(QMetaType, "Type", "QTime")
    else:
        BOOL = QVariant.Bool
        INT = QVariant.Int
        UINT = QVariant.UInt
        LONGLONG = QVariant.LongLong
        ULONGLONG = QVariant.ULongLong
        DOUBLE = QVariant.Double
        STRING = QVariant.String
        DATE = QVariant.Date
        DATETIME = QVariant.DateTime
        TIME = QVariant.Time

    INTEGERS = (INT, UINT, LONGLONG, ULONGLONG)
    DATES = (DATE, DATETIME, TIME)


def new_field(name: str, kind) -> QgsField:
    """``QgsField(name, kind)`` with ``kind`` one of :class:`FieldType`'s types."""
    return QgsField(name, kind)


def parameter_as_strings(algorithm, parameters, name: str, context) -> list[str]:
    """The field names (or strings) of parameter ``name``: ``parameterAsStrings`` (QGIS 3.32),
    ``parameterAsFields`` before it (deprecated since)."""
    if _HAS_AS_STRINGS:
        return list(algorithm.parameterAsStrings(parameters, name, context))
    return list(algorithm.parameterAsFields(parameters, name, context))


_HAS_AS_STRINGS = hasattr(QgsProcessingAlgorithm, "parameterAsStrings")


def text_format(font, color=None, size: float | None = None) -> QgsTextFormat:
    """A QgsTextFormat of ``font`` (its point size unless ``size``), in ``color`` when given."""
    text = QgsTextFormat()
    text.setFont(font)
    text.setSize(size if size is not None else font.pointSizeF())
    if color is not None:
        text.setColor(color)
    return text


def set_label_font(label, font, color) -> None:
    """Font and colour of a layout label: ``setTextFormat`` (QGIS 3.24), ``setFont`` and
    ``setFontColor`` before it (deprecated since)."""
    if hasattr(QgsLayoutItemLabel, "setTextFormat"):
        label.setTextFormat(text_format(font, color))
    else:
        label.setFont(font)
        label.setFontColor(color)


def label_font(label):
    """The font of a layout label (``textFormat().font()`` since QGIS 3.24, ``font()`` before)."""
    if hasattr(QgsLayoutItemLabel, "textFormat"):
        return label.textFormat().font()
    return label.font()


def set_legend_style_font(style, font) -> None:
    """Font of a legend style (``legend.rstyle(...)``): ``setTextFormat`` (QGIS 3.30), ``setFont``
    before it (deprecated since)."""
    if hasattr(QgsLegendStyle, "setTextFormat"):
        text = style.textFormat()
        text.setFont(font)
        text.setSize(font.pointSizeF())
        style.setTextFormat(text)
    else:
        style.setFont(font)


#: The origin of a field read from the data source (Qgis.FieldOrigin.Provider since QGIS 3.38,
#: where QgsFields.OriginProvider is deprecated).
_PROVIDER_ORIGIN = (Qgis.FieldOrigin.Provider if hasattr(Qgis, "FieldOrigin") else QgsFields.OriginProvider)


def field_is_stored(fields: QgsFields, index: int) -> bool:
    """Whether field ``index`` of ``fields`` comes from the data source (not a join, an expression
    or an edit buffer)."""
    return fields.fieldOrigin(index) == _PROVIDER_ORIGIN


def saves_styles_in_database(provider) -> bool:
    """Whether the layer's provider stores styles with the data (a GeoPackage's layer_styles).
    QGIS 3.40 has ``styleStorageCapabilities()``; 3.22 ``isSaveAndLoadStyleToDatabaseSupported()``
    (gone on 3.40)."""
    capabilities = getattr(provider, "styleStorageCapabilities", None)
    if capabilities is not None:
        from qgis.core import Qgis

        return bool(capabilities() & Qgis.ProviderStyleStorageCapability.SaveToDatabase)
    return provider.isSaveAndLoadStyleToDatabaseSupported()


def distance_simplification():
    """A ``QgsVectorSimplifyMethod`` that generalises geometries (Douglas–Peucker) while they
    are drawn: the algorithm enum is ``Qgis.VectorSimplificationAlgorithm`` on QGIS 3.40 (an int
    is refused there) and ``QgsVectorSimplifyMethod.SimplifyAlgorithm`` on 3.22."""
    from qgis.core import Qgis, QgsVectorSimplifyMethod

    method = QgsVectorSimplifyMethod()
    hints = getattr(getattr(Qgis, "VectorRenderingSimplificationFlag", None), "GeometrySimplification", None)
    method.setSimplifyHints(hints if hints is not None else QgsVectorSimplifyMethod.GeometrySimplification)
    algorithm = getattr(getattr(Qgis, "VectorSimplificationAlgorithm", None), "Distance", None)
    method.setSimplifyAlgorithm(algorithm if algorithm is not None else QgsVectorSimplifyMethod.Distance)
    return method
