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
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

from ...core.weights.kinds import KERNELS, KINDS, NESTINGS, POINT_METHODS, TRANSFORMS
from ..qgis_compat import parameter_as_strings
from ..translation import translator
from .choices import chosen, enum_parameter
from .help import as_advanced, with_help

tr = translator("WeightsParameters")

#: The parameter names, after the prefix (``""`` in spatialweights, ``PREFIX`` elsewhere).
PREFIX = "WEIGHTS_"
ADAPTIVE = "ADAPTIVE"
ATTACH_ISLANDS = "ATTACH_ISLANDS"
BLOCK_FIELD = "BLOCK_FIELD"
CUMULATIVE = "CUMULATIVE"
DISTANCE = "DISTANCE"
ECON_ALL_YEARS = "ECON_ALL_YEARS"
ECON_FIELD = "ECON_FIELD"
ECON_NESTING = "ECON_NESTING"
ECON_SHARE = "ECON_SHARE"
FILE = "FILE"
ID_FIELD = "ID_FIELD"
K = "K"
KERNEL = "KERNEL"
KIND = "KIND"
ORDER = "ORDER"
PLANAR = "PLANAR"
POINTS = "POINTS"
POWER = "POWER"
SNAP = "SNAP"
SYMMETRIC = "SYMMETRIC"
TRANSFORM = "TRANSFORM"


def kind_labels() -> dict[str, str]:
    return {
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


def transform_labels() -> dict[str, str]:
    return {"R": tr("Row-standardised"), "B": tr("Binary"), "V": tr("Variance-stabilising")}


def point_method_labels() -> dict[str, str]:
    return {"centroid": tr("Centroid"), "point_on_surface": tr("Point on surface")}


def kernel_labels() -> dict[str, str]:
    return {
        "triangular": tr("Triangular: K(z) = 1 − z"),
        "uniform": tr("Uniform: K(z) = 1/2"),
        "epanechnikov": tr("Epanechnikov: K(z) = 3/4 (1 − z²)"),
        "quartic": tr("Quartic (bisquare): K(z) = 15/16 (1 − z²)²"),
        "gaussian": tr("Gaussian: K(z) = exp(−z²/2) / √(2π)"),
    }


def nesting_labels() -> dict[str, str]:
    return {
        "nested": tr("Nested: φ·W_d + (1 − φ)·W_e (Shao et al. 2016)"),
        "product": tr("Product: W_d · diag(x̄_j / x̄) (Lin et al. 2005)"),
    }


def add_weights_parameters(algorithm, prefix: str = PREFIX, parent_layer: str = "INPUT",
                           with_file: bool = True, with_id_field: bool = True, default_kind: str = "queen") -> None:
    """Add the weights parameters to ``algorithm`` (in ``initAlgorithm``; ``default_kind``: a key of
    ``core.weights.kinds.KINDS``)."""
    p = prefix
    if with_id_field:
        algorithm.addParameter(
            with_help(QgsProcessingParameterField(
                f"{p}{ID_FIELD}",
                tr("Unit id field"),
                parentLayerParameterName=parent_layer,
                optional=True,
            ), tr("Unit id field (unique; used in weights files)"))
        )
    if with_file:
        algorithm.addParameter(
            with_help(QgsProcessingParameterFile(
                f"{p}{FILE}",
                tr("Spatial weights file"),
                behavior=QgsProcessingParameterFile.File,
                fileFilter=tr("Weights files (*.gal *.gwt *.GAL *.GWT)"),
                optional=True,
            ), tr("Spatial weights file (GAL/GWT; leave empty to build weights from the options below)"))
        )
    algorithm.addParameter(
        enum_parameter(f"{p}{KIND}", tr("Kind of spatial weights"), KINDS, kind_labels(), default_kind)
    )
    algorithm.addParameter(
        with_help(QgsProcessingParameterNumber(
            f"{p}{K}", tr("Neighbours k"),
            QgsProcessingParameterNumber.Integer, defaultValue=6, minValue=1,
        ), tr("Number of neighbours k (k-nearest neighbours)"))
    )
    algorithm.addParameter(
        with_help(QgsProcessingParameterNumber(
            f"{p}{DISTANCE}",
            tr("Distance (0 = automatic)"),
            QgsProcessingParameterNumber.Double, defaultValue=0.0, minValue=0.0,
        ), tr("Distance: band threshold, inverse-distance cut-off or kernel bandwidth "
               "(km for geographic and metre CRSs; 0 = automatic)"))
    )
    algorithm.addParameter(
        enum_parameter(f"{p}{TRANSFORM}", tr("Transformation"), TRANSFORMS, transform_labels())
    )
    advanced_parameters = [
        QgsProcessingParameterBoolean(
            f"{p}{SYMMETRIC}", tr("Make k-nearest neighbours symmetric"), defaultValue=False
        ),
        enum_parameter(f"{p}{POINTS}", tr("Point of each polygon (for distances)"), POINT_METHODS,
                       point_method_labels()),
        with_help(QgsProcessingParameterNumber(
            f"{p}{SNAP}", tr("Snap distance"),
            QgsProcessingParameterNumber.Double, defaultValue=0.0, minValue=0.0,
        ), tr("Snap distance for contiguity (layer units; 0 = shared vertices only)")),
        with_help(QgsProcessingParameterNumber(
            f"{p}{ORDER}", tr("Contiguity order"),
            QgsProcessingParameterNumber.Integer, defaultValue=1, minValue=1, maxValue=50,
        ), tr("Contiguity order (1 = direct neighbours, 2 = neighbours of neighbours, …)")),
        with_help(QgsProcessingParameterBoolean(
            f"{p}{CUMULATIVE}", tr("Include lower orders"), defaultValue=False
        ), tr("Include lower orders of contiguity (cumulative)")),
        with_help(QgsProcessingParameterBoolean(
            f"{p}{ATTACH_ISLANDS}",
            tr("Attach islands to their nearest unit"),
            defaultValue=False,
        ), tr("Attach islands (units without neighbours) to their nearest unit "
               "(contiguity, distance band, inverse distance, block)")),
        with_help(QgsProcessingParameterNumber(
            f"{p}{POWER}", tr("Inverse-distance power α"),
            QgsProcessingParameterNumber.Double, defaultValue=1.0, minValue=0.000001,
        ), tr("Power α of inverse distance (w = 1 / d^α)")),
        with_help(enum_parameter(f"{p}{KERNEL}", tr("Kernel function"), KERNELS, kernel_labels()),
                  tr("Kernel function (z = distance / bandwidth)")),
        with_help(QgsProcessingParameterBoolean(
            f"{p}{ADAPTIVE}", tr("Adaptive bandwidth"),
            defaultValue=False,
        ), tr("Adaptive kernel bandwidth (distance to each unit's k-th nearest neighbour)")),
        with_help(QgsProcessingParameterField(
            f"{p}{ECON_FIELD}",
            tr("Economic field"),
            parentLayerParameterName=parent_layer, type=QgsProcessingParameterField.Numeric,
            optional=True,
        ), tr("Economic field for economic weights (e.g. GDP per capita; a STEM_YYYY field)")),
        with_help(QgsProcessingParameterBoolean(
            f"{p}{ECON_ALL_YEARS}",
            tr("Average the economic field over years"),
            defaultValue=True,
        ), tr("Average the economic field over every year of its stem (GDPPC_2011 … GDPPC_2019)")),
        enum_parameter(f"{p}{ECON_NESTING}", tr("Form of economic-geographic weights"), NESTINGS, nesting_labels()),
        with_help(QgsProcessingParameterNumber(
            f"{p}{ECON_SHARE}", tr("Geography share φ"),
            QgsProcessingParameterNumber.Double, defaultValue=0.5, minValue=0.0, maxValue=1.0,
        ), tr("Share φ of geography in nested economic-geographic weights")),
        with_help(QgsProcessingParameterField(
            f"{p}{BLOCK_FIELD}", tr("Block field"),
            parentLayerParameterName=parent_layer, optional=True,
        ), tr("Block field for block weights (same value = neighbours, e.g. province)")),
        with_help(QgsProcessingParameterBoolean(
            f"{p}{PLANAR}", tr("Planar distances"), defaultValue=False,
        ), tr("Planar distances in the layer's projection (spdep longlat = FALSE; default: geodesic on the "
              "ellipsoid whenever the CRS has one)")),
    ]
    for parameter in advanced_parameters:
        algorithm.addParameter(as_advanced(parameter))


def weights_spec(algorithm, parameters, context, prefix: str = PREFIX):
    """The :class:`WeightsSpec` the user chose."""
    from ...core.weights.build import WeightsSpec

    p = prefix
    default = WeightsSpec()

    def value(name, read, fallback):
        """A parameter's value, or the spec's default where the algorithm lacks it."""
        if algorithm.parameterDefinition(f"{p}{name}") is None:
            return fallback
        return read(parameters, f"{p}{name}", context)

    def field(name):
        fields = value(name, lambda *args: parameter_as_strings(algorithm, *args), [])
        return fields[0] if fields else None

    return WeightsSpec(
        kind=chosen(algorithm, parameters, f"{p}{KIND}", KINDS, context),
        k=algorithm.parameterAsInt(parameters, f"{p}{K}", context),
        symmetric=algorithm.parameterAsBool(parameters, f"{p}{SYMMETRIC}", context),
        transform=chosen(algorithm, parameters, f"{p}{TRANSFORM}", TRANSFORMS, context),
        point_method=chosen(algorithm, parameters, f"{p}{POINTS}", POINT_METHODS, context),
        snap=algorithm.parameterAsDouble(parameters, f"{p}{SNAP}", context),
        order=value(ORDER, algorithm.parameterAsInt, default.order),
        cumulative=value(CUMULATIVE, algorithm.parameterAsBool, default.cumulative),
        attach_islands=value(ATTACH_ISLANDS, algorithm.parameterAsBool, default.attach_islands),
        distance=value(DISTANCE, algorithm.parameterAsDouble, default.distance),
        power=value(POWER, algorithm.parameterAsDouble, default.power),
        kernel=KERNELS[value(KERNEL, algorithm.parameterAsEnum, 0)],
        adaptive=value(ADAPTIVE, algorithm.parameterAsBool, default.adaptive),
        field=field(ECON_FIELD),
        all_years=value(ECON_ALL_YEARS, algorithm.parameterAsBool, default.all_years),
        nesting=NESTINGS[value(ECON_NESTING, algorithm.parameterAsEnum, 0)],
        share=value(ECON_SHARE, algorithm.parameterAsDouble, default.share),
        block_field=field(BLOCK_FIELD),
        planar=value(PLANAR, algorithm.parameterAsBool, default.planar),
    )



def _with_weights_fields(algorithm, parameters, context, frame, spec, prefix):
    """``frame`` (a copy) with the fields the weights need that it lacks, read from the
    layer of the economic/block field parameter and aligned on the feature ids."""
    definition = algorithm.parameterDefinition(f"{prefix}{ECON_FIELD}") or algorithm.parameterDefinition(
        f"{prefix}{BLOCK_FIELD}")
    if definition is None:
        return frame
    from ..io.invalid_geometries import source_without_validity_checks

    # Attributes only: QGIS's geometry check must not stop (or crash) this second read.
    source, _ = source_without_validity_checks(algorithm, parameters, definition.parentLayerParameterName(),
                                               context)
    if source is None:
        return frame
    needed = [f for f in spec.layer_fields(source.fields().names()) if f not in frame.columns]
    if not needed:
        return frame
    from ..io.bridge import read_frame

    extra = read_frame(source, fields=needed, geometry=False)
    frame = frame.copy()
    for column in needed:
        frame[column] = extra[column].reindex(frame.index).to_numpy()
    return frame


def weights_file(algorithm, parameters, context, prefix: str = PREFIX) -> str:
    """The chosen weights file (GAL/GWT), or ``""`` when the weights are built from the options."""
    return algorithm.parameterAsFile(parameters, f"{prefix}{FILE}", context) if prefix else ""


def id_field_name(algorithm, parameters, context, prefix: str = PREFIX) -> str | None:
    fields = parameter_as_strings(algorithm, parameters, f"{prefix}{ID_FIELD}", context)
    return fields[0] if fields else None



def resolve_weights(algorithm, parameters, context, frame, ids, prefix: str = PREFIX, progress=None,
                    feedback=None):
    """The weights for ``frame``: from the file when one is given, else built inline (``feedback``:
    the log says how distances were measured)."""
    from ...core.weights.build import build_weights
    from ...core.weights.files import read_weights_file

    spec = weights_spec(algorithm, parameters, context, prefix)
    path = weights_file(algorithm, parameters, context, prefix)
    if path:
        return read_weights_file(path, ids).with_transform(spec.transform)
    if spec.kind in ("economic", "economic_geographic", "block"):
        frame = _with_weights_fields(algorithm, parameters, context, frame, spec, prefix)
    if "geometry" in getattr(frame, "columns", ()):
        from ..io.invalid_geometries import geometries_for_weights

        frame = geometries_for_weights(frame, ids, getattr(algorithm, "invalid_geometry_policy", None))
    weights = build_weights(frame, ids, spec, progress)
    if feedback is not None and weights.params.get("distances"):
        from ..algorithm import core_text

        feedback.pushInfo(tr("Distances: {how}.").format(how=core_text(weights.params["distances"])))
    return weights
