"""The classification of the graduated maps that algorithms attach to their outputs (issue 8):
one pair of parameters, CLASSIFICATION (the mapclassify scheme) and CLASSES (the number of
classes), defined here once for every algorithm that styles a layer with graduated classes,
and read back into the keyword arguments of :func:`styling.graduated_style`.

Defaults: Fisher–Jenks natural breaks, 5 classes (the maps' look before the choice existed).
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterNumber

from ..styling import SCHEME_KEYS, scheme_labels
from ..translation import translator
from .choices import chosen, enum_parameter
from .help import as_advanced

CLASSIFICATION = "CLASSIFICATION"
CLASSES = "CLASSES"
DEFAULT_CLASSES = 5


tr = translator("ClassificationParameters")


def add_classification_parameters(algorithm, advanced: bool = True) -> None:
    """CLASSIFICATION (scheme, :data:`styling.SCHEME_KEYS` order) and CLASSES (2–12; the
    standard deviation and box plot schemes fix their own classes)."""
    parameters = [
        enum_parameter(CLASSIFICATION, tr("Classification"), SCHEME_KEYS, scheme_labels()),
        QgsProcessingParameterNumber(CLASSES, tr("Number of classes"), QgsProcessingParameterNumber.Integer,
                                     defaultValue=DEFAULT_CLASSES, minValue=2, maxValue=12),
    ]
    for parameter in parameters:
        algorithm.addParameter(as_advanced(parameter) if advanced else parameter)


def classification(algorithm, parameters, context) -> dict:
    """``{"scheme": …, "k": …}``: the chosen classification, as keyword arguments of
    :func:`styling.graduated_style`."""
    return {"scheme": chosen(algorithm, parameters, CLASSIFICATION, SCHEME_KEYS, context),
            "k": algorithm.parameterAsInt(parameters, CLASSES, context)}
