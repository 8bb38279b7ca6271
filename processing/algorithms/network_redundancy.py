"""resilience:networkredundancy: N−1 analysis of a core–node network and the fewest
additional cores that keep every city covered under any single core failure."""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import crs_to_pyproj, frame_to_sink
from ..io.expressions import expression_mask
from ..io.invalid_geometries import output_wkb_type
from ..parameters.cities import INPUT, add_city_parameters, city_point_parameters, read_cities
from ..parameters.help import as_advanced, with_help
from ..styling import Categorized, Style, attach_style, network_cores_style


class NetworkRedundancyAlgorithm(ResilienceAlgorithm):
    """The cities, their points and the expressions as in Core–node coverage
    (``processing/parameters/cities.py``)."""

    NAME = "networkredundancy"
    DISPLAY_NAME = "Network redundancy (N−1)"
    SHORT_DESCRIPTION = "What each core's failure costs; the fewest cores to add so no single failure uncovers a city."
    GROUP = "coverage"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "highspy")
    TAGS = "coverage,core,node,redundancy,n-1,failure,backup,resilience,data centre,radius,300 km"
    HELP = (
        "For a given set of cores (e.g. IS_CORE = 1 from Core–node coverage, or the existing data "
        "centres), a geodesic radius (300 km in the study) and optionally a demand field:\n\n"
        "• N−1: for each core, the cities (and demand) that lose coverage when it fails, i.e. that "
        "no other core covers; the worst single failure;\n"
        "• backup: the share of cities covered by two cores or more;\n"
        "• the fewest additional cores (among the candidates; default every city) such that every "
        "city stays covered under any single core failure, i.e. is covered by two cores: an exact "
        "integer programme (HiGHS) with the existing cores fixed; the log says whether it is proven "
        "optimal, or the gap. A city with a single candidate within the radius cannot be protected "
        "(reported; it is kept covered once).\n\n"
        "Outputs: the cities with the number of cores within the radius (N_COVER), their status "
        "(backup / single / uncovered), the core whose failure uncovers them (LOST_IF, LOST_NAME), "
        "whether they are an added core (NEW_CORE) and the count after the additions (N_AFTER); the "
        "cores, existing and added (NEW = 1), with the cities and demand lost if each fails "
        "(LOST_N, LOST_DEM, LOST_SH) and after the additions (AFTER_N); an HTML summary.\n\n"
        "Targets (2030: 100 % of prefecture-level cities, ≥ 90 % of counties within the radius): the "
        "share of cities within the radius and the fewest additional cores for 100 %; with a county "
        "layer (e.g. resources/sample/china_counties.gpkg, the 2,848 county-level units as points), "
        "the share of counties within the radius of a core, now and with the cores added for single "
        "failures, and the fewest additional cores (among the candidate cities) that bring at least "
        "the county target share within the radius: an exact integer programme (HiGHS), proven optimal "
        "or the gap stated. The counties are written with their nearest core (CORE_ID, CORE_NAME), "
        "its distance (DIST_KM), whether it is within the radius (COVERED), and the same with the "
        "additional cores (COV_AFTER, DIST_AFTER); the cities output marks those cores (CNTY_CORE = 1)."
    )

    INPUT = INPUT  # the city parameters: processing/parameters/cities.py
    CORE_EXPRESSION = "CORE_EXPRESSION"
    RADIUS = "RADIUS"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    CANDIDATES = "CANDIDATES"
    TIME_LIMIT = "TIME_LIMIT"
    COUNTIES = "COUNTIES"
    COUNTY_TARGET = "COUNTY_TARGET"
    COUNTIES_OUTPUT = "COUNTIES_OUTPUT"
    CORES = "CORES"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        add_city_parameters(self)
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.CORE_EXPRESSION, self.tr("Cores"), defaultValue='"IS_CORE" = 1',
            parentLayerParameterName=self.INPUT),
                self.tr("Cores of the network (field or expression, e.g. \"IS_CORE\" = 1)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.RADIUS, self.tr("Coverage radius (km, geodesic)"), QgsProcessingParameterNumber.Double,
            defaultValue=300.0))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.WEIGHT_FIELD, self.tr("Demand field"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Demand field (losses weighted by it; default: 1 per city)")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.CANDIDATES, self.tr("Candidate cores to add"),
            parentLayerParameterName=self.INPUT, optional=True),
                self.tr("Candidates for additional cores (expression; empty: every city)")))
        self.addParameter(with_help(QgsProcessingParameterFeatureSource(
            self.COUNTIES, self.tr("Counties (demand for the county target)"),
            [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon], optional=True),
                self.tr("County-level units, points or polygons (e.g. resources/sample/china_counties.gpkg); "
                        "empty: no county target")))
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.COUNTY_TARGET, self.tr("County target (%)"), QgsProcessingParameterNumber.Double, defaultValue=90.0),
                self.tr("Share of the counties to bring within the radius of a core (%; the 2030 target is 90)")))
        advanced_parameters = [
            *city_point_parameters(),
            QgsProcessingParameterNumber(
                self.TIME_LIMIT, self.tr("Solver time limit per model (seconds)"),
                QgsProcessingParameterNumber.Double, defaultValue=60.0),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Cities with their redundancy"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.CORES, self.tr("Cores and their N−1 loss"), QgsProcessing.TypeVectorPoint))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.COUNTIES_OUTPUT, self.tr("Counties with their nearest core"), QgsProcessing.TypeVectorAnyGeometry,
            optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Summary report"), self.tr("HTML files (*.html)"), optional=True))
        for name, description in (
            ("COVERED_SHARE", self.tr("Share of cities covered")),
            ("BACKUP_SHARE", self.tr("Share of cities covered twice or more")),
            ("WORST_LOST", self.tr("Cities lost in the worst single failure")),
            ("N_ADDED", self.tr("Additional cores for coverage under any single failure")),
            ("N_UNPROTECTABLE", self.tr("Cities that cannot be protected")),
            ("N_TARGET", self.tr("Fewest additional cores to cover 100 % of the cities (no failure)")),
            ("COUNTY_SHARE", self.tr("Share of counties within the radius (−1 without counties)")),
            ("COUNTY_SHARE_AFTER", self.tr("Share of counties within the radius with the county target's "
                                           "additional cores (−1 without counties)")),
            ("N_COUNTY_TARGET", self.tr("Fewest additional cores for the county target (−1 without counties)")),
            ("GAP", self.tr("Relative optimality gap (0 when proven optimal, −1 when unknown)")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))
        self.addOutput(QgsProcessingOutputBoolean("OPTIMAL", self.tr("Proven optimal")))
        self.addOutput(QgsProcessingOutputString(
            "WORST_CORE", self.tr("Core of the worst single failure (its id, as in LOST_IF; empty when none)")))

    # ------------------------------------------------------------------ run
    def process(self, parameters, context, feedback):
        import numpy as np

        from ...core.coverage.analysis import describe_status
        from ...core.coverage.county_target import unattainable_message
        from ...core.coverage.redundancy import network_redundancy, unprotectable_message
        from ...core.coverage.report import summary_rows
        from ...core.errors import InputError

        steps = multi_step(4, feedback)
        cities = read_cities(self, parameters, context, steps)
        source, frame, ids, sites = cities.source, cities.frame, cities.ids, cities.sites
        cores = expression_mask(self, source, frame, parameters, self.CORE_EXPRESSION, context)
        if cores is None:
            raise InputError("No core expression is given; choose the field that marks the cores (e.g. "
                             "\"IS_CORE\" = 1 from Core–node coverage).")
        candidates = expression_mask(self, source, frame, parameters, self.CANDIDATES, context)
        weight_field = self.field_name(parameters, self.WEIGHT_FIELD, context)
        weights = None
        if weight_field:
            weights = frame[weight_field].to_numpy(dtype=float, na_value=float("nan"))
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        time_limit = self.parameterAsDouble(parameters, self.TIME_LIMIT, context)
        counties = self.read_counties(parameters, context, feedback)
        county_share = self.parameterAsDouble(parameters, self.COUNTY_TARGET, context) / 100.0

        steps.setCurrentStep(1)
        feedback.pushInfo(self.tr("N−1 analysis of {cores} cores at {radius} km for {n} cities…").format(
            cores=int(cores.sum()), radius=f"{radius:g}", n=len(frame)))
        result = network_redundancy(sites, cities.names, cores, radius, candidates, weights, time_limit,
                                    progress=feedback_progress(steps), labels=cities.labelled_ids(),
                                    counties=counties.sites if counties else None,
                                    county_names=counties.labels if counties else None, county_share=county_share)
        for label, value in summary_rows(result, core_text):
            feedback.pushInfo(f"{label}: {value}")
        warning = unprotectable_message(result)
        if warning is not None:
            feedback.pushWarning(core_text(warning))
        if not result.result.optimal:
            feedback.pushWarning(self.tr("The additional cores are not proven the fewest: {status}. Raise the "
                                         "time limit to close the gap.").format(
                status=core_text(describe_status(result.result))))
        county = result.counties
        if county is not None:
            warning = unattainable_message(county)
            if warning is not None:
                feedback.pushWarning(core_text(warning))
            if not county.result.optimal:
                feedback.pushWarning(self.tr("The additional cores for the county target are not proven the fewest: "
                                             "{status}. Raise the time limit to close the gap.").format(
                    status=core_text(describe_status(county.result))))

        steps.setCurrentStep(2)
        outputs = self.write_redundancy_layers(parameters, context, source, frame, ids, sites, result, steps)
        if counties is not None:
            outputs.update(self.write_counties(parameters, context, counties, ids, cities.names, result, steps))
        steps.setCurrentStep(3)
        worst = result.worst
        outputs.update({
            "COVERED_SHARE": result.covered_share,
            "BACKUP_SHARE": result.backup_share,
            "WORST_LOST": len(worst.cities) if worst is not None else 0,
            "N_ADDED": len(result.added),
            "N_UNPROTECTABLE": len(result.unprotectable),
            "N_TARGET": len(result.target_added) if result.target_added is not None else -1,
            "COUNTY_SHARE": county.existing.share if county is not None else -1.0,
            "COUNTY_SHARE_AFTER": county.after.share if county is not None and county.after is not None else -1.0,
            "N_COUNTY_TARGET": len(county.added) if county is not None and county.added is not None else -1,
            "GAP": result.result.gap_or(-1.0),
            "OPTIMAL": bool(result.result.optimal),
            "WORST_CORE": str(np.asarray(ids)[worst.core]) if worst is not None and len(worst.cities) else "",
        })
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            from ...core.coverage.report import write_redundancy_report

            outputs[self.REPORT] = write_redundancy_report(report_path, result, source.sourceName() or "cities",
                                                           core_text)
        return outputs

    # ----------------------------------------------------------- outputs
    def write_redundancy_layers(self, parameters, context, source, frame, ids, sites, result, feedback):
        from ...core.coverage.redundancy import BACKUP, SINGLE, UNCOVERED, cities_frame, cores_frame

        crs = source.sourceCrs()
        outputs = {}
        cities = cities_frame(frame, ids, result)
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, cities,
                             output_wkb_type(source.wkbType(), cities), crs, base_fields=source.fields(),
                             feedback=feedback)
        outputs[self.OUTPUT] = dest
        categories = [(BACKUP, "#1a9641", self.tr("Covered twice or more (backup)")),
                      (SINGLE, "#fdae61", self.tr("Lost if its only core fails")),
                      (UNCOVERED, "#d7191c", self.tr("Not covered"))]
        attach_style(context, dest, Style(
            renderer=Categorized("STATUS", categories),
            aliases={"IS_CORE": self.tr("Is a core (1 = yes)"), "NEW_CORE": self.tr("Additional core (1 = yes)"),
                     "N_COVER": self.tr("Cores within the radius"),
                     "STATUS": self.tr("Redundancy (backup / single / uncovered)"),
                     "LOST_IF": self.tr("Uncovered if this core fails"), "LOST_NAME": self.tr("Name of that core"),
                     "N_AFTER": self.tr("Cores within the radius after the additions"),
                     "CNTY_CORE": self.tr("Additional core for the county target (1 = yes)")},
            name=self.tr("Cities by redundancy ({radius} km)").format(radius=f"{result.radius_km:g}")))
        cores = cores_frame(sites, ids, result, crs_to_pyproj(crs))
        dest = frame_to_sink(self, parameters, self.CORES, context, cores, QgsWkbTypes.Point, crs)
        outputs[self.CORES] = dest
        attach_style(context, dest, network_cores_style(
            "NAME", name=self.tr("Cores and their N−1 loss"),
            aliases={"CORE_ID": self.tr("Core"), "NAME": self.tr("Core name"),
                     "NEW": self.tr("Additional core (1 = yes)"),
                     "N_COVER": self.tr("Cities within the radius"), "LOST_N": self.tr("Cities lost if it fails"),
                     "LOST_DEM": self.tr("Demand lost if it fails"),
                     "LOST_SH": self.tr("Share of demand lost if it fails"),
                     "AFTER_N": self.tr("Cities lost if it fails, after the additions")}))
        return outputs

    # ----------------------------------------------------------- counties
    def read_counties(self, parameters, context, feedback):
        """The county layer's rows, labels ("东城区 (110101)") and points (a point on the surface of
        polygons), or None when no county layer is given."""
        if not parameters.get(self.COUNTIES):
            return None
        from ...core.coverage.sites import sites_from_geometries
        from ...core.names import labelled, unit_labels
        from ...core.panel import unit_ids
        from ..io.bridge import read_frame
        from ..io.invalid_geometries import usable_geometries

        source = self.input_source(parameters, context, self.COUNTIES)
        frame = read_frame(source, feedback=feedback)
        ids = unit_ids(frame, None)
        labels = unit_labels(frame, ids)
        frame, ids = usable_geometries(frame, ids, feedback, labels)
        sites = sites_from_geometries(frame.geometry.values, frame.crs, "point_on_surface", labelled(ids, labels))
        return _Counties(source, frame, sites, labelled(ids, labels))

    def write_counties(self, parameters, context, counties, city_ids, city_names, result, feedback):
        from ...core.coverage.county_target import counties_frame

        frame = counties_frame(counties.frame, city_ids, city_names, result.counties)
        source = counties.source
        dest = frame_to_sink(self, parameters, self.COUNTIES_OUTPUT, context, frame,
                             output_wkb_type(source.wkbType(), frame), source.sourceCrs(),
                             base_fields=source.fields(), feedback=feedback)
        if dest is None:
            return {}
        categories = [(1, "#1a9641", self.tr("Within the radius of a core")),
                      (0, "#d7191c", self.tr("Beyond the radius"))]
        attach_style(context, dest, Style(
            renderer=Categorized("COVERED", categories),
            aliases={"COVERED": self.tr("Within the radius of a core (1 = yes)"),
                     "DIST_KM": self.tr("Distance to the nearest core (km, geodesic)"),
                     "CORE_ID": self.tr("Nearest core"), "CORE_NAME": self.tr("Name of the nearest core"),
                     "COV_AFTER": self.tr("Within the radius with the county target's additional cores (1 = yes)"),
                     "DIST_AFTER": self.tr("Distance to the nearest core with them (km, geodesic)")},
            name=self.tr("Counties by coverage ({radius} km)").format(radius=f"{result.radius_km:g}")))
        return {self.COUNTIES_OUTPUT: dest}


@dataclass
class _Counties:
    source: object
    frame: object
    sites: object
    labels: list
