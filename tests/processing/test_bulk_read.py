"""The bridge's columnar read of whole GeoPackage layers (processing/io/bulk_read.py): the same
frame as QGIS's feature-by-feature read, taken only where it is the same, and the same results
through Processing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture()
def geopackage(tmp_path, qgis_app):
    """A GeoPackage with the field types the bulk path reads (real, integer, integer64, text),
    NULLs in each, Chinese text, a NULL geometry, a multi-part one, a date field and a
    3D layer."""
    from osgeo import ogr, osr

    path = tmp_path / "mixed.gpkg"
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("mixed", srs, ogr.wkbMultiPolygon)
    for name, kind in [("value", ogr.OFTReal), ("code", ogr.OFTInteger), ("big", ogr.OFTInteger64),
                       ("name", ogr.OFTString), ("day", ogr.OFTDate)]:
        layer.CreateField(ogr.FieldDefn(name, kind))
    for k in range(7):
        feature = ogr.Feature(layer.GetLayerDefn())
        if k != 1:
            feature.SetField("value", k * 1.5 - 2.0)
        if k != 2:
            feature.SetField("code", 100 + k)
        if k != 3:
            feature.SetField("big", 2**40 + k)
        if k != 4:
            feature.SetField("name", f"城市{k}" if k % 2 else f"city {k}")
        feature.SetField("day", f"2019-01-0{1 + k}")
        if k != 0:
            wkt = (f"MULTIPOLYGON(((0 0,1 0,1 {k},0 0)),((5 5,6 5,6 {6 + k},5 5)))" if k == 5
                   else f"MULTIPOLYGON((({k} 0,{k + 1} 0,{k + 1} 1,{k} 0)))")
            feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feature)
    layer3d = dataset.CreateLayer("lifted", srs, ogr.wkbPolygon25D)
    layer3d.CreateField(ogr.FieldDefn("value", ogr.OFTReal))
    for k in range(3):
        feature = ogr.Feature(layer3d.GetLayerDefn())
        feature.SetField("value", float(k))
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON Z(({k} 0 1,{k + 1} 0 2,{k + 1} 1 3,{k} 0 1))"))
        layer3d.CreateFeature(feature)
    dataset = None
    return path


def _source(path, layer_name: str, **definition):
    """The feature source of a Processing parameter, as an algorithm gets it (marked or not)."""
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingFeatureSourceDefinition,
        QgsProcessingUtils,
    )

    from digital_resilience.processing.io.bulk_read import mark

    context = QgsProcessingContext()
    value = f"{path}|layername={layer_name}"
    if definition:
        value = QgsProcessingFeatureSourceDefinition(value, **definition)

    class Algorithm:  # the one method of an algorithm that bulk_read.mark uses
        def parameterAsVectorLayer(self, parameters, name, context):
            return QgsProcessingUtils.mapLayerFromString(
                parameters[name].source.staticValue() if hasattr(parameters[name], "source") else parameters[name],
                context)

    source = QgsProcessingUtils.variantToSource(value, context)
    assert source is not None
    mark(Algorithm(), {"INPUT": value}, "INPUT", context, source)
    return source, context


def _spy_on_bulk_reads(monkeypatch) -> list:
    """A list that records, for each read of the bridge, whether the bulk path was taken."""
    from digital_resilience.processing.io import bridge, bulk_read

    taken = []

    def spy(*args, **kw):
        result = bulk_read.read_whole_layer(*args, **kw)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(bridge, "read_whole_layer", spy)
    return taken


@pytest.fixture()
def bulk_reads(monkeypatch):
    """Whether each read of the bridge took the bulk path (True) or QGIS's (False), in order."""
    return _spy_on_bulk_reads(monkeypatch)


def _both(monkeypatch, source, **kwargs):
    """(bulk, feature by feature) frames of ``source``, and whether the bulk path was taken."""
    from digital_resilience.processing.io import bridge

    taken = _spy_on_bulk_reads(monkeypatch)
    fast = bridge.read_frame(source, **kwargs)
    monkeypatch.setattr(bridge, "read_whole_layer", lambda *args, **kw: None)
    slow = bridge.read_frame(source, **kwargs)
    return fast, slow, taken == [True]


@pytest.mark.parametrize("geometry", [True, "wkb", False])
@pytest.mark.parametrize("fields", [None, ["name", "value", "fid", "big", "code"]])
def test_bulk_read_equals_the_feature_by_feature_read(geopackage, monkeypatch, geometry, fields):
    from digital_resilience.processing.io import bridge

    source, _ = _source(geopackage, "mixed")
    fields = fields if fields is not None else ["fid", "value", "code", "big", "name"]  # not the date
    fast, slow, taken = _both(monkeypatch, source, fields=fields, geometry=geometry)
    assert taken
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast["code"].dtype == "Int64" and fast["big"].dtype == "Int64" and fast["value"].dtype == np.float64
    assert fast["name"].tolist()[3:5] == ["城市3", None]
    if geometry == bridge.WKB:
        assert fast[bridge.WKB_COLUMN].iloc[0] is None and isinstance(fast[bridge.WKB_COLUMN].iloc[1], bytes)


def test_bulk_read_keeps_3d_geometries(geopackage, monkeypatch):
    source, _ = _source(geopackage, "lifted")
    fast, slow, taken = _both(monkeypatch, source)
    assert taken
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.geometry.has_z.all()


def test_fields_the_bulk_path_does_not_read_fall_back_to_qgis(geopackage, monkeypatch):
    """A date field (and so the whole layer's fields) is read by QGIS: same frame, no bulk read."""
    source, _ = _source(geopackage, "mixed")
    fast, slow, taken = _both(monkeypatch, source)
    assert not taken
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("definition", [{"selectedFeaturesOnly": True}, {"featureLimit": 3}])
def test_a_selection_or_a_feature_limit_is_never_read_in_bulk(geopackage, monkeypatch, definition):
    from qgis.core import QgsProject, QgsVectorLayer

    from digital_resilience.processing.io.bulk_read import ATTRIBUTE

    layer = QgsProject.instance().addMapLayer(QgsVectorLayer(f"{geopackage}|layername=mixed", "mixed", "ogr"))
    try:
        layer.selectByIds([2, 3])
        source, _ = _source(geopackage, "mixed", **definition)
        assert not hasattr(source, ATTRIBUTE)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_subset_filters_edit_sessions_and_other_formats_are_never_read_in_bulk(geopackage, tmp_path, qgis_app):
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSource, QgsVectorFileWriter, QgsVectorLayer

    from digital_resilience.processing.io.bulk_read import ATTRIBUTE, mark_layer

    def marked(layer) -> bool:
        source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
        mark_layer(source, layer)
        return hasattr(source, ATTRIBUTE)

    layer = QgsVectorLayer(f"{geopackage}|layername=mixed", "mixed", "ogr")
    assert marked(layer)
    filtered = QgsVectorLayer(f"{geopackage}|layername=mixed", "mixed", "ogr")
    filtered.setSubsetString('"code" > 102')
    assert not marked(filtered)
    editing = QgsVectorLayer(f"{geopackage}|layername=mixed", "mixed", "ogr")
    assert editing.startEditing()
    assert not marked(editing)
    editing.rollBack()
    shapefile = tmp_path / "mixed.shp"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(shapefile), QgsProcessingContext().transformContext(),
                                              options)
    assert not marked(QgsVectorLayer(str(shapefile), "shp", "ogr"))
    assert not marked(QgsVectorLayer("Point?crs=EPSG:4326", "memory", "memory"))


def test_a_virtual_field_is_read_by_qgis(geopackage, monkeypatch, qgis_app):
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSource, QgsVectorLayer

    from digital_resilience.processing.io import bridge
    from digital_resilience.processing.io.bulk_read import mark_layer
    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer(f"{geopackage}|layername=mixed", "mixed", "ogr")
    layer.addExpressionField('"value" * 2', new_field("twice", FieldType.DOUBLE))
    source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
    mark_layer(source, layer)
    fast, slow, taken = _both(monkeypatch, source, fields=["value", "twice"], geometry=False)
    assert not taken
    pd.testing.assert_frame_equal(fast, slow)
    _, _, taken = _both(monkeypatch, source, fields=["value"], geometry=False)
    assert taken
    assert bridge.read_frame(source, fields=["twice"], geometry=False)["twice"].iloc[2] == pytest.approx(2.0)


def test_a_cancel_during_the_bulk_read_stops_it(geopackage, qgis_app):
    from qgis.core import QgsProcessingFeedback

    from digital_resilience.core.errors import Cancelled
    from digital_resilience.processing.io.bridge import read_frame

    source, _ = _source(geopackage, "mixed")
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(Cancelled):
        read_frame(source, fields=["value"], feedback=feedback)
    import gc

    gc.collect()  # the cancelled read's GDAL stream, layer and dataset are gone, in a safe order
    again = read_frame(source, fields=["value", "code"], feedback=QgsProcessingFeedback())
    assert again["code"].tolist()[:2] == [100, 101] and again["code"].isna().iloc[2]


def test_processing_results_do_not_depend_on_the_read_path(cities_path, tmp_path, monkeypatch, provider,
                                                           bulk_reads):
    """Local Moran's I of the sample cities (queen, 99 permutations, seeded): identical outputs
    whether the layer is read in bulk or feature by feature."""
    import geopandas as gpd
    import processing

    from digital_resilience.processing.io import bridge

    def run(name):
        parameters = {"INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2", "WEIGHTS_ID_FIELD": "adcode",
                      "WEIGHTS_KIND": 0, "PERMUTATIONS": 99, "SEED": 7, "OUTPUT": str(tmp_path / f"{name}.gpkg")}
        processing.run("resilience:localmoran", parameters)
        return gpd.read_file(tmp_path / f"{name}.gpkg", layer=name)

    fast = run("bulk")
    assert bulk_reads and all(bulk_reads)
    monkeypatch.setattr(bridge, "read_whole_layer", lambda *args, **kw: None)
    slow = run("features")
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_a_wide_layer_is_read_in_bulk_in_several_passes(tmp_path, monkeypatch, qgis_app):
    """300 fields: GDAL 3.6 streams no rows for a request of more than about 125 fields (and did
    not stop streaming empty batches); the bulk path reads them in passes of at most MAX_FIELDS
    there, in one pass on GDAL ≥ 3.10."""
    from osgeo import ogr, osr

    from digital_resilience.processing.io.bulk_read import MAX_FIELDS

    path = tmp_path / "wide.gpkg"
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("wide", srs, ogr.wkbPoint)
    names = [f"X{k:03d}" for k in range(300)]
    for name in names:
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTReal))
    rng = np.random.default_rng(3)
    values = rng.normal(size=(50, len(names)))
    for row in values:
        feature = ogr.Feature(layer.GetLayerDefn())
        for name, value in zip(names, row):
            feature.SetField(name, float(value))
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({row[0]} {row[1]})"))
        layer.CreateFeature(feature)
    dataset = None
    assert len(names) > 2 * MAX_FIELDS
    source, _ = _source(path, "wide")
    fast, slow, taken = _both(monkeypatch, source)
    assert taken
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    np.testing.assert_array_equal(fast[names].to_numpy(), values)


def test_a_project_layer_as_the_dialog_passes_it_is_read_in_bulk(cities_path, tmp_path, provider, bulk_reads):
    """The algorithm dialog passes a project layer (its id); with "selected features only" ticked,
    a source definition that the bulk read must leave to QGIS."""
    import processing
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

    taken = bulk_reads
    layer = QgsProject.instance().addMapLayer(QgsVectorLayer(f"{cities_path}|layername=cities", "cities", "ogr"))
    try:
        parameters = {"FIELD": "area_km2", "WEIGHTS_ID_FIELD": "adcode", "WEIGHTS_KIND": 0, "PERMUTATIONS": 9}
        whole = processing.run("resilience:localmoran", {**parameters, "INPUT": layer.id(),
                                                         "OUTPUT": str(tmp_path / "whole.gpkg")})
        assert taken and all(taken)
        taken.clear()
        layer.selectByIds(layer.allFeatureIds()[:100])
        selected = processing.run("resilience:localmoran", {
            **parameters, "INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), True),
            "OUTPUT": str(tmp_path / "selected.gpkg")})
        assert taken and not any(taken)
        assert QgsVectorLayer(selected["OUTPUT"], "s", "ogr").featureCount() == 100
        assert QgsVectorLayer(whole["OUTPUT"], "w", "ogr").featureCount() == 367
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
