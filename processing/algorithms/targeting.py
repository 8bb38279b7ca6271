"""resilience:targeting: where to invest first — the cities whose uplift gives the largest
predicted gain, raises the least resilient cities most, or gains most without widening a regional
gap, through the fitted spillover model (core.econometrics.targeting.plan)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ...core.econometrics.options import TARGETING_OBJECTIVES
from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import frame_to_sink
from ..io.expressions import expression_mask
from ..parameters.choices import chosen, enum_parameter
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
from ..styling import Categorized, Style, attach_styles, graduated_style


class TargetingAlgorithm(ResilienceAlgorithm):
    NAME = "targeting"
    DISPLAY_NAME = "Where to invest first (targeting)"
    GROUP = "econometrics"
    SHORT_DESCRIPTION = ("Where to invest first: most total gain, the worst-off raised or a gap closed; k cities or a "
                         "budget.")
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify")
    TAGS = ("targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy,"
            "fairness,worst-off,max-min,regional gap,price of fairness")
    HELP = (
        "Which cities should get the investment first? For each city, its network reach: the predicted gain of "
        "the dependent variable, summed over the target cities (every city, or those of an expression), when the "
        "policy variable rises there (the column of the model's spatial multiplier). The model is the one "
        "“Spatial spillover model” fits, with the same inputs; the change (absolute, percentage or to a target) "
        "as in “Spillover scenario”.\n\n"
        "Objectives: (1) the total gain in the target cities — linear, so the best k cities are exactly the k "
        "largest gains; (2) raise the worst-off — the smallest gain among the least resilient cities (the given "
        "share of the target cities with the lowest current value of the dependent variable), an integer "
        "programme, and among its optimal choices the one with the most total gain; (3) close the gap — the most "
        "total gain such that the lagging group (e.g. the central and western cities) gains at least as much "
        "on average as the leading group (e.g. the east; empty: every other city), so that the gap between "
        "them does not widen. With a cost field and a budget the cities must fit the budget instead of being at "
        "most k. Integer programmes are solved by HiGHS: proven optimal or the gap stated. Candidates can be "
        "restricted by an expression.\n\n"
        "Every choice is compared with the total-gain optimum (the price of fairness: the total gain given up) "
        "and with two naive choices: the cities with the highest current policy variable, and the least "
        "resilient cities first.\n\n"
        "Outputs: a layer with each city's reach (TG_REACH), gain (TG_GAIN), rank (TG_RANK), group (TG_GROUP: 1 "
        "among the least resilient, 2 lagging, 3 leading, 0 other), whether it is chosen (TG_CHOSEN), in the "
        "total-gain optimum (TG_OPTIMUM), in the naive choices (TG_NAIVE: highest policy variable; TG_LOWEST: "
        "least resilient first), and the predicted change of the outcome when the chosen cities invest "
        "(TG_CHANGE), when those of the total-gain optimum do (TG_CHG_OPT) and those of the naive choice "
        "(TG_CHG_NAI), mapped by TG_CHANGE; the numbers of the comparison; an HTML report."
    )

    K = "K"
    COST_FIELD = "COST_FIELD"
    BUDGET = "BUDGET"
    CANDIDATES = "CANDIDATES"
    TARGET = "TARGET"
    TIME_LIMIT = "TIME_LIMIT"
    OBJECTIVE = "OBJECTIVE"
    WORST_SHARE = "WORST_SHARE"
    LAGGING = "LAGGING"
    LEADING = "LEADING"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        add_model_inputs(self)
        add_policy_parameters(self)
        self.addParameter(enum_parameter(self.OBJECTIVE, self.tr("Objective"), TARGETING_OBJECTIVES, {
            "total": self.tr("Total gain in the target cities"),
            "worst_off": self.tr("Raise the worst-off (the smallest gain among the least resilient cities)"),
            "gap": self.tr("Close the gap (the most total gain without widening the lagging group's gap)")},
            "total"))
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
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.WORST_SHARE, self.tr("Least resilient share (%)"),
            QgsProcessingParameterNumber.Double, defaultValue=20.0, minValue=0.1, maxValue=100.0),
            self.tr("Least resilient share (%): the target cities with the lowest current value of the dependent "
                    "variable, whose smallest gain “Raise the worst-off” maximises (100: every target city, e.g. "
                    "the cities of an expression)")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.LAGGING, self.tr("Lagging group (close the gap)"), parentLayerParameterName=INPUT, optional=True),
            self.tr("Lagging group (expression, e.g. the central and western cities; needed to close the gap)")))
        self.addParameter(with_help(QgsProcessingParameterExpression(
            self.LEADING, self.tr("Leading group (close the gap)"), parentLayerParameterName=INPUT, optional=True),
            self.tr("Leading group (expression, e.g. the eastern cities; empty: every city not lagging)")))
        self.addParameter(QgsProcessingParameterNumber(
            self.TIME_LIMIT, self.tr("Time limit of the integer programme (s)"), QgsProcessingParameterNumber.Double,
            defaultValue=60.0, minValue=1.0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Ranking and choice"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"), optional=True))
        add_classification_parameters(self)
        for name, description in (("GAIN", self.tr("Total gain of the chosen cities")),
                                  ("NAIVE_GAIN", self.tr("Total gain of the naive choice")),
                                  ("CHOSEN", self.tr("Number of chosen cities")),
                                  ("GAP", self.tr("Optimality gap (0: proven optimal)")),
                                  ("OBJECTIVE_VALUE", self.tr("Value of the objective for the chosen cities")),
                                  ("NAIVE_VALUE", self.tr("Value of the objective for the naive choice")),
                                  ("TOTAL_OPTIMUM", self.tr("Total gain of the total-gain optimum")),
                                  ("PRICE_OF_FAIRNESS", self.tr("Total gain given up against the total-gain "
                                                                "optimum")),
                                  ("GROUP_GAP_CHANGE", self.tr("Change of the gap between the leading and the "
                                                               "lagging group (below 0: narrower)"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def required_packages(self, parameters, context) -> tuple[str, ...]:
        """HiGHS for a budget (a cost field) or an objective other than the total gain."""
        if self.field_name(parameters, self.COST_FIELD, context) or chosen(
                self, parameters, self.OBJECTIVE, TARGETING_OBJECTIVES, context) != "total":
            return (*self.REQUIRES, "highspy")
        return self.REQUIRES

    def process(self, parameters, context, feedback):
        import dataclasses

        import numpy as np

        from ...core.econometrics.spillover import run_spillover
        from ...core.econometrics.targeting import plan
        from ...core.econometrics.targeting_report import write_targeting_report

        steps = multi_step(3, feedback)
        regressor = policy_regressor(self, parameters, context)
        objective = chosen(self, parameters, self.OBJECTIVE, TARGETING_OBJECTIVES, context)
        inputs = read_model_inputs(self, parameters, context, steps)
        spec = dataclasses.replace(spec_from_parameters(self, parameters, context), compare=False)
        policy = read_policy(self, parameters, context, inputs, regressor)
        name = policy.regressor
        source = self.input_source(parameters, context, INPUT)
        masks = {}
        for key, message in ((self.CANDIDATES, self.tr("The candidate expression chooses no city; correct it or "
                                                       "leave it empty.")),
                             (self.TARGET, self.tr("The expression of the cities whose gain counts chooses no city; "
                                                   "correct it or leave it empty.")),
                             (self.LAGGING, self.tr("The expression of the lagging group chooses no city; correct "
                                                    "it.")),
                             (self.LEADING, self.tr("The expression of the leading group chooses no city; correct it "
                                                    "or leave it empty (every city not lagging)."))):
            mask = self.unit_mask(source, inputs, parameters, key, context)
            if mask is not None and not mask.any():
                raise QgsProcessingException(message)
            masks[key] = mask
        cost_field = self.field_name(parameters, self.COST_FIELD, context)
        costs = budget = None
        if cost_field:
            from ..parameters.spillover import unit_values

            costs = np.asarray(unit_values(inputs, cost_field, numeric=True), dtype=np.float64)
            if parameters.get(self.BUDGET) is None:
                raise QgsProcessingException(self.tr("A cost field needs a budget: set the budget."))
            budget = self.parameterAsDouble(parameters, self.BUDGET, context)
        steps.setCurrentStep(1)
        fitted = run_spillover(inputs.data, inputs.weights, spec, progress=feedback_progress(steps))
        ids = fitted.data.unit_ids

        def aligned(mask):
            return None if mask is None else mask.reindex(ids).fillna(False).to_numpy(dtype=bool)

        steps.setCurrentStep(2)
        result = plan(fitted, policy, objective, k=self.parameterAsInt(parameters, self.K, context), costs=costs,
                      budget=budget, candidates=aligned(masks[self.CANDIDATES]), target=aligned(masks[self.TARGET]),
                      worst_share=self.parameterAsDouble(parameters, self.WORST_SHARE, context) / 100.0,
                      lagging=aligned(masks[self.LAGGING]), leading=aligned(masks[self.LEADING]),
                      time_limit=self.parameterAsDouble(parameters, self.TIME_LIMIT, context),
                      progress=feedback_progress(steps))
        choice, mine = result.choice, result.chosen
        gap = 0.0 if choice.optimal else (choice.gap if choice.gap is not None else float("nan"))
        if not choice.optimal:
            feedback.pushWarning(self.tr("Not proven optimal within the time limit: gap {gap:.2%}.").format(gap=gap))
        naive = result.evaluations["naive_policy"]
        optimum = result.evaluations["total_optimum"]
        feedback.pushInfo(self.tr("{count} cities chosen: total gain {gain:.6g}; the naive choice gains "
                                  "{naive:.6g}.").format(count=len(mine.chosen), gain=mine.total, naive=naive.total))
        if objective != "total":
            feedback.pushInfo(self.tr("Objective {value:.6g} (the naive choice: {naive:.6g}); the total-gain optimum "
                                      "gains {optimum:.6g}: the price of fairness is {price:.6g}.").format(
                value=result.value(), naive=result.value("naive_policy"), optimum=optimum.total,
                price=result.price_of_fairness))
        for note in result.notes:
            feedback.pushInfo(core_text(note))
        outputs = {"GAIN": output_number(mine.total), "NAIVE_GAIN": output_number(naive.total),
                   "CHOSEN": len(mine.chosen), "GAP": output_number(gap),
                   "OBJECTIVE_VALUE": output_number(result.value()),
                   "NAIVE_VALUE": output_number(result.value("naive_policy")),
                   "TOTAL_OPTIMUM": output_number(optimum.total),
                   "PRICE_OF_FAIRNESS": output_number(result.price_of_fairness),
                   "GROUP_GAP_CHANGE": output_number(mine.gap_change)}
        frame = self.choice_frame(inputs, result)
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, frame, feedback=steps)
        if dest is not None:
            outputs[self.OUTPUT] = dest
            style = graduated_style(
                frame["TG_CHANGE"].to_numpy(), "TG_CHANGE", ramp="YlGnBu", aliases=self.aliases(result),
                name=self.tr("Predicted change of {y}").format(y=fitted.main.dependent),
                **classification(self, parameters, context))
            attach_styles(context, dest, style, self.tr("Predicted change"), self.alternative_styles(style))
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            title = self.tr("Where to invest first: {name}, {model} of {dependent}").format(
                name=name, model=fitted.main.model, dependent=fitted.main.dependent)
            outputs[self.REPORT] = write_targeting_report(result, report_path, title, inputs.description, core_text)
        return outputs

    def choice_frame(self, inputs, result):
        """One row per city: reach, gain, rank, group, the choices and the changes."""
        import numpy as np

        ids = result.unit_ids
        n = len(ids)
        frame = units_frame(inputs, ids)
        gain = result.reach.gain
        rank = np.empty(n, dtype=int)
        rank[np.argsort(-np.where(result.candidates, gain, -np.inf), kind="stable")] = np.arange(1, n + 1)
        group = np.zeros(n, dtype=int)
        if result.lagging is not None:
            group[result.leading] = 3
            group[result.lagging] = 2
        group[result.worst] = 1

        def member(key):
            return np.isin(np.arange(n), result.evaluations[key].chosen).astype(int)

        frame["TG_REACH"] = result.reach.per_unit
        frame["TG_GAIN"] = gain
        frame["TG_RANK"] = np.where(result.candidates, rank, 0)
        frame["TG_GROUP"] = group
        frame["TG_CHOSEN"] = member("chosen")
        frame["TG_OPTIMUM"] = member("total_optimum")
        frame["TG_NAIVE"] = member("naive_policy")
        frame["TG_LOWEST"] = member("naive_outcome")
        frame["TG_CHANGE"] = result.chosen.change
        frame["TG_CHG_OPT"] = result.evaluations["total_optimum"].change
        frame["TG_CHG_NAI"] = result.evaluations["naive_policy"].change
        return frame

    def alternative_styles(self, style) -> list:
        """Named styles beside the change map (Layer Properties › Style): the choice and the groups."""
        chosen = Categorized("TG_CHOSEN", [(1, "#d7301f", self.tr("Chosen")), (0, "#f0f0f0", self.tr("Not chosen"))])
        groups = Categorized("TG_GROUP", [(1, "#d7191c", self.tr("Least resilient")),
                                          (2, "#abd9e9", self.tr("Lagging group")),
                                          (3, "#2c7bb6", self.tr("Leading group")), (0, "#f0f0f0", self.tr("Other"))])
        return [(self.tr("Chosen cities"), Style(renderer=chosen, aliases=style.aliases, name=style.name)),
                (self.tr("Groups"), Style(renderer=groups, aliases=style.aliases, name=style.name))]

    def aliases(self, result) -> dict:
        name, dependent = result.policy.regressor, result.model.main.dependent
        return {"TG_REACH": self.tr("Gain in the target cities per unit of {name} here").format(name=name),
                "TG_GAIN": self.tr("Gain in the target cities from the policy here"),
                "TG_RANK": self.tr("Rank by gain (1: first; 0: not a candidate)"),
                "TG_GROUP": self.tr("Group (1 least resilient, 2 lagging, 3 leading, 0 other)"),
                "TG_CHOSEN": self.tr("Chosen (1 yes, 0 no)"),
                "TG_OPTIMUM": self.tr("In the total-gain optimum (1 yes, 0 no)"),
                "TG_NAIVE": self.tr("In the naive choice (highest current {name})").format(name=name),
                "TG_LOWEST": self.tr("In the naive choice of the least resilient cities (lowest current {y})").format(
                    y=dependent),
                "TG_CHANGE": self.tr("Predicted change of {y} when the chosen cities invest").format(y=dependent),
                "TG_CHG_OPT": self.tr("Predicted change of {y} with the total-gain optimum").format(y=dependent),
                "TG_CHG_NAI": self.tr("Predicted change of {y} with the naive choice").format(y=dependent)}

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
