"""resilience:mediation: does the digital economy raise resilience through innovation?"""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core.mediation.options import MODELS
from ...core.regression.options import SE_TYPES
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..parameters.choices import chosen, enum_parameter
from ..parameters.help import as_advanced, with_help
from ..parameters.panel import (
    END_YEAR,
    START_YEAR,
    add_name_parameter,
    add_period_parameters,
    add_unit_parameters,
    read_layer_panel,
    warn_dropped,
)
from ..qgis_compat import parameter_as_strings
from ..reports.regression_output import (
    add_paper_table_parameters,
    add_report_parameters,
    table_sink,
    write_paper_tables,
)


class MediationAlgorithm(ResilienceAlgorithm):
    NAME = "mediation"
    DISPLAY_NAME = "Mediation effect"
    SHORT_DESCRIPTION = "Mediation effect of a variable between X and Y (Sobel, bootstrap)."
    GROUP = "econometrics"
    REQUIRES = ("numpy", "scipy", "pandas")
    TAGS = ("mediation,mediator,indirect effect,sobel,bootstrap,baron kenny,innovation,channel,mechanism,"
            "panel,fixed effects,clustered standard errors")
    HELP = (
        "Tests whether a third variable carries part of an effect: digital economy (X) → innovation "
        "(mediator M) → resilience (Y).\n\n"
        "Baron and Kenny's stepwise regressions: (1) Y on X gives the total effect c; (2) M on X gives "
        "path a; (3) Y on X and M gives the direct effect c′ and path b. The indirect effect is a·b "
        "(= c − c′), tested with the Sobel (and Aroian) test and a cluster bootstrap (whole cities are "
        "resampled with all their years; number of draws and seed are parameters) with percentile and "
        "bias-corrected confidence intervals. The verdict follows Zhao, Lynch and Chen (2010): the "
        "indirect effect decides whether there is mediation (by the bias-corrected interval), the direct "
        "effect whether it is partial (complementary or competitive) or indirect-only.\n\n"
        "Models: one year's cross-section; pooled OLS with year effects; panel fixed effects by city, or "
        "by city and year (within transformation). Standard errors: classical, robust (HC1) or "
        "clustered by city — what applied papers report for panels.\n\n"
        "Input: a wide layer (one feature per city, fields STEM_YYYY: choose any year of each stem) or "
        "a long layer (one feature per city and year: set its year and city id fields). Controls are "
        "optional. The panel must be balanced over the chosen years (or tick the advanced option to "
        "drop cities with gaps).\n\n"
        "Outputs: the coefficients of the three regressions and the effects as tables, an HTML report "
        "with paper-style tables (standard errors in parentheses, significance stars) and the "
        "bootstrap distribution as a chart."
    )

    INPUT = "INPUT"
    X_FIELD = "X_FIELD"
    M_FIELD = "M_FIELD"
    Y_FIELD = "Y_FIELD"
    CONTROLS = "CONTROLS"
    MODEL = "MODEL"
    YEAR = "YEAR"
    SE_TYPE = "SE_TYPE"
    DRAWS = "DRAWS"
    SEED = "SEED"
    CONFIDENCE = "CONFIDENCE"
    BALANCE = "BALANCE"
    COEFFICIENTS = "COEFFICIENTS"
    EFFECTS = "EFFECTS"
    REPORT = "REPORT"
    CHART = "CHART"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities with yearly variables"), [QgsProcessing.TypeVector]))
        for name, label, explanation in (
            (self.X_FIELD, self.tr("Independent variable X"), self.tr("Independent variable X (e.g. digital economy)")),
            (self.M_FIELD, self.tr("Mediator M (e.g. innovation)"), ""),
            (self.Y_FIELD, self.tr("Outcome Y (e.g. resilience)"), ""),
        ):
            self.addParameter(with_help(QgsProcessingParameterField(
                name, label, parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric),
                explanation))
        add_unit_parameters(self)
        self.addParameter(QgsProcessingParameterField(
            self.CONTROLS, self.tr("Control variables (optional)"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric, allowMultiple=True, optional=True))
        self.addParameter(enum_parameter(self.MODEL, self.tr("Model"), MODELS, {
            "cross_section": self.tr("Cross-section (one year)"), "pooled": self.tr("Pooled OLS with year effects"),
            "unit": self.tr("Panel: unit (city) fixed effects"),
            "twoway": self.tr("Panel: unit and year fixed effects")}, "twoway"))
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Cross-section year"),
            QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0, maxValue=2200),
                self.tr("Year of the cross-section (0 = the last year)")))
        self.addParameter(enum_parameter(self.SE_TYPE, self.tr("Standard errors"), SE_TYPES, {
            "classical": self.tr("Classical"), "hc1": self.tr("Robust (HC1)"),
            "cluster": self.tr("Clustered by unit (robust HC1 in a cross-section)")}, "cluster"))
        self.addParameter(QgsProcessingParameterNumber(
            self.DRAWS, self.tr("Bootstrap draws (0 = no bootstrap)"), QgsProcessingParameterNumber.Integer,
            defaultValue=999, minValue=0, maxValue=100000))
        self.addParameter(QgsProcessingParameterNumber(
            self.SEED, self.tr("Random seed of the bootstrap"), QgsProcessingParameterNumber.Integer,
            defaultValue=1, minValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            self.CONFIDENCE, self.tr("Confidence level"), QgsProcessingParameterNumber.Double,
            defaultValue=0.95, minValue=0.5, maxValue=0.999))
        add_period_parameters(self, advanced=True)
        balance = with_help(QgsProcessingParameterBoolean(
            self.BALANCE, self.tr("Balance the panel"), defaultValue=False),
                self.tr("Drop units with missing years (balance the panel)"))
        as_advanced(balance)
        self.addParameter(balance)
        add_name_parameter(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.COEFFICIENTS, self.tr("Stepwise regression coefficients"), QgsProcessing.TypeVector))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.EFFECTS, self.tr("Mediation effects"), QgsProcessing.TypeVector))
        add_report_parameters(self, self.tr("Bootstrap chart"))
        add_paper_table_parameters(self)
        for name, description in (
            ("INDIRECT", self.tr("Indirect effect a·b")),
            ("DIRECT", self.tr("Direct effect c′")),
            ("TOTAL", self.tr("Total effect c")),
            ("PROPORTION", self.tr("Share of the total effect mediated")),
            ("SOBEL_Z", self.tr("Sobel z")),
            ("SOBEL_P", self.tr("Sobel p-value")),
            ("CI_LOW", self.tr("Bias-corrected bootstrap interval, lower bound")),
            ("CI_HIGH", self.tr("Bias-corrected bootstrap interval, upper bound")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))
        self.addOutput(QgsProcessingOutputString("VERDICT", self.tr("Verdict")))

    def process(self, parameters, context, feedback):
        from ...core.mediation.analysis import MediationSettings, mediation_analysis
        from ...core.mediation.report import coefficient_table, effects_table, paper_tables, verdict_text, write_report

        source = self.input_source(parameters, context)
        steps = multi_step(3, feedback)
        roles = [self.field_name(parameters, name, context) for name in (self.X_FIELD, self.M_FIELD,
                                                                              self.Y_FIELD)]
        controls = parameter_as_strings(self, parameters, self.CONTROLS, context)
        _, panel, labels, _ = read_layer_panel(self, parameters, context, source, [*roles, *controls],
                                               feedback=steps)
        x, m, y = (panel.variable(name) for name in roles)
        control_names = list(dict.fromkeys(panel.variable(name) for name in controls))

        steps.setCurrentStep(1)
        settings = MediationSettings(
            model=chosen(self, parameters, self.MODEL, MODELS, context),
            year=self.parameterAsInt(parameters, self.YEAR, context) or None,
            start=self.parameterAsInt(parameters, START_YEAR, context) or None,
            end=self.parameterAsInt(parameters, END_YEAR, context) or None,
            se_type=chosen(self, parameters, self.SE_TYPE, SE_TYPES, context),
            draws=self.parameterAsInt(parameters, self.DRAWS, context),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            confidence=self.parameterAsDouble(parameters, self.CONFIDENCE, context),
            balance=self.parameterAsBool(parameters, self.BALANCE, context),
        )
        result = mediation_analysis(panel, x, m, y, control_names, settings, progress=feedback_progress(steps))
        warn_dropped(feedback, result.dropped, labels)
        if result.bootstrap is not None and result.bootstrap.failed:
            feedback.pushWarning(self.tr("{count} bootstrap draw(s) were singular and left out.").format(
                count=result.bootstrap.failed))
        feedback.pushInfo(verdict_text(result, core_text))

        steps.setCurrentStep(2)
        outputs = {}
        for name, (table, aliases, title) in {
            self.COEFFICIENTS: coefficient_table(result, core_text),
            self.EFFECTS: effects_table(result, core_text),
        }.items():
            dest = table_sink(self, parameters, name, context, table, aliases, title)
            if dest is not None:
                outputs[name] = dest
        written = write_report(result, self.parameterAsFileOutput(parameters, self.REPORT, context),
                               self.parameterAsFileOutput(parameters, self.CHART, context),
                               source.sourceName() or "layer", core_text, feedback.pushWarning)
        outputs.update({key: value for key, value in written.items() if value})
        outputs.update(write_paper_tables(self, parameters, context, paper_tables(result, core_text), feedback))
        bc = result.intervals["indirect"]["bc"] if result.intervals else None
        outputs.update({
            "INDIRECT": result.indirect,
            "DIRECT": result.steps.c_prime[0],
            "TOTAL": result.steps.c[0],
            "PROPORTION": result.proportion,
            "SOBEL_Z": result.sobel.z,
            "SOBEL_P": result.sobel.p,
            "CI_LOW": bc.low if bc else float("nan"),
            "CI_HIGH": bc.high if bc else float("nan"),
            "VERDICT": result.verdict,
        })
        steps.setProgress(100)
        return outputs
