"""`make demo` end to end (scripts/demo.py, run once per session by the ``demo_run`` fixture):
what it prints, and the checks a person would make on what it writes — one GeoPackage with
every layer and table, a project that opens styled and ordered, a report whose LISA page
shows GeoDa's colours and its legend, the HTML reports."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

#: Every layer (features) and table (attributes) the demo's steps write, by name.
LAYERS = {
    "cities", "cities_panel", "indices", "coupling", "connectivity_queen", "connectivity_knn6", "lisa_uri_2019",
    "hotspots_uri_2019", "coverage_cities", "coverage_cores", "coverage_circles", "coverage_links", "mclp_cities",
    "mclp_cores", "mclp_circles", "sdm_fitted", "sdm_residual_lisa", "openness_groups", "scenario_dei", "targeting_dei",
    "convergence_growth", "redundancy_cities", "redundancy_cores", "redundancy_counties",
    "china_no_data_regions", "china_maritime_boundary",
}
TABLES = {"join_report", "index_weights", "moran_by_year", "convergence_sigma", "convergence_beta",
          "convergence_groups", "mediation_coefficients", "mediation_effects"}
REPORTS = {"weights_queen", "weights_economic_geographic", "coverage_300km", "coverage_mclp_pop", "spillover_sdm",
           "heterogeneity_period", "heterogeneity_openness", "scenario_dei_central_west", "convergence", "mediation",
           "redundancy_300km", "elasticity_gap",
           "targeting_dei_central_west"}
#: GeoDa's LISA colours (DESIGN.md).
GEODA = {"High-High": "#ff0000", "Low-Low": "#0000ff", "Low-High": "#9696ff", "High-Low": "#ff9696",
         "Not significant": "#f0f0f0"}
#: The report's pages after the cover, by words of their titles (demo_report.build_report). Digits
#: are left out: poppler extracts no digits from Qt's PDF text in Noto Sans CJK (they show).
PAGES = ["Digital economy index", "Urban resilience index", "Rankings", "Coupling coordination of DEI and URI",
         "Global spatial autocorrelation", "LISA clusters of resilience", "Hot and cold spots of resilience",
         "Core-node coverage within", "Network redundancy", "Spillover model: residual clusters",
         "Spillover scenario", "Where to invest first",
         "convergence of resilience"]


def demo_module():
    spec = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_step_prints_its_summary_and_time(demo_run):
    lines = [re.match(r"^\[\s*(\d+\.\d\d) s\] (.+?): (.+)$", line) for line in demo_run.stdout.splitlines()]
    steps = [(m.group(2), float(m.group(1)), m.group(3)) for m in lines if m]
    assert [title for title, _, _ in steps] == [title for title, _ in demo_module().STEPS]
    assert all(summary.strip() for _, _, summary in steps)
    assert re.search(r"^Done in \d+\.\d s; outputs in ", demo_run.stdout, re.M)
    print(f"demo: {demo_run.seconds:.1f} s; steps: {sum(t for _, t, _ in steps):.1f} s")
    # No GDAL noise: tables written into the GeoPackage used to print "ERROR 1: No geometry column".
    assert "ERROR" not in demo_run.stderr and "Traceback" not in demo_run.stderr, demo_run.stderr[-2000:]


def test_one_geopackage_holds_every_layer_and_table(demo_run):
    with sqlite3.connect(demo_run.out / "demo.gpkg") as db:
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
        counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in contents}
    assert {name for name, kind in contents.items() if kind == "features"} == LAYERS
    # ... and layer_styles: the layers' default styles (see test_every_layer_of_the_geopackage_opens_styled).
    assert {name for name, kind in contents.items() if kind == "attributes"} == TABLES | {"layer_styles"}
    assert all(counts[name] > 0 for name in contents), counts
    assert counts["cities"] == counts["indices"] == counts["lisa_uri_2019"] == 367
    assert counts["coverage_cores"] == 42 and counts["mclp_cores"] == 20
    others = [p for p in demo_run.out.rglob("*") if p.suffix.lower() in (".gpkg", ".shp", ".sqlite", ".geojson")]
    assert others == [demo_run.out / "demo.gpkg"]


def test_every_layer_of_the_geopackage_opens_styled(demo_run, qgis_app):
    """Opened without the project (e.g. dragged into QGIS), each layer of demo.gpkg has its
    algorithm's style as its default style (layer_styles), the LISA map in GeoDa's colours."""
    from qgis.core import QgsProject, QgsVectorLayer

    gpkg = demo_run.out / "demo.gpkg"
    with sqlite3.connect(gpkg) as db:
        defaults = db.execute("SELECT f_table_name, count(*) FROM layer_styles WHERE useAsDefault "
                              "GROUP BY f_table_name").fetchall()
    assert {name for name, _ in defaults} >= LAYERS and all(count == 1 for _, count in defaults), defaults
    project = QgsProject()
    try:
        lisa = QgsVectorLayer(f"{gpkg}|layername=lisa_uri_2019", "lisa", "ogr")
        project.addMapLayer(lisa)
        colours = {c.label(): c.symbol().color().name() for c in lisa.renderer().categories()}
        assert {key: colours[key] for key in GEODA} == GEODA
        dashes = QgsVectorLayer(f"{gpkg}|layername=china_maritime_boundary", "dashes", "ogr")
        project.addMapLayer(dashes)
        from digital_resilience.processing.styling import MARITIME_LINE

        assert dashes.renderer().symbol().color().name() == MARITIME_LINE.lower()
    finally:
        project.clear()


def test_the_project_opens_on_china_in_a_named_crs(demo_run):
    """demo.qgz's XML: a default view extent (and full extent) on China, not 1:1 on an empty
    canvas, and the Albers projection with its name."""
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(demo_run.out / "demo.qgz") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".qgs"))
        root = ET.fromstring(archive.read(name))
    crs = root.find("projectCrs/spatialrefsys")
    assert crs.findtext("description") == "China Albers Equal Area (105E, 25N/47N)"
    assert "+proj=aea" in crs.findtext("proj4") and "+lon_0=105" in crs.findtext("proj4")
    view = root.find("ProjectViewSettings")
    for tag in ("DefaultViewExtent", "PresetFullExtent"):
        extent = view.find(tag)
        assert extent is not None, tag
        box = {key: float(extent.get(key)) for key in ("xmin", "ymin", "xmax", "ymax")}
        # China in the Albers projection (105°E, 25°N/47°N), by pyproj: Xinjiang's west (73.5°E 39.4°N)
        # x = −2,622 km, Heilongjiang's east (134.8°E 48.3°N) x = 2,190 km, the Spratlys' south
        # (112.3°E 3.9°N) y = 416 km, Mohe (122.3°E 53.56°N) y = 5,907 km; plus a small margin.
        assert -2.9e6 < box["xmin"] < -2.62e6 and 2.19e6 < box["xmax"] < 2.5e6, box
        assert 1.0e5 < box["ymin"] < 4.16e5 and 5.907e6 < box["ymax"] < 6.2e6, box


def test_the_project_opens_with_every_layer_styled_and_ordered(demo_run, qgis_app):
    from qgis.core import QgsProject

    from digital_resilience.processing import styling

    project = QgsProject()
    assert project.read(str(demo_run.out / "demo.qgz"))
    try:
        layers = list(project.mapLayers().values())
        assert layers and all(layer.isValid() for layer in layers)
        sources = {layer.source().split("|layername=")[-1] for layer in layers}
        assert sources == LAYERS | TABLES  # every layer and table of the GeoPackage, and nothing else
        assert all(Path(layer.source().split("|")[0]).resolve() == (demo_run.out / "demo.gpkg").resolve()
                   for layer in layers)
        assert project.crs().description() == "China Albers Equal Area (105E, 25N/47N)"  # named
        root = project.layerTreeRoot()
        groups = [group.name() for group in root.children()]
        assert groups == [title for _, title in demo_module().GROUPS]
        visible = {node.name() for node in root.findLayers() if node.isVisible()}
        assert visible == {"LISA clusters of resilience 2019", "Digital economy index 2019",
                           "Urban resilience index 2019", "Taiwan, Hong Kong and Macao (no data)",
                           "South China Sea dashed line"}
        assert root.findLayers()[0].name() == "LISA clusters of resilience 2019"  # drawn on top

        by_name = {layer.name(): layer for layer in layers}
        lisa = by_name["LISA clusters of resilience 2019"]
        colours = {c.label(): c.symbol().color().name() for c in lisa.renderer().categories()}
        assert {key: colours[key] for key in GEODA} == GEODA
        assert len(lisa.styleManager().styles()) == 2  # cluster map + significance map
        for name, field in (("Digital economy index 2019", "DEI_2019"), ("Urban resilience index 2019", "URI_2019")):
            renderer = by_name[name].renderer()
            assert renderer.type() == "graduatedSymbol" and renderer.classAttribute() == field
            assert len(renderer.ranges()) == 5
        hot = by_name["Hot and cold spots of resilience 2019 (Gi*)"].renderer()
        assert hot.type() == "categorizedSymbol" and len(hot.categories()) >= 7
        singles = {styling.CORE_COLOR.lower(), styling.COVERAGE_FILL.lower(), styling.CONNECTIVITY_COLOR.lower(),
                   styling.BASEMAP_FILL.lower(), styling.MARITIME_LINE.lower()}
        for layer in layers:
            if layer.isSpatial():
                renderer = layer.renderer()
                if renderer.type() == "singleSymbol":  # not QGIS's random default colour
                    assert renderer.symbol().color().name() in singles, layer.name()
                else:
                    assert renderer.type() in ("categorizedSymbol", "graduatedSymbol"), layer.name()
            else:  # tables: the algorithms' field aliases
                assert any(layer.attributeAlias(i) for i in range(layer.fields().count())), layer.name()
    finally:
        project.clear()


def page_texts(pdf: Path) -> list[str]:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                           text=True, check=True).stdout).group(1))
    texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout for i in range(1, pages + 1)]
    return [unicodedata.normalize("NFKC", text) for text in texts]  # "ﬁ" ligatures -> "fi"


@pytest.fixture(scope="module")
def report_pages(demo_run):
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) are not installed; make setup installs them")
    return page_texts(demo_run.out / "report.pdf")


def test_the_report_has_a_cover_then_a_page_per_map_and_chart(report_pages):
    assert len(report_pages) == 1 + len(PAGES)
    assert "What the study found" in report_pages[0] and "SYNTHETIC" in report_pages[0]
    for text, title in zip(report_pages[1:], PAGES):
        assert title in " ".join(text.split()), title
    for text in report_pages[1:]:
        assert "SYNTHETIC panel, not real statistics" in text  # the source note on every page


def test_the_report_is_small_clean_and_embeds_each_font_once(demo_run, report_pages, tmp_path):
    """One document, not joined pages (each page's PDF embedded its own copy of Noto Sans CJK:
    16 MB for 11 pages), boundaries generalised to the page, and no empty paths (poppler's
    "No current point in closepath" on the coverage page)."""
    pdf = demo_run.out / "report.pdf"
    size = pdf.stat().st_size
    print(f"report.pdf: {size / 1e6:.2f} MB, {size / len(report_pages) / 1e3:.0f} kB a page")
    assert size < 450_000 * len(report_pages)  # 5.3 MB for 14 pages; each page's own font: 1.5 MB a page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names and len(names) == len(set(names)), fonts
    for tool in (["pdfinfo", str(pdf)], ["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")]):
        run = subprocess.run(tool, capture_output=True, text=True, check=True)
        assert "Syntax Error" not in run.stderr and "Error" not in run.stderr, run.stderr[:2000]
    assert len(list(tmp_path.glob("page*.png"))) == 1 + len(PAGES)


def rendered_page(pdf: Path, number: int, folder: Path, dpi: int = 60) -> np.ndarray:
    """Page ``number`` of ``pdf`` as an (height, width, 3) array of RGB bytes (pdftoppm)."""
    from qgis.PyQt.QtGui import QImage

    prefix = folder / f"page{number}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-png", "-singlefile",
                    str(pdf), str(prefix)], check=True, capture_output=True)
    image = QImage(str(prefix.with_suffix(".png"))).convertToFormat(QImage.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(stride * image.height()), dtype=np.uint8)
    return data.reshape(image.height(), stride)[:, :image.width() * 3].reshape(image.height(), -1, 3).astype(int)


def mask(pixels: np.ndarray, colour: str, tolerance: int = 3) -> np.ndarray:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return np.abs(pixels - rgb).max(axis=2) <= tolerance


def test_the_lisa_page_shows_geoda_colours_and_its_legend(demo_run, report_pages, tmp_path, qgis_app):
    number = next(i for i, text in enumerate(report_pages[1:], start=2) if "LISA clusters of resilience" in text)
    text = " ".join(report_pages[number - 1].split())
    for label in ("Legend", *GEODA):
        assert label in text, label
    pixels = rendered_page(demo_run.out / "report.pdf", number, tmp_path)
    height, width, _ = pixels.shape
    # The map: clusters in red and blue, the rest light grey.
    assert mask(pixels, GEODA["High-High"]).sum() > 200 and mask(pixels, GEODA["Low-Low"]).sum() > 1000
    assert mask(pixels, GEODA["Not significant"]).sum() > 5000
    # The legend: no city is Low-High in 2019, so that colour can only be its legend swatch...
    swatch = np.argwhere(mask(pixels, GEODA["Low-High"]))
    assert len(swatch) > 40
    (top, left), (bottom, right) = swatch.min(axis=0), swatch.max(axis=0)
    assert right < width / 3 and top > height / 2  # the legend sits at the lower left of the map
    assert (bottom - top) < 20 and (right - left) < 30  # one swatch, not map features
    # ...and the other clusters' swatches sit in the same column, above and below it.
    column = pixels[max(top - 80, 0):bottom + 80, left:right + 1]
    for label in ("High-High", "Low-Low", "High-Low", "Not significant"):
        assert mask(column, GEODA[label]).sum() >= 0.6 * len(swatch), label


def page_number(report_pages, title: str) -> int:
    return next(i for i, text in enumerate(report_pages[1:], start=2) if title in " ".join(text.split()))


def test_the_policy_pages_draw_their_marks_over_the_algorithms_styles(demo_run, report_pages, tmp_path, qgis_app):
    """Scenario, targeting and network redundancy (issue 17): each page's legend names what it marks,
    and the marks are drawn over the map, not hidden under its polygons (a page's layers are listed
    top first: before, the last was drawn on top and the cores lay under the cities)."""
    from digital_resilience.core.palettes import (
        ADDED_CORE_COLOR,
        CHOSEN_OUTLINE,
        CORE_COLOR,
        FAILURE_OUTLINE,
        NAIVE_OUTLINE,
    )

    pdf = demo_run.out / "report.pdf"
    expected = {
        "Spillover scenario": (["Predicted change of URI", "Cities given"], [CHOSEN_OUTLINE]),
        "Where to invest first": (["Predicted change of URI", "chosen cities", "Naive choice"],
                                  [CHOSEN_OUTLINE, NAIVE_OUTLINE]),
        "Network redundancy": (["Cities by redundancy", "Covered twice or more (backup)", "Lost if its only core fails",
                                "Existing core", "Additional core", "Worst single failure"],
                               [CORE_COLOR, ADDED_CORE_COLOR, FAILURE_OUTLINE]),
    }
    for title, (labels, colours) in expected.items():
        number = page_number(report_pages, title)
        text = " ".join(report_pages[number - 1].split())
        for label in labels:
            assert label in text, (title, label)
        pixels = rendered_page(pdf, number, tmp_path, dpi=100)
        width = pixels.shape[1]
        for colour in colours:
            found = np.argwhere(mask(pixels, colour, tolerance=30))
            # more than a legend swatch: on the map, right of the legend's column (0 when under the map)
            assert (found[:, 1] > width / 3).sum() > 100, (title, colour, len(found))


def test_the_algorithms_html_reports_and_charts_are_there(demo_run):
    reports = {p.stem: p for p in (demo_run.out / "reports").glob("*.html")}
    assert set(reports) == REPORTS
    assert all("<html" in p.read_text(encoding="utf-8")[:500].lower() for p in reports.values())
    charts = {p.name for p in (demo_run.out / "charts").glob("*.png")}
    assert {"moran_by_year.png", "moran_scatter_uri_2019.png", "convergence_sigma.png", "mediation_bootstrap.png",
            "report_ranking_uri_2019.png", "report_ranking_dei_2019.png"} <= charts
    assert {p.name for p in (demo_run.out / "weights").iterdir()} == {
        "queen.gal", "knn6.gal", "inverse_distance.gwt", "economic_geographic.gwt"}


def test_regression_steps_write_paper_tables(demo_run):
    """tables/*.xlsx, *.tex (and *.docx where python-docx is installed) for the spillover,
    heterogeneity, convergence and mediation steps, with the footer convention."""
    openpyxl = pytest.importorskip("openpyxl")
    stems = {"spillover_sdm", "heterogeneity_period", "heterogeneity_openness", "convergence_beta", "mediation"}
    tables = demo_run.out / "tables"
    assert {p.stem for p in tables.glob("*.xlsx")} == stems
    assert {p.stem for p in tables.glob("*.tex")} == stems
    if importlib.util.find_spec("docx") is not None:
        assert {p.stem for p in tables.glob("*.docx")} == stems
    sheet = openpyxl.load_workbook(tables / "spillover_sdm.xlsx")["models"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {"N (units × years)", "City fixed effects", "Year fixed effects", "Log-likelihood", "AIC",
            "Spatial weights", "Standard errors"} <= set(labels)
