"""Parameters and data reading shared by ``resilience:spatialdurbin`` and
``resilience:heterogeneity``: the layer, its panel shape (cross-section, wide or long panel),
the variables, the spatial weights and the model options.

The layer is read once; a panel becomes a :class:`core.econometrics.data.PanelData`
(years stacked in the weights' unit order). Units come from the weights id field
(required for long layers, where several features belong to one unit: the unit's first
feature gives its geometry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core.econometrics.options import BOOTSTRAP_DRAWS as DEFAULT_BOOTSTRAP_DRAWS
from ...core.econometrics.options import EFFECTS as EFFECTS_OPTIONS
from ...core.econometrics.options import MODELS, PANEL_SHAPES
from ...core.econometrics.options import STANDARD_ERRORS as SE_OPTIONS
from ...core.weights.kinds import describe_weights
from ..algorithm import core_text
from ..io.bridge import read_frame
from ..io.invalid_geometries import apply_policy
from ..qgis_compat import parameter_as_strings
from ..translation import translator
from .choices import chosen, enum_parameter
from .field_defaults import likely_field_parameter
from .help import as_advanced, with_help
from .panel import YEAR_FIELD, add_year_parameter
from .weights import add_weights_parameters, id_field_name, resolve_weights, weights_file

INPUT = "INPUT"
LAYOUT = "LAYOUT"
DEPENDENT = "DEPENDENT"
EXPLANATORY = "EXPLANATORY"
MODEL = "MODEL"
EFFECTS = "EFFECTS"
BIAS_CORRECTION = "BIAS_CORRECTION"
DURBIN = "DURBIN"
DROP_ISLANDS = "DROP_ISLANDS"
BALANCE = "BALANCE"
DRAWS = "DRAWS"
SEED = "SEED"
COMPARE = "COMPARE"
STANDARD_ERRORS = "STANDARD_ERRORS"
BOOTSTRAP_DRAWS = "BOOTSTRAP_DRAWS"


tr = translator("SpilloverInputs")


def panel_shape_labels() -> dict[str, str]:
    return {"auto": tr("Automatic (long with a year field; wide when the fields are STEM_YYYY; else cross-section)"),
            "cross_section": tr("Cross-section (one feature per unit, the chosen fields)"),
            "wide": tr("Wide panel (yearly fields STEM_YYYY: every year of the chosen fields' stems)"),
            "long": tr("Long panel (one feature per unit and year, with a year field)")}


def model_labels() -> dict[str, str]:
    return {"OLS": tr("OLS (no spatial terms)"), "SAR": tr("Spatial lag (SAR)"), "SEM": tr("Spatial error (SEM)"),
            "SDM": tr("Spatial Durbin (SDM)"), "SDEM": tr("Spatial Durbin error (SDEM)"),
            "SLX": tr("Spatial lag of X (SLX)")}


def effects_labels() -> dict[str, str]:
    return {"none": tr("None (pooled)"), "unit": tr("Unit (city) fixed effects"),
            "time": tr("Time (year) fixed effects"), "twoway": tr("Two-way fixed effects (city and year)"),
            "random": tr("Random unit effects"), "random_time": tr("Random unit effects and year fixed effects")}


def standard_errors_labels() -> dict[str, str]:
    return {"information": tr("Information matrix (maximum likelihood); classical for OLS and SLX"),
            "cluster": tr("Clustered by city (CR1) for OLS and SLX; information matrix for the spatial ML models"),
            "bootstrap": tr("Wild cluster bootstrap by city for the chosen model (OLS and SLX clustered by city)")}


def add_model_inputs(algorithm) -> None:
    """The layer, variables, weights and model parameters (in ``initAlgorithm``)."""
    algorithm.addParameter(QgsProcessingParameterFeatureSource(
        INPUT, tr("Cities (units) with the model's fields"),
        [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
    algorithm.addParameter(enum_parameter(LAYOUT, tr("Data layout"), PANEL_SHAPES, panel_shape_labels()))
    algorithm.addParameter(with_help(likely_field_parameter(QgsProcessingParameterField(
        DEPENDENT, tr("Dependent variable"),
        parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric)),
            tr("Dependent variable (in a wide panel any year of the stem, e.g. RES_2019)")))
    algorithm.addParameter(with_help(QgsProcessingParameterField(
        EXPLANATORY, tr("Explanatory variables"),
        parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, allowMultiple=True),
            tr("Explanatory variables (in a wide panel any year of each stem)")))
    add_year_parameter(algorithm, INPUT)
    add_weights_parameters(algorithm)
    algorithm.addParameter(enum_parameter(MODEL, tr("Model"), MODELS, model_labels(), "SDM"))
    algorithm.addParameter(with_help(enum_parameter(
        EFFECTS, tr("Panel effects"), EFFECTS_OPTIONS, effects_labels(), "twoway"),
            tr("Panel effects (ignored for a cross-section)")))
    algorithm.addParameter(with_help(QgsProcessingParameterBoolean(
        DROP_ISLANDS, tr("Leave out units without neighbours"), defaultValue=True),
            tr("Leave out units without neighbours (islands)")))
    algorithm.addParameter(with_help(QgsProcessingParameterBoolean(
        BALANCE, tr("Balance the panel"), defaultValue=False),
            tr("Balance the panel: leave out units with missing values")))
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterBoolean(
        BIAS_CORRECTION, tr("Lee–Yu bias correction"), defaultValue=True),
            tr("Lee–Yu bias correction of fixed-effects estimates"))))
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterField(
        DURBIN, tr("Variables with a W·X term"),
        parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, allowMultiple=True,
        optional=True), tr("Variables with a W·X term (Durbin models; empty: all explanatory variables)"))))
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterNumber(
        DRAWS, tr("Simulation draws"),
        QgsProcessingParameterNumber.Integer,
        defaultValue=1000, minValue=0, maxValue=100000),
            tr("Simulation draws for the effects' standard errors (0: effects without standard errors)"))))
    algorithm.addParameter(as_advanced(QgsProcessingParameterNumber(
        SEED, tr("Random seed (simulations)"), QgsProcessingParameterNumber.Integer, defaultValue=1, minValue=0)))


@dataclass
class ModelInputs:
    """What the algorithms need: the units (one row per unit, with geometry), their ids,
    the panel data, the weights and how to rebuild weights for a subset of units."""

    units: object  # GeoDataFrame, one row per unit, in the order of ``ids``
    ids: object
    data: object  # core.econometrics.data.PanelData
    weights: object  # core.weights.model.SpatialWeights
    shape: str  # the panel shape: cross_section, wide or long
    id_field: str | None
    frame: object  # the layer as read (all features)
    weights_for: object = None
    description: list = field(default_factory=list)
    #: {unit id: "三沙市 (460300)"} for messages (core.names.unit_labels).
    labels: dict = field(default_factory=dict)


def spec_from_parameters(algorithm, parameters, context, labels=None):
    """The :class:`SpilloverSpec` the user chose (``labels``: the units' labels in messages,
    :attr:`ModelInputs.labels`)."""
    from ...core.econometrics.data import stem_of
    from ...core.econometrics.spillover import SpilloverSpec

    durbin = parameter_as_strings(algorithm, parameters, DURBIN, context) or None
    return SpilloverSpec(
        model=chosen(algorithm, parameters, MODEL, MODELS, context),
        effects=chosen(algorithm, parameters, EFFECTS, EFFECTS_OPTIONS, context),
        bias_correction=algorithm.parameterAsBool(parameters, BIAS_CORRECTION, context),
        durbin=[stem_of(name) for name in durbin] if durbin else None,
        draws=algorithm.parameterAsInt(parameters, DRAWS, context),
        seed=algorithm.parameterAsInt(parameters, SEED, context),
        drop_islands=algorithm.parameterAsBool(parameters, DROP_ISLANDS, context),
        compare=(algorithm.parameterAsBool(parameters, COMPARE, context)
                 if algorithm.parameterDefinition(COMPARE) is not None else True),
        labels=labels,
        **standard_errors_choice(algorithm, parameters, context),
    )


def add_standard_errors_parameters(algorithm) -> None:
    """The advanced choice of standard errors and the bootstrap's draws (``resilience:spatialdurbin``)."""
    algorithm.addParameter(as_advanced(with_help(enum_parameter(
        STANDARD_ERRORS, tr("Standard errors"), SE_OPTIONS, standard_errors_labels(), "information"),
        tr("Standard errors: the information matrix of the maximum-likelihood models (classical for least "
           "squares), clustered by city for the least-squares models (OLS, SLX), or a wild cluster bootstrap by "
           "city of the chosen model (robust to errors correlated within a city over the years; pooled and "
           "fixed-effects models, at least 20 cities; one refit per draw)"))))
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterNumber(
        BOOTSTRAP_DRAWS, tr("Bootstrap draws"), QgsProcessingParameterNumber.Integer,
        defaultValue=DEFAULT_BOOTSTRAP_DRAWS, minValue=2, maxValue=100000),
        tr("Bootstrap draws (refits of the chosen model; with the wild cluster bootstrap only; seed: “Random "
           "seed”)"))))


def standard_errors_choice(algorithm, parameters, context) -> dict:
    """``standard_errors`` and ``bootstrap_draws`` of the spec: the user's choice where the algorithm
    offers it, else the information matrix."""
    if algorithm.parameterDefinition(STANDARD_ERRORS) is None:
        return {}
    return {"standard_errors": chosen(algorithm, parameters, STANDARD_ERRORS, SE_OPTIONS, context),
            "bootstrap_draws": algorithm.parameterAsInt(parameters, BOOTSTRAP_DRAWS, context)}


def add_compare_parameter(algorithm) -> None:
    """The advanced option to estimate the other models of the family (``resilience:spatialdurbin``)."""
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterBoolean(
        COMPARE, tr("Compare with the other models"), defaultValue=True),
        tr("Compare with the other models of the family (comparison table, LR/Wald, LM and Hausman tests)"))))


def panel_shape(algorithm, parameters, context, frame, dependent, explanatory, year_field) -> str:
    """The panel shape (cross_section, wide, long): the user's choice, or the automatic guess."""
    from ...core.panel import panel_stems, split_year_field

    shape = chosen(algorithm, parameters, LAYOUT, PANEL_SHAPES, context)
    if shape != "auto":
        return shape
    if year_field:
        return "long"
    stems = panel_stems(frame.columns)
    splits = [split_year_field(name) for name in [dependent, *explanatory]]
    if all(split and len(stems.get(split[0], {})) >= 2 for split in splits):
        return "wide"
    return "cross_section"


def read_model_inputs(algorithm, parameters, context, feedback, extra_fields=()) -> ModelInputs:
    """Read the layer and build the panel (or cross-section) and the weights."""
    from ...core.econometrics import data as panel_data
    from ...core.names import unit_labels
    from ...core.panel import require_unit_id, unit_ids

    source = algorithm.input_source(parameters, context, INPUT)
    dependent = parameter_as_strings(algorithm, parameters, DEPENDENT, context)[0]
    explanatory = parameter_as_strings(algorithm, parameters, EXPLANATORY, context)
    if not explanatory:
        raise QgsProcessingException(tr("Choose at least one explanatory variable."))
    year_field = algorithm.field_name(parameters, YEAR_FIELD, context)
    id_field = id_field_name(algorithm, parameters, context)
    balance = algorithm.parameterAsBool(parameters, BALANCE, context)
    # Scripts and models can name fields the layer lacks (the dialog cannot).
    missing = [name for name in (dependent, *explanatory, year_field)
               if name and source.fields().lookupField(name) < 0]
    if missing:
        raise QgsProcessingException(tr("The layer has no field {fields}; choose fields of the input layer.").format(
            fields=", ".join(missing)))
    frame = read_frame(source, feedback=feedback)
    shape = panel_shape(algorithm, parameters, context, frame, dependent, explanatory, year_field)
    if dependent in explanatory or (shape == "wide" and panel_data.stem_of(dependent) in
                                    {panel_data.stem_of(name) for name in explanatory}):
        raise QgsProcessingException(tr("The dependent variable {name} is also an explanatory variable; remove it "
                                        "from the explanatory variables.").format(name=dependent))
    if shape == "long":
        if not year_field:
            raise QgsProcessingException(tr("A long panel needs the year field: choose it in “Year field”."))
        require_unit_id(id_field, year_field)
        units = frame.drop_duplicates(subset=[id_field], keep="first")
    else:
        units = frame
    ids = unit_ids(units, id_field)
    units, ids = apply_policy(units, ids, getattr(algorithm, "invalid_geometry_policy", None), feedback)
    weights = resolve_weights(algorithm, parameters, context, units, ids, feedback=feedback)
    if shape == "long":
        data = panel_data.long_panel(frame, id_field, year_field, dependent, explanatory, ids, balance)
    elif shape == "wide":
        data = panel_data.wide_panel(units, dependent, explanatory, ids, balance)
    else:
        data = panel_data.cross_section(units, dependent, explanatory, ids, drop_missing=balance)
    weights_from_file = bool(weights_file(algorithm, parameters, context))

    def weights_for(positions):
        """Weights rebuilt among a subset of units (k-nearest neighbours stay k)."""
        return resolve_weights(algorithm, parameters, context, units.iloc[positions], ids[positions])

    return ModelInputs(units, ids, data, weights, shape, id_field, frame,
                       None if weights_from_file else weights_for,
                       describe(source.sourceName(), shape, data, weights), unit_labels(units, ids, id_field))


def describe(layer_name: str, shape: str, data, weights) -> list[str]:
    """Report lines on the input (translated)."""
    shapes = {"cross_section": tr("cross-section"), "wide": tr("wide panel"), "long": tr("long panel")}
    lines = [tr("Layer: {layer} ({layout}); dependent {dependent}; explanatory {names}.").format(
        layer=layer_name, layout=shapes[shape], dependent=data.dependent, names=", ".join(data.names))]
    lines.append(tr("Spatial weights: {weights}; {links} links among {units} units.").format(
        weights=core_text(describe_weights(weights)), links=weights.n_links, units=weights.n))
    return lines


def unit_values(inputs: ModelInputs, field_name: str, numeric: bool):
    """One value per unit of ``inputs.data`` from a layer field: the field itself
    (cross-section/wide), the mean over the panel's years of a STEM_YYYY field's stem
    (wide, numeric) or per unit over its rows (long: mean if numeric, else the first value)."""
    import numpy as np
    import pandas as pd

    from ...core.panel import panel_stems, split_year_field

    data = inputs.data
    if inputs.shape == "long":
        frame = pd.DataFrame({"unit": inputs.frame[inputs.id_field].to_numpy(),
                              "value": inputs.frame[field_name].to_numpy()})
        if numeric:
            frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
            per_unit = frame.groupby("unit")["value"].mean()
        else:
            per_unit = frame.groupby("unit")["value"].first()
        return per_unit.reindex(pd.Index(data.unit_ids)).to_numpy()
    units = inputs.units.copy()
    units.index = pd.Index(inputs.ids)
    split = split_year_field(field_name)
    if numeric and inputs.shape == "wide" and split:
        columns = panel_stems(units.columns).get(split[0], {})
        years = [year for year in (data.years or []) if year in columns] or list(columns)
        values = units[[columns[year] for year in years]].apply(pd.to_numeric, errors="coerce")
        return values.mean(axis=1).reindex(pd.Index(data.unit_ids)).to_numpy(dtype=np.float64)
    values = units[field_name].reindex(pd.Index(data.unit_ids))
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64) if numeric else values.to_numpy()


def units_frame(inputs: ModelInputs, unit_ids):
    """One row per unit of ``unit_ids`` (in that order): the id field and the geometry."""
    import pandas as pd

    units = inputs.units.copy()
    units.index = pd.Index(inputs.ids)
    units = units.loc[unit_ids]
    keep = [inputs.id_field] if inputs.id_field else []
    frame = units[[*keep, units.geometry.name]].copy()
    frame.index = range(len(frame))
    return frame


def output_number(value):
    """A plain float for a numeric output (QGIS cannot convert numpy scalars), None when
    missing or not finite."""
    import math

    return float(value) if value is not None and math.isfinite(float(value)) else None
