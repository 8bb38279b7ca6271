"""resilience:zonalstatistics: per-city statistics of one raster per year (night lights, NDVI, built-up)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.indices.options import ZONAL_STATISTICS
from ..algorithm import ResilienceAlgorithm, core_texts, feedback_progress, multi_step
from ..io.bridge import frame_to_sink, read_frame
from ..parameters.choices import chosen_many, enum_parameter
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.help import as_advanced, with_help
from ..styling import attach_style, graduated_style


class ZonalStatisticsAlgorithm(ResilienceAlgorithm):
    NAME = "zonalstatistics"
    DISPLAY_NAME = "Zonal statistics of yearly rasters"
    SHORT_DESCRIPTION = "Yearly raster values (e.g. night lights) summarised per city."
    GROUP = "indices"
    REQUIRES = ("numpy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify", "rasterio")
    TAGS = "zonal,statistics,raster,night lights,ntl,viirs,ndvi,built-up,mean,sum,share,夜间灯光"
    HELP = (
        "Computes indicator values per city from rasters, one raster per year (e.g. night-time lights, NDVI, "
        "built-up area): mean, sum, count of valid pixels, minimum, maximum and the share of valid pixels "
        "above a threshold (e.g. lit or built-up pixels).\n\n"
        "Years: from the file names (ntl_2019.tif; one four-digit year each) or listed in the order of the "
        "rasters (2011, 2012, … or 2011-2019). The cities are reprojected to each raster's CRS. Only the "
        "part of the raster under each city is read, in tiles, so rasters larger than memory work. A pixel "
        "belongs to a city when its centre is inside (or, with “all touched”, whenever the city touches "
        "it); no-data pixels are ignored. Cities smaller than a pixel may contain no pixel centre: they get "
        "count 0 and no other value (QGIS's own zonal statistics then weighs partial pixels instead); use "
        "“all touched” or a finer raster for them.\n\n"
        "Output fields: STEM_YYYY per year (e.g. NTL_2019) for one statistic; with several, a two-letter "
        "code follows a stem of up to 3 characters: MN mean, SM sum, CT count, MI minimum, MX maximum, SH "
        "share above the threshold (e.g. NTLMN_2019, NTLSH_2019). The fields are ready for "
        "resilience:compositeindex. The map shows the first statistic in the latest year."
    )

    INPUT = "INPUT"
    RASTERS = "RASTERS"
    YEARS = "YEARS"
    STATISTICS = "STATISTICS"
    THRESHOLD = "THRESHOLD"
    STEM = "STEM"
    BAND = "BAND"
    ALL_TOUCHED = "ALL_TOUCHED"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities (polygons)"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.RASTERS, self.tr("Rasters, one per year"), QgsProcessing.TypeRaster))
        self.addParameter(with_help(QgsProcessingParameterString(
            self.YEARS, self.tr("Raster years"),
            optional=True), self.tr("Years of the rasters, in order (empty: read from the file names)")))
        self.addParameter(enum_parameter(self.STATISTICS, self.tr("Statistics"), ZONAL_STATISTICS, {
            "mean": self.tr("Mean"), "sum": self.tr("Sum"), "count": self.tr("Count of valid pixels"),
            "min": self.tr("Minimum"), "max": self.tr("Maximum"),
            "share": self.tr("Share of pixels above the threshold")}, ["mean"], multiple=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.THRESHOLD, self.tr("Threshold (for the share above it)"), QgsProcessingParameterNumber.Double,
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.STEM, self.tr("Field stem (1–5 characters, e.g. NTL)"), "ZS"))
        advanced_parameters = [
            QgsProcessingParameterNumber(self.BAND, self.tr("Band"), QgsProcessingParameterNumber.Integer, 1,
                                         minValue=1),
            QgsProcessingParameterBoolean(self.ALL_TOUCHED, self.tr("Count every pixel a city touches"),
                                          defaultValue=False),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Cities with raster statistics"), QgsProcessing.TypeVectorPolygon))
        add_classification_parameters(self)

    def raster_paths(self, parameters, context) -> list[str]:
        layers = self.parameterAsLayerList(parameters, self.RASTERS, context)
        if not layers:
            raise QgsProcessingException(self.tr("Choose at least one raster."))
        paths = []
        for layer in layers:
            path = layer.source().split("|")[0]
            if layer.providerType() != "gdal" or not Path(path).exists():
                raise QgsProcessingException(self.tr(
                    "Raster {name} is not a file that GDAL reads ({source}); save it as a GeoTIFF first.").format(
                        name=layer.name(), source=layer.source()))
            paths.append(path)
        return paths

    def process(self, parameters, context, feedback):
        import pandas as pd

        from ...core.indices.raster_years import assign_years, parse_years
        from ...core.indices.zonal import ZonalOptions, zonal_panel

        source = self.input_source(parameters, context)
        paths = self.raster_paths(parameters, context)
        years = assign_years(paths, parse_years(self.parameterAsString(parameters, self.YEARS, context)))
        for path, year in zip(paths, years):
            feedback.pushInfo(self.tr("{year}: {path}").format(year=year if year else "-", path=path))
        statistics = chosen_many(self, parameters, self.STATISTICS, ZONAL_STATISTICS, context) or ("mean",)
        threshold = parameters.get(self.THRESHOLD)
        options = ZonalOptions(
            statistics=statistics,
            threshold=None if threshold is None or threshold == "" else
            self.parameterAsDouble(parameters, self.THRESHOLD, context),
            band=self.parameterAsInt(parameters, self.BAND, context),
            all_touched=self.parameterAsBoolean(parameters, self.ALL_TOUCHED, context),
        )
        stem = self.parameterAsString(parameters, self.STEM, context).strip()
        steps = multi_step(3, feedback)
        frame = read_frame(source, feedback=steps)
        steps.setCurrentStep(1)
        pairs = sorted(zip(paths, years), key=lambda pair: (pair[1] is None, pair[1] or 0))
        columns, aliases = zonal_panel(frame.geometry.values, frame.crs, pairs, stem, options,
                                       progress=feedback_progress(steps))
        new = pd.DataFrame(columns, index=frame.index)
        replaced = [c for c in new.columns if c in frame.columns]
        if replaced:
            feedback.pushWarning(self.tr("Fields already in the layer were replaced: {fields}.").format(
                fields=", ".join(replaced)))
        out = frame.drop(columns=replaced).join(new)
        first_stem = next(iter(columns)).split("_")[0]
        latest_first = [c for c in columns if c.split("_")[0] == first_stem][-1]
        latest = new[latest_first]
        empty = int((latest == 0).sum()) if options.statistics[0] == "count" else int(latest.isna().sum())
        if empty:
            feedback.pushWarning(self.tr("{count} cities have no valid pixel in the latest raster (smaller than a "
                                         "pixel, outside the raster or all no-data).").format(count=empty))
        steps.setCurrentStep(2)
        dest_id = frame_to_sink(self, parameters, self.OUTPUT, context, out, source.wkbType(), source.sourceCrs(),
                                base_fields=source.fields(), feedback=steps)
        attach_style(context, dest_id, graduated_style(
            new[latest_first], latest_first, ramp="Greys", aliases=core_texts(aliases),
            **classification(self, parameters, context),
            name=self.tr("Zonal statistics ({stem})").format(stem=stem), allow_empty=True))
        return {self.OUTPUT: dest_id}
