"""One entry point that builds any kind of weights from a GeoDataFrame and options.

Used by the ``resilience:spatialweights`` algorithm and by every algorithm that takes
weights options inline, so that "queen, row-standardised" means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..geodesy import metric_for_crs
from .contiguity import contiguity
from .kinds import KINDS
from .knn import knn
from .model import SpatialWeights
from .points import representative_points


@dataclass
class WeightsSpec:
    """What weights to build; defaults are the usual choice for Chinese city panels."""

    kind: str = "queen"
    k: int = 6
    symmetric: bool = False
    transform: str = "R"
    point_method: str = "centroid"
    snap: float = 0.0
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        if self.kind == "knn":
            text = f"k-nearest neighbours (k = {self.k}{', symmetric' if self.symmetric else ''})"
        else:
            text = f"{self.kind} contiguity"
        return f"{text}, transformation {self.transform}"


def build_weights(frame, ids, spec: WeightsSpec, progress=None) -> SpatialWeights:
    """Weights for the units of ``frame`` (a GeoDataFrame), one per row, ids ``ids``."""
    if spec.kind in ("queen", "rook"):
        weights = contiguity(frame.geometry.values, ids, rook=spec.kind == "rook", snap=spec.snap,
                             progress=progress)
    elif spec.kind == "knn":
        metric = metric_for_crs(frame.crs)
        x, y = representative_points(frame.geometry.values, spec.point_method, ids)
        weights = knn(x, y, ids, spec.k, metric, spec.symmetric, progress)
        weights.params["distance_unit"] = metric.label
    else:
        raise InputError("Unknown kind of weights “{kind}”; use one of {kinds}.", kind=spec.kind,
                         kinds=", ".join(KINDS))
    return weights.with_transform(spec.transform)
