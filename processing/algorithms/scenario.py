"""resilience:scenario: what-if — the predicted change of the outcome in every city when a
regressor is raised in chosen cities, through the fitted spillover model."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
)

from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import frame_to_sink
from ..io.expressions import expression_mask
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.help import with_help
from ..parameters.policy import add_policy_parameters, policy_regressor, read_policy
from ..parameters.spillover import (
    INPUT,
    add_model_inputs,
    output_number,
    read_model_inputs,
    spec_from_parameters,
    units_frame,
)
from ..styling import attach_style, graduated_style


class ScenarioAlgorithm(ResilienceAlgorithm):
    NAME = "scenario"
    DISPLAY_NAME = "Spillover scenario (what if)"
    GROUP = "econometrics"
    SHORT_DESCRIPTION = "What if: each city's predicted change when a variable rises in chosen cities."
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify")
    TAGS = ("scenario,what if,policy,simulation,counterfactual,spillover,multiplier,spatial Durbin,SDM,SAR,SDEM,SLX,"
            "investment,digital economy,reduced form,econometrics")
    HELP = (
        "Answers “what if”: the predicted change of the dependent variable (e.g. urban resilience) in every city "
        "when one explanatory variable (e.g. the digital economy index) is raised in chosen cities.\n\n"
        "The model is the one “Spatial spillover model” fits, with the same inputs and options (cross-section or "
        "panel with fixed or random effects; SAR, SDM, SDEM, SLX, SEM or OLS). The policy raises the policy "
        "variable by a value (absolute), by a percentage of each city's value, or up to a target value (cities "
        "already at the target do not change); baseline values are those of the latest year. The chosen cities "
        "are the selected features, those matching an expression or those with a non-zero value in a 0–1 field "
        "(any of them; none given: every city).\n\n"
        "The change of every city comes from the model's reduced form: SDM (I − ρW)⁻¹(β·Δx + θ·WΔx), SAR "
        "(I − ρW)⁻¹β·Δx, SDEM/SLX β·Δx + θ·WΔx (sparse LU solves, no dense inverse). It is split into the "
        "city's own change (what its own investment does to it, feedback through its neighbours included) and "
        "the spillover it receives from the other chosen cities. With a change of one unit in every city the "
        "mean own change is the direct effect and the mean received change the indirect effect.\n\n"
        "Intervals (95 %): for SAR/SDM from the same simulation draws of the estimates as the effects (draws and "
        "seed in the advanced options); for the other models from the covariance matrix.\n\n"
        "Outputs: a layer with each city's change (SC_DX), own change (SC_OWN), received spillover (SC_RECV), "
        "total change (SC_TOTAL) and its interval (SC_LOW, SC_HIGH), mapped by the total change; a CSV table; an "
        "HTML report with the totals and the cities that gain most."
    )

    CITIES_SELECTED = "CITIES_SELECTED"
    CITIES_EXPRESSION = "CITIES_EXPRESSION"
    CITIES_FIELD = "CITIES_FIELD"
    OUTPUT = "OUTPUT"
    TABLE = "TABLE"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        add_model_inputs(self)
        add_policy_parameters(self)
        self.addParameter(QgsProcessingParameterBoolean(
            self.CITIES_SELECTED, self.tr("Chosen cities: the selected features"), defaultValue=False))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.CITIES_EXPRESSION, self.tr("Chosen cities: an expression"),
            parentLayerParameterName=INPUT, optional=True),
            self.tr("Chosen cities: an expression (e.g. \"region\" = 'west')")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.CITIES_FIELD, self.tr("Chosen cities: a 0–1 field"),
            parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
            self.tr("Chosen cities: a 0–1 field (non-zero: chosen)")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Predicted changes"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.TABLE, self.tr("Table of the changes (CSV)"), self.tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"), optional=True))
        add_classification_parameters(self)
        for name, description in (
            ("TOTAL_OWN", self.tr("Sum of the own changes")),
            ("TOTAL_RECEIVED", self.tr("Sum of the received spillovers")),
            ("TOTAL_CHANGE", self.tr("Sum of the total changes")),
            ("CHOSEN", self.tr("Number of chosen cities")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    # ------------------------------------------------------------------ run
    def process(self, parameters, context, feedback):
        from ...core.econometrics.scenario import run_scenario
        from ...core.econometrics.scenario_report import write_scenario_csv, write_scenario_report

        steps = multi_step(3, feedback)
        regressor = policy_regressor(self, parameters, context)
        inputs = read_model_inputs(self, parameters, context, steps)
        spec = spec_from_parameters(self, parameters, context)
        policy = read_policy(self, parameters, context, inputs, regressor,
                             self.chosen_units(parameters, context, inputs, feedback))
        name = policy.regressor
        if steps.isCanceled():
            return {}
        steps.setCurrentStep(1)
        result = run_scenario(inputs.data, inputs.weights, spec, policy, progress=feedback_progress(steps))
        for note in result.notes:
            feedback.pushInfo(core_text(note))
        totals = result.totals
        feedback.pushInfo(self.tr("Total change {total:.6g} = own {own:.6g} + received {received:.6g}.").format(
            total=totals["total"].estimate, own=totals["own"].estimate, received=totals["received"].estimate))

        steps.setCurrentStep(2)
        outputs = {"TOTAL_OWN": output_number(totals["own"].estimate),
                   "TOTAL_RECEIVED": output_number(totals["received"].estimate),
                   "TOTAL_CHANGE": output_number(totals["total"].estimate), "CHOSEN": int(result.chosen.sum())}
        frame = self.changes_frame(inputs, result)
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, frame, feedback=steps)
        if dest is not None:
            outputs[self.OUTPUT] = dest
            attach_style(context, dest, self.changes_style(frame, result, classification(self, parameters, context)))
        table = self.parameterAsFileOutput(parameters, self.TABLE, context)
        if table and parameters.get(self.TABLE) is not None:
            outputs[self.TABLE] = write_scenario_csv(result, table, core_text)
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            title = self.tr("Spillover scenario: {name} in the chosen cities, {model} of {dependent}").format(
                name=name, model=result.model.main.model, dependent=result.model.main.dependent)
            outputs[self.REPORT] = write_scenario_report(result, report_path, title, inputs.description, core_text)
        return outputs

    # ---------------------------------------------------------- the chosen cities
    def chosen_units(self, parameters, context, inputs, feedback):
        """The unit ids of the chosen cities (None: every city), from the selection, the expression
        and the 0–1 field (any of them)."""
        import numpy as np
        import pandas as pd

        frame = inputs.frame
        masks = []
        if self.parameterAsBool(parameters, self.CITIES_SELECTED, context):
            layer = self.parameterAsVectorLayer(parameters, INPUT, context)
            if layer is None:
                raise QgsProcessingException(self.tr(
                    "Chosen cities from the selection need the cities as a layer loaded in the project, not a "
                    "file; load it and select the cities, or use an expression or a 0–1 field."))
            masks.append(np.asarray(frame.index.isin(list(layer.selectedFeatureIds()))))
        source = self.input_source(parameters, context, INPUT)
        mask = expression_mask(self, source, frame, parameters, self.CITIES_EXPRESSION, context)
        if mask is not None:
            masks.append(mask)
        field = self.field_name(parameters, self.CITIES_FIELD, context)
        if field:
            if field not in frame.columns:
                raise QgsProcessingException(self.tr("The layer has no field {field}; choose a field of the input "
                                                     "layer.").format(field=field))
            values = pd.to_numeric(frame[field], errors="coerce")
            masks.append(np.asarray(values.notna() & (values != 0)))
        if not masks:
            feedback.pushInfo(self.tr("No selection, expression or field chooses the cities: every city gets the "
                                      "policy."))
            return None
        chosen = np.logical_or.reduce(masks)
        if not chosen.any():
            raise QgsProcessingException(self.tr(
                "No city is chosen for the policy: the selection, the expression and the field choose none. Select "
                "cities, or correct the expression or the field (1 for the chosen cities)."))
        rows = frame.loc[chosen]
        ids = rows[inputs.id_field].to_numpy() if inputs.id_field else rows.index.to_numpy()
        return list(dict.fromkeys(ids.tolist()))

    # ----------------------------------------------------------------- layer
    def changes_frame(self, inputs, result):
        frame = units_frame(inputs, result.unit_ids)
        frame["SC_CHOSEN"] = result.chosen.astype(int)
        frame["SC_BASE"] = result.baseline
        frame["SC_DX"] = result.dx
        frame["SC_OWN"] = result.own
        frame["SC_RECV"] = result.received
        frame["SC_TOTAL"] = result.total
        frame["SC_LOW"] = result.low
        frame["SC_HIGH"] = result.high
        return frame

    def changes_style(self, frame, result, classes: dict | None = None):
        name, dependent = result.policy.regressor, result.model.main.dependent
        aliases = {
            "SC_CHOSEN": self.tr("Chosen for the policy (1 yes, 0 no)"),
            "SC_BASE": self.tr("{name} before the policy (latest year)").format(name=name),
            "SC_DX": self.tr("Change of {name} (the policy)").format(name=name),
            "SC_OWN": self.tr("Own change of {y} (from the city's own investment)").format(y=dependent),
            "SC_RECV": self.tr("Spillover of {y} received from the other chosen cities").format(y=dependent),
            "SC_TOTAL": self.tr("Total predicted change of {y}").format(y=dependent),
            "SC_LOW": self.tr("Total change: lower bound of the 95 % interval"),
            "SC_HIGH": self.tr("Total change: upper bound of the 95 % interval"),
        }
        return graduated_style(frame["SC_TOTAL"].to_numpy(), "SC_TOTAL", ramp="YlGnBu", aliases=aliases,
                               name=self.tr("Predicted change of {y}").format(y=dependent), **(classes or {}))
