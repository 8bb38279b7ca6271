"""resilience:reportmap: a styled layer (or the project's layers) as a finished report map."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsExpression,
    QgsGraduatedSymbolRenderer,
    QgsLayoutExporter,
    QgsLayoutItemMap,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterCrs,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsRenderContext,
)

from ...core.errors import Cancelled
from ..algorithm import ResilienceAlgorithm, check_cancel
from ..io.gdal_messages import PNG_NO_UPDATE, ignore_gdal_errors
from ..maps import layouts
from ..maps.china_basemaps import ChinaBasemaps, is_china_extent, load_china_basemaps, wgs84_extent
from ..maps.layer_copy import copy_for_map
from ..maps.layout_project import LayoutProject
from ..maps.page_frame import PageFrame
from ..maps.page_style import PageStyle
from ..maps.report_pages import Page, PageIterator
from ..parameters.choices import chosen, enum_parameter
from ..parameters.classification import CLASSES, CLASSIFICATION, add_classification_parameters, classification
from ..parameters.help import as_advanced, with_help
from ..qgis_compat import parameter_as_strings
from ..styling import (
    RAMP_NAMES,
    Single,
    Style,
    apply_style,
)

FORMATS = ("pdf", "png", "svg")


class ReportMapAlgorithm(ResilienceAlgorithm):
    NAME = "reportmap"
    DISPLAY_NAME = "Report map"
    SHORT_DESCRIPTION = "A print-ready map (PDF/PNG) with legend, scale bar and north arrow."
    GROUP = "maps"
    #: mapclassify only when the run classifies (see :meth:`required_packages`).
    REQUIRES = ("numpy", "mapclassify")
    TAGS = "map,report,layout,print,pdf,png,svg,atlas,template,choropleth,legend,south china sea,inset"
    HELP = (
        "Exports a styled layer, or the visible layers of the current project, as a finished report "
        "map (PDF, PNG or SVG, from the output's file extension) on a print layout template: title, "
        "subtitle, legend, scale bar, north arrow and data-source note.\n\n"
        "Style: leave Field empty to keep the layer's own style; choose a numeric field to draw a "
        "graduated map with the chosen classification (natural breaks by default) and colour ramp.\n\n"
        "Templates: A4 or A3, landscape or portrait (resources/layouts), or your own .qpt file whose "
        "map item has the id main_map (items title, subtitle, legend, scalebar, north_arrow, source, "
        "inset_map and inset_label are filled in when present).\n\n"
        "Maps of China: the map is drawn in an Albers equal-area projection with province boundaries, "
        "Taiwan, Hong Kong and Macao (drawn without data when the layer does not cover them) and the "
        "dashed maritime boundary line, "
        "and the South China Sea islands (南海诸岛) go into a framed inset at the lower right, as in "
        "Chinese atlases, while the main map stops south of Hainan. Automatic mode does this for a layer "
        "within China; the inset is drawn whenever the page shows most of China (whatever the layer "
        "holds, e.g. without 三沙市) or reaches the islands, not on a map of one province (choose Yes to "
        "force it). The legend is placed where it covers no mapped feature.\n\n"
        "Atlas: one page per year draws every year of a STEM_YYYY field (e.g. DEI_2011 … DEI_2019) on "
        "its own page. By default every year uses the same classes, so colours compare across years: "
        "classes computed on all years pooled when Field is set, or the style's own breaks when the "
        "layer keeps its style; choose 'classify each year on its own' to re-classify every page. "
        "One page per value of a field (e.g. region or province) zooms to each value's features, with "
        "the other features in grey, and keeps one classification for all pages. A PDF holds every "
        "page; PNG and SVG write one file per page (name_2019.png …)."
    )

    INPUT = "INPUT"
    FIELD = "FIELD"
    CLASSIFICATION = CLASSIFICATION
    CLASSES = CLASSES
    RAMP = "RAMP"
    TEMPLATE = "TEMPLATE"
    TEMPLATE_FILE = "TEMPLATE_FILE"
    TITLE = "TITLE"
    SUBTITLE = "SUBTITLE"
    SOURCE = "SOURCE"
    ATLAS = "ATLAS"
    ATLAS_FIELD = "ATLAS_FIELD"
    BREAKS = "BREAKS"
    CHINA = "CHINA"
    CRS = "CRS"
    DPI = "DPI"
    OUTPUT = "OUTPUT"

    #: The options of ATLAS, BREAKS and CHINA, in order (append only; a print layout's choices, so
    #: declared beside the code that takes them).
    ATLAS_MODES = ("single", "years", "values")
    BREAK_MODES = ("shared", "per_year")
    CHINA_MODES = ("auto", "yes", "no")

    def flags(self):
        # Layout rendering and layer cloning belong to the main thread (as QGIS's own
        # "Export print layout" algorithms).
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(with_help(QgsProcessingParameterVectorLayer(
            self.INPUT, self.tr("Layer"),
            [QgsProcessing.TypeVector], optional=True),
                self.tr("Layer (leave empty to map the current project's visible layers)")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.FIELD, self.tr("Field to classify"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Field to classify (empty: keep the layer's style)")))
        add_classification_parameters(self, advanced=False)
        self.addParameter(enum_parameter(self.RAMP, self.tr("Colour ramp"), RAMP_NAMES,
                                         {name: name for name in RAMP_NAMES}))
        self.addParameter(enum_parameter(self.TEMPLATE, self.tr("Page"), tuple(layouts.TEMPLATES),
                                         layouts.template_labels()))
        self.addParameter(QgsProcessingParameterString(self.TITLE, self.tr("Title (default: the layer’s name)"),
                                                       defaultValue="", optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.SUBTITLE, self.tr("Subtitle"), defaultValue="", optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.SOURCE, self.tr("Data source note"), defaultValue="", optional=True))
        self.addParameter(enum_parameter(self.ATLAS, self.tr("Pages"), self.ATLAS_MODES, {
            "single": self.tr("One page"), "years": self.tr("One page per year (STEM_YYYY fields)"),
            "values": self.tr("One page per value of a field")}))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.ATLAS_FIELD, self.tr("One page per value of"),
            parentLayerParameterName=self.INPUT, optional=True),
                self.tr("Field with one page per value (e.g. region)")))
        self.addParameter(enum_parameter(self.BREAKS, self.tr("Classes of a page per year"), self.BREAK_MODES, {
            "shared": self.tr("Same classes for every year"), "per_year": self.tr("Classify each year on its own")}))
        advanced_parameters = [
            with_help(QgsProcessingParameterFile(
                self.TEMPLATE_FILE, self.tr("Own layout template"),
                behavior=QgsProcessingParameterFile.File, fileFilter=self.tr("Layout templates (*.qpt)"),
                optional=True), self.tr("Own layout template (.qpt; replaces Page)")),
            with_help(enum_parameter(self.CHINA, self.tr("Map of China conventions"), self.CHINA_MODES, {
                "auto": self.tr("Automatic"), "yes": self.tr("Yes"), "no": self.tr("No")}),
                    self.tr("China: Albers projection, province boundaries and South China Sea inset")),
            QgsProcessingParameterCrs(
                self.CRS, self.tr("Map projection (empty: automatic)"), optional=True),
            QgsProcessingParameterNumber(
                self.DPI, self.tr("Resolution (dots per inch)"), QgsProcessingParameterNumber.Integer,
                defaultValue=200, minValue=50, maxValue=1200),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Report map"),
            self.tr("PDF files (*.pdf);;PNG files (*.png);;SVG files (*.svg)"), defaultValue=None))
        self.addOutput(QgsProcessingOutputNumber("PAGES", self.tr("Pages")))
        self.addOutput(QgsProcessingOutputString("FILES", self.tr("Files written (separated by ;)")))

    # ---------------------------------------------------------------- process
    def required_packages(self, parameters, context) -> tuple[str, ...]:
        """mapclassify computes classes: for a chosen Field, or for every year's page of a
        style re-classified each year; a layer that keeps its own style needs only numpy."""
        classifies = bool(parameter_as_strings(self, parameters, self.FIELD, context)) or (
            chosen(self, parameters, self.ATLAS, self.ATLAS_MODES, context) == "years"
            and chosen(self, parameters, self.BREAKS, self.BREAK_MODES, context) == "per_year")
        return self.REQUIRES if classifies else tuple(p for p in self.REQUIRES if p != "mapclassify")

    def process(self, parameters, context, feedback):
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        fmt = Path(output).suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise QgsProcessingException(self.tr(
                "Save the report map as .pdf, .png or .svg (the format follows the file name); got “{name}”."
            ).format(name=Path(output).name))
        # A private project for the clones, basemaps and layout, freed in a fixed order when the
        # run ends, however it ends (layout_project.py).
        with LayoutProject(ellipsoid="EPSG:7030") as private:
            self.private, self.project = private, private.project
            try:
                return self.render(parameters, context, feedback, output, fmt)
            finally:
                self.private = self.project = None

    def render(self, parameters, context, feedback, output, fmt):
        thematic = self.thematic_layers(parameters, context)
        main_layer = thematic[0]
        feedback.pushInfo(self.tr("Layers: {names}").format(names=", ".join(layer.name() for layer in thematic)))

        pages = self.pages(parameters, context, main_layer)
        fields = parameter_as_strings(self, parameters, self.FIELD, context)
        classes = classification(self, parameters, context)
        ramp = chosen(self, parameters, self.RAMP, RAMP_NAMES, context)
        per_year = chosen(self, parameters, self.BREAKS, self.BREAK_MODES, context) == "per_year"
        self.style = PageStyle(classes["scheme"], classes["k"], ramp, per_year, classify=bool(fields))
        self.style.apply(main_layer, pages, fields)

        layout = self.layout(parameters, context)
        items = layouts.layout_items(layout)
        main_map = items.get(layouts.MAIN_MAP) or next(
            (item for item in layout.items() if isinstance(item, QgsLayoutItemMap)), None)
        if main_map is None:
            raise QgsProcessingException(self.tr(
                "The layout template has no map item; add a map (item id main_map) in the layout designer."))

        china = self.is_china(parameters, context, thematic)
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        if not crs.isValid():
            crs = (layouts.china_albers() if china
                   else main_layer.crs())
        self.project.setCrs(crs)
        basemaps = self.china_basemaps() if china else ChinaBasemaps()
        context_layer = self.context_layer(main_layer) if pages[0].value is not None else None

        self.fill_texts(parameters, context, items)
        self.title = self.title or main_layer.name()
        self.set_up_legend(items.get(layouts.LEGEND), main_map, thematic)
        for item_id in (layouts.SCALEBAR, layouts.NORTH_ARROW):
            if item_id in items:
                items[item_id].setLinkedMap(main_map)
        main_layers = (basemaps.over + thematic + ([context_layer] if context_layer else [])
                       + basemaps.under_main)
        main_map.setLayers(main_layers)
        main_map.setKeepLayerSet(True)
        main_map.setCrs(crs)
        inset = items.get(layouts.INSET_MAP)
        if inset is not None:
            inset.setLayers(basemaps.over + thematic + basemaps.under_inset)
            inset.setKeepLayerSet(True)
            inset.setCrs(crs)

        force_inset = chosen(self, parameters, self.CHINA, self.CHINA_MODES, context) == "yes"

        frame = PageFrame(layout, items, main_map, inset, crs, self.project, china, force_inset)

        def prepare(page: Page) -> None:
            self.prepare_page(page, frame, items, main_layer, thematic)

        iterator = PageIterator(layout, pages, prepare, single_path=output, feedback=feedback)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        files = self.export(iterator, output, fmt, parameters, context)
        if iterator.error is not None:
            raise iterator.error
        if iterator.cancelled:
            raise Cancelled()
        check_cancel(feedback)
        feedback.setProgress(100)
        feedback.pushInfo(self.tr("{pages} page(s) written: {files}").format(
            pages=len(pages), files=", ".join(self.final_path(f) for f in files)))
        return {self.OUTPUT: output if fmt == "pdf" or len(pages) == 1 else files[0],
                "PAGES": len(pages), "FILES": ";".join(files)}

    # ----------------------------------------------------------------- layers
    def thematic_layers(self, parameters, context) -> list:
        """Clones of the input layer, or of the project's visible layers (top first): the
        user's layers are never changed."""
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is not None:
            sources = [layer]
        else:
            project = context.project()
            tree = project.layerTreeRoot() if project is not None else None
            sources = [node.layer() for node in tree.findLayers()
                       if node.isVisible() and node.layer() is not None and node.layer().isValid()] if tree else []
            if not sources:
                raise QgsProcessingException(self.tr(
                    "There is no layer to map: choose a layer, or run the algorithm from a project with "
                    "visible layers."))
        clones = []
        for source in sources:
            clone = copy_for_map(source, context.transformContext())
            clone.setName(source.name())
            self.private.add_layer(clone)
            clones.append(clone)
        return clones

    def context_layer(self, layer):
        """All features in light grey, under the page's features (one page per value)."""
        grey = copy_for_map(layer)
        grey.setSubsetString(layer.subsetString())
        apply_style(grey, Style(renderer=Single(color="#EBEBEB", outline="#C8C8C8", width=0.1)))
        self.private.add_layer(grey)
        return grey

    def china_basemaps(self) -> ChinaBasemaps:
        """The basemaps of a map of China (maps/china_basemaps.py), owned by the run's project."""
        return load_china_basemaps(self.private)

    # ----------------------------------------------------------------- pages
    def pages(self, parameters, context, layer) -> list[Page]:
        from ...core.panel import panel_stems, split_year_field

        mode = chosen(self, parameters, self.ATLAS, self.ATLAS_MODES, context)
        if mode == "single":
            return [Page(key="map")]
        if mode == "years":
            fields = parameter_as_strings(self, parameters, self.FIELD, context)
            column = fields[0] if fields else None
            renderer = layer.renderer()
            if column is None and isinstance(renderer, QgsGraduatedSymbolRenderer):
                column = renderer.classAttribute()
            split = split_year_field(column) if column else None
            if split is None:
                raise QgsProcessingException(self.tr(
                    "One page per year needs a yearly field (STEM_YYYY, e.g. DEI_2019): choose one in "
                    "“Field to classify”, or give the layer a graduated style on such a field."))
            years = panel_stems([f.name() for f in layer.fields()])[split[0]]
            return [Page(key=str(year), label=str(year), year=year, column=name) for year, name in years.items()]
        names = parameter_as_strings(self, parameters, self.ATLAS_FIELD, context)
        if not names:
            raise QgsProcessingException(self.tr(
                "One page per value of a field needs that field: choose it in “Field with one page per "
                "value” (e.g. region or province)."))
        index = layer.fields().lookupField(names[0])
        values = sorted((v for v in layer.uniqueValues(index) if v is not None and str(v) != "NULL"), key=str)
        if not values:
            raise QgsProcessingException(self.tr("The field {field} has no values; choose another field.").format(
                field=names[0]))
        return [Page(key=str(v), label=str(v), value=v, column=names[0]) for v in values]

    # ---------------------------------------------------------------- layout
    def layout(self, parameters, context):
        path = self.parameterAsFile(parameters, self.TEMPLATE_FILE, context)
        if not path:
            key = chosen(self, parameters, self.TEMPLATE, tuple(layouts.TEMPLATES), context)
            path = str(layouts.template_path(key))
        layout = self.private.load_layout(path)
        if layout is None:
            raise QgsProcessingException(self.tr(
                "Could not read the layout template {path}; choose a .qpt file saved by QGIS's layout "
                "designer.").format(path=path))
        return layout

    def fill_texts(self, parameters, context, items) -> None:
        self.title = self.parameterAsString(parameters, self.TITLE, context).strip()
        self.subtitle = self.parameterAsString(parameters, self.SUBTITLE, context).strip()
        source = self.parameterAsString(parameters, self.SOURCE, context).strip()
        if layouts.SOURCE in items:
            items[layouts.SOURCE].setText(source)
            items[layouts.SOURCE].setVisibility(bool(source))
        if layouts.INSET_LABEL in items:
            items[layouts.INSET_LABEL].setText(self.tr("South China Sea Islands"))
        legend = items.get(layouts.LEGEND)
        if legend is not None:
            legend.setTitle(self.tr("Legend"))

    def set_up_legend(self, legend, main_map, layers) -> None:
        """The legend lists the thematic layers only (not the basemaps)."""
        if legend is None:
            return
        legend.setLinkedMap(main_map)
        legend.setAutoUpdateModel(False)
        legend.model().setRootGroup(self.private.legend_tree(layers))

    def is_china(self, parameters, context, layers) -> bool:
        mode = chosen(self, parameters, self.CHINA, self.CHINA_MODES, context)
        if mode != "auto":
            return mode == "yes"
        return is_china_extent(wgs84_extent(layers, self.project))

    # ------------------------------------------------------------------ pages
    def prepare_page(self, page, frame, items, layer, thematic) -> None:
        """Re-style, filter, title and frame the layout for ``page`` (called by the exporter)."""
        expression = None
        if page.year is not None:
            self.style.for_year(layer, page)
        if page.value is not None:
            expression = QgsExpression.createFieldEqualityExpression(page.column, page.value)
            if not layer.setSubsetString(expression):
                raise QgsProcessingException(self.tr("Could not select the features of {value}.").format(
                    value=page.label))
        title = self.title
        if page.label:
            title = self.title.replace("{page}", page.label) if "{page}" in self.title else (
                f"{self.title} {page.label}" if page.year is not None else f"{self.title} — {page.label}")
        if layouts.TITLE in items:
            items[layouts.TITLE].setText(title.strip(" —"))
        if layouts.SUBTITLE in items:
            items[layouts.SUBTITLE].setText(self.subtitle)
            items[layouts.SUBTITLE].setVisibility(bool(self.subtitle))
        frame.show(wgs84_extent(thematic if page.value is None else [layer], self.project,
                                None if page.value is None else expression), layer)

    # ---------------------------------------------------------------- export
    def export_error(self, result) -> str:
        """What a QgsLayoutExporter result code means, in words."""
        if result in (QgsLayoutExporter.FileError, QgsLayoutExporter.PrintError):
            return self.tr("the file cannot be written (a read-only folder, a file open in another program, "
                           "or a missing folder); choose another file")
        if result == QgsLayoutExporter.MemoryError:
            return self.tr("not enough memory for the image; lower the resolution (DPI)")
        if result == QgsLayoutExporter.SvgLayerError:
            return self.tr("the SVG layers could not be exported")
        return self.tr("the layout export failed (code {code})").format(code=int(result))

    def export(self, iterator, output, fmt, parameters, context) -> list[str]:
        dpi = self.parameterAsInt(parameters, self.DPI, context)
        base = str(Path(output).with_suffix(""))
        if fmt == "pdf":
            result, error = QgsLayoutExporter.exportToPdf(iterator, output, layouts.pdf_settings(dpi))
            files = [output]
        elif fmt == "png":
            settings = QgsLayoutExporter.ImageExportSettings()
            settings.dpi = dpi
            # QGIS then tries to georeference the PNG in place, which GDAL's PNG driver
            # refuses with a harmless "ERROR 6 … update access": that message is dropped.
            with ignore_gdal_errors(PNG_NO_UPDATE):
                result, error = QgsLayoutExporter.exportToImage(iterator, base, "png", settings)
            files = list(iterator.written)
        else:
            settings = QgsLayoutExporter.SvgExportSettings()
            settings.dpi = dpi
            settings.forceVectorOutput = True
            settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
            result, error = QgsLayoutExporter.exportToSvg(iterator, base, settings)
            files = list(iterator.written)
        if result != QgsLayoutExporter.Success and not iterator.cancelled:
            raise QgsProcessingException(self.tr("Could not write the report map {path}: {error}").format(
                path=self.final_path(output), error=error or self.export_error(result)))
        return files
