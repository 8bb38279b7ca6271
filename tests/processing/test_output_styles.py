"""Outputs carry their style, whatever ran the algorithm (issue 13): ``processing.run()`` runs
no post-processor, yet a GeoPackage output gets its style as the layer's default style in its
``layer_styles`` table and a shapefile a ``.qml`` beside it, so the LISA map opens
GeoDa-coloured in a fresh project (and in any QGIS). The styles are read back at the SQLite
level and by QGIS's own default-style loading, never through the plugin."""

from __future__ import annotations

import sqlite3

import pytest

#: GeoDa's LISA colours (DESIGN.md), written out here rather than read from core/palettes.py.
GEODA = {"High-High": "#ff0000", "Low-Low": "#0000ff", "Low-High": "#9696ff", "High-Low": "#ff9696",
         "Not significant": "#f0f0f0"}


def lisa(cities_path, output, **extra):
    import processing

    return processing.run("resilience:localmoran", {
        "INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2", "WEIGHTS_ID_FIELD": "adcode",
        "PERMUTATIONS": 99, "OUTPUT": output, **extra})


def layer_styles(path):
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "layer_styles" not in tables:
            return []
        return db.execute("SELECT f_table_name, styleName, useAsDefault, styleQML FROM layer_styles").fetchall()


def opened_fresh(source):
    """The layer as QGIS opens it in a new project (default style loaded, as the desktop does)."""
    from qgis.core import QgsProject, QgsVectorLayer

    layer = QgsVectorLayer(source, "opened", "ogr")
    assert layer.isValid(), source
    project = QgsProject()
    project.addMapLayer(layer)
    colours = ({c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
               if layer.renderer().type() == "categorizedSymbol" else {})
    kind, attribute = layer.renderer().type(), getattr(layer.renderer(), "classAttribute", lambda: None)()
    project.clear()
    return kind, attribute, colours


def test_geopackage_output_of_processing_run_has_its_default_style(provider, cities_path, tmp_path):
    out = tmp_path / "lisa.gpkg"
    lisa(cities_path, str(out))
    rows = layer_styles(out)
    defaults = [row for row in rows if row[2]]
    assert len(defaults) == 1 and defaults[0][0] == "lisa"
    assert "LISA_LAB" in defaults[0][3] and 'value="High-High"' in defaults[0][3]
    # The significance map travels too, as a further (not default) style.
    assert any(not row[2] and "Significance" in row[1] for row in rows), [row[1:3] for row in rows]
    kind, attribute, colours = opened_fresh(str(out))
    assert (kind, attribute) == ("categorizedSymbol", "LISA_LAB")
    assert {value: colours[value] for value in GEODA} == GEODA


def test_output_inside_an_existing_geopackage_gets_its_style(provider, cities_path, tmp_path):
    """A destination ``ogr:dbname=… table=…`` (as the demo writes into demo.gpkg): the row is for
    that table; a second run into the same table keeps one default style for it."""
    import shutil

    target = tmp_path / "study.gpkg"
    shutil.copyfile(cities_path, target)
    for _ in range(2):
        lisa(cities_path, f"ogr:dbname='{target}' table=\"lisa_area\" (geom)")
    rows = layer_styles(target)
    assert [row[0] for row in rows if row[2]] == ["lisa_area"]
    kind, _attribute, colours = opened_fresh(f"{target}|layername=lisa_area")
    assert kind == "categorizedSymbol" and colours["High-High"] == "#ff0000"
    # The cities layer of the same file keeps QGIS's plain default (no style was written for it).
    assert opened_fresh(f"{target}|layername=cities")[0] == "singleSymbol"


def test_shapefile_output_gets_a_qml_beside_it(provider, cities_path, tmp_path):
    out = tmp_path / "lisa.shp"
    lisa(cities_path, str(out))
    qml = tmp_path / "lisa.qml"
    assert qml.exists() and "LISA_LAB" in qml.read_text(encoding="utf-8")
    kind, attribute, colours = opened_fresh(str(out))
    assert (kind, attribute) == ("categorizedSymbol", "LISA_LAB") and colours["Low-Low"] == "#0000ff"


def test_temporary_output_is_returned_styled(provider, cities_path):
    layer = lisa(cities_path, "TEMPORARY_OUTPUT")["OUTPUT"]
    assert layer.renderer().type() == "categorizedSymbol"
    colours = {c.value(): c.symbol().color().name() for c in layer.renderer().categories()}
    assert colours["High-Low"] == "#ff9696"


def test_graduated_and_table_outputs_keep_style_and_aliases(provider, cities_path, tmp_path):
    """Another algorithm through the same shared code: the spatial weights' connectivity lines
    (single symbol) and a table's field aliases."""
    import processing

    out = tmp_path / "links.gpkg"
    processing.run("resilience:spatialweights", {
        "INPUT": f"{cities_path}|layername=cities", "ID_FIELD": "adcode", "KIND": 0, "OUTPUT": str(out),
        "WEIGHTS_OUTPUT": str(tmp_path / "queen.gal")})
    rows = layer_styles(out)
    assert len(rows) == 1 and rows[0][2]
    from qgis.core import QgsVectorLayer

    from digital_resilience.core.palettes import CONNECTIVITY_COLOR

    layer = QgsVectorLayer(str(out), "links", "ogr")
    assert layer.renderer().symbol().color().name() == CONNECTIVITY_COLOR.lower()
    assert layer.renderer().symbol().width() == pytest.approx(0.2)


def test_a_saved_graduated_style_draws_every_city_in_its_class(qgis_app, tmp_path):
    """Natural breaks are data values; QGIS writes class bounds with 15 decimals. Read back from the
    GeoPackage (as a fresh project does), every value still falls in the class the breaks give it
    (the demo's break 0.18481925873027413 came back as 0.184819258730274: that city a class up)."""
    import bisect

    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingContext, QgsVectorFileWriter, QgsVectorLayer

    from digital_resilience.processing.qgis_compat import FieldType, new_field
    from digital_resilience.processing.styling import graduated_style, save_output_style

    values = [0.06652825276642497, 0.18481925873027413, 0.2, 0.26800397790956365, 0.3, 0.37728611031616366,
              0.5, 0.5805265409662881, 0.7, 0.8883211169600126, 1234.5678901234567, 0.1 + 0.2]
    breaks = [0.18481925873027413, 0.26800397790956365, 0.37728611031616366, 0.5805265409662881,
              0.8883211169600126, 1234.5678901234567]
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "classes", "memory")
    layer.dataProvider().addAttributes([new_field("v", FieldType.DOUBLE)])
    layer.updateFields()
    for i, value in enumerate(values):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([value])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100 + i, 30)))
        layer.dataProvider().addFeatures([feature])
    path = tmp_path / "classes.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "classes"
    assert QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), layer.transformContext(), options)[0] == 0
    source = f"{path}|layername=classes"
    save_output_style(QgsProcessingContext(), source, graduated_style(values, "v", breaks=breaks))
    fresh = QgsVectorLayer(source, "fresh", "ogr")  # loads the default style from the file
    ranges = fresh.renderer().ranges()
    assert len(ranges) == len(breaks)
    for value in values:
        expected = bisect.bisect_left(breaks, value)  # the first class whose upper break is >= the value
        found = [i for i, r in enumerate(ranges) if r.lowerValue() <= value <= r.upperValue()]
        assert found and found[0] == expected, (value, [(r.lowerValue(), r.upperValue()) for r in ranges])
    assert [r.label() for r in ranges][:2] == ["0.07 – 0.18", "0.18 – 0.27"]
