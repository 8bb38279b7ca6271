"""The connectivity layer of a set of spatial weights: one line per directed link."""

from __future__ import annotations

import numpy as np

from ..geodesy import metric_for_crs, pairwise_distances
from .model import SpatialWeights
from .points import representative_points


def connectivity_lines(frame, weights: SpatialWeights, ids, method: str = "centroid", planar: bool = False):
    """A GeoDataFrame with a line from each unit's point (``method``: ``points.representative_points``)
    to each neighbour's, the transformed weight (``weight``) and the distance between the points
    (``dist_km``: geodesic unless ``planar`` or the CRS has no datum)."""
    import geopandas as gpd
    import shapely

    x, y = representative_points(frame.geometry.values, method, ids)
    metric = metric_for_crs(frame.crs, planar, required=False)
    lon, lat = metric.lonlat(x, y)
    coo = weights.transformed().tocoo()
    starts = np.column_stack([x[coo.row], y[coo.row]])
    ends = np.column_stack([x[coo.col], y[coo.col]])
    coords = np.stack([starts, ends], axis=1)
    lines = shapely.linestrings(coords) if len(coords) else np.array([], dtype=object)
    distances = pairwise_distances(metric, lon[coo.row], lat[coo.row], lon[coo.col], lat[coo.col])
    return gpd.GeoDataFrame(
        {"from_id": ids[coo.row], "to_id": ids[coo.col], "weight": coo.data, "dist_km": distances},
        geometry=lines, crs=frame.crs,
    )
