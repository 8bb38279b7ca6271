"""Report styles (processing/styling.py): graduated classes, LISA, hot spots, coverage."""

from __future__ import annotations

import numpy as np
import pytest


def memory_layer(field: str, kind: str, values):
    """A point layer with one feature per value of ``field`` (kind: int, string or double)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer(f"Point?crs=EPSG:4326&field={field}:{kind}", "test", "memory")
    features = []
    for i, value in enumerate(values):
        feature = QgsFeature(layer.fields())
        feature.setAttribute(0, value)
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100 + i, 30)))
        features.append(feature)
    ok, _ = layer.dataProvider().addFeatures(features)
    assert ok
    return layer


def symbol_colors(layer):
    """{attribute value: fill colour name} through the renderer, as QGIS draws each feature."""
    from qgis.core import QgsRenderContext

    renderer = layer.renderer()
    context = QgsRenderContext()
    renderer.startRender(context, layer.fields())
    try:
        return {f.attributes()[0]: renderer.symbolForFeature(f, context).color().name()
                for f in layer.getFeatures()}
    finally:
        renderer.stopRender(context)


def test_graduated_style_uses_mapclassify_breaks_and_the_ramp(cities_layer, cities_frame):
    import mapclassify

    from digital_resilience.processing.styling import apply_style, graduated_style, ramp_colors

    values = cities_frame["area_km2"].to_numpy()
    layer = cities_layer.clone()
    apply_style(layer, graduated_style(values, "area_km2", "fisher_jenks", 5, "Blues", alias="Area (km²)"))
    renderer = layer.renderer()
    assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == "area_km2"
    uppers = [r.upperValue() for r in renderer.ranges()]
    assert uppers == pytest.approx(list(mapclassify.FisherJenks(values, k=5).bins))
    assert renderer.ranges()[0].lowerValue() == pytest.approx(values.min())
    colors = [r.symbol().color().name() for r in renderer.ranges()]
    assert colors == ramp_colors("Blues", 5) and colors[0] != colors[-1]
    assert layer.attributeAlias(layer.fields().lookupField("area_km2")) == "Area (km²)"
    # The largest city falls in the darkest class.
    biggest = cities_frame.loc[cities_frame["area_km2"].idxmax(), "adcode"]
    feature = next(layer.getFeatures(f'"adcode" = {biggest}'))
    assert renderer.legendKeyForValue(feature["area_km2"]) == renderer.legendSymbolItems()[-1].ruleKey()


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "std_mean", "box_plot"])
def test_every_scheme_gives_classes_that_cover_the_data(qgis_app, scheme):
    from digital_resilience.processing.styling import apply_style, graduated_style

    values = np.arange(1, 101, dtype=float) ** 1.5
    layer = memory_layer("v", "double", values.tolist())
    apply_style(layer, graduated_style(values, "v", scheme, 4))
    ranges = layer.renderer().ranges()
    assert ranges[0].lowerValue() == pytest.approx(values.min())
    assert ranges[-1].upperValue() >= values.max()
    uppers = [r.upperValue() for r in ranges]
    assert uppers == sorted(uppers)
    counts = [int(((values > r.lowerValue()) | (values == values.min()) & (i == 0))[values <= r.upperValue()].sum())
              for i, r in enumerate(ranges)]
    assert sum(counts) == len(values)
    if scheme == "quantiles":  # 100 values in 4 quantile classes: 25 each, by definition
        assert counts == [25, 25, 25, 25]
    if scheme == "equal_interval":  # equal widths: (1000 - 1) / 4 each
        widths = np.diff([values.min(), *uppers])
        assert widths == pytest.approx([(1000 - 1) / 4] * 4)


def test_label_precision_by_hand(qgis_app):
    from digital_resilience.processing.styling import label_precision

    assert label_precision([100, 2000, 30000], 10) == 0   # steps of 10 and more: integers
    assert label_precision([5.11, 13.6, 19.8], 5.11) == 1   # smallest step 6.2: one decimal
    assert label_precision([0.12, 0.25, 0.5], 0.05) == 2  # smallest step 0.07 -> 2 decimals
    assert label_precision([0.1201, 0.1204], 0.1) == 4    # step 0.0003 -> 4 decimals


def test_lisa_style_uses_geoda_colours_for_labels_and_codes(qgis_app):
    from digital_resilience.processing.styling import apply_style, lisa_style

    geoda = {"High-High": "#ff0000", "Low-Low": "#0000ff", "Low-High": "#9696ff", "High-Low": "#ff9696",
             "Not significant": "#f0f0f0", "No neighbours": "#8c8c8c", "No data": "#464646"}
    layer = memory_layer("LISA_CL", "string", list(geoda))
    apply_style(layer, lisa_style("LISA_CL"))
    assert symbol_colors(layer) == geoda
    # GeoDa's codes, as resilience:localmoran stores them in LISA_CL: 0 not significant,
    # 1 HH, 2 LL, 3 LH, 4 HL, 5 no data ("Undefined"), 6 no neighbours ("Neighborless").
    layer = memory_layer("LISA_CL", "integer", [1, 2, 3, 4, 0, 6, 5])
    apply_style(layer, lisa_style("LISA_CL", codes=True))
    assert symbol_colors(layer) == {1: "#ff0000", 2: "#0000ff", 3: "#9696ff", 4: "#ff9696", 0: "#f0f0f0",
                                    6: "#8c8c8c", 5: "#464646"}
    labels = [c.label() for c in layer.renderer().categories()]
    assert labels == list(geoda)


def test_hotspot_style_runs_from_hot_to_cold(qgis_app):
    from digital_resilience.processing.styling import apply_style, hotspot_style

    layer = memory_layer("GI_BIN", "integer", [3, 2, 1, 0, -1, -2, -3])
    apply_style(layer, hotspot_style("GI_BIN", codes=True))
    colors = symbol_colors(layer)
    red = {v: int(colors[v][1:3], 16) for v in colors}
    green = {v: int(colors[v][3:5], 16) for v in colors}
    # Stronger confidence, deeper colour: less green in hot spots, less red in cold spots.
    assert green[3] < green[2] < green[1] and red[-3] < red[-2] < red[-1]
    assert red[3] > 200 > red[-3]
    assert colors[0] == "#f0f0f0"
    labels = {c.value(): c.label() for c in layer.renderer().categories()}
    assert labels[3] == "Hot spot (99% confidence)" and labels[-1] == "Cold spot (90% confidence)"
    # The label field (GI_LAB) also holds the untested units.
    labels = [value for value, _, _ in hotspot_style().renderer.categories]
    assert labels[0] == "Hot spot (99% confidence)" and labels[-2:] == ["No neighbours", "No data"]


def test_coverage_and_link_styles(qgis_app):
    from qgis.core import QgsVectorLayer

    from digital_resilience.processing.styling import (
        CORE_COLOR,
        apply_style,
        connectivity_style,
        core_distance_style,
        core_marker_style,
        coverage_circle_style,
        links_style,
    )

    circles = QgsVectorLayer("Polygon?crs=EPSG:4326", "circles", "memory")
    apply_style(circles, coverage_circle_style(name="Coverage (300 km)"))
    assert circles.name() == "Coverage (300 km)"
    assert circles.renderer().symbol().opacity() == pytest.approx(0.25)
    # Circles wholly outside a map (beside the South China Sea inset) are drawn unclipped: clipped
    # to nothing, QGIS wrote empty paths that PDF readers report ("No current point in closepath").
    assert not circles.renderer().symbol().clipFeaturesToExtent()
    for style in (links_style(), connectivity_style()):
        lines = QgsVectorLayer("LineString?crs=EPSG:4326", "lines", "memory")
        apply_style(lines, style)
        assert lines.renderer().type() == "singleSymbol"
        assert lines.renderer().symbol().clipFeaturesToExtent()  # other styles keep the default
    within = links_style(300.0).renderer.categories
    assert [(value, label) for value, _, label in within] == [(1, "within 300 km"), (0, "beyond 300 km")]
    points = memory_layer("NAME", "string", ["北京市"])
    apply_style(points, core_marker_style())
    assert points.renderer().symbol().color().name() == CORE_COLOR.lower()
    assert points.labelsEnabled() and points.labeling().settings().fieldName == "NAME"
    distances = core_distance_style(300.0, 420.0).renderer
    # Thirds of the radius, then beyond it up to the largest distance (+ 1 km).
    assert distances.breaks == [100.0, 200.0, 300.0, 421.0] and distances.minimum == 0.0
    assert distances.labels == ["0 – 100 km", "100 – 200 km", "200 – 300 km", "beyond 300 km (not covered)"]


def test_outline_overlays_leave_the_colours_below_visible(qgis_app):
    """Overlays of the report's policy pages (chosen cities over a map of changes): polygons drawn
    as outlines only, dashed on request, markers as rings; the symbol's own colour is the outline."""
    from qgis.core import QgsVectorLayer
    from qgis.PyQt.QtCore import Qt

    from digital_resilience.core.palettes import CHOSEN_OUTLINE
    from digital_resilience.processing.styling import apply_style, outline_style

    polygons = QgsVectorLayer("Polygon?crs=EPSG:4326", "chosen", "memory")
    apply_style(polygons, outline_style(name="Chosen cities"))
    fill = polygons.renderer().symbol().symbolLayer(0)
    assert polygons.name() == "Chosen cities"
    assert fill.brushStyle() == Qt.NoBrush and fill.strokeStyle() == Qt.SolidLine
    assert fill.strokeColor().name() == CHOSEN_OUTLINE.lower() and fill.strokeWidth() == pytest.approx(0.6)
    apply_style(polygons, outline_style("#111111", width=0.5, dashed=True))
    fill = polygons.renderer().symbol().symbolLayer(0)
    assert fill.strokeStyle() == Qt.DashLine and fill.strokeColor().name() == "#111111"
    points = QgsVectorLayer("Point?crs=EPSG:4326", "ring", "memory")
    apply_style(points, outline_style("#1f78b4", width=0.8))
    marker = points.renderer().symbol().symbolLayer(0)
    assert marker.fillColor().alpha() == 0 and marker.strokeColor().name() == "#1f78b4"
    assert marker.strokeWidth() == pytest.approx(0.8)


def test_cjk_font_is_installed_for_labels(qgis_app):
    from digital_resilience.processing.styling import CJK_FONT, cjk_font_family

    assert cjk_font_family() == CJK_FONT, "install Debian's fonts-noto-cjk (make setup does)"
