"""Distances between points: geodesic on the ellipsoid for geographic CRSs, planar otherwise.

Geodesic distances come from pyproj's ``Geod`` (Karney's algorithm, accurate to
nanometres) on the ellipsoid of the layer's CRS, in kilometres. Planar distances are
in the CRS's units (converted to kilometres when the unit is the metre).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError


@dataclass(frozen=True)
class Metric:
    """How to measure distance between the points of one layer."""

    geographic: bool
    geod: object | None = None  # pyproj.Geod when geographic
    unit_to_km: float | None = None  # planar: CRS unit -> km (None when not metres/feet)
    unit_name: str = "km"

    @property
    def label(self) -> str:
        return "km" if self.geographic or self.unit_to_km else self.unit_name


def metric_for_crs(crs) -> Metric:
    """The distance metric for a pyproj CRS (a missing CRS is an error)."""
    import pyproj

    if crs is None:
        raise InputError(
            "The layer has no coordinate reference system, so distances cannot be measured; "
            "set its CRS (Layer Properties › Source) and run again."
        )
    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_geographic:
        return Metric(True, crs.get_geod() or pyproj.Geod(ellps="WGS84"))
    axis = crs.axis_info[0] if crs.axis_info else None
    factor = axis.unit_conversion_factor if axis else None
    name = axis.unit_name if axis else "unit"
    if factor and axis.unit_name in {"metre", "meter", "US survey foot", "foot"}:
        return Metric(False, None, factor / 1000.0, name)
    return Metric(False, None, None, name)


def pairwise_distances(metric: Metric, x1, y1, x2, y2) -> np.ndarray:
    """Distances between point pairs (arrays of equal length), in km (or CRS units)."""
    x1, y1, x2, y2 = (np.asarray(a, dtype=float) for a in (x1, y1, x2, y2))
    if metric.geographic:
        _, _, metres = metric.geod.inv(x1, y1, x2, y2)
        return np.asarray(metres) / 1000.0
    planar = np.hypot(x2 - x1, y2 - y1)
    return planar * metric.unit_to_km if metric.unit_to_km else planar


def unit_vectors(lon, lat) -> np.ndarray:
    """3-D unit vectors of geographic coordinates (for nearest-neighbour search on the sphere)."""
    lon = np.radians(np.asarray(lon, dtype=float))
    lat = np.radians(np.asarray(lat, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])
