"""The layer bridge: any source -> GeoDataFrame -> any sink, exactly."""

from __future__ import annotations

import datetime

import numpy as np
import pytest


@pytest.fixture()
def mixed_layer(qgis_app):
    """A memory layer with every common field type, NULLs and a feature without geometry."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QDate, QVariant

    from digital_resilience.processing.qgis_compat import FieldType, new_field

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "mixed", "memory")
    provider = layer.dataProvider()
    provider.addAttributes([
        new_field("code", FieldType.INT), new_field("name", FieldType.STRING),
        new_field("value", FieldType.DOUBLE), new_field("big", FieldType.LONGLONG),
        new_field("flag", FieldType.BOOL), new_field("day", FieldType.DATE),
    ])
    layer.updateFields()
    rows = [
        (1, "北京市", 1.5, 2**40, True, QDate(2019, 1, 2), "POLYGON((0 0,1 0,1 1,0 1,0 0))"),
        (2, None, None, None, None, None, "MULTIPOLYGON(((2 0,3 0,3 1,2 0)),((5 5,6 5,6 6,5 5)))"),
        (3, "x", -2.25, 7, False, QDate(2020, 5, 6), None),
    ]
    features = []
    for *attributes, wkt in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([a if a is not None else QVariant() for a in attributes])
        if wkt:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    provider.addFeatures(features)
    return layer


def test_read_frame_keeps_order_ids_types_nulls_and_geometry(mixed_layer):
    import shapely

    from digital_resilience.processing.io.bridge import read_frame

    frame = read_frame(mixed_layer)
    assert frame.index.name == "fid" and frame.index.tolist() == [1, 2, 3]
    assert frame.code.tolist() == [1, 2, 3] and frame.code.dtype == np.int64
    assert frame.name.tolist() == ["北京市", None, "x"]
    assert np.isnan(frame.value.iloc[1]) and frame.value.iloc[2] == -2.25
    assert frame.big.iloc[0] == 2**40 and frame.big.isna().iloc[1]
    assert frame.day.iloc[0] == datetime.date(2019, 1, 2) and frame.day.iloc[1] is None
    assert frame.crs.to_epsg() == 4326
    assert shapely.equals(frame.geometry.iloc[0], shapely.from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))"))
    assert frame.geometry.iloc[1].geom_type == "MultiPolygon"
    assert frame.geometry.iloc[2] is None


def test_read_frame_subset_of_fields_and_unknown_field(mixed_layer):
    from qgis.core import QgsProcessingException

    from digital_resilience.processing.io.bridge import read_frame

    frame = read_frame(mixed_layer, fields=["value", "code"], geometry=False)
    assert list(frame.columns) == ["value", "code"]
    with pytest.raises(QgsProcessingException, match="“nope” is not in the layer"):
        read_frame(mixed_layer, fields=["nope"])


def test_round_trip_through_a_sink_is_exact(mixed_layer):
    from qgis.core import QgsVectorLayer, QgsWkbTypes

    from digital_resilience.processing.io.bridge import fields_for_frame, read_frame, write_frame

    frame = read_frame(mixed_layer)
    frame["score"] = [0.5, np.nan, 2.0]
    frame["rank"] = np.array([3, 1, 2], dtype=np.int64)
    fields = fields_for_frame(frame, base_fields=mixed_layer.fields())
    target = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "out", "memory")
    target.dataProvider().addAttributes(fields.toList())
    target.updateFields()
    assert write_frame(frame, target.dataProvider(), target.fields(), multi=True) == 3
    assert QgsWkbTypes.displayString(target.wkbType()) == "MultiPolygon"
    back = read_frame(target)
    for column in ("code", "name", "big", "flag", "day", "rank"):
        assert back[column].tolist() == frame[column].tolist(), column
    assert np.allclose(back.score, frame.score, equal_nan=True)
    assert back.geometry.iloc[0].geom_type == "MultiPolygon"
    assert back.geometry.iloc[0].equals(frame.geometry.iloc[0])
    assert back.geometry.iloc[1].equals(frame.geometry.iloc[1])
    assert back.geometry.iloc[2] is None
    assert target.fields().field("big").type() == mixed_layer.fields().field("big").type()


def test_wkb_frames_carry_geometries_without_shapely(mixed_layer):
    """geometry=WKB: a plain DataFrame with QGIS's WKB, written back unchanged (multi-promoted for a
    multi sink), a missing geometry stays missing, and the WKB column is no field."""
    import pandas as pd
    from qgis.core import QgsGeometry, QgsVectorLayer, QgsWkbTypes

    from digital_resilience.processing.io.bridge import (
        WKB,
        WKB_COLUMN,
        _frame_wkb_type,
        fields_for_frame,
        read_frame,
        write_frame,
    )

    frame = read_frame(mixed_layer, geometry=WKB)
    assert type(frame) is pd.DataFrame and frame[WKB_COLUMN].iloc[2] is None
    assert QgsWkbTypes.displayString(_frame_wkb_type(frame)) == "MultiPolygon"
    joined = frame.iloc[[1, 0, 1]].copy()  # rows repeated, as a long join does
    fields = fields_for_frame(joined, base_fields=mixed_layer.fields())
    assert WKB_COLUMN not in fields.names()
    target = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "out", "memory")
    target.dataProvider().addAttributes(fields.toList())
    target.updateFields()
    assert write_frame(joined, target.dataProvider(), target.fields(), multi=True) == 3
    originals = {f["code"]: f.geometry() for f in mixed_layer.getFeatures()}
    written = list(target.getFeatures())
    assert [f["code"] for f in written] == [2, 1, 2]
    for feature in written:
        expected = QgsGeometry(originals[feature["code"]])
        expected.convertToMultiType()
        assert feature.geometry().equals(expected)


@pytest.mark.parametrize(
    "definition",
    ["EPSG:4326", "EPSG:3857", "EPSG:4490", "ESRI:102025",
     "PROJ:+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=WGS84 +units=m +no_defs"],
)
def test_crs_maps_exactly_both_ways(qgis_app, definition):
    import pyproj
    from qgis.core import QgsCoordinateReferenceSystem

    from digital_resilience.processing.io.bridge import crs_from_pyproj, crs_to_pyproj

    if definition.startswith("PROJ:"):
        qgs = QgsCoordinateReferenceSystem.fromProj(definition[5:])
        expected = pyproj.CRS.from_proj4(definition[5:])
    else:
        qgs = QgsCoordinateReferenceSystem(definition)
        expected = pyproj.CRS.from_user_input(definition)
    assert qgs.isValid()
    converted = crs_to_pyproj(qgs)
    assert converted.equals(expected, ignore_axis_order=True)
    back = crs_from_pyproj(converted)
    assert back == qgs or back.toProj() == qgs.toProj()


def test_selection_and_filter_are_honoured_and_input_untouched(cities_layer, qgis_processing, provider):
    import processing
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject

    QgsProject.instance().addMapLayer(cities_layer)
    try:
        before = [(f.id(), f.attributes(), f.geometry().asWkb()) for f in cities_layer.getFeatures()]
        cities_layer.selectByExpression("\"region\" = 'east'")
        selected = QgsProcessingFeatureSourceDefinition(cities_layer.id(), selectedFeaturesOnly=True)
        result = processing.run("resilience:spatialweights",
                                {"INPUT": selected, "ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT"})
        assert result["UNITS"] == 103
        cities_layer.removeSelection()
        cities_layer.setSubsetString("\"region\" = 'northeast'")
        result = processing.run("resilience:spatialweights",
                                {"INPUT": cities_layer, "ID_FIELD": "adcode", "OUTPUT": "TEMPORARY_OUTPUT"})
        assert result["UNITS"] == 36
        cities_layer.setSubsetString("")
        after = [(f.id(), f.attributes(), f.geometry().asWkb()) for f in cities_layer.getFeatures()]
        assert after == before
    finally:
        QgsProject.instance().removeMapLayer(cities_layer.id())


def test_a_fid_field_that_cannot_be_feature_ids_is_renamed(qgis_app):
    """A GeoPackage takes a field named fid as its primary key: repeated, missing or non-integer
    values must not reach it (several output features per input feature, e.g. one per year)."""
    import pandas as pd
    from qgis.core import QgsProcessingFeedback

    from digital_resilience.processing.io.bridge import _free_primary_key

    class Notes(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.notes = []

        def pushInfo(self, text):
            self.notes.append(text)

    unique = pd.DataFrame({"fid": [3, 1, 2], "x": [1.0, 2.0, 3.0]})
    assert _free_primary_key(unique) is unique
    for values in ([1, 1, 2], [1.0, None, 2.0], [1.5, 2.0, 3.0], ["a", "b", "c"]):
        notes = Notes()
        freed = _free_primary_key(pd.DataFrame({"FID": values, "x": [1.0, 2.0, 3.0]}), notes)
        assert freed.columns.tolist() == ["fid_src", "x"], values
        assert freed["fid_src"].tolist()[::2] == [values[0], values[2]]
        assert notes.notes and "written as fid_src" in notes.notes[0]
    both = pd.DataFrame({"fid": [1, 1], "fid_src": [7, 8]})
    assert _free_primary_key(both).columns.tolist() == ["fid_src"]
    assert _free_primary_key(both)["fid_src"].tolist() == [7, 8]


@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_columns_read_in_chunks_are_the_columns(qgis_app, monkeypatch, chunk):
    """Several double fields (converted together per chunk), NULLs in some chunks only, integers and text:
    the same columns whatever the chunking, and written back identically chunk by chunk."""
    from qgis.core import QgsFeature, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    from digital_resilience.processing.io import bridge
    from digital_resilience.processing.qgis_compat import FieldType, new_field

    monkeypatch.setattr(bridge, "CHUNK", chunk)
    layer = QgsVectorLayer("None", "wide", "memory")
    layer.dataProvider().addAttributes([new_field("a", FieldType.DOUBLE), new_field("n", FieldType.INT),
                                        new_field("b", FieldType.DOUBLE), new_field("t", FieldType.STRING),
                                        new_field("c", FieldType.DOUBLE)])
    layer.updateFields()
    values = [(0.1, 1, 2.5, "x", 1e300), (None, 2, -0.0, None, 5e-324), (3.0, None, 7.25, "y", None),
              (1 / 3, 4, 2.0**60, "z", -1.5)]
    features = []
    for row in values:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([QVariant() if v is None else v for v in row])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    frame = bridge.read_frame(layer, geometry=False)
    for j, name in enumerate("anbtc"):
        expected = [v[j] for v in values]
        got = frame[name].tolist()
        assert [None if g is None or (isinstance(g, float) and np.isnan(g)) or g is pd_na() else g for g in got] == \
            expected, name
    assert frame.a.dtype == frame.b.dtype == frame.c.dtype == np.float64
    target = QgsVectorLayer("None", "copy", "memory")
    target.dataProvider().addAttributes(layer.fields().toList())
    target.updateFields()
    assert bridge.write_frame(frame, target.dataProvider(), target.fields()) == len(values)
    assert [f.attributes() for f in target.getFeatures()] == [f.attributes() for f in layer.getFeatures()]


def pd_na():
    import pandas as pd

    return pd.NA
