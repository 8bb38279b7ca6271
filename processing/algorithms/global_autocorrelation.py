"""resilience:globalautocorrelation: Moran's I, Geary's C and General G per field and year."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsWkbTypes,
)

from ...core.autocorrelation.options import ALTERNATIVES, STATISTICS
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..parameters.autocorrelation import (
    ALL_YEARS,
    ALTERNATIVE,
    FIELDS,
    OUTPUT,
    add_inference_parameters,
    add_input_parameters,
    add_null_parameter,
    inference_spec,
    null_policy,
    push_notes,
    read_panel,
    require_matplotlib,
)
from ..parameters.choices import chosen_many, enum_parameter
from ..parameters.weights import add_weights_parameters
from ..qgis_compat import parameter_as_strings
from ..reports.regression_output import REPORT, add_report_parameters


class GlobalAutocorrelationAlgorithm(ResilienceAlgorithm):
    NAME = "globalautocorrelation"
    DISPLAY_NAME = "Global spatial autocorrelation"
    SHORT_DESCRIPTION = "Moran's I, Geary's C and Getis–Ord General G per year."
    GROUP = "autocorrelation"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    STATISTICS = "STATISTICS"
    CHART = "CHART"
    MORAN_I = "MORAN_I"
    MORAN_P = "MORAN_P"
    TAGS = "moran,geary,getis,ord,general g,global,autocorrelation,clustering,panel,years"
    HELP = (
        "Is the variable spatially clustered, and does clustering change over the years? Moran's I (inference "
        "under normality, randomisation and permutation), Geary's C (normality, randomisation, permutation) "
        "and Getis-Ord General G (randomisation, permutation), for one or many fields and, with “every year”, "
        "for every year of a panel (DEI_2019 → DEI_2011 … DEI_2019) in one run.\n\n"
        "Output: a table with one row per field, year, statistic and inference: value, expected value, "
        "variance, z = (value − expected)/sd, p-value, units, permutations. The analytical moments are those "
        "of R spdep's moran.test, geary.test and globalG.test (cities without neighbours keep their value in "
        "the mean and variance, and n counts the cities with neighbours). Note that z for Geary's C is "
        "negative for positive autocorrelation (C < 1); spdep reports the opposite sign. General G needs "
        "values of zero or more (it is skipped, with a warning, for fields with negative values) and is "
        "meant for binary weights.\n\n"
        "Alternative: two-sided, or one-sided “greater” (value above its expectation: I > E[I], G > E[G]; for "
        "Geary's C that is negative autocorrelation) or “less”. Permutation p-values count the permutations "
        "at least as extreme, (M + 1)/(P + 1); two-sided is twice the smaller tail. The same seed gives the "
        "same result.\n\n"
        "The chart (PNG, SVG or PDF) draws Moran's I of each field over the years; filled markers are "
        "significant at 5 %. The HTML report (optional) holds the chart, Moran's I of the first field in the "
        "last year and the table of results."
    )

    def initAlgorithm(self, config=None):
        add_input_parameters(self, multiple=True)
        add_weights_parameters(self)
        self.addParameter(enum_parameter(self.STATISTICS, self.tr("Statistics"), STATISTICS, {
            "moran": self.tr("Moran's I"), "geary": self.tr("Geary's C"),
            "getis_ord": self.tr("Getis-Ord General G")}, STATISTICS, multiple=True))
        self.addParameter(enum_parameter(ALTERNATIVE, self.tr("Alternative hypothesis"), ALTERNATIVES, {
            "two-sided": self.tr("Two-sided"), "greater": self.tr("Greater than expected (one-sided)"),
            "less": self.tr("Less than expected (one-sided)")}))
        add_inference_parameters(self, alpha=False, correction=False)
        add_null_parameter(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            OUTPUT, self.tr("Global autocorrelation"), QgsProcessing.TypeVector))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.CHART, self.tr("Chart of Moran's I over the years"),
            self.tr("PNG images (*.png);;SVG images (*.svg);;PDF files (*.pdf)"), optional=True,
            createByDefault=False))
        add_report_parameters(self, by_default=False)
        self.addOutput(QgsProcessingOutputNumber(self.MORAN_I, self.tr("Moran's I (first field, last year)")))
        self.addOutput(QgsProcessingOutputNumber(self.MORAN_P, self.tr("p-value of Moran's I (first field, last "
                                                                    "year; permutation if any)")))

    def process(self, parameters, context, feedback):
        from ...core.autocorrelation.analyses import global_autocorrelation
        from ..io.bridge import frame_to_sink
        from ..styling import Style, attach_style

        chart = self.parameterAsFileOutput(parameters, self.CHART, context)
        if chart:
            require_matplotlib()
        steps = multi_step(3, feedback)
        source, _, panel, _ = read_panel(self, parameters, context, steps)
        steps.setCurrentStep(1)
        statistics = chosen_many(self, parameters, self.STATISTICS, STATISTICS, context)
        result = global_autocorrelation(
            panel, parameter_as_strings(self, parameters, FIELDS, context),
            all_years=self.parameterAsBool(parameters, ALL_YEARS, context),
            statistics=tuple(key for key in STATISTICS if key in statistics),
            inference=inference_spec(self, parameters, context), nulls=null_policy(self, parameters, context),
            progress=feedback_progress(steps))
        push_notes(feedback, result.notes)
        table = result.table
        steps.setCurrentStep(2)
        for row in table.itertuples():
            feedback.pushInfo(self.tr("{column} {statistic} ({inference}): {value:.6g}, expected {expected:.6g}, "
                                      "z = {z:.4g}, p = {p:.4g}").format(
                column=row.column, statistic=core_text(row.statistic), inference=core_text(row.inference),
                value=row.value,
                expected=row.expected, z=row.z, p=row.p_value))
        aliases = {
            "field": self.tr("Field (stem)"), "column": self.tr("Field"), "year": self.tr("Year"),
            "statistic": self.tr("Statistic"), "inference": self.tr("Inference"), "value": self.tr("Value"),
            "expected": self.tr("Expected value under no autocorrelation"), "variance": self.tr("Variance"),
            "z": self.tr("z = (value − expected) / standard deviation"), "p_value": self.tr("p-value"),
            "units": self.tr("Units analysed"), "perms": self.tr("Permutations"),
            "alternative": self.tr("Alternative hypothesis"),
        }
        dest = frame_to_sink(self, parameters, OUTPUT, context, table, QgsWkbTypes.NoGeometry, aliases=aliases,
                             feedback=steps)
        attach_style(context, dest, Style(aliases=aliases, name=self.tr("Global autocorrelation")))
        results = {"OUTPUT": dest}
        headline = None
        moran = table[(table["statistic"] == "Moran's I") & (table["field"] == table["field"].iloc[0])]
        if len(moran):
            last = moran[moran["year"] == moran["year"].max()] if moran["year"].notna().any() else moran
            best = last[last["inference"] == "permutation"]
            row = (best if len(best) else last[last["inference"] == "randomisation"]).iloc[-1]
            results[self.MORAN_I] = float(row["value"])
            results[self.MORAN_P] = float(row["p_value"])
            headline = (row["column"], row["year"], results[self.MORAN_I], results[self.MORAN_P], row["inference"])
        if chart:
            results[self.CHART] = self.chart(chart, table)
        report = self.parameterAsFileOutput(parameters, REPORT, context)
        if report:
            from ...core.autocorrelation.report import report_figure, write_global_report

            figure = report_figure(lambda: self.trend_figure(table), core_text, feedback.pushWarning)
            results[REPORT] = write_global_report(report, table, figure, source.sourceName(), headline, core_text)
        return results

    def chart(self, path, table) -> str:
        """The chart of the global statistic (Moran's I if computed) over the years, saved to ``path``."""
        from ...core.charts.base import save_chart

        return save_chart(self.trend_figure(table), path)

    def trend_figure(self, table):
        """The figure of :meth:`chart`."""
        from ...core.autocorrelation.chart_data import trend_series
        from ...core.charts.moran_trend import moran_trend_chart

        series = trend_series(table)
        inference = {"permutation": self.tr("permutation"), "randomisation": self.tr("randomisation")}
        statistic = core_text(series.statistic)
        # Without years the one series is named after the statistic: its legend entry, translated.
        values = series.values if series.yearly else {statistic: next(iter(series.values.values()))}
        p_values = series.p_values if series.yearly else {statistic: next(iter(series.p_values.values()))}
        figure = moran_trend_chart(
            series.x, values, p_values, series.expected, alpha=0.05,
            title=self.tr("{statistic} over the years").format(statistic=statistic),
            xlabel=self.tr("Year") if series.yearly else self.tr("Field"), ylabel=statistic,
            significant_label=self.tr("p ≤ {alpha} ({inference})").format(
                alpha=0.05, inference=inference[series.inference]),
            not_significant_label=self.tr("not significant"),
            expected_label=self.tr("Expected under no autocorrelation"), lines=series.yearly)
        return figure
