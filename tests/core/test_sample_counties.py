"""The county-level sample (resources/sample/china_counties.gpkg, made by make_china_counties.py):
2,848 points, each inside the polygon of its prefecture in china_cities.gpkg (the attribute
mapping checked against the geometry), in its province, with unique adcodes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    gpd = pytest.importorskip("geopandas")
    folder = tmp_path_factory.mktemp("sample")
    for name in ("china_counties.gpkg", "china_cities.gpkg", "china_provinces.gpkg"):
        shutil.copy(SAMPLE / name, folder / name)
    return (gpd.read_file(folder / "china_counties.gpkg", layer="counties"),
            gpd.read_file(folder / "china_cities.gpkg", layer="cities"),
            gpd.read_file(folder / "china_provinces.gpkg", layer="provinces"))


def test_counts_fields_and_codes(layers):
    counties, cities, provinces = layers
    assert len(counties) == 2848 and counties.adcode.is_unique
    assert counties.crs.to_epsg() == 4326 and (counties.geom_type == "Point").all()
    assert set(counties.prefecture_adcode) == set(cities.adcode)  # every prefecture row has a county
    assert set(counties.province_adcode) == set(provinces.adcode)
    np.testing.assert_allclose(counties.geometry.x, counties.lon)
    np.testing.assert_allclose(counties.geometry.y, counties.lat)
    # an adcode's first two digits are its province's
    assert ((counties.adcode // 10000) == (counties.province_adcode // 10000)).all()
    # the province-administered units and the municipalities
    prefecture = dict(zip(counties.adcode, counties.prefecture_adcode))
    assert prefecture[419001] == 419001 and prefecture[429004] == 429004 and prefecture[659001] == 659001
    assert prefecture[441900] == 441900 and prefecture[460400] == 460400
    assert prefecture[110101] == 110100 and prefecture[310101] == 310100 and prefecture[500101] == 500000
    assert prefecture[420102] == 420100  # 武汉 江岸区
    assert abs(counties.area_km2.sum() - cities.area_km2.sum()) < 0.001 * cities.area_km2.sum()


def test_every_county_point_lies_in_its_prefecture_polygon(layers):
    import shapely

    counties, cities, _ = layers
    polygon = dict(zip(cities.adcode, cities.geometry.values))
    own = np.array([polygon[a] for a in counties.prefecture_adcode], dtype=object)
    inside = shapely.within(counties.geometry.values, own)
    assert inside.all(), counties.name[~inside].tolist()
    # and in no other prefecture's (the polygons do not overlap)
    tree = shapely.STRtree(cities.geometry.values)
    point, city = tree.query(counties.geometry.values, predicate="within")
    assert len(point) == len(counties)
    np.testing.assert_array_equal(cities.adcode.values[city[np.argsort(point)]], counties.prefecture_adcode)
    province = dict(zip(cities.adcode, cities.province_adcode))
    assert (counties.prefecture_adcode.map(province) == counties.province_adcode).all()
