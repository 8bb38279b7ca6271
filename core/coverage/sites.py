"""The points that stand for the cities, as longitude/latitude on an ellipsoid.

Coverage distances are geodesic in km whatever the layer's CRS: points of a projected
layer are taken back to the geographic CRS of its datum (and its ellipsoid), points of
a geographic layer are used as they are, and longitude/latitude fields are read as
WGS84 degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, preview
from ..weights.points import representative_points


@dataclass(frozen=True)
class Sites:
    """One point per city: geographic coordinates on the ellipsoid of ``geod``."""

    lon: np.ndarray
    lat: np.ndarray
    geod: object  # pyproj.Geod
    crs: object  # the geographic pyproj.CRS of lon/lat

    def __len__(self) -> int:
        return len(self.lon)

    def distances_km(self, i, j) -> np.ndarray:
        """Geodesic distances between the points ``i`` and ``j`` (index arrays of equal length)."""
        i, j = np.asarray(i), np.asarray(j)
        if i.size == 0:
            return np.zeros(0)
        _, _, metres = self.geod.inv(self.lon[i], self.lat[i], self.lon[j], self.lat[j])
        return np.asarray(metres, dtype=float) / 1000.0


def _geographic(crs):
    import pyproj

    if crs is None:
        raise InputError(
            "The layer has no coordinate reference system, so distances cannot be measured; "
            "set its CRS (Layer Properties › Source) and run again."
        )
    crs = pyproj.CRS.from_user_input(crs)
    geographic = crs if crs.is_geographic else crs.geodetic_crs
    if geographic is None:
        raise InputError("The layer's CRS {crs} has no datum, so geodesic distances cannot be measured; "
                         "assign a CRS with a datum.", crs=crs.name)
    return crs, geographic


def sites_from_geometries(geometries, crs, method: str = "centroid", ids=None) -> Sites:
    """Sites from point geometries or a representative point of polygons (``method``:
    centroid or point_on_surface), in the layer's ``crs`` (any CRS with a datum)."""
    import pyproj

    crs, geographic = _geographic(crs)
    x, y = representative_points(geometries, method, ids)
    if not crs.is_geographic:
        to_geographic = pyproj.Transformer.from_crs(crs, geographic, always_xy=True)
        x, y = to_geographic.transform(x, y)
    sites = Sites(np.asarray(x, float), np.asarray(y, float), geographic.get_geod(), geographic)
    _check_coordinates(sites, ids)
    return sites


def sites_from_lonlat(lon, lat, ids=None) -> Sites:
    """Sites from longitude/latitude values in WGS84 degrees (e.g. ``lon``/``lat`` fields)."""
    import pyproj

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    crs = pyproj.CRS.from_epsg(4326)
    sites = Sites(lon, lat, crs.get_geod(), crs)
    _check_coordinates(sites, ids)
    return sites


def joined(first: Sites, second: Sites) -> Sites:
    """``first``'s points followed by ``second``'s, on ``first``'s ellipsoid (``second``'s points
    are taken to ``first``'s geographic CRS when it has another): e.g. the cities then the
    counties, so that one distance computation serves both."""
    import pyproj

    lon, lat = second.lon, second.lat
    if pyproj.CRS.from_user_input(second.crs) != pyproj.CRS.from_user_input(first.crs):
        transformer = pyproj.Transformer.from_crs(second.crs, first.crs, always_xy=True)
        lon, lat = transformer.transform(lon, lat)
    return Sites(np.concatenate([first.lon, np.asarray(lon, float)]),
                 np.concatenate([first.lat, np.asarray(lat, float)]), first.geod, first.crs)


def _check_coordinates(sites: Sites, ids) -> None:
    bad = ~(np.isfinite(sites.lon) & np.isfinite(sites.lat)
            & (np.abs(sites.lat) <= 90.0) & (np.abs(sites.lon) <= 540.0))
    if bad.any():
        names = np.asarray(ids)[bad] if ids is not None else np.flatnonzero(bad)
        raise InputError(
            "{count} feature(s) have no valid longitude/latitude: {names}. Fill the coordinates "
            "(longitude −180…180, latitude −90…90) or leave these features out.",
            count=int(bad.sum()), names=preview(names),
        )
