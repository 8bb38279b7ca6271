"""Distance, kernel, economic and block weights against independent references.

References, none of them our own output:
* libpysal 4.14's ``weights.Kernel``, ``DistanceBand``, ``block_weights`` and W transforms,
  on planar points, where its conventions are ours (for kernels: except the diagonal,
  which libpysal fills with K(0) and we leave at zero, so it is dropped before comparing);
* libpysal's ``graph.Graph.build_kernel`` for the kernels it defines as we do;
* brute force: every pair's geodesic distance from pyproj's ``Geod`` (WGS84), then the
  formulas written out again in the test;
* hand computations on three points, written out below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.geodesy import Metric, metric_for_crs
from digital_resilience.core.weights.block import block_weights
from digital_resilience.core.weights.build import WeightsSpec, build_weights
from digital_resilience.core.weights.distance_band import distance_band
from digital_resilience.core.weights.economic import economic_distance, economic_values
from digital_resilience.core.weights.economic_geographic import economic_geographic
from digital_resilience.core.weights.inverse_distance import inverse_distance
from digital_resilience.core.weights.kernel import kernel_weights

PLANAR = Metric(False, None, None, "unit")
METRES = metric_for_crs(pyproj.CRS("EPSG:3857"), planar=True)  # straight lines in the plane, in km
GEOGRAPHIC = metric_for_crs(pyproj.CRS("EPSG:4326"))
WGS84 = pyproj.Geod(ellps="WGS84")
LIBPYSAL_NAMES = {"triangular": "triangular", "uniform": "uniform", "epanechnikov": "quadratic",
                  "quartic": "quartic", "gaussian": "gaussian"}


@pytest.fixture(scope="module")
def planar_points():
    rng = np.random.default_rng(11)
    return rng.uniform(0, 100, 120), rng.uniform(0, 60, 120)


@pytest.fixture(scope="module")
def world_points():
    """Points all over the globe, some near a pole and across the antimeridian."""
    rng = np.random.default_rng(5)
    lon = rng.uniform(-180, 180, 300)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 300)))
    lat[:8] = rng.uniform(86, 90, 8)
    lon[8:20] = rng.choice([-179.95, 179.95], 12)
    return lon, lat


def geodesic_matrix(lon, lat) -> np.ndarray:
    """Brute force: the km distance of every pair with pyproj's Geod (inf on the diagonal)."""
    n = len(lon)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    _, _, metres = WGS84.inv(lon[i.ravel()], lat[i.ravel()], lon[j.ravel()], lat[j.ravel()])
    d = (np.asarray(metres) / 1000.0).reshape(n, n)
    np.fill_diagonal(d, np.inf)
    return d


def dense(weights, transform="O") -> np.ndarray:
    return weights.transformed(transform).toarray()


# ----------------------------------------------------------------- kernels
@pytest.mark.parametrize("function", list(LIBPYSAL_NAMES))
@pytest.mark.parametrize("adaptive", [False, True])
def test_kernel_equals_libpysal_kernel_off_the_diagonal(planar_points, function, adaptive):
    from libpysal.weights import Kernel

    x, y = planar_points
    ours = kernel_weights(x, y, np.arange(len(x)), PLANAR, function, adaptive=adaptive, k=5)
    peer = Kernel(np.column_stack([x, y]), k=5, function=LIBPYSAL_NAMES[function], fixed=not adaptive)
    expected = peer.sparse.toarray()
    np.fill_diagonal(expected, 0.0)  # libpysal keeps K(0) there; our diagonal is zero
    assert np.allclose(dense(ours), expected, rtol=1e-12, atol=1e-15)
    assert (dense(ours) > 0).sum() == (expected > 0).sum()


@pytest.mark.parametrize("function", list(LIBPYSAL_NAMES))
def test_kernel_with_a_chosen_bandwidth_equals_libpysal(planar_points, function):
    from libpysal.weights import Kernel

    x, y = planar_points
    ours = kernel_weights(x, y, np.arange(len(x)), PLANAR, function, bandwidth=14.0)
    peer = Kernel(np.column_stack([x, y]), bandwidth=14.0, function=LIBPYSAL_NAMES[function])
    expected = peer.sparse.toarray()
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(dense(ours), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("function", "graph_name"), [("triangular", "triangular"),
                                                      ("epanechnikov", "parabolic"),
                                                      ("quartic", "bisquare")])
def test_kernel_equals_libpysal_graph_where_it_truncates_alike(planar_points, function, graph_name):
    """libpysal.graph defines these three as we do; its Gaussian is not truncated at the
    bandwidth and its boxcar is 1 rather than 1/2, so those are checked against Kernel only."""
    import geopandas as gpd
    from libpysal.graph import Graph

    x, y = planar_points
    ours = kernel_weights(x, y, np.arange(len(x)), PLANAR, function, bandwidth=14.0)
    peer = Graph.build_kernel(gpd.GeoSeries(gpd.points_from_xy(x, y)), kernel=graph_name, bandwidth=14.0)
    assert np.allclose(dense(ours), peer.sparse.toarray(), rtol=1e-12, atol=1e-15)


KERNEL_FORMULAS = {  # K(z) for z <= 1, written out again (GeoDa's and libpysal's definitions)
    "triangular": lambda z: 1 - z,
    "uniform": lambda z: np.full_like(z, 0.5),
    "epanechnikov": lambda z: 3 / 4 * (1 - z**2),
    "quartic": lambda z: 15 / 16 * (1 - z**2) ** 2,
    "gaussian": lambda z: np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi),
}


@pytest.mark.parametrize("function", list(KERNEL_FORMULAS))
@pytest.mark.parametrize("adaptive", [False, True])
def test_geodesic_kernel_equals_brute_force(world_points, function, adaptive):
    lon, lat = world_points
    k = 4
    d = geodesic_matrix(lon, lat)
    kth = np.sort(d, axis=1)[:, k - 1]
    if adaptive:
        h = (kth * 1.0000001)[:, None]
        nearest = np.argsort(d, axis=1)[:, :k]
        inside = np.zeros_like(d, dtype=bool)
        np.put_along_axis(inside, nearest, True, axis=1)
    else:
        h = kth.max() * 1.0000001
        inside = d <= h
    expected = np.where(inside, KERNEL_FORMULAS[function](np.minimum(d / h, 1.0)), 0.0)
    ours = kernel_weights(lon, lat, np.arange(len(lon)), GEOGRAPHIC, function, adaptive=adaptive, k=k)
    assert np.allclose(dense(ours), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("geographic", [False, True])
def test_knn_in_many_chunks_equals_brute_force(world_points, monkeypatch, geographic):
    """Large layers are queried in chunks, in the KD-tree's order: small chunks here."""
    from digital_resilience.core.weights import knn as knn_module

    monkeypatch.setattr(knn_module, "CHUNK", 37)
    lon, lat = world_points
    if geographic:
        x, y, metric, d = lon, lat, GEOGRAPHIC, geodesic_matrix(lon, lat)
    else:
        x, y, metric = lon * 1000.0, lat * 1000.0, PLANAR
        d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
        np.fill_diagonal(d, np.inf)
    indices, distances = knn_module.nearest_neighbours(x, y, 5, metric)
    expected = np.argsort(d, axis=1, kind="stable")[:, :5]
    assert np.array_equal(np.sort(indices, axis=1), np.sort(expected, axis=1))
    assert np.allclose(distances, np.take_along_axis(d, expected, axis=1), rtol=1e-12, atol=1e-9)


# --------------------------------------------- distance band, inverse distance
def test_geodesic_distance_band_equals_brute_force(world_points):
    lon, lat = world_points
    d = geodesic_matrix(lon, lat)
    for threshold in (300.0, 1500.0, 2500.0):
        ours = distance_band(lon, lat, np.arange(len(lon)), GEOGRAPHIC, threshold)
        assert np.array_equal(dense(ours) > 0, d <= threshold)


def test_automatic_threshold_is_the_largest_nearest_neighbour_distance(world_points):
    lon, lat = world_points
    d = geodesic_matrix(lon, lat)
    ours = distance_band(lon, lat, np.arange(len(lon)), GEOGRAPHIC)
    assert ours.params["threshold"] == pytest.approx(d.min(axis=1).max(), abs=1e-6)  # 1 mm
    assert ours.cardinalities.min() >= 1
    assert np.array_equal(dense(ours) > 0, d <= d.min(axis=1).max() * (1 + 1e-12))


def test_planar_distance_band_and_inverse_distance_equal_libpysal(planar_points):
    from libpysal.weights import DistanceBand

    x, y = planar_points
    ids = np.arange(len(x))
    band = distance_band(x, y, ids, PLANAR, 12.0)
    peer = DistanceBand(np.column_stack([x, y]), threshold=12.0, silence_warnings=True)
    assert np.array_equal(dense(band), peer.sparse.toarray())
    for alpha in (1.0, 2.0):
        ours = inverse_distance(x, y, ids, PLANAR, power=alpha, cutoff=12.0)
        peer = DistanceBand(np.column_stack([x, y]), threshold=12.0, binary=False, alpha=-alpha,
                            silence_warnings=True)
        assert np.allclose(dense(ours), peer.sparse.toarray(), rtol=1e-12)


def test_geodesic_inverse_distance_without_cutoff_equals_brute_force(world_points):
    lon, lat = world_points
    d = geodesic_matrix(lon, lat)
    ours = inverse_distance(lon, lat, np.arange(len(lon)), GEOGRAPHIC, power=2.0)
    assert np.allclose(dense(ours), 1.0 / d**2, rtol=1e-9)
    assert ours.n_links == len(lon) * (len(lon) - 1)


def test_variance_stabilising_transform_of_weighted_weights_equals_libpysal(planar_points):
    x, y = planar_points
    ours = inverse_distance(x, y, np.arange(len(x)), PLANAR, cutoff=15.0)
    for transform in ("R", "B", "V"):
        w = ours.to_libpysal()
        w.transform = transform.lower()
        assert np.allclose(dense(ours, transform), w.sparse.toarray(), rtol=1e-12)


def test_distance_units_of_a_metre_crs_are_km():
    # Three points on a line, 1 km and 2 km apart (EPSG:3857 is in metres).
    x, y = np.array([0.0, 1000.0, 3000.0]), np.zeros(3)
    band = distance_band(x, y, np.arange(3), METRES, 1.5)
    assert dense(band).tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    ours = inverse_distance(x, y, np.arange(3), METRES)
    assert np.allclose(dense(ours), [[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]])


# ------------------------------------------------------------- economic kinds
def test_economic_distance_by_hand():
    # x̄ = 1, 3, 4: w = 1/|x̄_i − x̄_j|.
    ours = economic_distance(np.array([1.0, 3.0, 4.0]), np.array(["a", "b", "c"]))
    assert np.allclose(dense(ours), [[0, 1 / 2, 1 / 3], [1 / 2, 0, 1], [1 / 3, 1, 0]])


def test_economic_values_average_every_year_of_the_stem():
    frame = pd.DataFrame({"GDPPC_2011": [1.0, 2.0, np.nan], "GDPPC_2012": [3.0, 6.0, 5.0],
                          "GDPPC_2013": [5.0, 7.0, 9.0], "OTHER": [0.0, 0.0, 0.0]})
    values, columns = economic_values(frame, "GDPPC_2013", ["a", "b", "c"], all_years=True)
    assert columns == ["GDPPC_2011", "GDPPC_2012", "GDPPC_2013"]
    assert values.tolist() == [3.0, 5.0, 7.0]  # c: mean of its two known years
    values, columns = economic_values(frame, "GDPPC_2013", ["a", "b", "c"], all_years=False)
    assert (values.tolist(), columns) == ([5.0, 7.0, 9.0], ["GDPPC_2013"])


def three_points_on_a_line():
    """Points 1 km and 2 km apart (d12 = 1, d13 = 3, d23 = 2 km) with x̄ = 1, 3, 4."""
    return np.array([0.0, 1000.0, 3000.0]), np.zeros(3), np.array([1.0, 3.0, 4.0]), np.arange(3)


def test_nested_economic_geographic_weights_by_hand():
    x, y, values, ids = three_points_on_a_line()
    # Row-standardised W_d = 1/d:   [0, 1, 1/3]/(4/3), [1, 0, 1/2]/(3/2), [1/3, 1/2, 0]/(5/6)
    w_d = np.array([[0, 0.75, 0.25], [2 / 3, 0, 1 / 3], [0.4, 0.6, 0]])
    # Row-standardised W_e = 1/|Δx̄|: [0, 1/2, 1/3]/(5/6), [1/2, 0, 1]/(3/2), [1/3, 1, 0]/(4/3)
    w_e = np.array([[0, 0.6, 0.4], [1 / 3, 0, 2 / 3], [0.25, 0.75, 0]])
    for share in (0.5, 0.3):
        ours = economic_geographic(x, y, values, ids, METRES, share=share)
        assert np.allclose(dense(ours), share * w_d + (1 - share) * w_e, rtol=1e-12)
    assert np.allclose(dense(economic_geographic(x, y, values, ids, METRES, share=0.5)),
                       [[0, 0.675, 0.325], [0.5, 0, 0.5], [0.325, 0.675, 0]])


def test_product_economic_geographic_weights_by_hand():
    x, y, values, ids = three_points_on_a_line()
    # w_ij = (x̄_j / mean x̄) / d_ij, mean x̄ = 8/3: column scales 3/8, 9/8, 12/8.
    expected = [[0, 9 / 8, 1 / 3 * 12 / 8], [3 / 8, 0, 1 / 2 * 12 / 8], [1 / 3 * 3 / 8, 1 / 2 * 9 / 8, 0]]
    ours = economic_geographic(x, y, values, ids, METRES, nesting="product")
    assert np.allclose(dense(ours), expected, rtol=1e-12)
    assert not ours.is_symmetric


def test_economic_weights_from_a_wide_panel_layer(cities_frame, sample_dir):
    """GDPPC_2011 … GDPPC_2019 of the synthetic panel joined to the cities, averaged."""
    from digital_resilience.core.panel import long_to_wide

    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    wide = long_to_wide(panel, "adcode", "year", ["GDPPC"])
    frame = cities_frame.merge(wide, left_on="adcode", right_index=True)
    ids = frame.adcode.to_numpy()
    ours = build_weights(frame, ids, WeightsSpec("economic", field="GDPPC_2019"))
    mean = panel.groupby("adcode").GDPPC.mean().loc[ids].to_numpy()
    expected = 1 / np.abs(mean[:, None] - mean[None, :])
    np.fill_diagonal(expected, 0)
    assert np.allclose(dense(ours), expected, rtol=1e-12)
    assert np.allclose(dense(ours, "R").sum(axis=1), 1.0)
    nested = build_weights(frame, ids, WeightsSpec("economic_geographic", field="GDPPC_2019"))
    assert np.allclose(dense(nested, "O").sum(axis=1), 1.0)  # a mix of two row-standardised matrices


# ------------------------------------------------------------------- block
def test_block_weights_equal_libpysal(cities_frame):
    from libpysal.weights import block_weights as peer_block

    ids = cities_frame.adcode.to_numpy()
    ours = block_weights(cities_frame.province.to_numpy(), ids, "province")
    peer = peer_block(cities_frame.province.tolist(), ids=ids.tolist(), silence_warnings=True)
    assert {u: set(ours.ids[ours.neighbours(i)]) for i, u in enumerate(ids)} == {
        u: set(peer.neighbors[u]) for u in ids}
    # Municipalities are alone in their province: islands.
    assert set(ours.ids[ours.islands]) == {110100, 120100, 310100, 500000}


# ------------------------------------------------------------------ islands
def test_attached_island_gets_its_nearest_unit_both_ways(cities_frame):
    ids = cities_frame.adcode.to_numpy()
    queen = build_weights(cities_frame, ids, WeightsSpec("queen", transform="B"))
    attached = build_weights(cities_frame, ids, WeightsSpec("queen", transform="B", attach_islands=True))
    centroids = cities_frame.geometry.centroid
    island = int(np.flatnonzero(ids == 460300)[0])  # Sansha
    d = geodesic_matrix(centroids.x.to_numpy(), centroids.y.to_numpy())[island]
    nearest = int(np.argmin(d))
    difference = dense(attached) - dense(queen)
    assert set(zip(*np.nonzero(difference))) == {(island, nearest), (nearest, island)}
    assert attached.params["attached_islands"] == [460300]
    assert attached.is_symmetric and len(attached.islands) == 0


def test_attach_islands_to_a_distance_band_and_inverse_distance():
    # Units 0-1 are 1 km apart, unit 2 is 10 km from unit 1.
    x, y = np.array([0.0, 1000.0, 11000.0]), np.zeros(3)
    import geopandas as gpd

    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:3857")
    band = build_weights(frame, np.arange(3), WeightsSpec("distance_band", distance=2.0, attach_islands=True,
                                                          transform="O"))
    assert dense(band).tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    inverse = build_weights(frame, np.arange(3), WeightsSpec("inverse_distance", distance=2.0, power=2.0,
                                                             attach_islands=True, transform="O"))
    assert np.allclose(dense(inverse), [[0, 1, 0], [1, 0, 1 / 100], [0, 1 / 100, 0]])


# --------------------------------------------------------------- bad input
def test_a_threshold_that_leaves_islands_names_them_and_the_fix(cities_frame):
    ids = cities_frame.adcode.to_numpy()
    with pytest.raises(InputError) as error:
        build_weights(cities_frame, ids, WeightsSpec("distance_band", distance=300))
    message = str(error.value)
    assert "Within 300 km, 7 unit(s) have no neighbour: 150700, 232700, 460300" in message
    assert "Use at least 1051.07 km" in message and "attach islands" in message
    with pytest.raises(InputError, match=r"Within 100 km, .* have no neighbour.*\.$"):
        build_weights(cities_frame, ids, WeightsSpec("kernel", distance=100))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: inverse_distance(np.array([0.0, 0.0, 5.0]), np.zeros(3), np.array(["a", "b", "c"]), PLANAR),
     r"1 pair\(s\) of units share the same point, so 1/distance is infinite: a–b"),
    (lambda: economic_distance(np.array([1.0, 2.0, 2.0]), np.array(["a", "b", "c"])),
     r"1 pair\(s\) of units have the same value.*: b–c"),
    (lambda: economic_values(pd.DataFrame({"G": [1.0, np.nan]}), "G", ["a", "b"]),
     r"1 unit\(s\) have no value in G: b"),
    (lambda: economic_values(pd.DataFrame({"G": [1.0, 2.0]}), None, ["a", "b"]),
     r"Economic weights need a numeric field"),
    (lambda: economic_values(pd.DataFrame({"G": ["x", "y"]}), "G", ["a", "b"]),
     r"The field G is not numeric"),
    (lambda: economic_values(pd.DataFrame({"G_2011": [1.0]}), "H_2011", ["a"]),
     r"The layer has no yearly fields H_YYYY; its yearly fields are: G"),
    (lambda: block_weights(np.array(["x", None, "x"], dtype=object), np.array(["a", "b", "c"]), "prov"),
     r"1 unit\(s\) have no value in the block field prov: b"),
    (lambda: kernel_weights(np.zeros(4), np.zeros(4), np.arange(4), PLANAR, adaptive=True, k=2),
     r"share their point with 2 or more others"),
    (lambda: economic_geographic(np.arange(3.0), np.zeros(3), np.array([1.0, -2.0, 3.0]), np.arange(3), PLANAR,
                                 nesting="product"),
     r"needs a positive variable .* 1 unit\(s\) have a mean of zero or less: 1"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_dense_weights_are_refused_beyond_the_limit(monkeypatch):
    from digital_resilience.core.weights import distance, economic

    monkeypatch.setattr(distance, "MAX_DENSE_UNITS", 10)
    monkeypatch.setattr(economic, "MAX_DENSE_UNITS", 10)
    x = np.arange(11.0)
    with pytest.raises(InputError, match=r"11 units would make 110 links.*Set a cut-off distance"):
        inverse_distance(x, np.zeros(11), np.arange(11), PLANAR)
    with pytest.raises(InputError, match=r"Economic weights link every pair of units: 11 units"):
        economic_distance(x, np.arange(11))


def test_kind_specific_fields_are_required(cities_frame):
    ids = cities_frame.adcode.to_numpy()
    with pytest.raises(InputError, match="Block weights need a category field"):
        build_weights(cities_frame, ids, WeightsSpec("block"))
    with pytest.raises(InputError, match="The layer has no field nothing"):
        build_weights(cities_frame, ids, WeightsSpec("block", block_field="nothing"))
    with pytest.raises(InputError, match="Economic weights need a numeric field"):
        build_weights(cities_frame, ids, WeightsSpec("economic_geographic"))


# --------------------------------------------------------------- distances in a projected CRS
def _sample_points(cities_frame):
    """The sample's city centroids as points, in EPSG:4326 and projected to EPSG:3857."""
    import geopandas as gpd

    centroids = cities_frame.geometry.to_crs("EPSG:4326").centroid
    points = gpd.GeoDataFrame(geometry=centroids.values, crs="EPSG:4326")
    return points, points.to_crs("EPSG:3857")


def _links(weights):
    coo = weights.matrix.tocoo()
    return {(weights.ids[i], weights.ids[j]) for i, j in zip(coo.row, coo.col)}


def test_distance_band_in_a_projected_crs_is_geodesic_unless_planar_is_asked(cities_frame):
    """EPSG:3857 stretches distances by 1/cos(latitude): a 300 km band measured on its plane lost about a
    quarter of the links. Geodesic (the default, as core-node coverage) must equal pyproj.Geod's links
    between the same points; planar=True must equal straight lines in the plane (spdep longlat = FALSE)."""
    geographic, mercator = _sample_points(cities_frame)
    ids = np.arange(len(geographic))
    lon, lat = geographic.geometry.x.to_numpy(), geographic.geometry.y.to_numpy()
    i, j = np.triu_indices(len(lon), k=1)
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lon[i], lat[i], lon[j], lat[j])
    near = np.asarray(metres) <= 1_100_000
    expected = {(a, b) for a, b in zip(i[near], j[near])} | {(b, a) for a, b in zip(i[near], j[near])}
    spec = WeightsSpec("distance_band", distance=1100, transform="O")
    assert _links(build_weights(mercator, ids, spec)) == expected
    assert _links(build_weights(geographic, ids, spec)) == expected
    assert build_weights(mercator, ids, spec).params["distances"].startswith("geodesic on the WGS 84 ellipsoid")
    x, y = mercator.geometry.x.to_numpy(), mercator.geometry.y.to_numpy()
    plane = np.hypot(x[j] - x[i], y[j] - y[i]) <= 1_100_000
    planar = build_weights(mercator, ids, WeightsSpec("distance_band", distance=1100, transform="O", planar=True))
    assert _links(planar) == {(a, b) for a, b in zip(i[plane], j[plane])} | {(b, a) for a, b in zip(i[plane], j[plane])}
    assert planar.params["distances"] == "planar, straight lines in WGS 84 / Pseudo-Mercator"
    assert len(_links(planar)) < 0.8 * len(expected)  # the distortion the issue measured (about −26 %)


def test_knn_and_contiguity_need_no_crs(cities_frame):
    """Neighbours by rank or by shared borders are the same in any unit: a layer without a CRS
    gives the planar k nearest neighbours; distances in km still need a CRS."""
    import geopandas as gpd

    _, mercator = _sample_points(cities_frame)
    ids = np.arange(len(mercator))
    bare = gpd.GeoDataFrame(geometry=list(mercator.geometry))
    assert bare.crs is None
    with_crs = build_weights(mercator, ids, WeightsSpec("knn", k=4, planar=True))
    without = build_weights(bare, ids, WeightsSpec("knn", k=4))
    assert _links(without) == _links(with_crs)
    assert without.params["distances"] == "planar, in the layer's units (the layer has no CRS)"
    polygons = gpd.GeoDataFrame(geometry=list(cities_frame.geometry))
    queen = build_weights(polygons, cities_frame.adcode.to_numpy(), WeightsSpec("queen", attach_islands=True))
    assert queen.islands.size == 0
    with pytest.raises(InputError, match="no coordinate reference system"):
        build_weights(bare, ids, WeightsSpec("distance_band", distance=300))
