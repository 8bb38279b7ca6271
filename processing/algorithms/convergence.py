"""resilience:convergence: σ- and β-convergence of a yearly indicator across cities."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsWkbTypes,
)

from ...core.convergence.options import DIVISORS, SPATIAL_MODELS, TIMINGS
from ...core.regression.options import SE_TYPES
from ...core.regression.options import WITHIN_EFFECTS as PANEL_EFFECTS
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import frame_to_sink
from ..parameters.choices import chosen, chosen_many, enum_parameter
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.field_defaults import likely_field_parameter
from ..parameters.help import as_advanced, with_help
from ..parameters.panel import (
    END_YEAR,
    NAME_FIELD,
    START_YEAR,
    YEAR_FIELD,
    add_name_parameter,
    add_period_parameters,
    add_unit_parameters,
    read_layer_panel,
    warn_dropped,
)
from ..parameters.weights import add_weights_parameters, resolve_weights, weights_file
from ..qgis_compat import parameter_as_strings
from ..reports.regression_output import (
    add_paper_table_parameters,
    add_report_parameters,
    table_sink,
    write_paper_tables,
)
from ..styling import Style, attach_style, graduated_style

#: Fields the map adds (≤ 10 characters); existing fields of the same name are replaced.
MAP_FIELDS = ("Y_START", "Y_END", "LN_START", "GROWTH", "REL_START")


class ConvergenceAlgorithm(ResilienceAlgorithm):
    NAME = "convergence"
    DISPLAY_NAME = "σ- and β-convergence"
    SHORT_DESCRIPTION = "σ- and β-convergence of an indicator, with spatial β-convergence models."
    GROUP = "econometrics"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify")
    TAGS = ("convergence,sigma,beta,catch-up,regional disparities,inequality,theil,gini,dagum,"
            "coefficient of variation,half-life,speed of convergence,spatial,sar,sem,sdm,panel,fixed effects")
    HELP = (
        "Do regional differences shrink, and do lagging cities catch up? Tests σ- and β-convergence "
        "of a yearly indicator (e.g. a resilience or digital-economy index) across cities.\n\n"
        "Input: a wide layer (one feature per city, fields STEM_YYYY such as RES_2011 … RES_2019: "
        "choose any year of the stem) or a long layer (one feature per city and year: choose its "
        "year field and the city id field). The indicator must be positive (logs and growth rates).\n\n"
        "σ-convergence, per year: coefficient of variation, standard deviation of logs, Theil index "
        "and Gini coefficient, with their linear trend over the years; with a group field (e.g. "
        "region: east, central, west, northeast) also by group, the Theil index split into between- "
        "and within-group parts and Dagum's decomposition of the Gini coefficient.\n\n"
        "β-convergence: the cross-section regression of the average annual log growth over the period "
        "on the initial log level (absolute; conditional with control fields, taken at their first-"
        "year values or period means), and the panel regression of annual log growth on the previous "
        "year's log level with unit or unit-and-year fixed effects. Optionally the cross-section with "
        "spatial models by maximum likelihood (those of the spatial Durbin algorithm): spatial lag (SAR), "
        "spatial error (SEM) and "
        "spatial Durbin (SDM), with direct, indirect and total effects of the initial level (standard "
        "errors from 1,000 simulated draws of the estimates). β < 0 "
        "means convergence; the speed is λ = −ln(1 + β·τ)/τ (τ = length of the period for the "
        "cross-section, 1 for annual panel growth) and the half-life ln 2/λ, with delta-method "
        "standard errors.\n\n"
        "Spatial models need every city to have a neighbour: the weights default to 6 nearest "
        "neighbours (queen contiguity leaves islands such as Sansha without one).\n\n"
        "Outputs: the cities with their initial level and growth rate (a graduated map), the σ table, "
        "the β summary, optional tables by group and of all coefficients, an HTML report with "
        "paper-style tables (standard errors in parentheses, significance stars) and charts, and the "
        "σ chart as a PNG file."
    )

    INPUT = "INPUT"
    FIELD = "FIELD"
    GROUP_FIELD = "GROUP_FIELD"
    CONTROLS = "CONTROLS"
    SPATIAL = "SPATIAL_MODELS"
    EFFECTS = "PANEL_EFFECTS"
    SE_TYPE = "SE_TYPE"
    TIMING = "CONTROL_TIMING"
    DENOMINATOR = "SD_DENOMINATOR"
    BALANCE = "BALANCE"
    OUTPUT = "OUTPUT"
    SIGMA_TABLE = "SIGMA_TABLE"
    BETA_TABLE = "BETA_TABLE"
    GROUP_TABLE = "GROUP_TABLE"
    COEFFICIENTS = "COEFFICIENTS"
    REPORT = "REPORT"
    CHART = "CHART"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities with a yearly indicator"), [QgsProcessing.TypeVector]))
        self.addParameter(with_help(likely_field_parameter(QgsProcessingParameterField(
            self.FIELD, self.tr("Indicator"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric)),
                self.tr("Indicator (any year of a STEM_YYYY field, or the value field of a long layer)")))
        add_unit_parameters(self)
        self.addParameter(with_help(QgsProcessingParameterField(
            self.GROUP_FIELD, self.tr("Region group field"),
            parentLayerParameterName=self.INPUT, optional=True),
                self.tr("Region group field (e.g. region: east, central, west, northeast)")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.CONTROLS, self.tr("Control variables"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric,
            allowMultiple=True, optional=True), self.tr("Control variables for conditional β-convergence (optional)")))
        add_period_parameters(self)
        self.addParameter(with_help(enum_parameter(
            self.SPATIAL, self.tr("Spatial β-convergence models"), SPATIAL_MODELS, {
            "SAR": self.tr("Spatial lag (SAR)"), "SEM": self.tr("Spatial error (SEM)"),
            "SDM": self.tr("Spatial Durbin (SDM)")}, [], multiple=True, optional=True),
                self.tr("Spatial β-convergence models (cross-section, maximum likelihood)")))
        self.addParameter(enum_parameter(self.EFFECTS, self.tr("Fixed effects of the panel β regression"),
                                         PANEL_EFFECTS, {"none": self.tr("None (pooled OLS)"),
                                                         "unit": self.tr("Unit (city)"),
                                                         "twoway": self.tr("Unit and year (two-way)")}, "twoway"))
        self.addParameter(enum_parameter(self.SE_TYPE, self.tr("Standard errors of the OLS regressions"), SE_TYPES, {
            "classical": self.tr("Classical"), "hc1": self.tr("Robust (HC1)"),
            "cluster": self.tr("Clustered by unit (robust HC1 in the cross-section)")}, "cluster"))
        add_weights_parameters(self, with_id_field=False, default_kind="knn")  # k-nearest neighbours: no islands
        advanced_parameters = [
            enum_parameter(self.TIMING, self.tr("Controls in the cross-section"), TIMINGS, {
                "initial": self.tr("Value in the first year"), "mean": self.tr("Mean over the period")}),
            with_help(enum_parameter(self.DENOMINATOR, self.tr("Standard deviation divisor"), DIVISORS, {
                "sample": self.tr("n − 1 (sample)"), "population": self.tr("n (population)")}),
                    self.tr("Standard deviation (CV, σ of logs) divides by")),
            with_help(QgsProcessingParameterBoolean(
                self.BALANCE, self.tr("Balance the panel"), defaultValue=False),
                    self.tr("Drop units with missing years (balance the panel)")),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        add_name_parameter(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Cities with growth rates"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.SIGMA_TABLE, self.tr("σ-convergence by year"), QgsProcessing.TypeVector))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.BETA_TABLE, self.tr("β-convergence models"), QgsProcessing.TypeVector))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.GROUP_TABLE, self.tr("σ-convergence by group and year"), QgsProcessing.TypeVector,
            optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.COEFFICIENTS, self.tr("All β-convergence coefficients"), QgsProcessing.TypeVector,
            optional=True, createByDefault=False))
        add_report_parameters(self, self.tr("σ-convergence chart"))
        add_paper_table_parameters(self)
        add_classification_parameters(self)
        for name, description in (
            ("BETA", self.tr("β (cross-section OLS, absolute)")),
            ("SPEED", self.tr("Speed of convergence λ (per year)")),
            ("HALF_LIFE", self.tr("Half-life (years)")),
            ("CV_START", self.tr("Coefficient of variation, first year")),
            ("CV_END", self.tr("Coefficient of variation, last year")),
            ("UNITS", self.tr("Units analysed")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    # ------------------------------------------------------------------ running
    def process(self, parameters, context, feedback):
        from ...core.convergence.analysis import ConvergenceSettings, convergence_analysis
        from ...core.errors import InputError

        source = self.input_source(parameters, context)
        steps = multi_step(4, feedback)
        field = self.field_name(parameters, self.FIELD, context)
        controls = parameter_as_strings(self, parameters, self.CONTROLS, context)
        group_field = self.field_name(parameters, self.GROUP_FIELD, context)
        has_geometry = source.wkbType() != QgsWkbTypes.NoGeometry
        frame, panel, labels, id_field = read_layer_panel(
            self, parameters, context, source, [field, *controls], extra=[group_field],
            geometry=has_geometry, feedback=steps, all_fields=True)
        variable = panel.variable(field)
        control_names = list(dict.fromkeys(panel.variable(c) for c in controls))
        if variable in control_names:
            raise InputError("The indicator {variable} cannot also be a control; remove it from the controls.",
                             variable=variable)
        groups = self.unit_groups(frame, panel, group_field, id_field, parameters, context)

        steps.setCurrentStep(1)
        models = chosen_many(self, parameters, self.SPATIAL, SPATIAL_MODELS, context)
        weights = None
        units_frame = frame.iloc[panel.unit_rows]
        if models:
            if not has_geometry and not weights_file(self, parameters, context):
                raise InputError("Spatial models need the cities' geometries or a weights file; the layer "
                                 "has no geometry, so choose a GAL/GWT weights file.")
            weights = resolve_weights(self, parameters, context, units_frame, panel.units,
                                      progress=feedback_progress(steps), feedback=feedback)

        steps.setCurrentStep(2)
        settings = ConvergenceSettings(
            start=self.parameterAsInt(parameters, START_YEAR, context) or None,
            end=self.parameterAsInt(parameters, END_YEAR, context) or None,
            ddof=1 if chosen(self, parameters, self.DENOMINATOR, DIVISORS, context) == "sample" else 0,
            timing=chosen(self, parameters, self.TIMING, TIMINGS, context),
            effects=chosen(self, parameters, self.EFFECTS, PANEL_EFFECTS, context),
            se_type=chosen(self, parameters, self.SE_TYPE, SE_TYPES, context),
            spatial_models=models,
            balance=self.parameterAsBool(parameters, self.BALANCE, context),
        )
        result = convergence_analysis(panel, variable, control_names, groups, weights, settings, labels,
                                      progress=feedback_progress(steps))
        self.warn(result, labels, feedback)

        steps.setCurrentStep(3)
        outputs = self.write_outputs(parameters, context, source, frame, panel, result, id_field,
                                     group_field, steps, weights)
        absolute = result.model("cs_ols_abs")
        outputs.update({
            "BETA": absolute.beta[0],
            "SPEED": absolute.speed.speed,
            "HALF_LIFE": absolute.speed.half_life,
            "CV_START": float(result.sigma["cv"].iloc[0]),
            "CV_END": float(result.sigma["cv"].iloc[-1]),
            "UNITS": len(result.units),
        })
        steps.setProgress(100)
        return outputs

    def unit_groups(self, frame, panel, group_field, id_field, parameters, context):
        """unit → group label (None without a group field); a group that changes over the
        years of a long layer is refused."""
        import pandas as pd

        from ...core.errors import InputError, preview

        if not group_field:
            return None
        if self.field_name(parameters, YEAR_FIELD, context):
            varying = frame.groupby(id_field)[group_field].nunique(dropna=False)
            varying = varying[varying > 1]
            if len(varying):
                raise InputError(
                    "The group field {field} changes over the years for {count} unit(s): {units}; a unit "
                    "must stay in one group.", field=group_field, count=len(varying),
                    units=preview(varying.index.tolist()),
                )
        values = frame[group_field].to_numpy()[panel.unit_rows]
        return pd.Series(values, index=panel.units, dtype=object)

    def warn(self, result, labels, feedback):
        warn_dropped(feedback, result.dropped, labels)
        designs = {"panel": self.tr("panel"), "cross-section": self.tr("cross-section")}
        for design, error in result.skipped:
            feedback.pushWarning(self.tr("The {design} β regression was skipped: {reason}").format(
                design=designs.get(design, design), reason=self.error_text(error)))

    # ------------------------------------------------------------------ outputs
    def write_outputs(self, parameters, context, source, frame, panel, result, id_field, group_field, steps,
                      weights=None):
        outputs = {}
        dest = self.write_map(parameters, context, source, frame, panel, result, id_field, group_field, steps)
        if dest is not None:
            outputs[self.OUTPUT] = dest
        from ...core.convergence.report import (
            beta_table,
            beta_tables,
            coefficient_table,
            group_table,
            sigma_table,
            write_report,
        )

        for name, (table, aliases, title) in {
            self.SIGMA_TABLE: sigma_table(result, core_text),
            self.BETA_TABLE: beta_table(result, core_text),
            self.GROUP_TABLE: group_table(result, core_text),
            self.COEFFICIENTS: coefficient_table(result, core_text),
        }.items():
            if table is None:
                continue
            dest = table_sink(self, parameters, name, context, table, aliases, title)
            if dest is not None:
                outputs[name] = dest
        chart_path = self.parameterAsFileOutput(parameters, self.CHART, context)
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        written = write_report(result, report_path, chart_path, source.sourceName() or "layer", core_text, weights,
                               steps.pushWarning)
        outputs.update({key: value for key, value in written.items() if value})
        outputs.update(write_paper_tables(self, parameters, context, beta_tables(result, core_text, weights), steps))
        return outputs

    def write_map(self, parameters, context, source, frame, panel, result, id_field, group_field, steps):
        import numpy as np

        units = frame.iloc[panel.unit_rows]
        keep_rows = np.isin(panel.units, result.units)
        units = units[keep_rows]
        if self.field_name(parameters, YEAR_FIELD, context):
            name_field = self.field_name(parameters, NAME_FIELD, context)
            columns = list(dict.fromkeys(c for c in (id_field, name_field, group_field) if c))
        else:
            columns = [c for c in units.columns if c != getattr(units, "_geometry_column_name", None)]
        geometry_name = getattr(units, "_geometry_column_name", None)
        table = units[[c for c in columns if c not in MAP_FIELDS] + ([geometry_name] if geometry_name else [])]
        table = table.copy()
        unit_table = result.unit_table
        table["Y_START"] = unit_table["start"].to_numpy()
        table["Y_END"] = unit_table["end"].to_numpy()
        table["LN_START"] = unit_table["ln_start"].to_numpy()
        table["GROWTH"] = unit_table["growth"].to_numpy() * 100.0
        table["REL_START"] = unit_table["relative_start"].to_numpy()
        start, end = result.years[0], result.years[-1]
        aliases = {
            "Y_START": self.tr("{variable} in {year}").format(variable=result.variable, year=start),
            "Y_END": self.tr("{variable} in {year}").format(variable=result.variable, year=end),
            "LN_START": self.tr("Log of {variable} in {year}").format(variable=result.variable, year=start),
            "GROWTH": self.tr("Average annual log growth of {variable} {start}–{end} (% per year)").format(
                variable=result.variable, start=start, end=end),
            "REL_START": self.tr("{variable} in {year} relative to the mean of all units").format(
                variable=result.variable, year=start),
        }
        wkb = source.wkbType() if geometry_name else QgsWkbTypes.NoGeometry
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, table, wkb, source.sourceCrs(),
                             base_fields=source.fields(), aliases=aliases, feedback=steps)
        if dest is None:
            return None
        name = self.tr("Growth of {variable} {start}–{end}").format(variable=result.variable, start=start, end=end)
        attach_style(context, dest, graduated_style(table["GROWTH"].to_numpy(), "GROWTH", ramp="YlGnBu",
                                                    aliases=aliases, name=name,
                                                    **classification(self, parameters, context))
                     if geometry_name else Style(aliases=aliases, name=name))
        return dest
