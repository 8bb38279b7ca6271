"""Reading yearly data from a layer: the parameters and checks every panel algorithm shares.

A *wide* layer (one feature per unit, fields ``STEM_YYYY``): the user picks any yearly
field of a stem and every year of that stem is used; the unit id field is optional
(feature ids otherwise). A *long* layer (one feature per unit and year): the user names
its year field, and then the unit id field is required.

* every panel algorithm (autocorrelation, spatial Durbin, heterogeneity, convergence,
  mediation): the year field parameter (:func:`add_year_parameter`; the long-layer check is
  ``core.panel.require_unit_id``);
* the regressions of convergence and mediation: the unit, name and period parameters and
  the unit × year panel (:func:`read_layer_panel`, ``core.regression.panel_data``).

How each algorithm turns the rows into its own data (autocorrelation runs, the stacked
arrays of the spatial models) stays with the algorithm's core.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..translation import translator
from .help import as_advanced, with_help

ID_FIELD = "ID_FIELD"
YEAR_FIELD = "YEAR_FIELD"
NAME_FIELD = "NAME_FIELD"
START_YEAR = "START_YEAR"
END_YEAR = "END_YEAR"


tr = translator("PanelInput")


def add_year_parameter(algorithm, parent: str = "INPUT") -> None:
    """YEAR_FIELD: set for a long layer only."""
    algorithm.addParameter(with_help(QgsProcessingParameterField(
        YEAR_FIELD, tr("Year field"),
        parentLayerParameterName=parent, optional=True,
    ), tr("Year field (a long layer: one feature per unit and year; needs the unit id field)")))



def add_unit_parameters(algorithm, parent: str = "INPUT") -> None:
    """ID_FIELD and YEAR_FIELD (in the main dialog)."""
    algorithm.addParameter(with_help(QgsProcessingParameterField(
        ID_FIELD, tr("Unit id field"),
        parentLayerParameterName=parent, optional=True,
    ), tr("Unit id field (e.g. adcode; required when the layer has a year field)")))
    add_year_parameter(algorithm, parent)


def add_period_parameters(algorithm, advanced: bool = False) -> None:
    """START_YEAR and END_YEAR (0 = the first / last year of the data)."""
    for name, label, explanation in (
            (START_YEAR, tr("First year"), tr("First year (0 = the first year in the data)")),
            (END_YEAR, tr("Last year"), tr("Last year (0 = the last year in the data)"))):
        parameter = with_help(QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer,
                                                           defaultValue=0, minValue=0, maxValue=2200), explanation)
        algorithm.addParameter(as_advanced(parameter) if advanced else parameter)


def add_name_parameter(algorithm, parent: str = "INPUT") -> None:
    parameter = with_help(QgsProcessingParameterField(
        NAME_FIELD, tr("Unit name field"),
        parentLayerParameterName=parent, optional=True,
    ), tr("Unit name field (used to name units in messages and reports)"))
    algorithm.addParameter(as_advanced(parameter))


def read_layer_panel(algorithm, parameters, context, source, chosen, extra=(), geometry=False, feedback=None,
                     all_fields=False):
    """(frame, panel, labels, id_field) for the ``chosen`` fields of ``source``.

    ``extra``: other attributes to read (e.g. a group field); ``all_fields``: read every
    attribute (to copy them to an output); ``labels``: unit → name when a name field is set
    (else None).
    """

    from ...core.panel import require_unit_id, split_year_field, unit_ids
    from ...core.regression.panel_data import read_panel
    from ..io.bridge import read_frame

    id_field = algorithm.field_name(parameters, ID_FIELD, context)
    year_field = algorithm.field_name(parameters, YEAR_FIELD, context)
    name_field = algorithm.field_name(parameters, NAME_FIELD, context)
    require_unit_id(id_field, year_field)
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
    ids = unit_ids(frame, id_field, unique=not year_field)  # a long layer: one row per unit and year
    panel = read_panel(frame, [f for f in chosen if f], ids, year_field)
    labels = None
    if name_field:
        names = frame[name_field].to_numpy()[panel.unit_rows]
        labels = {unit: name for unit, name in zip(panel.units.tolist(), names.tolist())}
    return frame, panel, labels, id_field


def warn_dropped(feedback, dropped, labels: dict | None) -> None:
    """Name the units left out to balance the panel (with their names when a name field is set)."""
    if not dropped:
        return
    from ...core.errors import preview
    from ...core.regression.panel_data import describe_units
    from ..algorithm import core_value

    feedback.pushWarning(tr("{count} unit(s) with missing years were left out: {units}.").format(
        count=len(dropped), units=core_value(preview(describe_units(dropped, labels)))))
