"""Contiguity and k-nearest-neighbour weights against independent references.

References:
* ``summary.json`` beside the sample: queen neighbour counts computed by the data set's
  own script with a shapely STRtree ``intersects`` query (a geometric method, not ours);
* libpysal's vertex-based ``Queen``/``Rook`` (an independent implementation);
* brute-force geodesic distances with pyproj ``Geod`` for k-nearest neighbours.
"""

import json

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.geodesy import metric_for_crs
from digital_resilience.core.weights.build import WeightsSpec, build_weights
from digital_resilience.core.weights.files import read_weights_file, write_gal, write_gwt
from digital_resilience.core.weights.knn import knn, nearest_neighbours
from digital_resilience.core.weights.summary import summarize


@pytest.fixture(scope="module")
def queen(cities_frame):
    return build_weights(cities_frame, cities_frame.adcode.to_numpy(), WeightsSpec("queen"))


def neighbour_sets(weights):
    return {weights.ids[i]: set(weights.ids[weights.neighbours(i)]) for i in range(weights.n)}


def test_queen_matches_the_data_sets_own_summary(queen, sample_dir):
    expected = json.loads((sample_dir / "summary.json").read_text())["neighbours"]
    summary = summarize(queen)
    assert {str(k): v for k, v in summary.histogram.items()} == expected["histogram"]
    assert summary.islands == [460300]  # 三沙市
    assert round(summary.mean_neighbours, 2) == expected["mean"]
    assert summary.symmetric


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_contiguity_equals_libpysal(cities_frame, kind):
    from libpysal.weights import Queen, Rook

    ours = build_weights(cities_frame, cities_frame.adcode.to_numpy(), WeightsSpec(kind))
    peer = (Queen if kind == "queen" else Rook).from_dataframe(
        cities_frame, ids=cities_frame.adcode.tolist(), use_index=False, silence_warnings=True
    )
    assert neighbour_sets(ours) == {i: set(peer.neighbors[i]) for i in peer.id_order}


def test_queen_on_a_grid_counts_corners_and_rook_does_not():
    import geopandas as gpd
    from shapely.geometry import box

    cells = [box(x, y, x + 1, y + 1) for y in range(3) for x in range(3)]
    frame = gpd.GeoDataFrame(geometry=cells, crs="EPSG:3857")
    ids = np.arange(9)
    queen = build_weights(frame, ids, WeightsSpec("queen"))
    rook = build_weights(frame, ids, WeightsSpec("rook"))
    assert queen.cardinalities.tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    assert rook.cardinalities.tolist() == [2, 3, 2, 3, 4, 3, 2, 3, 2]


def brute_force_knn(lon, lat, k):
    import pyproj

    geod = pyproj.Geod(ellps="WGS84")
    n = len(lon)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    _, _, metres = geod.inv(lon[i.ravel()], lat[i.ravel()], lon[j.ravel()], lat[j.ravel()])
    distances = (metres / 1000.0).reshape(n, n)
    np.fill_diagonal(distances, np.inf)
    order = np.argsort(distances, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(distances, order, axis=1)


def test_geodesic_knn_equals_brute_force_on_the_cities(cities_frame):
    lon, lat = cities_frame.lon.to_numpy(), cities_frame.lat.to_numpy()
    metric = metric_for_crs(cities_frame.crs)
    for k in (1, 4, 8):
        indices, distances = nearest_neighbours(lon, lat, k, metric)
        expected_idx, expected_dist = brute_force_knn(lon, lat, k)
        assert np.array_equal(np.sort(indices, axis=1), np.sort(expected_idx, axis=1))
        assert np.max(np.abs(distances - expected_dist)) < 1e-3  # 1 m


def test_geodesic_knn_equals_brute_force_worldwide():
    rng = np.random.default_rng(7)
    lon = rng.uniform(-180, 180, 400)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 400)))
    lat[:10] = rng.uniform(85, 90, 10)  # near a pole
    lon[10:20] = rng.choice([-179.9, 179.9], 10)  # across the antimeridian
    import pyproj

    metric = metric_for_crs(pyproj.CRS("EPSG:4326"))
    indices, distances = nearest_neighbours(lon, lat, 5, metric)
    expected_idx, expected_dist = brute_force_knn(lon, lat, 5)
    assert np.array_equal(np.sort(indices, axis=1), np.sort(expected_idx, axis=1))
    assert np.max(np.abs(distances - expected_dist)) < 1e-3


def test_planar_knn_equals_brute_force():
    import pyproj

    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1e5, 300), rng.uniform(0, 1e5, 300)
    metric = metric_for_crs(pyproj.CRS("EPSG:3857"), planar=True)
    indices, distances = nearest_neighbours(x, y, 3, metric)
    full = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(full, np.inf)
    expected = np.argsort(full, axis=1)[:, :3]
    assert np.array_equal(indices, expected)
    assert np.allclose(distances, np.take_along_axis(full, expected, axis=1) / 1000.0)


def test_knn_rejects_k_not_below_n():
    import pyproj

    metric = metric_for_crs(pyproj.CRS("EPSG:3857"), planar=True)
    with pytest.raises(InputError, match=r"k = 5 needs more than 5 units, but the layer has 5"):
        knn(np.arange(5.0), np.zeros(5), np.arange(5), 5, metric)


def test_knn_symmetric_makes_links_mutual(cities_frame):
    ids = cities_frame.adcode.to_numpy()
    asymmetric = build_weights(cities_frame, ids, WeightsSpec("knn", k=3))
    symmetric = build_weights(cities_frame, ids, WeightsSpec("knn", k=3, symmetric=True))
    assert not asymmetric.is_symmetric and symmetric.is_symmetric
    assert symmetric.cardinalities.min() >= 3


@pytest.mark.parametrize("transform", ["R", "B", "V"])
def test_transforms_equal_libpysal(queen, transform):
    w = queen.to_libpysal()
    w.transform = transform.lower()
    expected = w.sparse.toarray()
    assert np.allclose(queen.transformed(transform).toarray(), expected, atol=1e-12)


def test_gal_and_gwt_are_read_by_libpysal(queen, tmp_path):
    import libpysal

    gal, gwt = tmp_path / "w.gal", tmp_path / "w.gwt"
    write_gal(queen, gal, "cities", "adcode")
    write_gwt(queen, gwt, "cities", "adcode")
    expected = {str(k): {str(v) for v in vs} for k, vs in neighbour_sets(queen).items()}
    peer = libpysal.io.open(str(gal)).read()
    assert {str(k): {str(v) for v in peer.neighbors[k]} for k in peer.id_order} == expected
    peer_gwt = libpysal.io.open(str(gwt)).read()
    got = {str(k): {str(v) for v in peer_gwt.neighbors[k]} for k in peer_gwt.id_order}
    assert got == {k: v for k, v in expected.items() if v}  # GWT cannot list islands


def test_weights_files_round_trip_and_check_ids(queen, tmp_path):
    gal = tmp_path / "w.gal"
    write_gal(queen, gal, "cities", "adcode")
    back = read_weights_file(gal, queen.ids)
    assert (back.matrix != queen.matrix).nnz == 0
    reordered = queen.ids[::-1]
    back = read_weights_file(gal, reordered)
    assert neighbour_sets(back) == neighbour_sets(queen)
    with pytest.raises(InputError, match="not in the layer"):
        read_weights_file(gal, queen.ids[:-1])
    with pytest.raises(InputError, match="is for 367 units but the layer has 368"):
        read_weights_file(gal, np.append(queen.ids, 999999))
