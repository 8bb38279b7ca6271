"""The kinds of spatial weights (no heavy imports: read when QGIS lists algorithms)."""

from ..errors import Message

#: Every kind, in the (stable, append-only) order of the Processing enum parameter.
KINDS = (
    "queen",
    "rook",
    "knn",
    "distance_band",
    "inverse_distance",
    "kernel",
    "economic",
    "economic_geographic",
    "block",
)

#: Transformations a user chooses (TRANSFORM; core.weights.model.TRANSFORMS adds "O", the original values).
TRANSFORMS = ("R", "B", "V")

#: The point of a polygon that distances are measured from (POINTS), core.weights.points.
POINT_METHODS = ("centroid", "point_on_surface")

#: Kernel functions, in the (stable, append-only) order of the Processing enum.
KERNELS = ("triangular", "uniform", "epanechnikov", "quartic", "gaussian")
#: The kernels' names in descriptions of the weights (translated by the caller).
KERNEL_NAMES = {"triangular": Message("triangular"), "uniform": Message("uniform"),
                "epanechnikov": Message("epanechnikov"), "quartic": Message("quartic"),
                "gaussian": Message("gaussian")}

#: Forms of economic-geographic weights (append-only): φ·W_d + (1−φ)·W_e, or W_d·diag(x̄_j/x̄).
NESTINGS = ("nested", "product")

#: The kinds in words, for report and table notes (translated by the caller).
KIND_LABELS = {"queen": Message("queen contiguity"), "rook": Message("rook contiguity"),
               "knn": Message("k-nearest neighbours"), "distance_band": Message("distance band"),
               "inverse_distance": Message("inverse distance"), "kernel": Message("kernel"),
               "economic": Message("economic distance"), "economic_geographic": Message("economic-geographic"),
               "block": Message("block (same category)"), "custom": Message("custom")}
#: The transformations in words (core.weights.model.TRANSFORMS).
TRANSFORM_LABELS = {"R": Message("row-standardised"), "B": Message("binary"),
                    "V": Message("variance-stabilising"), "O": Message("original values")}


def describe_weights(weights) -> Message:
    """'queen contiguity, row-standardised', 'k-nearest neighbours (k = 6), row-standardised' or
    'file knn6.gal, row-standardised' for a ``SpatialWeights`` (a Message: translated by the caller)."""
    kind = str(weights.kind)
    if kind.startswith("file:"):
        label = Message("file {name}", name=kind[len("file:"):])
    elif kind == "knn" and "k" in weights.params:
        label = Message("k-nearest neighbours (k = {k})", k=weights.params["k"])
    else:
        label = KIND_LABELS.get(kind, kind)
    transform = TRANSFORM_LABELS.get(weights.transform, weights.transform)
    return Message("{weights}, {transform}", weights=label, transform=transform)
