"""resilience:spatialweights: build, summarise and save spatial weights."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsWkbTypes,
)

from ..algorithm import ResilienceAlgorithm, feedback_progress
from ..bridge import frame_to_sink, read_frame
from ..geometry_checks import usable_geometries
from ..styling import Single, Style, attach_style
from ..weights_parameters import add_weights_parameters, id_field_name, resolve_weights, unit_ids


class SpatialWeightsAlgorithm(ResilienceAlgorithm):
    NAME = "spatialweights"
    DISPLAY_NAME = "Spatial weights"
    GROUP = "weights"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    TAGS = "weights,neighbours,contiguity,queen,rook,knn,gal,gwt,connectivity"
    HELP = (
        "Builds the neighbour structure (spatial weights) of a layer of cities and saves it.\n\n"
        "Kinds: queen and rook contiguity (polygons sharing at least one / two vertices, as GeoDa "
        "and R spdep's poly2nb), k-nearest neighbours (geodesic in km when the layer's CRS is "
        "geographic, planar otherwise; polygons use their centroid or a point on their surface).\n\n"
        "Outputs: a connectivity layer (a line from each unit to each neighbour), a weights file "
        "(GAL for contiguity and k-nearest neighbours, GWT for weighted kinds; readable by GeoDa "
        "and libpysal), a CSV edge list and an HTML summary (units, links, neighbour counts, "
        "islands, symmetry). Every other algorithm of the toolkit accepts the saved file or the "
        "same options inline.\n\n"
        "The unit id field (e.g. adcode) identifies units in the files; without it the feature "
        "ids are used."
    )

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    WEIGHTS_OUTPUT = "WEIGHTS_OUTPUT"
    EDGES = "EDGES"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Units (cities)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint],
            )
        )
        add_weights_parameters(self, prefix="", with_file=False)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Connectivity"), QgsProcessing.TypeVectorLine, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.WEIGHTS_OUTPUT, self.tr("Weights file"),
                self.tr("GAL files (*.gal);;GWT files (*.gwt)"), optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.EDGES, self.tr("Edge list"), self.tr("CSV files (*.csv)"), optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("Summary report"), self.tr("HTML files (*.html)"), optional=True,
                createByDefault=False,
            )
        )
        for name, description in (
            ("UNITS", self.tr("Units")),
            ("LINKS", self.tr("Links")),
            ("ISLANDS", self.tr("Units without neighbours")),
            ("MEAN_NEIGHBOURS", self.tr("Mean number of neighbours")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def process(self, parameters, context, feedback):
        from ...core.weights.files import write_edge_list, write_gal, write_gwt
        from ...core.weights.summary import summarize

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        steps = QgsProcessingMultiStepFeedback(3, feedback)
        id_field = id_field_name(self, parameters, context, prefix="")
        frame = read_frame(source, fields=[id_field] if id_field else [], feedback=steps)
        ids = unit_ids(frame, id_field)
        frame, ids = usable_geometries(frame, ids, feedback)

        steps.setCurrentStep(1)
        weights = resolve_weights(self, parameters, context, frame, ids, prefix="",
                                  progress=feedback_progress(steps))
        summary = summarize(weights)
        for label, value in summary.as_rows():
            feedback.pushInfo(f"{self.tr(label)}: {value}")
        if summary.islands:
            feedback.pushWarning(
                self.tr("{count} unit(s) have no neighbours: {ids}. Statistics treat them as islands; "
                        "consider k-nearest neighbours or a distance band.").format(
                    count=len(summary.islands), ids=", ".join(map(str, summary.islands[:20]))
                )
            )

        steps.setCurrentStep(2)
        results = {
            "UNITS": summary.units,
            "LINKS": summary.links,
            "ISLANDS": len(summary.islands),
            "MEAN_NEIGHBOURS": summary.mean_neighbours,
        }
        layer_name = source.sourceName() or "layer"
        weights_path = self.parameterAsFileOutput(parameters, self.WEIGHTS_OUTPUT, context)
        if weights_path:
            if weights_path.lower().endswith(".gwt"):
                write_gwt(weights, weights_path, layer_name, id_field or "fid")
            else:
                write_gal(weights, weights_path, layer_name, id_field or "fid")
            results[self.WEIGHTS_OUTPUT] = weights_path
        edges_path = self.parameterAsFileOutput(parameters, self.EDGES, context)
        if edges_path:
            write_edge_list(weights, edges_path)
            results[self.EDGES] = edges_path
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            results[self.REPORT] = self.write_report(report_path, summary, weights, layer_name)

        lines = self.connectivity_frame(frame, weights, ids, parameters, context)
        dest_id = frame_to_sink(
            self, parameters, self.OUTPUT, context, lines, QgsWkbTypes.LineString,
            source.sourceCrs(), feedback=steps,
        )
        if dest_id is not None:
            results[self.OUTPUT] = dest_id
            attach_style(context, dest_id, Style(
                renderer=Single(color="#505050", width=0.2, opacity=0.7),
                aliases={"from_id": self.tr("Unit"), "to_id": self.tr("Neighbour"),
                         "weight": self.tr("Weight (transformed)"),
                         "dist_km": self.tr("Distance between the units' points")},
                name=self.tr("Connectivity ({kind})").format(kind=weights.kind),
            ))
        return results

    def connectivity_frame(self, frame, weights, ids, parameters, context):
        """One line per directed link, from unit point to neighbour point."""
        import geopandas as gpd
        import numpy as np
        import shapely

        from ...core.geodesy import metric_for_crs, pairwise_distances
        from ...core.weights.points import representative_points
        from ..weights_parameters import POINT_METHODS

        method = POINT_METHODS[self.parameterAsEnum(parameters, "POINTS", context)]
        x, y = representative_points(frame.geometry.values, method, ids)
        coo = weights.transformed().tocoo()
        starts = np.column_stack([x[coo.row], y[coo.row]])
        ends = np.column_stack([x[coo.col], y[coo.col]])
        coords = np.stack([starts, ends], axis=1)
        lines = shapely.linestrings(coords) if len(coords) else np.array([], dtype=object)
        distances = pairwise_distances(metric_for_crs(frame.crs), x[coo.row], y[coo.row],
                                       x[coo.col], y[coo.col])
        return gpd.GeoDataFrame(
            {"from_id": ids[coo.row], "to_id": ids[coo.col], "weight": coo.data, "dist_km": distances},
            geometry=lines, crs=frame.crs,
        )

    def write_report(self, path, summary, weights, layer_name) -> str:
        from ...core.html_report import HtmlReport

        report = HtmlReport(self.tr("Spatial weights: {layer}").format(layer=layer_name))
        report.heading(self.tr("Summary"))
        report.table([self.tr("Property"), self.tr("Value")],
                     [(self.tr(label), value) for label, value in summary.as_rows()])
        report.heading(self.tr("Neighbour counts"))
        report.table([self.tr("Neighbours"), self.tr("Units")],
                     sorted(summary.histogram.items()), text_columns=0)
        if summary.islands:
            report.heading(self.tr("Units without neighbours"))
            report.paragraph(", ".join(map(str, summary.islands)))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return report.write(path)
