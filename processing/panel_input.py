"""Reading a unit × year panel from a layer: the parameters and their use, shared by the
econometric algorithms of this branch (convergence, mediation).

A *wide* layer (one feature per unit, fields ``STEM_YYYY``): the user picks any yearly
field of a stem and every year of that stem is used; the unit id field is optional
(feature ids otherwise). A *long* layer (one feature per unit and year): the user names
its year field, and then the unit id field is required.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QCoreApplication

ID_FIELD = "ID_FIELD"
YEAR_FIELD = "YEAR_FIELD"
NAME_FIELD = "NAME_FIELD"
START_YEAR = "START_YEAR"
END_YEAR = "END_YEAR"


def tr(text: str) -> str:
    return QCoreApplication.translate("PanelInput", text)


def add_unit_parameters(algorithm, parent: str = "INPUT") -> None:
    """ID_FIELD and YEAR_FIELD (in the main dialog)."""
    algorithm.addParameter(QgsProcessingParameterField(
        ID_FIELD, tr("Unit id field (e.g. adcode; required when the layer has a year field)"),
        parentLayerParameterName=parent, optional=True,
    ))
    algorithm.addParameter(QgsProcessingParameterField(
        YEAR_FIELD, tr("Year field (only for a layer with one feature per unit and year)"),
        parentLayerParameterName=parent, optional=True,
    ))


def add_period_parameters(algorithm, advanced: bool = False) -> None:
    """START_YEAR and END_YEAR (0 = the first / last year of the data)."""
    for name, label in ((START_YEAR, tr("First year (0 = the first year in the data)")),
                        (END_YEAR, tr("Last year (0 = the last year in the data)"))):
        parameter = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer,
                                                 defaultValue=0, minValue=0, maxValue=2200)
        if advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        algorithm.addParameter(parameter)


def add_name_parameter(algorithm, parent: str = "INPUT") -> None:
    parameter = QgsProcessingParameterField(
        NAME_FIELD, tr("Unit name field (used to name units in messages and reports)"),
        parentLayerParameterName=parent, optional=True,
    )
    parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    algorithm.addParameter(parameter)


def field_or_none(algorithm, parameters, name, context) -> str | None:
    fields = algorithm.parameterAsFields(parameters, name, context)
    return fields[0] if fields else None


def read_layer_panel(algorithm, parameters, context, source, chosen, extra=(), geometry=False, feedback=None,
                     all_fields=False):
    """(frame, panel, labels, id_field) for the ``chosen`` fields of ``source``.

    ``extra``: other attributes to read (e.g. a group field); ``all_fields``: read every
    attribute (to copy them to an output); ``labels``: unit → name when a name field is set
    (else None).
    """
    import numpy as np

    from ..core.errors import InputError
    from ..core.panel import split_year_field
    from ..core.regression.panel_data import read_panel
    from .bridge import read_frame
    from .weights_parameters import unit_ids

    id_field = field_or_none(algorithm, parameters, ID_FIELD, context)
    year_field = field_or_none(algorithm, parameters, YEAR_FIELD, context)
    name_field = field_or_none(algorithm, parameters, NAME_FIELD, context)
    if year_field and not id_field:
        raise InputError(
            "A layer with one feature per unit and year needs its unit id field (e.g. adcode); "
            "set the unit id field.",
        )
    wanted = list(dict.fromkeys(
        [f for f in (id_field, year_field, name_field) if f] + [f for f in chosen if f] + [f for f in extra if f]
    ))
    names = [field.name() for field in source.fields()]
    if all_fields:
        wanted = names + [name for name in wanted if name not in names]
    elif not year_field:  # a chosen STEM_YYYY field stands for every year of its stem
        stems = {split[0] for split in map(split_year_field, chosen) if split}
        wanted += [name for name in names
                   if name not in wanted and (split_year_field(name) or ("",))[0] in stems]
    frame = read_frame(source, fields=wanted, geometry=geometry, feedback=feedback)
    if year_field:
        if frame[id_field].isna().any():
            raise InputError("The id field {field} is empty (NULL) for {count} feature(s); fill it.",
                             field=id_field, count=int(frame[id_field].isna().sum()))
        ids = np.asarray(frame[id_field].to_numpy())
    else:
        ids = unit_ids(frame, id_field)
    panel = read_panel(frame, [f for f in chosen if f], ids, year_field)
    labels = None
    if name_field:
        names = frame[name_field].to_numpy()[panel.unit_rows]
        labels = {unit: name for unit, name in zip(panel.units.tolist(), names.tolist())}
    return frame, panel, labels, id_field
