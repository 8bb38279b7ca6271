"""Distances between points: geodesic on the ellipsoid whenever the CRS has one, planar otherwise.

The rule (the same for spatial weights and core-node coverage): distances are geodesic, in
kilometres, on the ellipsoid of the layer's CRS whenever that CRS is geographic or can be
inverted to its geographic base (any projected CRS with a datum: UTM, Albers, Web
Mercator…). A map projection distorts distances (EPSG:3857 by 1/cos(latitude): a "300 km"
band measured on its plane gave 26 % fewer links across China than the geodesic one), so
it is not used for them unless asked: ``planar=True`` measures straight lines in the CRS's
units, as R spdep's ``longlat = FALSE`` (converted to km for metre/foot units). A CRS
without a datum (a local engineering CRS) and a layer without a CRS are planar; a layer
without a CRS only for what needs no unit (k nearest neighbours, attaching islands).
Geodesic distances come from pyproj's ``Geod`` (Karney's algorithm, accurate to nanometres).
Points of a projected layer are first transformed to longitude/latitude on its own datum
(:meth:`Metric.lonlat`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError, Message


@dataclass(frozen=True)
class Metric:
    """How to measure distance between the points of one layer."""

    geographic: bool  # geodesic distances between longitude/latitude points
    geod: object | None = None  # pyproj.Geod when geographic
    unit_to_km: float | None = None  # planar: CRS unit -> km (None when not metres/feet)
    unit_name: str = "km"
    to_lonlat: object | None = None  # projected CRS measured geodesically: Transformer to lon/lat
    description: str = ""  # how distances are measured, for the log (a Message)

    @property
    def label(self) -> str:
        return "km" if self.geographic or self.unit_to_km else self.unit_name

    def lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """The layer's coordinates as this metric measures them (lon/lat for a projected layer
        measured geodesically; unchanged otherwise)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.to_lonlat is None:
            return x, y
        lon, lat = self.to_lonlat.transform(x, y)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


#: Unit name of planar distances on a layer without a CRS.
LAYER_UNITS = "layer units"


def metric_for_crs(crs, planar: bool = False, required: bool = True) -> Metric:
    """The distance metric for a pyproj CRS (see the module's rule).

    ``planar``: straight lines in the plane of a projected CRS even when it has an ellipsoid (a
    geographic CRS stays geodesic: degrees are not a plane). A missing CRS
    is an error unless ``required`` is False (planar in the layer's units)."""
    import pyproj

    if crs is None:
        if required:
            raise InputError(
                "The layer has no coordinate reference system, so distances cannot be measured; "
                "set its CRS (Layer Properties › Source) and run again."
            )
        return Metric(False, None, None, LAYER_UNITS,
                      description=Message("planar, in the layer's units (the layer has no CRS)"))
    crs = pyproj.CRS.from_user_input(crs)
    geographic = crs if crs.is_geographic else crs.geodetic_crs
    if geographic is not None and (not planar or crs.is_geographic):  # degrees are no plane
        geod = geographic.get_geod() or pyproj.Geod(ellps="WGS84")
        ellipsoid = geographic.ellipsoid.name if geographic.ellipsoid else "WGS 84"
        if crs.is_geographic:
            return Metric(True, geod, description=Message("geodesic on the {ellipsoid} ellipsoid",
                                                          ellipsoid=ellipsoid))
        transformer = pyproj.Transformer.from_crs(crs, geographic, always_xy=True)
        return Metric(True, geod, to_lonlat=transformer, description=Message(
            "geodesic on the {ellipsoid} ellipsoid (points of {crs} taken back to longitude/latitude)",
            ellipsoid=ellipsoid, crs=crs.name))
    axis = crs.axis_info[0] if crs.axis_info else None
    factor = axis.unit_conversion_factor if axis else None
    name = axis.unit_name if axis else "unit"
    description = Message("planar, straight lines in {crs}", crs=crs.name)
    if factor and axis.unit_name in {"metre", "meter", "US survey foot", "foot"}:
        return Metric(False, None, factor / 1000.0, name, description=description)
    return Metric(False, None, None, name, description=description)


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
