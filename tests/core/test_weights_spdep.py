"""Neighbour lists against R spdep (poly2nb, nblag, knearneigh, dnearneigh).

How the reference was produced: ``tests/reference/spdep_neighbours.R`` (R 4.2.2,
spdep 1.2-7, spData 2.2.1, sf 1.0-9, run with ``Rscript tests/reference/spdep_neighbours.R``
from the repository root) read spData's ``columbus`` polygons and ``baltim`` points,
wrote them to ``tests/reference/spdep_data.gpkg``, read them back, and printed spdep's
neighbour lists for them and for the China sample into ``spdep_neighbours.txt`` (ids,
neighbour ids, k-nearest distances and the coordinates R used, 17 significant digits).
Both files are committed because CI has no R. Nothing here is compared with our own output.

Data and what each case checks:

* columbus (49 polygons, planar) and the China sample (367 polygons, longitude/latitude):
  ``poly2nb`` queen and rook; ``nblag`` orders 2 and 3 (exact) and ``nblag_cumul``;
* columbus centroids (computed by sf; ours must equal them) and baltim (211 points with
  integer-like coordinates, so many distances tie): ``knearneigh`` and ``dnearneigh``,
  including the smallest threshold that gives every point a neighbour;
* China, the layer's ``lon``/``lat`` points projected by PROJ to the sample's Albers
  conic (planar, metres): ``knearneigh`` and ``dnearneigh`` at 150 and 300 km;
* China in longitude/latitude: spdep's ``longlat = TRUE`` does not measure the geodesic
  on the ellipsoid as we do (Karney's algorithm in pyproj), but an approximate
  great-circle formula; its distances differ from ours by up to about 1e-5 relative
  (asserted below). Neighbour lists can then differ only for a pair whose distance lies
  within that margin of the threshold or of the k-th neighbour's distance; the test
  checks that no pair does, and then requires equal lists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digital_resilience.core.geodesy import Metric, metric_for_crs
from digital_resilience.core.weights.build import WeightsSpec, build_weights
from digital_resilience.core.weights.contiguity import contiguity
from digital_resilience.core.weights.distance import pairs_within
from digital_resilience.core.weights.distance_band import distance_band
from digital_resilience.core.weights.higher_order import higher_order
from digital_resilience.core.weights.knn import knn, nearest_neighbours

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
ALBERS_CHINA = ("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=WGS84 "
                "+units=m +no_defs")
PLANAR = Metric(False, None, None, "unit")  # spData's columbus and baltim have no CRS
#: Largest relative difference between spdep's longlat distances and pyproj's geodesics.
LONGLAT_MARGIN = 2e-5


def parse_reference(path: Path) -> dict:
    """{case: {"params": {...}, "nb": {id: [ids]}, "dist": {id: [km]}, "xy": {id: [x, y]}}}."""
    cases, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            continue
        if line.startswith("## "):
            current = cases.setdefault(line[3:], {"params": {}, "nb": {}, "dist": {}, "xy": {}})
            continue
        if line.startswith("! "):
            key, value = line[2:].split()
            current["params"][key] = float(value)
            continue
        for separator, key in ((":", "nb"), ("~", "dist"), ("@", "xy")):
            head, found, rest = line.partition(separator)
            if found and " " not in head:
                values = rest.split()
                current[key][head] = values if key == "nb" else [float(v) for v in values]
                break
        else:
            raise ValueError(f"unreadable reference line: {line!r}")
    return cases


@pytest.fixture(scope="module")
def spdep():
    return parse_reference(REFERENCE / "spdep_neighbours.txt")


@pytest.fixture(scope="module")
def columbus():
    import geopandas as gpd

    frame = gpd.read_file(REFERENCE / "spdep_data.gpkg", layer="columbus")
    frame["POLYID"] = frame.POLYID.astype(int)
    return frame


@pytest.fixture(scope="module")
def baltim():
    import geopandas as gpd

    frame = gpd.read_file(REFERENCE / "spdep_data.gpkg", layer="baltim")
    frame["STATION"] = frame.STATION.astype(int)
    return frame


@pytest.fixture(scope="module")
def china_albers(cities_frame, spdep):
    import pyproj

    transformer = pyproj.Transformer.from_crs("EPSG:4326", ALBERS_CHINA, always_xy=True)
    x, y = transformer.transform(cities_frame.lon.to_numpy(), cities_frame.lat.to_numpy())
    expected = spdep["china albers"]["xy"]
    ids = cities_frame.adcode.to_numpy()
    assert max(max(abs(x[i] - expected[str(u)][0]), abs(y[i] - expected[str(u)][1]))
               for i, u in enumerate(ids)) < 1e-3  # the same projected points as R, to 1 mm
    return x, y, ids, metric_for_crs(pyproj.CRS(ALBERS_CHINA), planar=True)  # spdep: longlat = FALSE


def neighbour_sets(weights) -> dict:
    return {str(weights.ids[i]): {str(j) for j in weights.ids[weights.neighbours(i)]}
            for i in range(weights.n)}


def reference_sets(spdep, case) -> dict:
    return {unit: set(neighbours) for unit, neighbours in spdep[case]["nb"].items()}


# ---------------------------------------------------------------- contiguity
@pytest.mark.parametrize("kind", ["queen", "rook"])
@pytest.mark.parametrize("data", ["columbus", "china"])
def test_contiguity_equals_poly2nb(spdep, columbus, cities_frame, data, kind):
    frame, ids = (columbus, columbus.POLYID) if data == "columbus" else (cities_frame, cities_frame.adcode)
    ours = contiguity(frame.geometry.values, ids.to_numpy(), rook=kind == "rook")
    assert neighbour_sets(ours) == reference_sets(spdep, f"{data} {kind}")


@pytest.mark.parametrize(("data", "order", "cumulative"), [
    ("columbus", 2, False), ("columbus", 3, False), ("columbus", 3, True),
    ("china", 2, False), ("china", 2, True),
])
def test_higher_order_equals_nblag(spdep, columbus, cities_frame, data, order, cumulative):
    frame, ids = (columbus, columbus.POLYID) if data == "columbus" else (cities_frame, cities_frame.adcode)
    queen = contiguity(frame.geometry.values, ids.to_numpy())
    ours = higher_order(queen, order, cumulative)
    case = f"{data} queen order {order} {'cumulative' if cumulative else 'exact'}"
    assert neighbour_sets(ours) == reference_sets(spdep, case)


def test_build_weights_gives_higher_orders_of_the_china_sample(spdep, cities_frame):
    ours = build_weights(cities_frame, cities_frame.adcode.to_numpy(),
                         WeightsSpec("queen", order=2, cumulative=True))
    assert neighbour_sets(ours) == reference_sets(spdep, "china queen order 2 cumulative")


# ------------------------------------------------ k nearest, distance band (planar)
def test_our_centroids_are_rs(spdep, columbus):
    expected = spdep["columbus centroids"]["xy"]
    centroids = columbus.geometry.centroid
    for position, unit in enumerate(columbus.POLYID):
        assert centroids.x[position] == pytest.approx(expected[str(unit)][0], abs=1e-12)
        assert centroids.y[position] == pytest.approx(expected[str(unit)][1], abs=1e-12)


def points_of(data, columbus, baltim):
    if data == "columbus":
        centroids = columbus.geometry.centroid
        return centroids.x.to_numpy(), centroids.y.to_numpy(), columbus.POLYID.to_numpy()
    return baltim.geometry.x.to_numpy(), baltim.geometry.y.to_numpy(), baltim.STATION.to_numpy()


@pytest.mark.parametrize(("data", "k"), [("columbus", 1), ("columbus", 4), ("columbus", 6),
                                         ("baltim", 1), ("baltim", 4), ("baltim", 8)])
def test_knn_equals_knearneigh(spdep, columbus, baltim, data, k):
    """Equal lists; where the k-th and (k+1)-th distances tie (baltim's coordinates are
    on a grid), either choice is right: then the sorted distances must be equal and
    every differing neighbour must lie exactly at the k-th distance."""
    x, y, ids = points_of(data, columbus, baltim)
    indices, distances = nearest_neighbours(x, y, k, PLANAR)
    expected = reference_sets(spdep, f"{data} knn {k}")
    expected_distances = spdep[f"{data} knn {k}"]["dist"]
    ties = 0
    for position, unit in enumerate(ids):
        ours = {str(j) for j in ids[indices[position]]}
        assert np.allclose(np.sort(distances[position]), expected_distances[str(unit)], rtol=1e-12)
        if ours != expected[str(unit)]:
            ties += 1
            kth = np.sort(distances[position])[-1]
            position_of = {str(u): i for i, u in enumerate(ids)}
            for other in ours ^ expected[str(unit)]:
                j = position_of[other]
                assert np.hypot(x[j] - x[position], y[j] - y[position]) == pytest.approx(kth, rel=1e-12)
    assert ties <= (0 if data == "columbus" else 8)  # baltim: 2, 4 and 7 tied units for k = 1, 4, 8
    assert neighbour_sets(knn(x, y, ids, k, PLANAR)).keys() == expected.keys()


@pytest.mark.parametrize("data", ["columbus", "baltim"])
@pytest.mark.parametrize("threshold", ["smallest", "low", "high"])
def test_distance_band_equals_dnearneigh(spdep, columbus, baltim, data, threshold):
    x, y, ids = points_of(data, columbus, baltim)
    cases = [c for c in spdep if c.startswith(f"{data} band ")]
    case = {"smallest": f"{data} band smallest", "low": cases[1], "high": cases[2]}[threshold]
    chosen = spdep[case]["params"]["threshold"]
    ours = distance_band(x, y, ids, PLANAR, 0.0 if threshold == "smallest" else chosen)
    assert ours.params["threshold"] == pytest.approx(chosen, rel=1e-14)
    assert neighbour_sets(ours) == reference_sets(spdep, case)


@pytest.mark.parametrize("k", [4, 6])
def test_knn_of_the_projected_china_sample_equals_knearneigh(spdep, china_albers, k):
    x, y, ids, metric = china_albers
    ours = knn(x, y, ids, k, metric)
    assert neighbour_sets(ours) == reference_sets(spdep, f"china albers knn {k}")


@pytest.mark.parametrize("metres", [150000, 300000])
def test_distance_band_of_the_projected_china_sample_equals_dnearneigh(spdep, china_albers, metres):
    x, y, ids, metric = china_albers
    ours = distance_band(x, y, ids, metric, metres / 1000.0)  # km for a metre-based CRS
    assert neighbour_sets(ours) == reference_sets(spdep, f"china albers band {metres}")


def test_smallest_threshold_of_the_projected_china_sample(spdep, china_albers):
    x, y, ids, metric = china_albers
    ours = distance_band(x, y, ids, metric)
    expected_m = spdep["china albers band smallest"]["params"]["threshold"]
    assert ours.params["threshold"] * 1000 == pytest.approx(expected_m, rel=1e-12)
    assert len(ours.islands) == 0


# ------------------------------------------------------- longitude/latitude
@pytest.fixture(scope="module")
def china_lonlat(cities_frame):
    import pyproj

    return (cities_frame.lon.to_numpy(), cities_frame.lat.to_numpy(), cities_frame.adcode.to_numpy(),
            metric_for_crs(pyproj.CRS("EPSG:4326")))


@pytest.mark.parametrize("k", [4, 6])
def test_geodesic_knn_equals_knearneigh_longlat(spdep, china_lonlat, k):
    lon, lat, ids, metric = china_lonlat
    _, distances = nearest_neighbours(lon, lat, k, metric)
    reference = spdep[f"china longlat knn {k}"]
    for position, unit in enumerate(ids):
        relative = np.sort(distances[position]) / np.array(reference["dist"][str(unit)]) - 1
        assert np.abs(relative).max() < LONGLAT_MARGIN
    # No unit's k-th and (k+1)-th neighbours are within the margin of each other, so the
    # two distance formulas cannot order them differently...
    _, wider = nearest_neighbours(lon, lat, k + 1, metric)
    gap = wider[:, k] / wider[:, k - 1] - 1
    assert gap.min() > 2 * LONGLAT_MARGIN
    # ...and the lists must be equal.
    assert neighbour_sets(knn(lon, lat, ids, k, metric)) == reference_sets(spdep, f"china longlat knn {k}")


@pytest.mark.parametrize("km", [150, 300])
def test_geodesic_distance_band_equals_dnearneigh_longlat(spdep, china_lonlat, km):
    """Equal lists, except that a pair whose geodesic distance lies within the margin of
    the threshold may fall either way (at 300 km three pairs lie 3–22 m beyond it)."""
    lon, lat, ids, metric = china_lonlat
    ours = neighbour_sets(distance_band(lon, lat, ids, metric, float(km)))
    expected = reference_sets(spdep, f"china longlat band {km}")
    i, j, d = pairs_within(lon, lat, km * (1 + 10 * LONGLAT_MARGIN), metric)
    close = np.abs(d / km - 1) < LONGLAT_MARGIN
    undecided = {(str(ids[a]), str(ids[b])) for a, b in zip(i[close], j[close])}
    differing = {(unit, other) for unit in ours for other in ours[unit] ^ expected[unit]}
    assert differing <= undecided
    assert sum(len(v) for v in ours.values()) == {150: 1598, 300: 5718}[km]  # spdep's link counts


def test_smallest_geodesic_threshold_is_spdeps_within_the_margin(spdep, china_lonlat):
    lon, lat, ids, metric = china_lonlat
    ours = distance_band(lon, lat, ids, metric)
    expected = spdep["china longlat band smallest"]["params"]["threshold"]
    assert ours.params["threshold"] == pytest.approx(expected, rel=LONGLAT_MARGIN)
