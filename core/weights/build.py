"""One entry point that builds any kind of weights from a GeoDataFrame and options.

Used by the ``resilience:spatialweights`` algorithm and by every algorithm that takes
weights options inline, so that "queen, row-standardised" means the same everywhere.
Each kind lives in its own module; this one reads the options, finds the units' points
and distance metric, and applies what is common to the kinds: higher orders of
contiguity, attaching islands, refusing a distance that leaves units without
neighbours, and the transformation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, Message
from ..geodesy import metric_for_crs
from ..progress import span
from .contiguity import contiguity
from .kinds import KERNEL_NAMES, KINDS
from .knn import knn
from .model import SpatialWeights
from .points import representative_points

#: Kinds whose original weights are 1 for every link (saved as GAL); the others are
#: weighted (saved as GWT).
BINARY_KINDS = ("queen", "rook", "knn", "distance_band", "block")
#: Kinds measured between the units' points.
POINT_KINDS = ("knn", "distance_band", "inverse_distance", "kernel", "economic_geographic")


@dataclass
class WeightsSpec:
    """What weights to build; defaults are the usual choice for Chinese city panels.

    Distances (``distance``) are in km for geographic and metre-based CRSs, in CRS
    units otherwise; 0 means the kind's automatic choice (see :func:`build_weights`).
    """

    kind: str = "queen"
    k: int = 6
    symmetric: bool = False
    transform: str = "R"
    point_method: str = "centroid"
    snap: float = 0.0
    extra: dict = field(default_factory=dict)
    # Contiguity: order (1 = direct neighbours) and whether lower orders are kept.
    order: int = 1
    cumulative: bool = False
    # Link units without neighbours to their nearest unit (contiguity, distance band,
    # inverse distance with a cut-off, block).
    attach_islands: bool = False
    # Distance band threshold, inverse-distance cut-off, fixed kernel bandwidth (0 = automatic).
    distance: float = 0.0
    power: float = 1.0  # α of inverse distance (and of W_d in economic-geographic weights)
    kernel: str = "triangular"
    adaptive: bool = False  # kernel bandwidth: the distance to each unit's k-th neighbour
    field: str | None = None  # economic variable (a field, or a STEM_YYYY field with all_years)
    all_years: bool = True  # average the economic field over every year of its stem
    share: float = 0.5  # φ, the share of geography in nested economic-geographic weights
    nesting: str = "nested"  # economic-geographic form: "nested" or "product"
    block_field: str | None = None  # category field of block weights
    # Distances: geodesic whenever the CRS has an ellipsoid (default), or straight lines in the
    # CRS's plane (spdep's longlat = FALSE) when True; see core.geodesy.
    planar: bool = False

    def layer_fields(self, layer_fields) -> list[str]:
        """The fields of a layer (named ``layer_fields``) these weights read: the economic field
        (and, with ``all_years``, every year of its stem) and the block field."""
        from ..panel import expand_years

        fields = []
        if self.kind in ("economic", "economic_geographic") and self.field:
            fields += [column for _, _, column in expand_years(list(layer_fields), [self.field], self.all_years)]
        if self.kind == "block" and self.block_field:
            fields.append(self.block_field)
        return fields

    def describe(self) -> Message:
        """The weights in words, e.g. 'queen contiguity, transformation R' (a Message: the
        Processing layer shows it translated)."""
        distance = f"{self.distance:g}" if self.distance else Message("automatic")
        if self.kind in ("queen", "rook"):
            text = Message("queen contiguity") if self.kind == "queen" else Message("rook contiguity")
            if self.order > 1:
                text = (Message("{weights}, order {order} (cumulative)", weights=text, order=self.order)
                        if self.cumulative else Message("{weights}, order {order}", weights=text, order=self.order))
        elif self.kind == "knn":
            text = (Message("k-nearest neighbours (k = {k}, symmetric)", k=self.k) if self.symmetric
                    else Message("k-nearest neighbours (k = {k})", k=self.k))
        elif self.kind == "distance_band":
            text = Message("distance band ({distance})", distance=distance)
        elif self.kind == "inverse_distance":
            text = (Message("inverse distance (α = {power}, cut-off {cutoff})", power=f"{self.power:g}",
                            cutoff=f"{self.distance:g}") if self.distance
                    else Message("inverse distance (α = {power})", power=f"{self.power:g}"))
        elif self.kind == "kernel":
            kernel = KERNEL_NAMES.get(self.kernel, self.kernel)
            text = (Message("{kernel} kernel (adaptive, k = {k})", kernel=kernel, k=self.k) if self.adaptive
                    else Message("{kernel} kernel (fixed, {distance})", kernel=kernel, distance=distance))
        elif self.kind == "economic":
            text = Message("economic distance ({field})", field=self.field)
        elif self.kind == "economic_geographic":
            text = (Message("economic-geographic ({field}, φ = {share})", field=self.field,
                            share=f"{self.share:g}") if self.nesting == "nested"
                    else Message("economic-geographic ({field}, product)", field=self.field))
        elif self.kind == "block":
            text = Message("block ({field})", field=self.block_field)
        else:
            text = self.kind
        if self.attach_islands:
            text = Message("{weights}, islands attached", weights=text)
        return Message("{weights}, transformation {transform}", weights=text, transform=self.transform)


def build_weights(frame, ids, spec: WeightsSpec, progress=None) -> SpatialWeights:
    """Weights for the units of ``frame`` (a GeoDataFrame), one per row, ids ``ids``.

    Automatic distances (``spec.distance == 0``): distance band, the smallest threshold
    that gives every unit a neighbour; kernel, the largest distance from a unit to its
    k-th nearest neighbour; inverse distance and W_d of economic-geographic weights, no
    cut-off. A distance the user sets that leaves units without neighbours is an error
    naming them (unless islands are attached).
    """
    if spec.kind not in KINDS:
        raise InputError("Unknown kind of weights “{kind}”; use one of {kinds}.", kind=spec.kind,
                         kinds=", ".join(KINDS))
    import numpy as np

    ids = np.asarray(ids)
    points, metric = None, None
    if spec.kind in POINT_KINDS or spec.attach_islands:
        # k nearest neighbours and the nearest unit of an island need no unit of distance
        metric = metric_for_crs(frame.crs, spec.planar, required=spec.kind not in ("queen", "rook", "knn", "block"))
        points = metric.lonlat(*representative_points(frame.geometry.values, spec.point_method, ids))
    build = span(progress, 0.0, 0.9)
    weights = _build_kind(frame, ids, spec, points, metric, build)
    if spec.kind in ("queen", "rook") and spec.attach_islands:
        weights = _attach(weights, spec, points, metric)
    if spec.kind in ("queen", "rook") and spec.order != 1:
        from .higher_order import higher_order

        weights = higher_order(weights, spec.order, spec.cumulative, span(progress, 0.9, 1.0))
    if spec.kind in ("distance_band", "inverse_distance", "block") and spec.attach_islands:
        weights = _attach(weights, spec, points, metric)
    fixed_distance = spec.distance > 0 and not (spec.kind == "kernel" and spec.adaptive)
    if spec.kind in ("distance_band", "inverse_distance", "kernel", "economic_geographic") and fixed_distance:
        from .distance import require_neighbours

        can_attach = spec.kind in ("distance_band", "inverse_distance")
        require_neighbours(weights, spec.distance, *points, metric, can_attach=can_attach)
    if metric is not None:
        weights.params["distances"] = metric.description
    if spec.kind in POINT_KINDS:
        weights.params.update(distance_unit=metric.label, point_method=spec.point_method)
    return weights.with_transform(spec.transform)


def _attach(weights, spec, points, metric):
    from .islands import attach_islands

    inverse = (lambda d: d ** -spec.power) if spec.kind == "inverse_distance" else None
    return attach_islands(weights, *points, metric, inverse)


def _build_kind(frame, ids, spec: WeightsSpec, points, metric, progress) -> SpatialWeights:
    kind = spec.kind
    if kind in ("queen", "rook"):
        return contiguity(frame.geometry.values, ids, rook=kind == "rook", snap=spec.snap, progress=progress)
    if kind == "block":
        from .block import block_weights

        if not spec.block_field:
            raise InputError("Block weights need a category field (e.g. province): choose the block field "
                             "(under Advanced parameters).")
        if spec.block_field not in frame.columns:
            raise InputError("The layer has no field {field}; choose an existing block field.",
                             field=spec.block_field)
        return block_weights(frame[spec.block_field].to_numpy(), ids, spec.block_field)
    if kind == "economic":
        from .economic import economic_distance, economic_values

        values, columns = economic_values(frame, spec.field, ids, spec.all_years)
        return economic_distance(values, ids, columns)
    x, y = points
    if kind == "knn":
        weights = knn(x, y, ids, spec.k, metric, spec.symmetric, progress)
        weights.params["distance_unit"] = metric.label
        return weights
    if kind == "distance_band":
        from .distance_band import distance_band

        return distance_band(x, y, ids, metric, spec.distance, progress)
    if kind == "inverse_distance":
        from .inverse_distance import inverse_distance

        return inverse_distance(x, y, ids, metric, spec.power, spec.distance, progress)
    if kind == "kernel":
        from .kernel import kernel_weights

        return kernel_weights(x, y, ids, metric, spec.kernel, spec.distance, spec.adaptive, spec.k, progress)
    from .economic import economic_values
    from .economic_geographic import economic_geographic

    values, columns = economic_values(frame, spec.field, ids, spec.all_years)
    return economic_geographic(x, y, values, ids, metric, spec.share, spec.power, spec.distance,
                               spec.nesting, columns, progress)
