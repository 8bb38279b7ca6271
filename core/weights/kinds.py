"""The kinds of spatial weights (no heavy imports: read when QGIS lists algorithms)."""

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
