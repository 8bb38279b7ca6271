"""Zonal statistics on hand-made rasters whose exact answers are known."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.raster_years import assign_years, parse_years, year_from_name
from digital_resilience.core.indices.zonal import ZonalOptions, output_stems, zonal_panel, zonal_statistics

rasterio = pytest.importorskip("rasterio")


def write_raster(path, data, west=0.0, north=10.0, size=1.0, crs="EPSG:32650", nodata=-9999.0):
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs=crs, transform=from_origin(west, north, size, size),
                       nodata=nodata, tiled=True, blockxsize=16, blockysize=16) as target:
        target.write(data, 1)
    return str(path)


@pytest.fixture()
def grid(tmp_path):
    """10 x 10 pixels of 1 m, value = 10·row + col (row 0 at the top), pixel (0, 0) is no-data."""
    data = np.arange(100, dtype="float32").reshape(10, 10)
    data[0, 0] = -9999
    return write_raster(tmp_path / "grid_2019.tif", data)


ALL = ("mean", "sum", "count", "min", "max", "share")


def test_exact_answers(grid):
    zones = [
        shapely.box(0, 8, 2, 10),          # rows 0-1, cols 0-1: values (nodata), 1, 10, 11
        shapely.box(1.2, 0.2, 3.8, 2.8),   # centres x 1.5 2.5 3.5, y 0.5 1.5 2.5 -> rows 7-9, cols 1-3
        shapely.box(20, 20, 30, 30),       # outside the raster
        shapely.Polygon([(5.1, 5.1), (9.9, 5.1), (9.9, 9.9)]),  # triangle: centres with y < x
    ]
    found = zonal_statistics(zones, "EPSG:32650", grid, ZonalOptions(statistics=ALL, threshold=85))
    block = [71, 72, 73, 81, 82, 83, 91, 92, 93]
    triangle = [10 * r + c for r in range(10) for c in range(10)
                if 5.1 < c + 0.5 < 9.9 and 5.1 < 10 - (r + 0.5) < 9.9 and 10 - (r + 0.5) < c + 0.5]
    assert found["count"].tolist()[:3] == [3, 9, 0]
    assert found["sum"][:2].tolist() == [22, sum(block)]
    assert found["mean"][:2].tolist() == [22 / 3, sum(block) / 9]
    assert found["min"][:2].tolist() == [1, 71] and found["max"][:2].tolist() == [11, 93]
    assert found["share"][1] == pytest.approx(3 / 9)  # 91, 92, 93 > 85
    assert np.isnan(found["mean"][2]) and np.isnan(found["share"][2])
    assert found["count"][3] == len(triangle) and found["sum"][3] == sum(triangle)


def test_tiles_give_the_same_answer_as_one_read(grid):
    zones = [shapely.box(0.3, 0.3, 9.7, 9.7), shapely.box(2.2, 3.3, 7.7, 8.1)]
    whole = zonal_statistics(zones, "EPSG:32650", grid, ZonalOptions(statistics=ALL, threshold=40))
    for max_pixels in (1, 3, 7, 20):
        tiled = zonal_statistics(zones, "EPSG:32650", grid, ZonalOptions(statistics=ALL, threshold=40,
                                                                          max_pixels=max_pixels))
        for statistic in ALL:
            assert tiled[statistic] == pytest.approx(whole[statistic])


def test_zones_are_reprojected_to_the_raster(tmp_path):
    import pyproj

    data = np.ones((20, 20), dtype="float32")
    data[:, 10:] = 2.0
    path = write_raster(tmp_path / "utm.tif", data, west=500000.0, north=3400000.0, size=1000.0)
    # A zone given in geographic coordinates covering the right half of the raster.
    to_geo = pyproj.Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
    corners = [to_geo.transform(x, y) for x, y in ((510200, 3380200), (519800, 3380200), (519800, 3399800),
                                                   (510200, 3399800))]
    found = zonal_statistics([shapely.Polygon(corners)], "EPSG:4326", path, ZonalOptions(statistics=("mean", "count")))
    assert found["mean"][0] == 2.0 and found["count"][0] == 10 * 20  # columns 10-19, every row


def test_all_touched_counts_every_pixel_the_zone_touches(grid):
    zone = [shapely.box(2.6, 2.6, 3.4, 3.4)]  # around a pixel corner, no pixel centre inside
    centre = zonal_statistics(zone, "EPSG:32650", grid, ZonalOptions(statistics=("count",)))
    touched = zonal_statistics(zone, "EPSG:32650", grid, ZonalOptions(statistics=("count", "mean"),
                                                                      all_touched=True))
    assert centre["count"][0] == 0
    assert touched["count"][0] == 4 and touched["mean"][0] == (62 + 63 + 72 + 73) / 4


def test_years_from_names_or_a_list():
    assert year_from_name("/data/VIIRS_ntl_2019_v2.tif") == 2019
    assert year_from_name("ndvi.tif") is None and year_from_name("a_2018_2019.tif") is None
    assert assign_years(["a_2018.tif", "b_2019.tif"]) == [2018, 2019]
    assert assign_years(["x.tif", "y.tif"], [2011, 2012]) == [2011, 2012]
    assert assign_years(["single.tif"]) == [None]
    assert parse_years("2011-2013, 2015") == [2011, 2012, 2013, 2015]
    with pytest.raises(InputError, match=r"No single year .* in the file names y\.tif"):
        assign_years(["x_2011.tif", "y.tif"])
    with pytest.raises(InputError, match="2 years were given for 3 rasters"):
        assign_years(["a", "b", "c"], [2011, 2012])
    with pytest.raises(InputError, match="Several rasters are for the year\\(s\\) 2011"):
        assign_years(["a_2011.tif", "b_2011.tif"])


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_panel_fields_and_errors(grid, tmp_path):
    assert output_stems("NTL", ["mean"]) == {"mean": "NTL"}
    assert output_stems("NTLX", ["mean", "sum"]) == {"mean": "NTLMN", "sum": "NTLSM"}
    columns, aliases = zonal_panel([shapely.box(0, 8, 2, 10)], "EPSG:32650", [(grid, 2019)], "NTL",
                                   ZonalOptions(statistics=("mean", "count")))
    assert list(columns) == ["NTLMN_2019", "NTLCT_2019"] and columns["NTLCT_2019"].dtype == np.int64
    assert aliases["NTLMN_2019"] == "NTL mean 2019"
    with pytest.raises(InputError, match="1–5 letters"):
        zonal_panel([], "EPSG:32650", [(grid, 2019)], "NIGHTLIGHT", ZonalOptions())
    with pytest.raises(InputError, match="needs the threshold"):
        zonal_statistics([], "EPSG:32650", grid, ZonalOptions(statistics=("share",)))
    with pytest.raises(InputError, match="band 3 does not exist"):
        zonal_statistics([], "EPSG:32650", grid, ZonalOptions(band=3))
    no_crs = tmp_path / "nocrs.tif"
    with rasterio.open(no_crs, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32") as target:
        target.write(np.ones((2, 2), dtype="float32"), 1)
    with pytest.raises(InputError, match="has no coordinate reference system"):
        zonal_statistics([], "EPSG:32650", str(no_crs), ZonalOptions())
    with pytest.raises(InputError, match="cannot be opened"):
        zonal_statistics([], "EPSG:32650", str(tmp_path / "none.tif"), ZonalOptions())


UNDEFINED_CARTESIAN = ('ENGCRS["Undefined Cartesian SRS",EDATUM[""],CS[Cartesian,2],AXIS["(E)",east,ORDER[1],'
                       'LENGTHUNIT["Meter",1]],AXIS["(N)",north,ORDER[2],LENGTHUNIT["Meter",1]]]')


def test_zones_in_a_local_crs_are_explained(grid, tmp_path):
    """Zones in QGIS's "Undefined Cartesian SRS" and a raster in EPSG:3857 gave a pyproj ProjError traceback."""
    import pyproj

    path = write_raster(tmp_path / "merc.tif", np.ones((4, 4), dtype="float32"), crs="EPSG:3857")
    with pytest.raises(InputError, match=r"The zones \(Undefined Cartesian SRS\) cannot be transformed to the CRS of "
                                         r"the raster .*merc\.tif \(WGS 84 / Pseudo-Mercator\).*Set the zone layer"):
        zonal_statistics([shapely.box(0, 0, 1, 1)], pyproj.CRS.from_wkt(UNDEFINED_CARTESIAN), path, ZonalOptions())
