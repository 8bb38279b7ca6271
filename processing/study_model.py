"""The Graphical Modeler model that chains the study (``resources/models/study_chain.model3``).

    composite index → spatial weights → global and local autocorrelation
                    → core-node coverage → network redundancy (N−1)
                    → spillover model → spillover scenario, where to invest first

:func:`build_study_chain` writes the model with QGIS's model API (``scripts/make_models.py``
saves it; a test checks the committed file is what the builder makes), so the model stays in
step with the algorithms' parameters: every parameter a step does not take from the model's
inputs gets the algorithm's default as a static value, as the Modeler itself does.

Model inputs (the names users pass to ``processing.run`` / ``qgis_process``):

============== ===========================================================================
``CITIES``       the city layer (polygons, or points with k-nearest weights)
``ID_FIELD``     city code: joins the table, identifies the cities in the weights
``NAME_FIELD``   city name (labels of the core cities)
``TABLE``        the yearly indicator table (CSV/XLSX, long or wide)
``SYSTEM``       indicator system template (as ``resilience:compositeindex``)
``SYSTEM_FILE``  an own indicator system (replaces the template)
``YEAR``         the year mapped by LISA and named in the model's fields (``URI_2019``)
``RESILIENCE``   stem of the resilience index (dependent variable), default ``URI``
``DIGITAL``      stem of the digital economy index, default ``DEI``
``CONTROLS``     control variables of the spillover model (stems, comma-separated)
``WEIGHTS``      queen, rook or k-nearest neighbours; ``K`` neighbours
``PERMUTATIONS`` permutations of Moran's I and LISA
``RADIUS``       coverage radius (km), default 300
``POLICY_CITIES`` the cities of the scenario and the cities whose gain counts when choosing where
                 to invest (an expression; empty: every city)
``POLICY_CHANGE`` the scenario's change of the digital economy index (%), default 10
``INVEST_CITIES`` how many cities to choose for investment, default 20
============== ===========================================================================

Outputs are ``<step>:<OUTPUT>`` (the Modeler's naming): ``indices:INDICES``,
``indices:INDEX_WEIGHTS``, ``weights:WEIGHTS``, ``moran:MORAN``, ``moran:MORAN_CHART``,
``lisa:LISA``, ``lisa:SCATTER``, ``coverage:COVERAGE``, ``coverage:CORES``,
``coverage:CIRCLES``, ``coverage:LINKS``, ``coverage:COVERAGE_REPORT``,
``spillover:SPILLOVER_REPORT``, ``spillover:RESIDUAL_LISA``, ``redundancy:REDUNDANCY``,
``redundancy:REDUNDANCY_CORES``, ``redundancy:REDUNDANCY_REPORT``, ``scenario:SCENARIO``,
``scenario:SCENARIO_REPORT``, ``targeting:TARGETING``, ``targeting:TARGETING_REPORT``.
"""

from __future__ import annotations

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)
from qgis.PyQt.QtCore import QPointF

from .models import INPUT_HELP, MODEL_DIR, STUDY_CHAIN, STUDY_CHAIN_FILE, WORKFLOW_GROUP, WORKFLOW_GROUP_ID

Source = QgsProcessingModelChildParameterSource

#: The model's inputs in the order a planner fills them (the table first): the model's parameter
#: order (the Modeler's "Reorder Model Inputs…"), which its dialog follows.
INPUT_ORDER = ("TABLE", "CITIES", "ID_FIELD", "NAME_FIELD", "SYSTEM", "SYSTEM_FILE", "YEAR", "CONTROLS", "WEIGHTS",
               "RADIUS", "POLICY_CITIES", "POLICY_CHANGE", "INVEST_CITIES", "RESILIENCE", "DIGITAL", "K",
               "PERMUTATIONS")

#: Year-specific field names, e.g. URI_2019 (the wide panel's STEM_YYYY).
RESILIENCE_FIELD = "@RESILIENCE || '_' || to_string(@YEAR)"
#: The spillover model's explanatory fields: the digital economy index and the controls.
EXPLANATORY_FIELDS = (
    "array_cat(array(@DIGITAL || '_' || to_string(@YEAR)), "
    "array_foreach(array_filter(string_to_array(coalesce(@CONTROLS, ''), ','), trim(@element) <> ''), "
    "trim(@element) || '_' || to_string(@YEAR)))"
)
#: The digital economy index of the chosen year: the policy variable of the scenario and the targeting.
DIGITAL_FIELD = "@DIGITAL || '_' || to_string(@YEAR)"
#: Moran's I per year of both indices.
MORAN_FIELDS = "array(@DIGITAL || '_' || to_string(@YEAR), @RESILIENCE || '_' || to_string(@YEAR))"

HELP = {
    "ALG_DESC": (
        "The study in one run: joins the indicator table to the cities, builds the digital economy and "
        "resilience indices (entropy weights), the spatial weights, Moran's I of both indices for every "
        "year, the LISA cluster map of resilience in the chosen year, the 300 km core-node coverage and "
        "the spatial Durbin model of resilience (two-way fixed effects, every year of the panel) with its "
        "direct, indirect (spillover) and total effects; then the policy steps: the core network's redundancy "
        "(the coverage lost when each core fails, the fewest cores to add), a what-if scenario (the digital economy "
        "index raised in the chosen cities, the predicted change of resilience in every city) and the cities to "
        "invest in first."
    ),
    "ALG_CREATOR": "Digital Resilience Toolkit",
    "ALG_HELP_CREATOR": "Digital Resilience Toolkit",
    "ALG_VERSION": "1",
}


def _model_parameter(model, definition, x: float, y: float, advanced: bool = False, help_text: str = "") -> None:
    if help_text:
        definition.setHelp(help_text)
    if advanced:
        definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    component = QgsProcessingModelParameter(definition.name())
    component.setDescription(definition.description())
    component.setPosition(QPointF(x, y))
    model.addModelParameter(definition, component)


def add_inputs(model) -> None:
    """The model's inputs, in the order of its dialog (:data:`INPUT_ORDER`): short labels, the
    explanation as each input's help (a tooltip in the dialog)."""
    x = 120.0
    inputs = {definition.name(): (definition, advanced, help_text) for definition, advanced, help_text in (
        (QgsProcessingParameterFile(
            "TABLE", "Indicator table", fileFilter="Tables (*.csv *.xlsx *.xls)"),
         False, INPUT_HELP["TABLE"]),
        (QgsProcessingParameterVectorLayer(
            "CITIES", "City layer", [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]),
         False, INPUT_HELP["CITIES"]),
        # Optional with a default: QGIS 3.22 does not fill a missing mandatory field from its default.
        (QgsProcessingParameterField("ID_FIELD", "City code field", "adcode", "CITIES", optional=True),
         False, INPUT_HELP["ID_FIELD"]),
        (QgsProcessingParameterField("NAME_FIELD", "City name field", "name", "CITIES", optional=True), False, ""),
        (QgsProcessingParameterEnum(
            "SYSTEM", "Indicator system",
            ["Digital economy (DEI) and urban resilience in four dimensions (URI)",
             "Digital economy (DEI), 5 indicators", "Urban resilience in four dimensions (URI), 20 indicators"],
            defaultValue=0), False, ""),
        (QgsProcessingParameterFile(
            "SYSTEM_FILE", "Own indicator system", fileFilter="Tables (*.csv *.xlsx *.xls)", optional=True),
         False, INPUT_HELP["SYSTEM_FILE"]),
        (QgsProcessingParameterNumber(
            "YEAR", "Year of the LISA map", QgsProcessingParameterNumber.Integer, 2019, minValue=1900, maxValue=2100),
         False, INPUT_HELP["YEAR"]),
        (QgsProcessingParameterString("CONTROLS", "Control variables", "PATNT, URB, HUM, GOV", optional=True),
         False, INPUT_HELP["CONTROLS"]),
        (QgsProcessingParameterEnum(
            "WEIGHTS", "Spatial weights", ["Queen contiguity", "Rook contiguity", "K-nearest neighbours"],
            defaultValue=0), False, ""),
        (QgsProcessingParameterNumber(
            "RADIUS", "Coverage radius (km)", QgsProcessingParameterNumber.Double, 300.0, minValue=1.0), False, ""),
        (QgsProcessingParameterString(
            "POLICY_CITIES", "Policy cities (expression)", optional=True),
         False, INPUT_HELP["POLICY_CITIES"]),
        (QgsProcessingParameterNumber(
            "POLICY_CHANGE", "Scenario change (%)", QgsProcessingParameterNumber.Double, 10.0),
         False, INPUT_HELP["POLICY_CHANGE"]),
        (QgsProcessingParameterNumber(
            "INVEST_CITIES", "Cities to invest in first", QgsProcessingParameterNumber.Integer, 20, minValue=1),
         False, ""),
        (QgsProcessingParameterString("RESILIENCE", "Resilience index stem", "URI"),
         True, INPUT_HELP["RESILIENCE"]),
        (QgsProcessingParameterString("DIGITAL", "Stem of the digital economy index", "DEI"), True, ""),
        (QgsProcessingParameterNumber(
            "K", "Neighbours (k-nearest weights)", QgsProcessingParameterNumber.Integer, 6, minValue=1), True, ""),
        (QgsProcessingParameterNumber(
            "PERMUTATIONS", "Permutations (Moran's I and LISA)", QgsProcessingParameterNumber.Integer, 999,
            minValue=0), True, ""),
    )}
    for i, name in enumerate(INPUT_ORDER):
        definition, advanced, help_text = inputs[name]
        _model_parameter(model, definition, x, 60.0 + 70.0 * i, advanced, help_text)
    model.setParameterOrder(list(INPUT_ORDER))  # the Modeler's "Reorder Model Inputs…" order


def child(model, algorithm_id: str, child_id: str, description: str, sources: dict, outputs: dict,
          x: float, y: float) -> QgsProcessingModelChildAlgorithm:
    """Add a step: ``sources`` maps parameter names to sources (a Source, or a plain value
    for a static one); ``outputs`` maps model output names to (child output, description).
    Every other non-destination parameter gets the algorithm's default, as in the Modeler."""
    step = QgsProcessingModelChildAlgorithm(algorithm_id)
    algorithm = step.algorithm()
    if algorithm is None:
        raise RuntimeError(f"{algorithm_id} is not registered: register the provider before building the model")
    step.setChildId(child_id)
    step.setDescription(description)
    step.setPosition(QPointF(x, y))
    for name, source in sources.items():
        step.addParameterSources(name, [source if isinstance(source, Source) else Source.fromStaticValue(source)])
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        if definition.isDestination() or name in sources or definition.defaultValue() is None:
            continue
        step.addParameterSources(name, [Source.fromStaticValue(definition.defaultValue())])
    model_outputs = {}
    for index, (name, (child_output, text)) in enumerate(outputs.items()):
        output = QgsProcessingModelOutput(name, text)
        output.setChildId(child_id)
        output.setChildOutputName(child_output)
        output.setDefaultValue(QgsProcessing.TEMPORARY_OUTPUT)  # every output by default, as a temporary file
        output.setPosition(QPointF(x + 220.0, y + 35.0 * index - 20.0))
        model_outputs[name] = output
    step.setModelOutputs(model_outputs)
    model.addChildAlgorithm(step)
    return step


def add_steps(model) -> None:
    param = Source.fromModelParameter
    output = Source.fromChildOutput
    weights = {"WEIGHTS_FILE": output("weights", "WEIGHTS_OUTPUT"), "WEIGHTS_ID_FIELD": param("ID_FIELD")}
    x = 520.0
    child(model, "resilience:jointable", "join", "Join the indicator table", {
        "INPUT": param("CITIES"), "LAYER_KEY": param("ID_FIELD"), "TABLE": param("TABLE"),
    }, {}, x, 60.0)
    child(model, "resilience:compositeindex", "indices", "Digital economy and resilience indices", {
        "INPUT": output("join", "OUTPUT"), "SYSTEM": param("SYSTEM"), "SYSTEM_FILE": param("SYSTEM_FILE"),
        "ID_FIELD": param("ID_FIELD"),
    }, {"INDICES": ("OUTPUT", "Indices"), "INDEX_WEIGHTS": ("WEIGHTS", "Indicator weights")}, x, 180.0)
    child(model, "resilience:spatialweights", "weights", "Spatial weights", {
        "INPUT": param("CITIES"), "ID_FIELD": param("ID_FIELD"), "KIND": param("WEIGHTS"), "K": param("K"),
    }, {"WEIGHTS": ("WEIGHTS_OUTPUT", "Spatial weights file (GAL)")}, x, 300.0)
    child(model, "resilience:globalautocorrelation", "moran", "Moran's I of both indices, every year", {
        "INPUT": output("indices", "OUTPUT"), "FIELDS": Source.fromExpression(MORAN_FIELDS), "ALL_YEARS": True,
        "PERMUTATIONS": param("PERMUTATIONS"), "STATISTICS": [0], **weights,
    }, {"MORAN": ("OUTPUT", "Moran's I per year"), "MORAN_CHART": ("CHART", "Moran's I over the years (chart)")},
        x, 420.0)
    child(model, "resilience:localmoran", "lisa", "LISA clusters of resilience", {
        "INPUT": output("indices", "OUTPUT"), "FIELD": Source.fromExpression(RESILIENCE_FIELD),
        "PERMUTATIONS": param("PERMUTATIONS"), "CORRECTION": 1, **weights,
    }, {"LISA": ("OUTPUT", "LISA clusters"), "SCATTER": ("SCATTER_PLOT", "Moran scatter plot")}, x, 540.0)
    child(model, "resilience:corenodecoverage", "coverage", "Core-node coverage", {
        "INPUT": param("CITIES"), "ID_FIELD": param("ID_FIELD"), "NAME_FIELD": param("NAME_FIELD"),
        "RADIUS": param("RADIUS"),
    }, {"COVERAGE": ("OUTPUT", "Cities by nearest core"), "CORES": ("CORES", "Core cities"),
        "CIRCLES": ("CIRCLES", "Coverage circles"), "LINKS": ("LINKS", "Core-node links"),
        "COVERAGE_REPORT": ("REPORT", "Coverage report")}, x, 660.0)
    child(model, "resilience:spatialdurbin", "spillover", "Spatial Durbin model (two-way fixed effects)", {
        "INPUT": output("indices", "OUTPUT"), "DEPENDENT": Source.fromExpression(RESILIENCE_FIELD),
        "EXPLANATORY": Source.fromExpression(EXPLANATORY_FIELDS), "MODEL": 3, "EFFECTS": 3,
        "DROP_ISLANDS": True, **weights,
    }, {"SPILLOVER_REPORT": ("REPORT", "Spillover model report"),
        "RESIDUAL_LISA": ("LISA", "Residual clusters of the spillover model")}, x, 800.0)
    add_policy_steps(model, x)


def add_policy_steps(model, x: float) -> None:
    """Network redundancy of the coverage's cores; the scenario and the targeting with the spillover
    model's specification (the same inputs, fitted once in each step)."""
    param = Source.fromModelParameter
    output = Source.fromChildOutput
    weights = {"WEIGHTS_FILE": output("weights", "WEIGHTS_OUTPUT"), "WEIGHTS_ID_FIELD": param("ID_FIELD")}
    child(model, "resilience:networkredundancy", "redundancy", "Network redundancy (N−1)", {
        "INPUT": output("coverage", "OUTPUT"), "ID_FIELD": param("ID_FIELD"), "NAME_FIELD": param("NAME_FIELD"),
        "RADIUS": param("RADIUS"),
    }, {"REDUNDANCY": ("OUTPUT", "Cities by redundancy"), "REDUNDANCY_CORES": ("CORES", "Cores and their N−1 loss"),
        "REDUNDANCY_REPORT": ("REPORT", "Network redundancy report")}, x + 460.0, 660.0)
    model_spec = {
        "INPUT": output("indices", "OUTPUT"), "DEPENDENT": Source.fromExpression(RESILIENCE_FIELD),
        "EXPLANATORY": Source.fromExpression(EXPLANATORY_FIELDS), "MODEL": 3, "EFFECTS": 3, "DROP_ISLANDS": True,
        "REGRESSOR": Source.fromExpression(DIGITAL_FIELD), **weights,
    }
    child(model, "resilience:scenario", "scenario", "Spillover scenario", {
        **model_spec, "CHANGE_KIND": 1, "DELTA": param("POLICY_CHANGE"), "CITIES_EXPRESSION": param("POLICY_CITIES"),
    }, {"SCENARIO": ("OUTPUT", "Scenario: predicted changes"),
        "SCENARIO_REPORT": ("REPORT", "Scenario report")}, x + 460.0, 800.0)
    child(model, "resilience:targeting", "targeting", "Where to invest first", {
        **model_spec, "CHANGE_KIND": 1, "DELTA": param("POLICY_CHANGE"), "K": param("INVEST_CITIES"),
        "TARGET": param("POLICY_CITIES"),
    }, {"TARGETING": ("OUTPUT", "Where to invest first"),
        "TARGETING_REPORT": ("REPORT", "Targeting report")}, x + 460.0, 940.0)


def build_study_chain() -> QgsProcessingModelAlgorithm:
    """The study chain as a model (the provider ``resilience`` must be registered)."""
    if QgsApplication.processingRegistry().providerById("resilience") is None:
        raise RuntimeError("register the resilience provider before building the model")
    model = QgsProcessingModelAlgorithm(STUDY_CHAIN, WORKFLOW_GROUP, WORKFLOW_GROUP_ID)
    add_inputs(model)
    add_steps(model)
    model.setHelpContent(HELP)
    model.updateDestinationParameters()
    return model


def write_models(folder=MODEL_DIR) -> list:
    """Write every shipped model; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STUDY_CHAIN_FILE
    if not build_study_chain().toFile(str(path)):
        raise OSError(f"could not write {path}")
    return [path]
