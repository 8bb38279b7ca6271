"""Points that stand for the units: the features' own points, or a representative
point of each polygon (centroid, or a point guaranteed to lie on the surface)."""

from __future__ import annotations

import numpy as np

from ..errors import InputError, preview
from .kinds import POINT_METHODS


def representative_points(geometries, method: str = "centroid", ids=None) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays of one point per geometry.

    Points keep their coordinates (the first point of a multipoint); polygons and
    lines give their centroid or a point on their surface. Missing or empty
    geometries are an error that names them: leave them out before calling.
    """
    import shapely

    geometries = np.asarray(geometries)
    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    if missing.any():
        names = np.asarray(ids)[missing] if ids is not None else np.flatnonzero(missing)
        raise InputError(
            "{count} feature(s) have no geometry: {names}. Remove them or repair their geometry.",
            count=int(missing.sum()),
            names=preview(names),
        )
    if method not in POINT_METHODS:
        raise InputError("Unknown point method “{method}”; use centroid or point_on_surface.", method=method)
    type_ids = shapely.get_type_id(geometries)
    points = np.empty(len(geometries), dtype=object)
    is_point = type_ids == 0
    points[is_point] = geometries[is_point]
    is_multipoint = type_ids == 4
    if is_multipoint.any():
        points[is_multipoint] = shapely.get_geometry(geometries[is_multipoint], 0)
    other = ~(is_point | is_multipoint)
    if other.any():
        build = shapely.centroid if method == "centroid" else shapely.point_on_surface
        points[other] = build(geometries[other])
    return shapely.get_x(points), shapely.get_y(points)
