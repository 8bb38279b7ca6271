"""The output tables of the coverage model as GeoDataFrames (drawn in the layer's CRS).

Field names stay within 10 characters (shapefiles); the Processing algorithm gives
them aliases.
"""

from __future__ import annotations

import numpy as np

from .circles import circles_for
from .costs import distance_matrix

CITY_FIELDS = ("IS_CORE", "CORE_ID", "CORE_NAME", "CORE_KM", "COVERED", "N_COVER")


def _points(sites, index, target_crs):
    """x, y of the sites ``index`` in ``target_crs`` (a pyproj CRS)."""
    import pyproj

    lon, lat = sites.lon[index], sites.lat[index]
    if target_crs is None or pyproj.CRS.from_user_input(target_crs) == sites.crs:
        return lon, lat
    transformer = pyproj.Transformer.from_crs(sites.crs, target_crs, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x, float), np.asarray(y, float)


def _values(ids, index) -> np.ndarray:
    values = np.asarray(ids)[index]
    return values.astype(object) if values.dtype.kind not in "iuf" else values


def cities_frame(frame, ids, result):
    """The input cities (a copy, geometry kept) with their core, distance and coverage."""
    a = result.assignment
    cities = frame.drop(columns=[c for c in CITY_FIELDS if c in frame.columns]).copy()
    is_core = np.zeros(len(frame), dtype=np.int32)
    is_core[result.cores] = 1
    cities["IS_CORE"] = is_core
    cities["CORE_ID"] = _values(ids, a.core_of_city)
    cities["CORE_NAME"] = np.asarray(result.names[a.core_of_city], dtype=object)
    cities["CORE_KM"] = a.km
    cities["COVERED"] = a.covered.astype(np.int32)
    cities["N_COVER"] = a.cover_count.astype(np.int32)
    return cities


def cores_frame(sites, ids, result, target_crs=None):
    """One point per core, with what it serves."""
    import geopandas as gpd
    import shapely

    a = result.assignment
    cores = result.cores
    n_cores = len(cores)
    within = distance_matrix(sites, np.arange(len(sites)), cores) <= result.spec.radius_km
    nodes = np.bincount(a.nearest, minlength=n_cores)
    demand = np.bincount(a.nearest, weights=result.weights, minlength=n_cores)
    farthest = np.zeros(n_cores)
    np.maximum.at(farthest, a.nearest, a.km)
    existing = np.isin(cores, result.existing).astype(np.int32)
    x, y = _points(sites, cores, target_crs)
    return gpd.GeoDataFrame({
        "CORE_ID": _values(ids, cores),
        "NAME": np.asarray(result.names[cores], dtype=object),
        "EXISTING": existing,
        "N_NODES": nodes.astype(np.int32),
        "N_COVER": within.sum(axis=0).astype(np.int32),
        "DEMAND": demand,
        "MAX_KM": farthest,
    }, geometry=shapely.points(x, y), crs=target_crs)


def circles_frame(sites, ids, result, target_crs=None, progress=None):
    """The geodesic circle of the radius around each core."""
    import geopandas as gpd

    cores = result.cores
    polygons = circles_for(sites, cores, result.spec.radius_km, target_crs, progress=progress)
    return gpd.GeoDataFrame({
        "CORE_ID": _values(ids, cores),
        "NAME": np.asarray(result.names[cores], dtype=object),
        "RADIUS_KM": np.full(len(cores), float(result.spec.radius_km)),
    }, geometry=polygons, crs=target_crs)


def links_frame(sites, ids, result, target_crs=None):
    """A line from each city (cores themselves excepted) to its nearest core."""
    import geopandas as gpd
    import shapely

    a = result.assignment
    cities = np.flatnonzero(a.core_of_city != np.arange(len(sites)))
    cores = a.core_of_city[cities]
    x1, y1 = _points(sites, cities, target_crs)
    x2, y2 = _points(sites, cores, target_crs)
    coords = np.stack([np.column_stack([x1, y1]), np.column_stack([x2, y2])], axis=1)
    lines = shapely.linestrings(coords) if len(coords) else np.array([], dtype=object)
    return gpd.GeoDataFrame({
        "CITY_ID": _values(ids, cities),
        "CITY_NAME": np.asarray(result.names[cities], dtype=object),
        "CORE_ID": _values(ids, cores),
        "CORE_NAME": np.asarray(result.names[cores], dtype=object),
        "DIST_KM": a.km[cities],
        "COVERED": a.covered[cities].astype(np.int32),
    }, geometry=lines, crs=target_crs)
