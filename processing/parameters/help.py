"""Short parameter labels, long explanations as help.

A parameter's label is also its column header in the batch dialog, so labels stay short
(≤ 40 characters); what a label used to explain goes into the parameter's help, which QGIS
(≥ 3.16) shows as the tooltip of the parameter in the dialog, and into the algorithm's help
panel (``ResilienceAlgorithm.shortHelpString`` lists every parameter's help).
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterDefinition


def with_help(parameter, text: str):
    """``parameter`` with ``text`` (translated) as its help; returns the parameter."""
    if text and hasattr(parameter, "setHelp"):
        parameter.setHelp(text)
    return parameter


def as_advanced(parameter):
    """``parameter`` shown under "Advanced parameters" in the dialog; returns the parameter."""
    parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return parameter
