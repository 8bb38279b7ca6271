"""Spatial weights at scale, against libpysal in the same run.

* queen contiguity of 100,000 polygons (a Voronoi tessellation of random points: irregular
  cells, about six neighbours each, vertices shared exactly as in a real boundary layer);
  peers: libpysal's ``weights.Queen.from_dataframe`` and ``graph.Graph.build_contiguity``;
* k-nearest neighbours (k = 6) of 1,000,000 points, planar; peers: libpysal's
  ``weights.KNN.from_array`` and ``graph.Graph.build_knn``;
* k-nearest neighbours of 1,000,000 longitude/latitude points: ours exact on the ellipsoid
  (geodesic), libpysal's ``graph.Graph.build_knn(metric="haversine")`` on a sphere (a
  different, less exact answer, timed for scale);
* a distance band of 100,000 longitude/latitude points (geodesic, 20 km) against libpysal's
  ``weights.DistanceBand`` with arc distances on a sphere.

Every row checks that ours and the peer agree (same neighbour sets where the definitions
are the same) before reporting the time ratio (peer time / ours; above 1 means faster).
"""

from __future__ import annotations

from common import timed


def voronoi_cells(n: int, seed: int = 1):
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    side = np.sqrt(n) * 1000.0  # about 1 km² per cell, metres
    points = shapely.multipoints(np.column_stack([rng.uniform(0, side, n), rng.uniform(0, side, n)]))
    frame = shapely.box(0, 0, side, side)
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=frame))
    cells = shapely.intersection(cells, frame)
    return gpd.GeoDataFrame({"code": np.arange(len(cells))}, geometry=cells, crs="EPSG:3857")


def same_neighbours(ours, peer_sparse) -> bool:
    """Whether our binary structure equals a libpysal sparse matrix (same order of units)."""
    difference = (ours.matrix > 0).astype(int) - (peer_sparse > 0).astype(int)
    return difference.count_nonzero() == 0


def run(quick: bool = False) -> list[dict]:
    import geopandas as gpd
    import numpy as np
    import pyproj
    from libpysal.graph import Graph
    from libpysal.weights import KNN, DistanceBand, Queen

    from digital_resilience.core.geodesy import metric_for_crs
    from digital_resilience.core.weights.build import WeightsSpec, build_weights
    from digital_resilience.core.weights.distance_band import distance_band
    from digital_resilience.core.weights.knn import knn

    rows = []
    # ------------------------------------------------------------ queen contiguity
    n_polygons = 10_000 if quick else 100_000
    cells = voronoi_cells(n_polygons)
    ids = cells.code.to_numpy()
    ours_s, ours = timed(lambda: build_weights(cells, ids, WeightsSpec("queen")), 1 if not quick else 3)
    peer_s, peer = timed(lambda: Queen.from_dataframe(cells, use_index=False, silence_warnings=True), 1)
    assert same_neighbours(ours, peer.sparse)
    rows.append({"benchmark": f"queen contiguity, {n_polygons:,} polygons", "ours_s": ours_s,
                 "peer": "libpysal weights.Queen", "peer_s": peer_s, "ratio": peer_s / ours_s,
                 "notes": f"{ours.n_links:,} links, identical"})
    graph_s, graph = timed(lambda: Graph.build_contiguity(cells, rook=False), 1)
    assert same_neighbours(ours, graph.sparse)
    rows.append({"benchmark": f"queen contiguity, {n_polygons:,} polygons", "ours_s": ours_s,
                 "peer": "libpysal graph.build_contiguity", "peer_s": graph_s, "ratio": graph_s / ours_s,
                 "notes": "identical"})

    # ------------------------------------------------------------ k nearest, planar
    n_points = 100_000 if quick else 1_000_000
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 2e6, n_points), rng.uniform(0, 1e6, n_points)
    planar = metric_for_crs(pyproj.CRS("EPSG:3857"))
    point_ids = np.arange(n_points)
    ours_s, ours = timed(lambda: knn(x, y, point_ids, 6, planar), 1)
    peer_s, peer = timed(lambda: KNN.from_array(np.column_stack([x, y]), k=6, silence_warnings=True), 1)
    assert same_neighbours(ours, peer.sparse)
    rows.append({"benchmark": f"6 nearest neighbours, {n_points:,} points (planar)", "ours_s": ours_s,
                 "peer": "libpysal weights.KNN", "peer_s": peer_s, "ratio": peer_s / ours_s,
                 "notes": "identical"})
    del peer
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs="EPSG:3857")
    graph_s, graph = timed(lambda: Graph.build_knn(points, k=6), 1)
    assert same_neighbours(ours, graph.sparse)
    rows.append({"benchmark": f"6 nearest neighbours, {n_points:,} points (planar)", "ours_s": ours_s,
                 "peer": "libpysal graph.build_knn", "peer_s": graph_s, "ratio": graph_s / ours_s,
                 "notes": "identical"})
    del graph

    # --------------------------------------------------- k nearest, longitude/latitude
    lon, lat = rng.uniform(73, 135, n_points), rng.uniform(18, 53, n_points)  # China's extent
    geographic = metric_for_crs(pyproj.CRS("EPSG:4326"))
    ours_s, ours = timed(lambda: knn(lon, lat, point_ids, 6, geographic), 1)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    graph_s, graph = timed(lambda: Graph.build_knn(lonlat, k=6, metric="haversine"), 1)
    differing = ((ours.matrix > 0).astype(int) - (graph.sparse > 0).astype(int)).count_nonzero() // 2
    rows.append({"benchmark": f"6 nearest neighbours, {n_points:,} lon/lat points", "ours_s": ours_s,
                 "peer": "libpysal graph.build_knn haversine", "peer_s": graph_s, "ratio": graph_s / ours_s,
                 "notes": f"ours geodesic (ellipsoid), peer sphere: {differing:,} links differ"})
    del graph

    # ------------------------------------------------ distance band, longitude/latitude
    n_band = 20_000 if quick else 100_000
    ours_s, ours = timed(lambda: distance_band(lon[:n_band], lat[:n_band], point_ids[:n_band], geographic, 20.0), 1)
    peer_s, peer = timed(lambda: DistanceBand(np.column_stack([lon[:n_band], lat[:n_band]]), threshold=20.0,
                                              radius=6371.0088, silence_warnings=True), 1)
    differing = ((ours.matrix > 0).astype(int) - (peer.sparse > 0).astype(int)).count_nonzero() // 2
    rows.append({"benchmark": f"distance band 20 km, {n_band:,} lon/lat points", "ours_s": ours_s,
                 "peer": "libpysal weights.DistanceBand (arc)", "peer_s": peer_s, "ratio": peer_s / ours_s,
                 "notes": f"{ours.n_links:,} links; ours geodesic, peer sphere: {differing:,} differ"})
    return rows
