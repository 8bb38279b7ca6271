"""The field a planner most likely wants, chosen in the dialog when the layer changes.

A ``QgsProcessingParameterField`` default is a fixed name, applied only when the layer has
it, and the layer is unknown when the algorithm is initialised: left alone, the dialog shows
the layer's first field (``fid``). :func:`likely_field_parameter` gives a field parameter a
widget that follows its layer and selects :func:`core.names.likely_field` — the latest year
of the resilience index (``URI_2019``) when the layer has it, else the first numeric field
that is not an id, code, year or coordinate. The widget is QGIS's own (the dialog, batch and
Modeler widgets are created by QGIS's registry, through Processing's ``widget_wrapper``
metadata hook); the fields of the dialog and of each batch row follow their layer, and a field
the user picks stays until the layer changes. Scripts (``processing.run``) name their fields:
QGIS 3.22 refuses a missing mandatory field before the algorithm runs.
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterField

#: Where Processing's wrapper factory finds :class:`LikelyFieldWrapper` (the plugin's package,
#: whatever its folder is called).
WRAPPER_CLASS = f"{__package__}.field_defaults.LikelyFieldWrapper"


def likely_field_parameter(parameter: QgsProcessingParameterField, stems=None) -> QgsProcessingParameterField:
    """``parameter`` (a single field) with a dialog widget that selects the likely field: the
    latest year of ``stems`` (None: :data:`core.names.LIKELY_STEMS`, the resilience index)."""
    metadata = parameter.metadata()
    metadata["widget_wrapper"] = {"class": WRAPPER_CLASS}
    if stems is not None:
        metadata["likely_stems"] = list(stems)
    parameter.setMetadata(metadata)
    return parameter


def layer_likely_field(layer, numeric: bool = True, stems=None) -> str | None:
    """The likely field of a vector layer (see :func:`core.names.likely_field`)."""
    from ...core.names import LIKELY_STEMS, likely_field

    fields = [(field.name(), field.isNumeric()) for field in layer.fields()]
    return likely_field(fields, numeric=numeric, stems=tuple(stems) if stems is not None else LIKELY_STEMS)


class LikelyFieldWrapper:
    """Processing's wrapper factory calls this class; it returns QGIS's own wrapper for the
    dialog at hand and, in the standard and batch dialogs, makes it select the likely field
    whenever the parent layer changes."""

    def __new__(cls, parameter, dialog, row=0, col=0, **kwargs):
        from qgis.gui import QgsGui, QgsProcessingGui

        registry = QgsGui.processingGuiRegistry()
        if dialog.__class__.__name__ == "ModelerParametersDialog":
            return registry.createModelerParameterWidget(dialog.model, dialog.childId, parameter, dialog.context)
        try:
            from processing.gui.wrappers import dialogTypes
        except ImportError:  # pragma: no cover - Processing is what calls this
            dialogTypes = {}  # noqa: N806
        kind = dialogTypes.get(dialog.__class__.__name__, QgsProcessingGui.Standard)
        wrapper = registry.createParameterWidgetWrapper(parameter, kind)
        if wrapper is None:
            return None
        wrapper.setDialog(dialog)
        if kind in (QgsProcessingGui.Standard, QgsProcessingGui.Batch):
            follow_layer(wrapper, parameter.dataType() == QgsProcessingParameterField.Numeric,
                         parameter.metadata().get("likely_stems"))
        return wrapper


def field_combo_box(widget):
    """``widget`` as the ``QgsFieldComboBox`` it is (SIP hands it out as a ``QComboBox``), or None."""
    from qgis.gui import QgsFieldComboBox
    from qgis.PyQt import sip

    if widget is None or widget.metaObject().className() != "QgsFieldComboBox":
        return None
    return sip.cast(widget, QgsFieldComboBox)


def follow_layer(wrapper, numeric: bool, stems=None) -> None:
    """Select the likely field each time the wrapper's field list shows another layer (the
    wrapper's own ``widgetValueHasChanged`` is not emitted then: follow the combo box)."""
    from qgis.PyQt.QtCore import QTimer

    shown = {"layer": None}

    def select():
        widget = field_combo_box(wrapper.wrappedWidget())
        layer = widget.layer() if widget is not None else None
        key = layer.id() if layer is not None else None
        if key == shown["layer"]:
            return  # the same layer: a field the user picked stays
        shown["layer"] = key
        name = layer_likely_field(layer, numeric, stems) if layer is not None else None
        if name:
            widget.setField(name)

    def changed(*_):
        # QGIS sets the parameter's default after listing the new layer's fields: select after it.
        QTimer.singleShot(0, select)

    def attach():
        # The panel creates the widget after the wrapper, and sets the first layer before the
        # dialog shows: start once the event loop runs.
        widget = field_combo_box(wrapper.wrappedWidget())
        if widget is not None:
            widget.currentIndexChanged.connect(changed)
            select()

    QTimer.singleShot(0, attach)
    wrapper.digital_resilience_follow_layer = (attach, changed)  # keep the slots alive with the wrapper
