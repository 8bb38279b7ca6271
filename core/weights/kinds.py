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

#: Kernel functions, in the (stable, append-only) order of the Processing enum.
KERNELS = ("triangular", "uniform", "epanechnikov", "quartic", "gaussian")
#: The kernels' names in descriptions of the weights (translated by the caller).
KERNEL_NAMES = {"triangular": Message("triangular"), "uniform": Message("uniform"),
                "epanechnikov": Message("epanechnikov"), "quartic": Message("quartic"),
                "gaussian": Message("gaussian")}

#: Forms of economic-geographic weights (append-only): φ·W_d + (1−φ)·W_e, or W_d·diag(x̄_j/x̄).
NESTINGS = ("nested", "product")
