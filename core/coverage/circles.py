"""True geodesic circles: every point at ``radius`` km (on the ellipsoid) from a core.

A buffer in degrees is an ellipse on the ground and a planar buffer is only right at
the projection's true scale, so the circle is built point by point with pyproj's
forward geodesic problem (``Geod.fwd``) and drawn in the layer's CRS. The ring is
densified until the midpoint of every edge, as drawn in that CRS, lies within
``tolerance`` (default 0.1 %) of the radius. In a geographic CRS a circle that crosses
the antimeridian is split into parts on either side of ±180°, and a circle around a
pole is closed through the pole.
"""

from __future__ import annotations

import numpy as np

START_VERTICES = 64
MAX_VERTICES = 2 ** 14


def _ring(geod, lon0: float, lat0: float, radius_m: float, count: int):
    azimuths = np.linspace(0.0, 360.0, count, endpoint=False)
    lon, lat, _ = geod.fwd(np.full(count, lon0), np.full(count, lat0), azimuths,
                           np.full(count, radius_m))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _contains_pole(geod, lon0: float, lat0: float, radius_m: float) -> int:
    """+1 / −1 when the circle contains the north / south pole, else 0."""
    for sign in (1, -1):
        _, _, to_pole = geod.inv(lon0, lat0, lon0, 90.0 * sign)
        if to_pole < radius_m:
            return sign
    return 0


def _geographic_ring(lon, lat, lon0: float, pole: int):
    """Vertices with continuous longitudes (around lon0), closed through a pole if needed."""
    if not pole:
        unwrapped = lon0 + (lon - lon0 + 180.0) % 360.0 - 180.0
        return unwrapped, lat
    # Around a pole the longitude runs through all 360°: order by longitude, then close
    # along the pole's latitude.
    order = np.argsort(lon)
    lon, lat = lon[order], lat[order]
    lon = np.concatenate([[lon[-1] - 360.0], lon, [lon[0] + 360.0]])
    lat = np.concatenate([[lat[-1]], lat, [lat[0]]])
    polar = 90.0 * pole
    return np.concatenate([lon, [lon[-1], lon[0]]]), np.concatenate([lat, [polar, polar]])


def _deviation(geod, lon0, lat0, radius_m, x, y, to_geographic=None, closed=True) -> float:
    """Largest |distance − radius| / radius at the midpoints of the edges (x[k], x[k+1])."""
    x1, y1 = (np.roll(x, -1), np.roll(y, -1)) if closed else (x[1:], y[1:])
    x0, y0 = (x, y) if closed else (x[:-1], y[:-1])
    mx, my = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    if to_geographic is not None:
        mx, my = (np.asarray(v, dtype=float) for v in to_geographic(mx, my))
    _, _, d = geod.inv(np.full(len(mx), lon0), np.full(len(my), lat0), mx, my)
    return float(np.max(np.abs(np.asarray(d) - radius_m)) / radius_m)


def _split_at_antimeridian(polygon):
    import shapely

    parts = []
    for shift in (-360.0, 0.0, 360.0):
        window = shapely.box(-180.0 - shift, -90.0, 180.0 - shift, 90.0)
        with np.errstate(invalid="ignore"):
            part = shapely.intersection(polygon, window)
        if not part.is_empty and part.area > 0:
            parts.append(shapely.transform(part, lambda xy, shift=shift: xy + np.array([shift, 0.0])))
    pieces = []
    for part in parts:
        pieces.extend(getattr(part, "geoms", [part]))
    pieces = [p for p in pieces if p.geom_type == "Polygon"]
    return pieces[0] if len(pieces) == 1 else shapely.MultiPolygon(pieces)


def geodesic_circle(geod, lon0: float, lat0: float, radius_km: float, geographic: bool = True,
                    to_target=None, to_geographic=None, tolerance: float = 0.001):
    """The circle of ``radius_km`` around (lon0, lat0) as a shapely polygon.

    ``geographic``: the output CRS is longitude/latitude (on ``geod``'s ellipsoid);
    otherwise ``to_target(lon, lat)`` projects vertices and ``to_geographic(x, y)``
    takes points back (both vectorised), and polygons are drawn in projected units.
    """
    import shapely

    radius_m = radius_km * 1000.0
    pole = _contains_pole(geod, lon0, lat0, radius_m) if geographic else 0
    count = START_VERTICES
    while True:
        lon, lat = _ring(geod, lon0, lat0, radius_m, count)
        if geographic:
            x, y = _geographic_ring(lon, lat, lon0, pole)
            # around a pole, check the circle's edges, not the closure along the pole
            deviation = (_deviation(geod, lon0, lat0, radius_m, x[:-2], y[:-2], closed=False)
                         if pole else _deviation(geod, lon0, lat0, radius_m, x, y))
        else:
            x, y = (np.asarray(v, dtype=float) for v in to_target(lon, lat))
            deviation = _deviation(geod, lon0, lat0, radius_m, x, y, to_geographic)
        if deviation <= tolerance or count >= MAX_VERTICES:
            break
        count *= 2
    polygon = shapely.Polygon(np.column_stack([x, y]))
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    if pole:  # the ring repeats a sliver beyond ±180°: cut it off
        polygon = shapely.intersection(polygon, shapely.box(-180.0, -90.0, 180.0, 90.0))
    elif geographic and (polygon.bounds[0] < -180.0 or polygon.bounds[2] > 180.0):
        polygon = _split_at_antimeridian(polygon)
    return polygon


def circles_for(sites, cores, radius_km: float, target_crs=None, tolerance: float = 0.001,
                progress=None):
    """One circle per core (city indices ``cores`` of ``sites``), drawn in ``target_crs``
    (a pyproj CRS; default: the sites' geographic CRS)."""
    import pyproj

    from ..progress import report

    target_crs = sites.crs if target_crs is None else pyproj.CRS.from_user_input(target_crs)
    geographic = target_crs.is_geographic
    to_target = to_geographic = None
    datum_shift = None
    if geographic and target_crs != sites.crs:  # e.g. WGS84 lon/lat fields, a CGCS2000 layer
        datum_shift = pyproj.Transformer.from_crs(sites.crs, target_crs, always_xy=True)
    if not geographic:
        forward = pyproj.Transformer.from_crs(sites.crs, target_crs, always_xy=True)
        backward = pyproj.Transformer.from_crs(target_crs, sites.crs, always_xy=True)
        to_target, to_geographic = forward.transform, backward.transform
    polygons = []
    cores = np.asarray(cores, dtype=np.int64)
    for k, core in enumerate(cores):
        polygon = geodesic_circle(sites.geod, float(sites.lon[core]), float(sites.lat[core]),
                                  radius_km, geographic, to_target, to_geographic, tolerance)
        if datum_shift is not None:
            import shapely

            polygon = shapely.transform(polygon, lambda xy: np.column_stack(
                datum_shift.transform(xy[:, 0], xy[:, 1])))
        polygons.append(polygon)
        report(progress, (k + 1) / max(len(cores), 1))
    return polygons
