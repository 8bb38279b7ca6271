"""resilience:spatialweights: build, summarise and save spatial weights."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsWkbTypes,
)

from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import frame_to_sink, read_frame
from ..io.invalid_geometries import apply_policy, source_without_validity_checks
from ..parameters.weights import (
    add_weights_parameters,
    id_field_name,
    resolve_weights,
    weights_spec,
)
from ..styling import attach_style, connectivity_style

#: Above this many links the connectivity layer is not written (it would take minutes
#: and show nothing readable); the files and the summary are still written.
MAX_CONNECTIVITY_LINKS = 1_000_000


class SpatialWeightsAlgorithm(ResilienceAlgorithm):
    NAME = "spatialweights"
    DISPLAY_NAME = "Spatial weights"
    SHORT_DESCRIPTION = "Spatial weights (contiguity, k-nearest, distance, economic) as GAL/GWT."
    GROUP = "weights"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    TAGS = ("weights,neighbours,contiguity,queen,rook,knn,distance band,inverse distance,kernel,"
            "economic,block,gal,gwt,connectivity,geoda")
    HELP = (
        "Builds the neighbour structure (spatial weights) of a layer of cities, summarises it and "
        "saves it for GeoDa, libpysal and the toolkit's other algorithms.\n\n"
        "Kinds\n"
        "• Queen / rook contiguity: polygons that share at least one / two boundary vertices (as "
        "GeoDa and R spdep's poly2nb). Order p links units whose shortest chain of neighbours has p "
        "links; “include lower orders” keeps orders 1…p.\n"
        "• K-nearest neighbours: the k closest units, optionally made symmetric.\n"
        "• Distance band: every unit within the distance; by default the smallest distance that "
        "gives every unit a neighbour.\n"
        "• Inverse distance: w = 1/d^α for every pair, or only within the cut-off distance.\n"
        "• Kernel: w = K(z), z = d/h, for units within the bandwidth h. Fixed h: the distance, or by "
        "default the largest distance from a unit to its k-th nearest neighbour. Adaptive h: for "
        "each unit, the distance to its k-th nearest neighbour, and its k nearest units are its "
        "neighbours. K(z) is zero beyond z = 1 and otherwise: triangular 1 − z; uniform 1/2; "
        "Epanechnikov 3/4 (1 − z²); quartic 15/16 (1 − z²)²; Gaussian exp(−z²/2)/√(2π) (the "
        "definitions of GeoDa and libpysal's Kernel). The diagonal is zero: a unit is not its own "
        "neighbour, as Moran's I and spatial regressions expect (libpysal's Kernel keeps K(0) on "
        "the diagonal, for kernel smoothing).\n"
        "• Economic distance: w_ij = 1/|x̄_i − x̄_j|, x̄ the economic field (e.g. GDP per capita) "
        "averaged over every year of its STEM_YYYY stem (or the field alone).\n"
        "• Economic-geographic: nested W = φ·W_d + (1 − φ)·W_e, with W_d = 1/d^α (inverse distance) "
        "and W_e the economic distance weights, each row-standardised before they are mixed (Shao, "
        "Li, Cao and Yang 2016, Economic Research Journal 51(9): 73–88); or the product "
        "w_ij = (x̄_j / x̄)/d_ij^α, i.e. W_d·diag(x̄_j/x̄) (Lin, Long and Wu 2005, China Economic "
        "Quarterly).\n"
        "• Block: units with the same value of the block field (e.g. province) are neighbours.\n\n"
        "Transformations: row-standardised (each row sums to 1), binary, variance-stabilising "
        "(Tiefelsdorf et al. 1999).\n\n"
        "Distances are between the units' points (the points themselves, or each polygon's "
        "centroid or a point on its surface): geodesic in km on the layer's ellipsoid whenever its "
        "CRS has one (geographic, or projected with a datum), as in core-node coverage; straight "
        "lines in the layer's projection only with “Planar distances” (spdep longlat = FALSE) or "
        "for a CRS without a datum. The log says which. A layer without a CRS gets contiguity and "
        "k-nearest neighbours only. A distance you set that "
        "leaves units without neighbours is refused, naming them; “attach islands” instead links "
        "each unit without neighbours to its nearest unit (and back).\n\n"
        "Outputs: a connectivity layer (a line from each unit to each neighbour, with the "
        "transformed weight and the distance); a weights file, GAL for binary kinds and GWT for "
        "weighted ones (a .gal name gets a .gwt file then), readable by GeoDa and libpysal and by "
        "the toolkit's other algorithms, which check its ids against their layer; a CSV edge list "
        "(original weights); an HTML summary (units, links, neighbour counts with a histogram, "
        "islands, symmetry).\n\n"
        "The unit id field (e.g. adcode) identifies units in the files; without it the feature ids "
        "are used. Features without geometry are left out and named in the log. Invalid geometries "
        "follow Processing's “Invalid features filtering” setting: stop (the default; the error "
        "names every invalid feature), skip them (named in the log), or do not filter, which "
        "repairs them for the analysis (the layer is unchanged)."
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
        from ...core.names import code_column, labelled, name_column, unit_labels
        from ...core.panel import unit_ids
        from ...core.weights.layers import connectivity_lines
        from ...core.weights.report import details, summary_rows
        from ...core.weights.summary import summarize

        source, policy = source_without_validity_checks(self, parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        steps = multi_step(4, feedback)
        id_field = id_field_name(self, parameters, context, prefix="")
        spec = weights_spec(self, parameters, context, prefix="")
        fields = [id_field] if id_field else []
        fields += [f for f in spec.layer_fields(source.fields().names()) if f not in fields]
        # to name islands as a planner reads them: "三沙市 (460300)"
        columns = source.fields().names()
        fields += [c for c in (name_column(columns), code_column(columns)) if c and c not in fields]
        frame = read_frame(source, fields=fields, feedback=steps)
        ids = unit_ids(frame, id_field)
        labels = unit_labels(frame, ids, id_field)
        frame, ids = apply_policy(frame, ids, policy, feedback)

        steps.setCurrentStep(1)
        feedback.pushInfo(self.tr("Building {what}.").format(what=core_text(spec.describe())))
        weights = resolve_weights(self, parameters, context, frame, ids, prefix="",
                                  progress=feedback_progress(steps), feedback=feedback)
        summary = summarize(weights)
        for label, value in summary_rows(summary, core_text) + details(weights, core_text):
            feedback.pushInfo(f"{label}: {value}")
        if summary.islands:
            feedback.pushWarning(
                self.tr("{count} unit(s) have no neighbours: {ids}. Statistics treat them as islands; "
                        "consider attaching islands to their nearest unit, k-nearest neighbours or a "
                        "distance band.").format(
                    count=len(summary.islands), ids=", ".join(labelled(summary.islands[:20], labels))
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
        results.update(self.write_files(parameters, context, feedback, weights, summary, layer_name,
                                        id_field or "fid"))

        steps.setCurrentStep(3)
        if weights.n_links > MAX_CONNECTIVITY_LINKS:
            feedback.pushWarning(
                self.tr("The connectivity layer was not written: {links} links are too many to draw "
                        "(at most {limit}). The weights file and the summary are complete.").format(
                    links=f"{weights.n_links:,}", limit=f"{MAX_CONNECTIVITY_LINKS:,}")
            )
            return results
        lines = connectivity_lines(frame, weights, ids, spec.point_method, spec.planar)
        dest_id = frame_to_sink(
            self, parameters, self.OUTPUT, context, lines, QgsWkbTypes.LineString,
            source.sourceCrs(), feedback=steps,
        )
        if dest_id is not None:
            results[self.OUTPUT] = dest_id
            attach_style(context, dest_id, connectivity_style(
                aliases={"from_id": self.tr("Unit"), "to_id": self.tr("Neighbour"),
                         "weight": self.tr("Weight (transformed)"),
                         "dist_km": self.tr("Distance between the units' points")},
                name=self.tr("Connectivity ({kind})").format(kind=weights.kind),
            ))
        return results

    def write_files(self, parameters, context, feedback, weights, summary, layer_name, id_field) -> dict:
        """The weights file (GAL or GWT), the edge list and the report, as asked."""
        from ...core.weights.files import save_weights, write_edge_list
        from ...core.weights.report import write_report

        results = {}
        weights_path = self.parameterAsFileOutput(parameters, self.WEIGHTS_OUTPUT, context)
        if weights_path:
            written = save_weights(weights, weights_path, layer_name, id_field)
            if written != weights_path:
                feedback.pushWarning(
                    self.tr("These weights are not binary, which GAL files cannot hold: they were saved "
                            "as a GWT file, {path}.").format(path=self.final_path(written)))
            results[self.WEIGHTS_OUTPUT] = written
        edges_path = self.parameterAsFileOutput(parameters, self.EDGES, context)
        if edges_path:
            Path(edges_path).parent.mkdir(parents=True, exist_ok=True)
            write_edge_list(weights, edges_path)
            results[self.EDGES] = edges_path
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            results[self.REPORT] = write_report(report_path, summary, weights, layer_name, core_text)
        return results
