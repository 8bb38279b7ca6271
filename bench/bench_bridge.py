"""The layer bridge on 100,000 polygons: layer -> GeoDataFrame -> sink.

Peers, measured in the same run:
* "per-feature loop": the common plugin pattern, one ``shapely.wkb.loads`` and one
  attribute dict per feature, then ``GeoDataFrame`` (reading), and one
  ``QgsGeometry.fromWkt`` per row (writing);
* pyogrio (GDAL, no QGIS): the floor for reading/writing the same GeoPackage.

Two reads of ours: feature by feature through QGIS (any source: a plain layer, a selection, a
memory layer), and the bulk read of a whole GeoPackage layer through GDAL's Arrow stream
(``processing/io/bulk_read.py``), which Processing inputs take when it gives the same frame
(checked here on the frame).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import timed


def hexagon_grid(n: int):
    import geopandas as gpd
    import numpy as np
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    i, j = np.divmod(np.arange(n), side)
    cx = j * 1.5 + 100.0
    cy = i * np.sqrt(3) + (j % 2) * np.sqrt(3) / 2 + 20.0
    angles = np.radians(np.arange(0, 360, 60))
    ring = np.stack([cx[:, None] + 0.5 * np.cos(angles), cy[:, None] + 0.5 * np.sin(angles)], axis=2)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)
    polygons = shapely.polygons(ring)
    rng = np.random.default_rng(1)
    return gpd.GeoDataFrame(
        {"code": np.arange(n, dtype=np.int32), "name": [f"unit {k}" for k in range(n)],
         "value": rng.normal(size=n)},
        geometry=polygons, crs="EPSG:3857",
    )



def _marked_source(layer):
    """``layer`` as a Processing input source marked for the bulk read (as ``input_source`` does)."""
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSource

    from digital_resilience.processing.io.bulk_read import mark_layer

    source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
    mark_layer(source, layer)
    return source


def run(quick: bool = False) -> list[dict]:
    import geopandas as gpd
    import pyogrio
    import shapely
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    from digital_resilience.processing.io.bridge import fields_for_frame, read_frame, write_frame

    n = 10_000 if quick else 100_000
    folder = Path(tempfile.mkdtemp(prefix="bench-bridge-"))
    path = folder / "grid.gpkg"
    pyogrio.write_dataframe(hexagon_grid(n), path, layer="grid")
    layer = QgsVectorLayer(f"{path}|layername=grid", "grid", "ogr")
    assert layer.featureCount() == n

    read_s, frame = timed(lambda: read_frame(layer))
    bulk_s, bulk_frame = timed(lambda: read_frame(_marked_source(layer)))
    assert bulk_frame.equals(frame), "the bulk read must give the feature-by-feature frame"

    def naive_read():
        rows, geometries = [], []
        names = layer.fields().names()
        for feature in layer.getFeatures():
            rows.append(dict(zip(names, feature.attributes())))
            geometries.append(shapely.wkb.loads(bytes(feature.geometry().asWkb())))
        return gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:3857")

    naive_read_s, _ = timed(naive_read)
    pyogrio_read_s, _ = timed(lambda: pyogrio.read_dataframe(path, layer="grid"))

    def memory_sink():
        sink = QgsVectorLayer("Polygon?crs=EPSG:3857", "out", "memory")
        fields = fields_for_frame(frame)
        sink.dataProvider().addAttributes(fields.toList())
        sink.updateFields()
        return sink, fields

    def ours_write():
        sink, fields = memory_sink()
        write_frame(frame, sink.dataProvider(), fields)
        return sink

    def naive_write():
        sink, fields = memory_sink()
        features = []
        for values, geometry in zip(frame.drop(columns="geometry").itertuples(index=False),
                                    frame.geometry):
            feature = QgsFeature(fields)
            feature.setAttributes([v.item() if hasattr(v, "item") else v for v in values])
            feature.setGeometry(QgsGeometry.fromWkt(geometry.wkt))
            features.append(feature)
        sink.dataProvider().addFeatures(features)
        return sink

    write_s, written = timed(ours_write)
    assert written.featureCount() == n
    naive_write_s, _ = timed(naive_write)
    pyogrio_write_s, _ = timed(lambda: pyogrio.write_dataframe(frame, folder / "out.gpkg", layer="o"), 1)
    total = read_s + write_s
    return [
        {"benchmark": f"bridge read {n:,} polygons (layer -> GeoDataFrame)", "ours_s": read_s,
         "peer": "per-feature loop", "peer_s": naive_read_s, "ratio": naive_read_s / read_s,
         "notes": f"{n / read_s:,.0f} features/s"},
        {"benchmark": f"bridge read {n:,} polygons", "ours_s": read_s, "peer": "pyogrio (no QGIS)",
         "peer_s": pyogrio_read_s, "ratio": pyogrio_read_s / read_s, "notes": "GDAL floor"},
        {"benchmark": f"bridge bulk read {n:,} polygons (whole GeoPackage layer through GDAL)", "ours_s": bulk_s,
         "peer": "bridge read feature by feature", "peer_s": read_s, "ratio": read_s / bulk_s,
         "notes": f"same frame; pyogrio {pyogrio_read_s:.3f} s"},
        {"benchmark": f"bridge write {n:,} polygons (GeoDataFrame -> memory sink)", "ours_s": write_s,
         "peer": "per-feature fromWkt loop", "peer_s": naive_write_s, "ratio": naive_write_s / write_s,
         "notes": f"{n / write_s:,.0f} features/s"},
        {"benchmark": f"bridge write {n:,} polygons", "ours_s": write_s, "peer": "pyogrio to GeoPackage",
         "peer_s": pyogrio_write_s, "ratio": pyogrio_write_s / write_s, "notes": "different target"},
        {"benchmark": f"bridge round trip {n:,} polygons", "ours_s": total,
         "notes": f"{n / total:,.0f} features/s layer -> GeoDataFrame -> sink"},
    ]
