"""resilience:heterogeneity: the spillover model by period, region or openness group."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.econometrics.options import GROUPINGS
from ...core.econometrics.options import HETEROGENEITY_METHODS as METHODS
from ..algorithm import ResilienceAlgorithm, core_text, core_value, feedback_progress, multi_step
from ..io.bridge import frame_to_sink
from ..parameters.choices import chosen, enum_parameter
from ..parameters.help import with_help
from ..parameters.spillover import (
    INPUT,
    add_model_inputs,
    add_standard_errors_parameters,
    output_number,
    read_model_inputs,
    spec_from_parameters,
    unit_values,
    units_frame,
)
from ..qgis_compat import parameter_as_strings
from ..reports.regression_output import add_paper_table_parameters, write_paper_tables
from ..styling import Categorized, Style, attach_style

GROUP_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


class HeterogeneityAlgorithm(ResilienceAlgorithm):
    NAME = "heterogeneity"
    DISPLAY_NAME = "Heterogeneity by period, region or openness"
    SHORT_DESCRIPTION = "The spillover model by period, region or openness group."
    GROUP = "econometrics"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    TAGS = ("heterogeneity,subsample,group,period,2016,region,east,central,west,northeast,openness,top 30%,"
            "interaction,Chow,spatial Durbin,econometrics")
    HELP = (
        "Runs the chosen spatial model (as in “Spatial spillover model”) separately for groups and lays the "
        "groups side by side, with tests that the key variable's coefficient and effects differ between them.\n\n"
        "Groupings: by period (years before the split year against the split year and after; default 2016), by "
        "a category field (e.g. region: east, central, west, northeast) or by the top and bottom shares of a "
        "numeric field (e.g. openness; default 30 % each; in a panel the city's mean over the years).\n\n"
        "Methods: separate models per group (the weights are restricted to the group, or rebuilt within it for "
        "k-nearest neighbours), compared with z = (b₁ − b₂)/√(se₁² + se₂²) and, for more than two groups, "
        "Cochran's Q; or one interaction model on all units with the full weights, the key variable (and its "
        "W-lag) interacted with each group, compared by Wald tests with the joint covariance; or the gap over time: "
        "the key variable interacted with every group and year (groups of cities only), each group's gap against a "
        "reference group year by year with its 95 % interval, the trend of the gap per year and a test that it is "
        "the same in every year (e.g. east against central and western cities, 2011–2019).\n\n"
        "Outputs: an HTML report (paper-style side-by-side table, group comparisons), a CSV table, the "
        "side-by-side table for papers (Excel, Word, LaTeX or CSV) and an "
        "optional layer of the cities' groups. Groups need at least 10 units; contiguity weights inside small "
        "or scattered groups leave islands: use k-nearest neighbours or the interaction method. For scattered "
        "groups (openness) prefer the interaction method: it keeps every city's real neighbours, whereas a "
        "separate model only sees neighbours inside the group."
    )

    KEY = "KEY"
    GROUPING = "GROUPING"
    SPLIT_YEAR = "SPLIT_YEAR"
    GROUP_FIELD = "GROUP_FIELD"
    TOP_SHARE = "TOP_SHARE"
    BOTTOM_SHARE = "BOTTOM_SHARE"
    METHOD = "METHOD"
    REFERENCE = "REFERENCE"
    GAP_TABLE = "GAP_TABLE"
    REPORT = "REPORT"
    TABLE = "TABLE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):
        add_model_inputs(self)
        self.addParameter(with_help(QgsProcessingParameterField(
            self.KEY, self.tr("Key variable"),
            parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Key variable (default: the first explanatory variable)")))
        self.addParameter(enum_parameter(self.GROUPING, self.tr("Grouping"), GROUPINGS, {
            "period": self.tr("Period: before / from the split year"),
            "category": self.tr("Category field (e.g. region)"),
            "quantile": self.tr("Top and bottom shares of a numeric field (e.g. openness)")}))
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.SPLIT_YEAR, self.tr("Split year"),
            QgsProcessingParameterNumber.Integer, defaultValue=2016),
                self.tr("Split year (the second period starts with it)")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.GROUP_FIELD, self.tr("Group field"),
            parentLayerParameterName=INPUT, optional=True),
                self.tr("Group field (category or numeric; in a wide panel any year of the stem)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.TOP_SHARE, self.tr("Top share (%)"), QgsProcessingParameterNumber.Double, defaultValue=30.0,
            minValue=1.0, maxValue=99.0))
        self.addParameter(QgsProcessingParameterNumber(
            self.BOTTOM_SHARE, self.tr("Bottom share (%)"), QgsProcessingParameterNumber.Double, defaultValue=30.0,
            minValue=1.0, maxValue=99.0))
        self.addParameter(enum_parameter(self.METHOD, self.tr("Method"), METHODS, {
            "separate": self.tr("Separate models per group"),
            "interaction": self.tr("One model with group interactions"),
            "yearly": self.tr("Gap over time: one model with group × year interactions")}))
        self.addParameter(with_help(QgsProcessingParameterString(
            self.REFERENCE, self.tr("Reference group (gap over time)"), optional=True),
                self.tr("The group the others are compared with in the gap over time, as it is written in the group "
                        "field (e.g. central/west); default: the first group in alphabetical order")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.TABLE, self.tr("Side-by-side table (CSV)"), self.tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.GAP_TABLE, self.tr("Gap over time (CSV)"), self.tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        add_paper_table_parameters(self)
        add_standard_errors_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Groups"), QgsProcessing.TypeVectorAnyGeometry, optional=True,
            createByDefault=False))
        for name, description in (
            ("DIFFERENCE", self.tr("Key coefficient: first group − second group")),
            ("Z", self.tr("z of the difference")),
            ("P_VALUE", self.tr("p-value of the difference")),
            ("RATIO", self.tr("Key coefficient: first group / second group")),
            ("GAP_FIRST", self.tr("Gap over time: first compared group − reference, first year")),
            ("GAP_LAST", self.tr("Gap over time: first compared group − reference, last year")),
            ("GAP_TREND", self.tr("Gap over time: trend of the gap per year")),
            ("GAP_TREND_P", self.tr("Gap over time: p-value of the trend")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def process(self, parameters, context, feedback):
        from ...core.econometrics.heterogeneity import Grouping, run_heterogeneity
        from ...core.econometrics.report import heterogeneity_table, write_heterogeneity_csv, write_heterogeneity_report

        steps = multi_step(3, feedback)
        inputs = read_model_inputs(self, parameters, context, steps)
        spec = spec_from_parameters(self, parameters, context, inputs.labels)
        grouping = self.grouping(parameters, context, inputs, Grouping)
        method = chosen(self, parameters, self.METHOD, METHODS, context)
        keys = parameter_as_strings(self, parameters, self.KEY, context)
        key = None
        if keys:
            from ...core.econometrics.data import stem_of

            key = stem_of(keys[0]) if inputs.shape == "wide" else keys[0]
        steps.setCurrentStep(1)
        reference = self.parameterAsString(parameters, self.REFERENCE, context).strip() or None
        result = run_heterogeneity(inputs.data, inputs.weights, spec, grouping, key, method,
                                   weights_for=inputs.weights_for, progress=feedback_progress(steps),
                                   reference=reference)
        for note in result.notes:
            feedback.pushInfo(core_text(note))

        steps.setCurrentStep(2)
        outputs = {"DIFFERENCE": None, "Z": None, "P_VALUE": None, "RATIO": None, "GAP_FIRST": None,
                   "GAP_LAST": None, "GAP_TREND": None, "GAP_TREND_P": None}
        outputs.update(self.gap_outputs(result, parameters, context, feedback))
        first = next((c for c in result.comparisons if c.quantity == "coefficient"), None)
        if first is not None:
            outputs.update(DIFFERENCE=output_number(first.difference), Z=output_number(first.z),
                           P_VALUE=output_number(first.p), RATIO=output_number(first.ratio))
            from ...core.regression.table import p_text

            feedback.pushInfo(self.tr("{key}: {a} = {va:.4f}, {b} = {vb:.4f}, z = {z:.3f}, {p}").format(
                key=result.key, a=core_value(first.first), va=first.a, b=core_value(first.second), vb=first.b,
                z=first.z, p=p_text(first.p)))
        title = self.tr("Heterogeneity of the effect of {key} on {dependent}").format(
            key=result.key, dependent=result.pooled.dependent)
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            outputs[self.REPORT] = write_heterogeneity_report(result, report_path, title, inputs.description,
                                                              core_text, inputs.weights)
        table_path = self.parameterAsFileOutput(parameters, self.TABLE, context)
        if table_path:
            write_heterogeneity_csv(result, table_path, core_text)
            outputs[self.TABLE] = table_path
        outputs.update(write_paper_tables(self, parameters, context,
                                          [heterogeneity_table(result, core_text, inputs.weights)], feedback))
        if grouping.kind != "period":
            frame = self.groups_frame(inputs, result)
            dest = frame_to_sink(self, parameters, self.OUTPUT, context, frame, feedback=steps)
            if dest is not None:
                outputs[self.OUTPUT] = dest
                attach_style(context, dest, self.groups_style(frame, result.unit_groups))
        elif parameters.get(self.OUTPUT) is not None:
            feedback.pushInfo(self.tr("Grouping by period: every city is in every group, no group layer."))
        return outputs

    def gap_outputs(self, result, parameters, context, feedback) -> dict:
        """The gap over time: its numbers (first compared group), its CSV and a line per group in the log."""
        if result.gap is None:
            if self.parameterAsFileOutput(parameters, self.GAP_TABLE, context):
                feedback.pushInfo(self.tr("The gap-over-time table is written by the gap-over-time method only."))
            return {}
        from ...core.econometrics.report import write_gap_csv
        from ...core.regression.table import p_text

        for path in result.gap.paths:
            line = self.tr("{group} − {reference}: {first:.4f} ({y0}) → {last:.4f} ({y1}); "
                           "trend {trend:.4f} per year, {p}")
            feedback.pushInfo(line.format(
                group=core_value(path.group), reference=core_value(path.reference), first=path.gap[0],
                last=path.gap[-1], y0=path.years[0], y1=path.years[-1], trend=path.trend, p=p_text(path.trend_p)))
        first = result.gap.paths[0]
        outputs = {"GAP_FIRST": output_number(first.gap[0]), "GAP_LAST": output_number(first.gap[-1]),
                   "GAP_TREND": output_number(first.trend), "GAP_TREND_P": output_number(first.trend_p)}
        path = self.parameterAsFileOutput(parameters, self.GAP_TABLE, context)
        if path:
            outputs[self.GAP_TABLE] = write_gap_csv(result, path)
        return outputs

    def grouping(self, parameters, context, inputs, grouping_class):
        kind = chosen(self, parameters, self.GROUPING, GROUPINGS, context)
        fields = parameter_as_strings(self, parameters, self.GROUP_FIELD, context)
        if kind == "period":
            return grouping_class("period", split_year=self.parameterAsInt(parameters, self.SPLIT_YEAR, context))
        if not fields:
            raise QgsProcessingException(self.tr(
                "Grouping by a category or by top/bottom shares needs the group field: choose it (e.g. region or "
                "OPEN_2019)."))
        values = unit_values(inputs, fields[0], numeric=kind == "quantile")
        return grouping_class(kind, values=values, field=fields[0],
                              top=self.parameterAsDouble(parameters, self.TOP_SHARE, context) / 100.0,
                              bottom=self.parameterAsDouble(parameters, self.BOTTOM_SHARE, context) / 100.0)

    def groups_frame(self, inputs, result):
        frame = units_frame(inputs, result.data.unit_ids)
        frame["GROUP"] = [str(label) for label in result.unit_groups]
        return frame

    def groups_style(self, frame, unit_groups=()):
        """One colour per group (the middle of a top/bottom split grey); legend labels translated."""
        legend = {str(label): core_value(label) for label in unit_groups}
        labels = sorted(set(frame["GROUP"]))
        categories = [(label, GROUP_COLOURS[i % len(GROUP_COLOURS)] if label != "middle" else "#d9d9d9",
                       legend.get(label, label)) for i, label in enumerate(labels)]
        return Style(renderer=Categorized("GROUP", categories), aliases={"GROUP": self.tr("Group")},
                     name=self.tr("Heterogeneity groups"))
