"""resilience:corenodecoverage: the core–node coverage model (300 km in the study), solved exactly."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ...core.coverage.options import PROBLEMS
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import crs_to_pyproj, frame_to_sink
from ..io.expressions import expression_mask
from ..io.invalid_geometries import output_wkb_type
from ..parameters.choices import chosen, enum_parameter
from ..parameters.cities import INPUT, add_city_parameters, city_point_parameters, read_cities
from ..parameters.help import as_advanced, with_help
from ..styling import attach_style, core_distance_style, core_marker_style, coverage_circle_style, links_style


class CoreNodeCoverageAlgorithm(ResilienceAlgorithm):
    NAME = "corenodecoverage"
    DISPLAY_NAME = "Core–node coverage"
    SHORT_DESCRIPTION = "Core cities that cover every city within a radius, solved exactly."
    GROUP = "coverage"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "highspy")
    TAGS = ("coverage,core,node,radius,300 km,set covering,lscp,maximal covering,mclp,backup,"
            "location,facility,infrastructure,layout")
    HELP = (
        "Chooses core cities so that every city lies within a radius (300 km in the study) of a "
        "core: the “core–node” infrastructure layout. Solved exactly as an integer programme "
        "(HiGHS); the log says whether the solution is proven optimal, and the gap when the time "
        "limit stopped the solver first.\n\n"
        "Problems: set covering — the fewest cores that cover every city; maximal covering — p "
        "cores that cover the most demand (a weight field such as population, or 1 per city). "
        "Backup coverage (set covering): among the optimal covers, the one that covers the most "
        "cities twice.\n\n"
        "Distances are geodesic on the ellipsoid, in km, whatever the layer's CRS. Cities are the "
        "layer's points, a point of each polygon (centroid or point on surface), or longitude/"
        "latitude fields (WGS84 degrees).\n\n"
        "Candidates: every city, or those matching an expression (e.g. \"DEI_2019\" >= "
        "q3(\"DEI_2019\")), or a field of 1/0 (true/false) values. Existing cores that must stay: "
        "such a field or expression (e.g. \"is_core\") and/or the layer's selection; they are always "
        "candidates.\n\n"
        "Outputs: the cities with their assigned (nearest) core (CORE_ID, CORE_NAME), the distance "
        "to it (CORE_KM), whether a core lies within the radius (COVERED) and how many (N_COVER); "
        "the cores (stars, labelled); true geodesic circles of the radius around each core; "
        "core–node links from each city to its core, with the distance (DIST_KM); and an HTML "
        "summary with a comparison over radii (e.g. 200, 300, 500 km)."
    )

    INPUT = INPUT  # the city parameters: processing/parameters/cities.py
    PROBLEM = "PROBLEM"
    RADIUS = "RADIUS"
    P = "P"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    BACKUP = "BACKUP"
    CANDIDATES = "CANDIDATES"
    EXISTING = "EXISTING"
    EXISTING_SELECTED = "EXISTING_SELECTED"
    COMPARE_RADII = "COMPARE_RADII"
    TIME_LIMIT = "TIME_LIMIT"
    OUTPUT = "OUTPUT"
    CORES = "CORES"
    CIRCLES = "CIRCLES"
    LINKS = "LINKS"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        add_city_parameters(self)
        self.addParameter(enum_parameter(self.PROBLEM, self.tr("Problem"), PROBLEMS, {
            "set_covering": self.tr("Set covering: fewest cores covering every city"),
            "maximal_covering": self.tr("Maximal covering: p cores covering the most demand")}))
        self.addParameter(QgsProcessingParameterNumber(
            self.RADIUS, self.tr("Coverage radius (km, geodesic)"), QgsProcessingParameterNumber.Double,
            defaultValue=300.0))
        self.addParameter(QgsProcessingParameterNumber(
            self.P, self.tr("Number of cores p (maximal covering)"), QgsProcessingParameterNumber.Integer,
            defaultValue=10))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.WEIGHT_FIELD, self.tr("Demand field"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Demand field (maximal covering; default: 1 per city)")))
        self.addParameter(with_help(QgsProcessingParameterBoolean(
            self.BACKUP, self.tr("Backup coverage"),
            defaultValue=False), self.tr("Backup coverage: among optimal covers, cover the most cities twice")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.CANDIDATES, self.tr("Candidate cores"),
            parentLayerParameterName=self.INPUT, optional=True),
                self.tr("Candidate cores (expression; empty: every city)")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.EXISTING, self.tr("Existing cores"),
            parentLayerParameterName=self.INPUT, optional=True), self.tr("Existing cores that must stay (expression)")))
        self.addParameter(with_help(QgsProcessingParameterBoolean(
            self.EXISTING_SELECTED, self.tr("Selected cities are existing cores"),
            defaultValue=False), self.tr("The selected cities are existing cores that must stay")))
        self.addParameter(with_help(QgsProcessingParameterString(
            self.COMPARE_RADII, self.tr("Radii to compare (km)"),
            defaultValue="200, 300, 500", optional=True),
                self.tr("Compare over radii (km, comma-separated; empty: none)")))
        advanced_parameters = [
            *city_point_parameters(),
            QgsProcessingParameterNumber(
                self.TIME_LIMIT, self.tr("Solver time limit per model (seconds)"),
                QgsProcessingParameterNumber.Double, defaultValue=60.0),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Cities with their core"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.CORES, self.tr("Cores"), QgsProcessing.TypeVectorPoint))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.CIRCLES, self.tr("Coverage areas (geodesic circles)"), QgsProcessing.TypeVectorPolygon,
            optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.LINKS, self.tr("Core–node links"), QgsProcessing.TypeVectorLine, optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Summary report"), self.tr("HTML files (*.html)"), optional=True))
        for name, description in (
            ("N_CORES", self.tr("Number of cores")),
            ("CITIES_SHARE", self.tr("Share of cities covered")),
            ("DEMAND_SHARE", self.tr("Share of demand covered")),
            ("MAX_KM", self.tr("Largest city-to-core distance (km)")),
            ("GAP", self.tr("Relative optimality gap (0 when proven optimal, −1 when unknown)")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))
        self.addOutput(QgsProcessingOutputBoolean("OPTIMAL", self.tr("Proven optimal")))

    # ------------------------------------------------------------------ run
    def process(self, parameters, context, feedback):
        from ...core.coverage.analysis import core_node_coverage, describe_status
        from ...core.coverage.report import summary_rows

        steps = multi_step(4, feedback)
        cities = read_cities(self, parameters, context, steps)
        source, frame, ids, sites = cities.source, cities.frame, cities.ids, cities.sites
        spec = self.spec(parameters, context, feedback)
        candidates = expression_mask(self, source, frame, parameters, self.CANDIDATES, context)
        existing = self.existing_mask(source, frame, parameters, context)
        weight_field = self.field_name(parameters, self.WEIGHT_FIELD, context)
        weights = None
        if weight_field:
            weights = frame[weight_field].to_numpy(dtype=float, na_value=float("nan"))
            if spec.problem == "set_covering":
                feedback.pushInfo(self.tr("Set covering covers every city; the demand field only "
                                          "enters the shares reported."))

        steps.setCurrentStep(1)
        feedback.pushInfo(self.tr("Solving {model} at {radius} km for {n} cities…").format(
            model=self.tr("set covering") if spec.problem == "set_covering" else self.tr("maximal covering"),
            radius=f"{spec.radius_km:g}", n=len(frame)))
        result = core_node_coverage(sites, cities.names, spec, candidates, existing, weights,
                                    progress=feedback_progress(steps), labels=cities.labelled_ids())
        for label, value in summary_rows(result, core_text):
            feedback.pushInfo(f"{label}: {value}")
        if not result.result.optimal:
            feedback.pushWarning(self.tr("The solution is not proven optimal: {status}. Raise the time "
                                         "limit to close the gap.").format(
                status=core_text(describe_status(result.result))))
        for row in result.comparison:
            feedback.pushInfo(self.tr("Radius {radius} km: {value}").format(
                radius=f"{row.radius_km:g}", value=self.describe_row(row)))

        steps.setCurrentStep(2)
        outputs = self.write_layers(parameters, context, source, frame, ids, sites, result, steps)
        steps.setCurrentStep(3)
        a = result.assignment
        outputs.update({
            "N_CORES": len(result.cores),
            "CITIES_SHARE": result.cities_share,
            "DEMAND_SHARE": result.demand_share,
            "MAX_KM": float(a.km.max()),
            "GAP": result.result.gap_or(-1.0),
            "OPTIMAL": bool(result.result.optimal),
        })
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            from ...core.coverage.report import write_coverage_report

            outputs[self.REPORT] = write_coverage_report(report_path, result, source.sourceName() or "cities",
                                                         core_text)
        return outputs

    # ------------------------------------------------------------ inputs
    def spec(self, parameters, context, feedback=None):
        from ...core.coverage.analysis import CoverageSpec

        text = self.parameterAsString(parameters, self.COMPARE_RADII, context) or ""
        radii = []
        for piece in text.replace(";", ",").split(","):
            if piece.strip():
                try:
                    radii.append(float(piece))
                except ValueError:
                    raise QgsProcessingException(self.tr(
                        "“{value}” in the radii to compare is not a number; write radii in km separated "
                        "by commas, e.g. 200, 300, 500.").format(value=piece.strip())) from None
        problem = chosen(self, parameters, self.PROBLEM, PROBLEMS, context)
        backup = self.parameterAsBool(parameters, self.BACKUP, context)
        if backup and problem != "set_covering" and feedback is not None:
            feedback.pushInfo(self.tr("Backup coverage applies to set covering only; ignored."))
        return CoverageSpec(
            problem=problem,
            radius_km=self.parameterAsDouble(parameters, self.RADIUS, context),
            p=self.parameterAsInt(parameters, self.P, context),
            backup=backup and problem == "set_covering",
            time_limit=self.parameterAsDouble(parameters, self.TIME_LIMIT, context),
            compare_radii=tuple(radii),
        )

    def existing_mask(self, source, frame, parameters, context):
        import numpy as np

        mask = expression_mask(self, source, frame, parameters, self.EXISTING, context)
        if self.parameterAsBool(parameters, self.EXISTING_SELECTED, context):
            layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
            if layer is None:
                raise QgsProcessingException(self.tr(
                    "Existing cores from the selection need the cities as a layer loaded in the "
                    "project, not a file; load it, select the existing cores, or use an expression."))
            selected = np.asarray(frame.index.isin(list(layer.selectedFeatureIds())))
            if not selected.any():
                raise QgsProcessingException(self.tr(
                    "No city of {layer} is selected, but the selected cities should be the existing "
                    "cores; select them or untick the option.").format(layer=layer.name()))
            mask = selected if mask is None else (mask | selected)
        return mask

    # ----------------------------------------------------------- outputs
    def write_layers(self, parameters, context, source, frame, ids, sites, result, feedback):
        from ...core.coverage.layers import circles_frame, cities_frame, cores_frame, links_frame

        crs = source.sourceCrs()
        target = crs_to_pyproj(crs)
        radius = result.spec.radius_km
        outputs = {}
        cities = cities_frame(frame, ids, result)
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, cities,
                             output_wkb_type(source.wkbType(), cities), crs, base_fields=source.fields(),
                             feedback=feedback)
        outputs[self.OUTPUT] = dest
        attach_style(context, dest, core_distance_style(
            radius, float(result.assignment.km.max()), aliases=CITY_ALIASES(self),
            name=self.tr("Cities and their core ({radius} km)").format(radius=f"{radius:g}")))
        cores = cores_frame(sites, ids, result, target)
        dest = frame_to_sink(self, parameters, self.CORES, context, cores, QgsWkbTypes.Point, crs)
        outputs[self.CORES] = dest
        attach_style(context, dest, core_marker_style(
            "NAME", aliases=CORE_ALIASES(self), name=self.tr("Cores ({count})").format(count=len(result.cores))))
        circles = circles_frame(sites, ids, result, target)
        dest = frame_to_sink(self, parameters, self.CIRCLES, context, circles, QgsWkbTypes.MultiPolygon, crs)
        if dest is not None:
            outputs[self.CIRCLES] = dest
            attach_style(context, dest, coverage_circle_style(
                aliases={"CORE_ID": self.tr("Core"), "NAME": self.tr("Core name"),
                         "RADIUS_KM": self.tr("Radius (km, geodesic)")},
                name=self.tr("Coverage areas ({radius} km)").format(radius=f"{radius:g}")))
        links = links_frame(sites, ids, result, target)
        dest = frame_to_sink(self, parameters, self.LINKS, context, links, QgsWkbTypes.LineString, crs)
        if dest is not None:
            outputs[self.LINKS] = dest
            attach_style(context, dest, links_style(
                radius, aliases={"CITY_ID": self.tr("City"), "CITY_NAME": self.tr("City name"),
                                 "CORE_ID": self.tr("Core"), "CORE_NAME": self.tr("Core name"),
                                 "DIST_KM": self.tr("Distance to the core (km, geodesic)"),
                                 "COVERED": self.tr("Within the radius (1 = yes)")},
                name=self.tr("Core–node links")))
        return outputs

    def describe_row(self, row) -> str:
        if row.cores is None:
            return self.tr("infeasible ({note})").format(note=core_text(row.note))
        status = (self.tr("proven optimal") if row.optimal else
                  self.tr("not proven optimal, gap {gap:.2f} %").format(gap=100 * (row.gap or 0.0)))
        return self.tr("{cores} cores, {cities:.1f} % of cities and {demand:.1f} % of demand covered, "
                       "largest distance {km:.1f} km, {status}").format(
            cores=row.cores, cities=100 * row.cities_share, demand=100 * row.demand_share,
            km=row.max_km, status=status)


def CITY_ALIASES(algorithm) -> dict:
    tr = algorithm.tr
    return {"IS_CORE": tr("Is a core (1 = yes)"), "CORE_ID": tr("Assigned (nearest) core"),
            "CORE_NAME": tr("Assigned core name"), "CORE_KM": tr("Distance to the core (km, geodesic)"),
            "COVERED": tr("A core within the radius (1 = yes)"), "N_COVER": tr("Cores within the radius")}


def CORE_ALIASES(algorithm) -> dict:
    tr = algorithm.tr
    return {"CORE_ID": tr("Core"), "NAME": tr("Core name"), "EXISTING": tr("Existing core (1 = yes)"),
            "N_NODES": tr("Cities assigned (nearest core)"), "N_COVER": tr("Cities within the radius"),
            "DEMAND": tr("Demand assigned"), "MAX_KM": tr("Farthest assigned city (km)")}
