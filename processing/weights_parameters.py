"""Weights options shared by every algorithm that needs spatial weights.

``resilience:spatialweights`` builds and saves weights; every other algorithm accepts
either a saved weights file (GAL/GWT, checked against the layer's ids) or the same
options inline, so a model or a batch run never needs an intermediate file. The
parameter definitions and their reading live here once, with a name prefix:
``""`` in spatialweights (KIND, K, …) and ``"WEIGHTS_"`` elsewhere (WEIGHTS_KIND, …).
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.weights.kinds import KINDS

TRANSFORMS = ("R", "B", "V")
POINT_METHODS = ("centroid", "point_on_surface")


def tr(text: str) -> str:
    return QCoreApplication.translate("WeightsParameters", text)


def kind_labels() -> list[str]:
    labels = {
        "queen": tr("Queen contiguity"),
        "rook": tr("Rook contiguity"),
        "knn": tr("K-nearest neighbours"),
        "distance_band": tr("Distance band"),
        "inverse_distance": tr("Inverse distance"),
        "kernel": tr("Kernel"),
        "economic": tr("Economic distance"),
        "economic_geographic": tr("Economic-geographic (nested)"),
        "block": tr("Block (same category)"),
    }
    return [labels[kind] for kind in KINDS]


def transform_labels() -> list[str]:
    return [tr("Row-standardised"), tr("Binary"), tr("Variance-stabilising")]


def point_method_labels() -> list[str]:
    return [tr("Centroid"), tr("Point on surface")]


def add_weights_parameters(algorithm, prefix: str = "WEIGHTS_", parent_layer: str = "INPUT",
                           with_file: bool = True, with_id_field: bool = True) -> None:
    """Add the weights parameters to ``algorithm`` (in ``initAlgorithm``)."""
    p = prefix
    if with_id_field:
        algorithm.addParameter(
            QgsProcessingParameterField(
                f"{p}ID_FIELD",
                tr("Unit id field (unique; used in weights files)"),
                parentLayerParameterName=parent_layer,
                optional=True,
            )
        )
    if with_file:
        algorithm.addParameter(
            QgsProcessingParameterFile(
                f"{p}FILE",
                tr("Spatial weights file (GAL/GWT; leave empty to build weights from the options below)"),
                behavior=QgsProcessingParameterFile.File,
                fileFilter=tr("Weights files (*.gal *.gwt *.GAL *.GWT)"),
                optional=True,
            )
        )
    algorithm.addParameter(
        QgsProcessingParameterEnum(f"{p}KIND", tr("Kind of spatial weights"), kind_labels(), defaultValue=0)
    )
    algorithm.addParameter(
        QgsProcessingParameterNumber(
            f"{p}K", tr("Number of neighbours k (k-nearest neighbours)"),
            QgsProcessingParameterNumber.Integer, defaultValue=6, minValue=1,
        )
    )
    algorithm.addParameter(
        QgsProcessingParameterEnum(
            f"{p}TRANSFORM", tr("Transformation"), transform_labels(), defaultValue=0
        )
    )
    advanced = [
        QgsProcessingParameterBoolean(
            f"{p}SYMMETRIC", tr("Make k-nearest neighbours symmetric"), defaultValue=False
        ),
        QgsProcessingParameterEnum(
            f"{p}POINTS", tr("Point of each polygon (for distances)"), point_method_labels(), defaultValue=0
        ),
        QgsProcessingParameterNumber(
            f"{p}SNAP", tr("Snap distance for contiguity (layer units; 0 = shared vertices only)"),
            QgsProcessingParameterNumber.Double, defaultValue=0.0, minValue=0.0,
        ),
    ]
    for parameter in advanced:
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        algorithm.addParameter(parameter)


def weights_spec(algorithm, parameters, context, prefix: str = "WEIGHTS_"):
    """The :class:`WeightsSpec` the user chose."""
    from ..core.weights.build import WeightsSpec

    p = prefix
    return WeightsSpec(
        kind=KINDS[algorithm.parameterAsEnum(parameters, f"{p}KIND", context)],
        k=algorithm.parameterAsInt(parameters, f"{p}K", context),
        symmetric=algorithm.parameterAsBool(parameters, f"{p}SYMMETRIC", context),
        transform=TRANSFORMS[algorithm.parameterAsEnum(parameters, f"{p}TRANSFORM", context)],
        point_method=POINT_METHODS[algorithm.parameterAsEnum(parameters, f"{p}POINTS", context)],
        snap=algorithm.parameterAsDouble(parameters, f"{p}SNAP", context),
    )


def id_field_name(algorithm, parameters, context, prefix: str = "WEIGHTS_") -> str | None:
    fields = algorithm.parameterAsFields(parameters, f"{prefix}ID_FIELD", context)
    return fields[0] if fields else None


def unit_ids(frame, id_field: str | None):
    """The unit ids: the id field's values (must be unique and non-null) or the feature ids."""
    import numpy as np

    from ..core.errors import InputError, preview

    if not id_field:
        return frame.index.to_numpy()
    values = frame[id_field]
    if values.isna().any():
        raise InputError(
            "The id field {field} is empty (NULL) for {count} feature(s); fill it or choose another field.",
            field=id_field, count=int(values.isna().sum()),
        )
    duplicated = values[values.duplicated(keep=False)]
    if len(duplicated):
        raise InputError(
            "The id field {field} is not unique: {values} occur more than once; choose a unique field "
            "(e.g. adcode).",
            field=id_field, values=preview(sorted(set(duplicated.astype(str)))),
        )
    return np.asarray(values.to_numpy())


def resolve_weights(algorithm, parameters, context, frame, ids, prefix: str = "WEIGHTS_", progress=None):
    """The weights for ``frame``: from the file when one is given, else built inline."""
    from ..core.weights.build import build_weights
    from ..core.weights.files import read_weights_file

    spec = weights_spec(algorithm, parameters, context, prefix)
    path = algorithm.parameterAsFile(parameters, f"{prefix}FILE", context) if prefix else ""
    if path:
        return read_weights_file(path, ids).with_transform(spec.transform)
    return build_weights(frame, ids, spec, progress)
