"""The policy of ``resilience:scenario`` and ``resilience:targeting``: the variable raised
(REGRESSOR), how (CHANGE_KIND: core.econometrics.options.CHANGE_KINDS) and by how much (DELTA)."""

from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingParameterField, QgsProcessingParameterNumber

from ...core.econometrics.options import CHANGE_KINDS
from ...core.names import POLICY_STEMS
from ..translation import translator
from .choices import chosen, enum_parameter
from .field_defaults import likely_field_parameter
from .help import with_help
from .spillover import INPUT

REGRESSOR = "REGRESSOR"
CHANGE_KIND = "CHANGE_KIND"
DELTA = "DELTA"


tr = translator("PolicyParameters")


def add_policy_parameters(algorithm) -> None:
    """REGRESSOR, CHANGE_KIND and DELTA (after :func:`spillover.add_model_inputs`)."""
    algorithm.addParameter(with_help(likely_field_parameter(QgsProcessingParameterField(
        REGRESSOR, tr("Policy variable"),
        parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric), POLICY_STEMS),
        tr("Policy variable (an explanatory variable; in a wide panel any year of its stem)")))
    algorithm.addParameter(enum_parameter(CHANGE_KIND, tr("Change"), CHANGE_KINDS, {
        "absolute": tr("Raise by a value (absolute)"), "percent": tr("Raise by a percentage of each city's value"),
        "target": tr("Raise to a target value")}))
    algorithm.addParameter(with_help(QgsProcessingParameterNumber(
        DELTA, tr("Value"), QgsProcessingParameterNumber.Double, defaultValue=0.1),
        tr("Value (the change, the percentage or the target)")))


def policy_regressor(algorithm, parameters, context) -> str:
    """The REGRESSOR field (an error when none is chosen)."""
    regressor = algorithm.field_name(parameters, REGRESSOR, context)
    if not regressor:
        raise QgsProcessingException(tr("Choose the policy variable (one of the explanatory variables)."))
    return regressor


def read_policy(algorithm, parameters, context, inputs, regressor: str, chosen_units=None):
    """The :class:`core.econometrics.scenario.Policy` on ``regressor`` (its stem in a wide panel)."""
    from ...core.econometrics.data import stem_of
    from ...core.econometrics.scenario import Policy

    name = stem_of(regressor) if inputs.shape == "wide" else regressor
    return Policy(name, chosen(algorithm, parameters, CHANGE_KIND, CHANGE_KINDS, context),
                  algorithm.parameterAsDouble(parameters, DELTA, context), chosen_units)
