"""resilience:targeting: where to invest first — the cities whose uplift gives the largest
predicted gain, through the fitted spillover model (first version: linear objectives)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
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


class TargetingAlgorithm(ResilienceAlgorithm):
    NAME = "targeting"
    DISPLAY_NAME = "Where to invest first (targeting)"
    GROUP = "econometrics"
    SHORT_DESCRIPTION = "Where to invest first: the cities whose uplift gains most, within a budget."
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify")
    TAGS = "targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy"
    HELP = (
        "Which cities should get the investment first? For each city, its network reach: the predicted gain of "
        "the dependent variable, summed over the target cities (every city, or those of an expression such as "
        "the least resilient or the central and western cities), when the policy variable rises there (the "
        "column of the model's spatial multiplier). The model is the one “Spatial spillover model” fits, with "
        "the same inputs; the change (absolute, percentage or to a target) as in “Spillover scenario”.\n\n"
        "The total gain is the sum of the chosen cities' gains, so the best k cities are exactly the k largest "
        "gains. With a cost field and a budget, the best cities within the budget come from an integer "
        "programme (HiGHS): proven optimal or the gap stated. Candidates can be restricted by an expression.\n\n"
        "Outputs: a layer with each city's reach (TG_REACH), gain (TG_GAIN), rank (TG_RANK), whether it is "
        "chosen (TG_CHOSEN) or in the naive choice (TG_NAIVE: the cities with the highest current value of the "
        "policy variable), and the predicted change of the outcome when the chosen cities invest (TG_CHANGE), "
        "mapped by the change; the total gain against the naive choice."
    )

    K = "K"
    COST_FIELD = "COST_FIELD"
    BUDGET = "BUDGET"
    CANDIDATES = "CANDIDATES"
    TARGET = "TARGET"
    TIME_LIMIT = "TIME_LIMIT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):
        add_model_inputs(self)
        add_policy_parameters(self)
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.K, self.tr("Number of cities to choose"), QgsProcessingParameterNumber.Integer,
            defaultValue=20, minValue=1), self.tr("Number of cities to choose (without a budget)")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.COST_FIELD, self.tr("Cost per city"),
            parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
            self.tr("Cost of the investment per city (with a budget)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.BUDGET, self.tr("Budget (units of the cost field)"), QgsProcessingParameterNumber.Double,
            optional=True))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.CANDIDATES, self.tr("Candidate cities"), parentLayerParameterName=INPUT, optional=True),
            self.tr("Candidate cities (expression; empty: every city)")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.TARGET, self.tr("Cities whose gain counts"), parentLayerParameterName=INPUT, optional=True),
            self.tr("Cities whose gain counts (expression; empty: every city)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.TIME_LIMIT, self.tr("Time limit of the integer programme (s)"), QgsProcessingParameterNumber.Double,
            defaultValue=60.0, minValue=1.0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Ranking and choice"), QgsProcessing.TypeVectorAnyGeometry))
        add_classification_parameters(self)
        for name, description in (("GAIN", self.tr("Total gain of the chosen cities")),
                                  ("NAIVE_GAIN", self.tr("Total gain of the naive choice")),
                                  ("CHOSEN", self.tr("Number of chosen cities")),
                                  ("GAP", self.tr("Optimality gap (0: proven optimal)"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def required_packages(self, parameters, context) -> tuple[str, ...]:
        """HiGHS only for a budget (a cost field)."""
        if self.field_name(parameters, self.COST_FIELD, context):
            return (*self.REQUIRES, "highspy")
        return self.REQUIRES

    def process(self, parameters, context, feedback):
        import dataclasses

        import numpy as np

        from ...core.econometrics.scenario import baseline_values, predict
        from ...core.econometrics.spillover import run_spillover
        from ...core.econometrics.targeting import choose_within_budget, network_reach

        steps = multi_step(3, feedback)
        regressor = policy_regressor(self, parameters, context)
        inputs = read_model_inputs(self, parameters, context, steps)
        spec = dataclasses.replace(spec_from_parameters(self, parameters, context), compare=False)
        policy = read_policy(self, parameters, context, inputs, regressor)
        name = policy.regressor
        source = self.input_source(parameters, context, INPUT)
        candidates = self.unit_mask(source, inputs, parameters, self.CANDIDATES, context)
        target = self.unit_mask(source, inputs, parameters, self.TARGET, context)
        steps.setCurrentStep(1)
        fitted = run_spillover(inputs.data, inputs.weights, spec, progress=feedback_progress(steps))
        ids = fitted.data.unit_ids
        candidates = np.ones(len(ids), dtype=bool) if candidates is None else candidates.reindex(ids).fillna(
            False).to_numpy(dtype=bool)
        target = None if target is None else target.reindex(ids).fillna(False).to_numpy(dtype=bool)
        if not candidates.any():
            raise QgsProcessingException(self.tr("The candidate expression chooses no city; correct it or leave it "
                                                 "empty."))
        reach = network_reach(fitted, policy, target)
        baseline = baseline_values(fitted.data, name)
        cost_field = self.field_name(parameters, self.COST_FIELD, context)
        gap = 0.0
        if cost_field:
            from ..parameters.spillover import unit_values

            costs = np.asarray(unit_values(inputs, cost_field, numeric=True), dtype=np.float64)
            if parameters.get(self.BUDGET) is None:
                raise QgsProcessingException(self.tr("A cost field needs a budget: set the budget."))
            budget = self.parameterAsDouble(parameters, self.BUDGET, context)
            choice = choose_within_budget(reach.gain, costs, budget, candidates,
                                          self.parameterAsDouble(parameters, self.TIME_LIMIT, context),
                                          progress=feedback_progress(steps))
            chosen = choice.chosen
            gap = 0.0 if choice.optimal else (choice.gap if choice.gap is not None else float("nan"))
            if not choice.optimal:
                feedback.pushWarning(self.tr("Not proven optimal within the time limit: gap {gap:.2%}.").format(
                    gap=gap))
            order = np.argsort(-baseline, kind="stable")
            naive, spent = [], 0.0
            for i in order:
                if candidates[i] and spent + costs[i] <= budget:
                    naive.append(i)
                    spent += costs[i]
            naive = np.asarray(naive, dtype=int)
        else:
            k = self.parameterAsInt(parameters, self.K, context)
            if k > int(candidates.sum()):
                raise QgsProcessingException(self.tr("Only {count} candidate cities for {k} to choose: choose fewer "
                                                     "cities or more candidates.").format(count=int(candidates.sum()),
                                                                                          k=k))
            masked = np.where(candidates, reach.gain, -np.inf)
            chosen = np.argsort(-masked, kind="stable")[:k]
            naive = np.argsort(-np.where(candidates, baseline, -np.inf), kind="stable")[:k]
        if not len(chosen):
            raise QgsProcessingException(self.tr("No city is worth choosing: the policy gains nothing in the target "
                                                 "cities (or nothing fits the budget)."))
        steps.setCurrentStep(2)
        scenario = predict(fitted, dataclasses.replace(policy, chosen=ids[chosen]))
        gain, naive_gain = float(reach.gain[chosen].sum()), float(reach.gain[naive].sum())
        feedback.pushInfo(self.tr("{count} cities chosen: total gain {gain:.6g}; the naive choice gains "
                                  "{naive:.6g}.").format(count=len(chosen), gain=gain, naive=naive_gain))
        for note in scenario.notes:
            feedback.pushInfo(core_text(note))
        frame = units_frame(inputs, ids)
        rank = np.empty(len(ids), dtype=int)
        rank[np.argsort(-np.where(candidates, reach.gain, -np.inf), kind="stable")] = np.arange(1, len(ids) + 1)
        frame["TG_REACH"] = reach.per_unit
        frame["TG_GAIN"] = reach.gain
        frame["TG_RANK"] = np.where(candidates, rank, 0)
        frame["TG_CHOSEN"] = np.isin(np.arange(len(ids)), chosen).astype(int)
        frame["TG_NAIVE"] = np.isin(np.arange(len(ids)), naive).astype(int)
        frame["TG_CHANGE"] = scenario.total
        outputs = {"GAIN": output_number(gain), "NAIVE_GAIN": output_number(naive_gain), "CHOSEN": len(chosen),
                   "GAP": output_number(gap)}
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, frame, feedback=steps)
        if dest is not None:
            outputs[self.OUTPUT] = dest
            dependent = fitted.main.dependent
            aliases = {"TG_REACH": self.tr("Gain in the target cities per unit of {name} here").format(name=name),
                       "TG_GAIN": self.tr("Gain in the target cities from the policy here"),
                       "TG_RANK": self.tr("Rank by gain (1: first; 0: not a candidate)"),
                       "TG_CHOSEN": self.tr("Chosen (1 yes, 0 no)"),
                       "TG_NAIVE": self.tr("In the naive choice (highest current {name})").format(name=name),
                       "TG_CHANGE": self.tr("Predicted change of {y} when the chosen cities invest").format(
                           y=dependent)}
            attach_style(context, dest, graduated_style(
                frame["TG_CHANGE"].to_numpy(), "TG_CHANGE", ramp="YlGnBu", aliases=aliases,
                name=self.tr("Predicted change of {y}").format(y=dependent),
                **classification(self, parameters, context)))
        return outputs

    def unit_mask(self, source, inputs, parameters, name, context):
        """A boolean Series by unit id: the units with a feature for which the expression is true
        (None when the expression is empty)."""
        import pandas as pd

        mask = expression_mask(self, source, inputs.frame, parameters, name, context)
        if mask is None:
            return None
        frame = inputs.frame
        ids = frame[inputs.id_field].to_numpy() if inputs.id_field else frame.index.to_numpy()
        return pd.Series(mask, index=ids).groupby(level=0).any()
