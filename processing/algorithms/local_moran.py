"""resilience:localmoran: LISA cluster maps (univariate, bivariate, differential)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
)

from ...core.autocorrelation.options import LOCAL_KINDS
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..parameters.autocorrelation import (
    ALL_YEARS,
    FIELD,
    INPUT,
    ClusterStyles,
    add_inference_parameters,
    add_input_parameters,
    add_null_parameter,
    add_year_output_parameters,
    inference_spec,
    null_policy,
    push_notes,
    read_panel,
    require_matplotlib,
    write_local_outputs,
)
from ..parameters.choices import chosen, enum_parameter
from ..parameters.help import as_advanced, with_help
from ..parameters.weights import add_weights_parameters
from ..qgis_compat import parameter_as_strings
from ..reports.regression_output import REPORT, add_report_parameters
from ..styling import lisa_style


class LocalMoranAlgorithm(ResilienceAlgorithm):
    NAME = "localmoran"
    DISPLAY_NAME = "Local Moran's I (LISA)"
    SHORT_DESCRIPTION = "LISA cluster maps (High-High, Low-Low, outliers) per year."
    GROUP = "autocorrelation"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    KIND = "KIND"
    FIELD_2 = "FIELD_2"
    CONDITIONAL = "CONDITIONAL"
    SCATTER_PLOT = "SCATTER_PLOT"
    MORAN_I = "MORAN_I"
    HIGH_HIGH = "HIGH_HIGH"
    LOW_LOW = "LOW_LOW"
    LOW_HIGH = "LOW_HIGH"
    HIGH_LOW = "HIGH_LOW"
    TAGS = "lisa,local moran,cluster,outlier,hot spot,high-high,low-low,bivariate,differential,geoda"
    HELP = (
        "Local indicators of spatial association (Anselin 1995): where do high values sit among high "
        "neighbours (High-High clusters), low among low (Low-Low), and where are the outliers (High-Low, "
        "Low-High)?\n\n"
        "Kinds: univariate (the variable against its spatial lag); bivariate (the variable x at each city "
        "against the spatial lag of a second variable y, e.g. digital economy against neighbours' "
        "resilience); differential (the change between two years, e.g. DEI_2019 − DEI_2011).\n\n"
        "Inference: conditional permutation (999 by default; the same seed gives the same result; "
        "pseudo p-values are directed, as in GeoDa) or, with 0 permutations, the analytical z under the "
        "normal approximation (two-sided). Multiple-testing control: none, false discovery rate "
        "(Benjamini–Hochberg) or Bonferroni, over the tested cities of each year separately. A city is in a "
        "cluster when its (adjusted) p ≤ the level.\n\n"
        "Output fields: LISA_I (local I; z-scores use the population standard deviation as in R spdep, "
        "so GeoDa's and esda's values are (n−1)/n of these), LISA_Z (analytical z), LISA_P (p-value), "
        "LISA_PADJ (adjusted, when chosen), LISA_Q (quadrant), LISA_CL (cluster code), LISA_LAB (label), "
        "LISA_LAG (spatial lag). Codes follow GeoDa: 1 High-High, 2 Low-Low, 3 Low-High, 4 High-Low, "
        "0 not significant, 5 no data, 6 no neighbours (PySAL's quadrant codes differ: HH 1, LH 2, LL 3, "
        "HL 4; read the label). Cities without neighbours are labelled “No neighbours” and not tested; "
        "cities with NULL values are left out (“No data”) or stop the run.\n\n"
        "Panels: tick “every year” to map DEI_2011 … DEI_2019 from DEI_2019, as one layer with a set of "
        "fields per year (LI_2019, LP_2019, LLAB_2019 …) or as one layer per year. The layer opens on the "
        "cluster map of the last year; the significance map and the other years are saved styles of the "
        "layer (Layer Properties › Styles). A long layer (one feature per city and year) needs its year "
        "field and the unit id field.\n\n"
        "The Moran scatter plot (PNG, SVG or PDF) shows the standardised variable against its spatial "
        "lag with the slope (Moran's I), quadrants tinted and significant cities in their cluster colour. "
        "The HTML report (optional) holds the scatter plot, Moran's I and the cluster counts of every year."
    )

    def initAlgorithm(self, config=None):
        add_input_parameters(self, field_label=self.tr("Variable (x)"))
        self.addParameter(with_help(enum_parameter(self.KIND, self.tr("Kind of LISA"), LOCAL_KINDS, {
            "univariate": self.tr("Univariate"), "bivariate": self.tr("Bivariate"),
            "differential": self.tr("Differential")}),
            self.tr("Univariate: x against its spatial lag. Bivariate: x against the spatial lag of the second "
                    "variable. Differential: the change from the second variable (earlier year) to x.")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.FIELD_2, self.tr("Second variable"),
            parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Second variable (y of a bivariate LISA, or the earlier year of a differential)")))
        add_weights_parameters(self)
        add_inference_parameters(self)
        conditional = with_help(QgsProcessingParameterBoolean(
            self.CONDITIONAL, self.tr("Conditional analytical moments"), defaultValue=True),
            self.tr("Analytical moments conditional on the city's own value (Sokal et al. 1998; R spdep's default)"))
        as_advanced(conditional)
        self.addParameter(conditional)
        add_null_parameter(self)
        add_year_output_parameters(self, self.tr("LISA clusters"))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.SCATTER_PLOT, self.tr("Moran scatter plot"),
            self.tr("PNG images (*.png);;SVG images (*.svg);;PDF files (*.pdf)"), optional=True,
            createByDefault=False))
        add_report_parameters(self, by_default=False)
        self.addOutput(QgsProcessingOutputNumber(self.MORAN_I, self.tr("Moran's I (last year)")))
        for name, description in ((self.HIGH_HIGH, self.tr("High-High cities (last year)")),
                                  (self.LOW_LOW, self.tr("Low-Low cities (last year)")),
                                  (self.LOW_HIGH, self.tr("Low-High cities (last year)")),
                                  (self.HIGH_LOW, self.tr("High-Low cities (last year)"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def process(self, parameters, context, feedback):
        from ...core.autocorrelation.analyses import local_moran_analysis
        from ...core.autocorrelation.clusters import HIGH_HIGH, HIGH_LOW, LOW_HIGH, LOW_LOW

        plot = self.parameterAsFileOutput(parameters, self.SCATTER_PLOT, context)
        if plot:
            require_matplotlib()
        steps = multi_step(4, feedback)
        source, frame, panel, everything = read_panel(self, parameters, context, steps)
        steps.setCurrentStep(1)
        kind = chosen(self, parameters, self.KIND, LOCAL_KINDS, context)
        second = self.field_name(parameters, self.FIELD_2, context)
        inference = inference_spec(self, parameters, context)
        analysis = local_moran_analysis(
            panel, parameter_as_strings(self, parameters, FIELD, context)[0], kind=kind, second=second,
            all_years=self.parameterAsBool(parameters, ALL_YEARS, context),
            conditional=self.parameterAsBool(parameters, self.CONDITIONAL, context),
            inference=inference, nulls=null_policy(self, parameters, context),
            progress=feedback_progress(steps))
        push_notes(feedback, analysis.notes)
        steps.setCurrentStep(2)
        correction, alpha = inference.correction, inference.alpha
        styles = ClusterStyles(tuple(analysis.fields), lisa_style, "LISA_LAB", self.tr("LISA clusters — {run}"),
                               self.tr("LISA clusters ({run})"),
                               p_field="LISA_PADJ" if correction != "none" else "LISA_P", alpha=alpha)
        results = write_local_outputs(self, parameters, context, steps, source, frame, analysis, styles, "lisa",
                                      everything=everything)
        steps.setCurrentStep(3)
        last = analysis.runs[-1]
        for run in analysis.runs:
            counts = {code: int((run.result.cluster == code).sum()) for code in (1, 2, 3, 4)}
            feedback.pushInfo(self.tr("{run}: Moran's I = {i:.4f}; High-High {hh}, Low-Low {ll}, Low-High {lh}, "
                                      "High-Low {hl} (p ≤ {alpha}{correction}).").format(
                run=run.run.title, i=run.global_statistic, hh=counts[1], ll=counts[2], lh=counts[3], hl=counts[4],
                alpha=alpha, correction="" if correction == "none" else f", {correction}"))
        results[self.MORAN_I] = last.global_statistic
        for name, code in ((self.HIGH_HIGH, HIGH_HIGH), (self.LOW_LOW, LOW_LOW), (self.LOW_HIGH, LOW_HIGH),
                           (self.HIGH_LOW, HIGH_LOW)):
            results[name] = int((last.result.cluster == code).sum())
        if plot:
            results[self.SCATTER_PLOT] = self.scatter_plot(plot, analysis)
        report = self.parameterAsFileOutput(parameters, REPORT, context)
        if report:
            from ...core.autocorrelation.report import report_figure, write_local_moran_report

            figure = report_figure(lambda: self.scatter_figure(analysis), core_text, feedback.pushWarning)
            results[REPORT] = write_local_moran_report(report, analysis, figure, source.sourceName(), alpha,
                                                       correction, inference.permutations, core_text)
        return results

    def scatter_plot(self, path, analysis) -> str:
        from ...core.charts.base import save_chart

        return save_chart(self.scatter_figure(analysis), path)

    def scatter_figure(self, analysis):
        """The Moran scatter plot of :meth:`scatter_plot`."""
        from ...core.autocorrelation.chart_data import scatter_panels
        from ...core.charts.moran_scatter import moran_scatter_chart

        labels = {1: self.tr("High-High"), 2: self.tr("Low-Low"), 3: self.tr("Low-High"), 4: self.tr("High-Low")}
        figure = moran_scatter_chart(
            scatter_panels(analysis), title=self.tr("Moran scatter plot"),
            xlabel=self.tr("{variable} (standardised)"), ylabel=self.tr("Spatial lag of {variable}"),
            statistic_label=(self.tr("Bivariate Moran's I = {value:.3f}") if analysis.kind == "bivariate"
                             else self.tr("Moran's I = {value:.3f}")),
            not_significant_label=self.tr("Not significant"), cluster_label=self.tr("{label} ({count})"),
            cluster_labels=labels)
        return figure
