"""Parameters and plumbing shared by the autocorrelation algorithms (globalautocorrelation,
localmoran, localgeary, hotspots): the input and its panel shape, the weights, the
inference options, and where the local statistics of several years go (one layer with a
set of fields per year, or one layer per year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
)

from ...core.autocorrelation.options import ALTERNATIVES, CORRECTIONS, NULL_POLICIES, YEAR_OUTPUTS, InferenceSpec
from ..algorithm import core_text, feedback_progress
from ..translation import translator
from .choices import chosen, enum_parameter
from .field_defaults import likely_field_parameter
from .help import as_advanced, with_help
from .panel import YEAR_FIELD, add_year_parameter
from .weights import id_field_name, resolve_weights

DEFAULT_SEED = 12345

#: The names of the group's parameters and outputs (the algorithms use these constants).
INPUT = "INPUT"
FIELD = "FIELD"  # one variable (local statistics)
FIELDS = "FIELDS"  # several variables (global statistics)
ALL_YEARS = "ALL_YEARS"
PERMUTATIONS = "PERMUTATIONS"
SEED = "SEED"
ALPHA = "ALPHA"
CORRECTION = "CORRECTION"
ALTERNATIVE = "ALTERNATIVE"
NULLS = "NULLS"
LAYOUT = "LAYOUT"  # several years: fields per year in one layer, or one layer per year
OUTPUT = "OUTPUT"
YEAR_LAYERS = "YEAR_LAYERS"
OUTPUT_LAYERS = "OUTPUT_LAYERS"


tr = translator("AutocorrelationParameters")


# ------------------------------------------------------------------- parameters
def add_input_parameters(algorithm, multiple: bool = False, field_label: str | None = None) -> None:
    """INPUT, FIELD (or FIELDS), ALL_YEARS, YEAR_FIELD."""
    algorithm.addParameter(QgsProcessingParameterFeatureSource(
        INPUT, tr("Units (cities)"), [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
    field = QgsProcessingParameterField(
        FIELDS if multiple else FIELD,
        field_label or (tr("Variables") if multiple else tr("Variable")),
        parentLayerParameterName=INPUT, type=QgsProcessingParameterField.Numeric, allowMultiple=multiple)
    algorithm.addParameter(field if multiple else likely_field_parameter(field))
    algorithm.addParameter(with_help(QgsProcessingParameterBoolean(
        ALL_YEARS, tr("Every year"), defaultValue=False),
        tr("Every year of the chosen field (DEI_2019 → DEI_2011 … DEI_2019; a long layer: every year instead of the "
           "last)")))
    add_year_parameter(algorithm)


def add_inference_parameters(algorithm, permutations: int = 999, minimum: int = 0, alpha: bool = True,
                             correction: bool = True) -> None:
    """PERMUTATIONS, SEED, ALPHA, CORRECTION."""
    algorithm.addParameter(with_help(QgsProcessingParameterNumber(
        PERMUTATIONS, tr("Permutations"),
        QgsProcessingParameterNumber.Integer, defaultValue=permutations, minValue=minimum, maxValue=99999),
        tr("Permutations (0 = analytical inference only)") if minimum == 0 else ""))
    algorithm.addParameter(as_advanced(with_help(QgsProcessingParameterNumber(
        SEED, tr("Random seed"),
        QgsProcessingParameterNumber.Integer, defaultValue=DEFAULT_SEED, optional=True, minValue=0),
            tr("Random seed (the same seed gives the same result; empty: a new draw every run)"))))
    if alpha:
        algorithm.addParameter(QgsProcessingParameterNumber(
            ALPHA, tr("Significance level"), QgsProcessingParameterNumber.Double, defaultValue=0.05,
            minValue=0.0001, maxValue=0.5))
    if correction:
        algorithm.addParameter(enum_parameter(CORRECTION, tr("Multiple-testing control"), CORRECTIONS, {
            "none": tr("None"), "fdr": tr("False discovery rate (Benjamini–Hochberg)"),
            "bonferroni": tr("Bonferroni")}))


def add_null_parameter(algorithm) -> None:
    algorithm.addParameter(enum_parameter(NULLS, tr("Units with NULL values"), NULL_POLICIES, {
        "drop": tr("Leave them out and report them"), "error": tr("Stop with an error")}))


def add_year_output_parameters(algorithm, output_label: str) -> None:
    """LAYOUT, OUTPUT and YEAR_LAYERS (the folder of the per-year layers), and the
    OUTPUT_LAYERS output (the per-year layers written)."""
    algorithm.addParameter(with_help(enum_parameter(LAYOUT, tr("Several years"), YEAR_OUTPUTS, {
        "fields": tr("One layer, fields per year"), "layers": tr("One layer per year")}),
        tr("One layer, one set of fields per year (LI_2019 …); or one layer per year (the last year in the output, "
           "every year in the folder below)")))
    algorithm.addParameter(QgsProcessingParameterFeatureSink(OUTPUT, output_label))
    algorithm.addParameter(QgsProcessingParameterFolderDestination(
        YEAR_LAYERS, tr("Folder for one layer per year"), optional=True, createByDefault=False))
    algorithm.addOutput(QgsProcessingOutputMultipleLayers(OUTPUT_LAYERS, tr("Layers per year")))


def seed_value(algorithm, parameters, context):
    """The SEED (the default when absent; None, a fresh draw, when the user cleared it)."""
    if SEED not in parameters:
        return DEFAULT_SEED
    if parameters[SEED] is None or parameters[SEED] == "":
        return None
    return algorithm.parameterAsInt(parameters, SEED, context)


def inference_spec(algorithm, parameters, context):
    """The :class:`core.autocorrelation.options.InferenceSpec` the user chose (the options the
    algorithm lacks keep the spec's defaults)."""
    def has(name):
        return algorithm.parameterDefinition(name) is not None

    options = {"permutations": algorithm.parameterAsInt(parameters, PERMUTATIONS, context),
               "seed": seed_value(algorithm, parameters, context)}
    if has(ALTERNATIVE):
        options["alternative"] = chosen(algorithm, parameters, ALTERNATIVE, ALTERNATIVES, context)
    if has(ALPHA):
        options["alpha"] = algorithm.parameterAsDouble(parameters, ALPHA, context)
    if has(CORRECTION):
        options["correction"] = chosen(algorithm, parameters, CORRECTION, CORRECTIONS, context)
    return InferenceSpec(**options)


def null_policy(algorithm, parameters, context) -> str:
    return chosen(algorithm, parameters, NULLS, NULL_POLICIES, context)


# ---------------------------------------------------------------------- reading
def read_panel(algorithm, parameters, context, feedback):
    """(source, frame, LayerUnits, everything): every field of INPUT, the units and their weights, and
    every feature as read (features without a geometry are left out of the analysis but stay in
    the local outputs, with NULL results: :func:`write_local_outputs`).

    A long layer (YEAR_FIELD set) needs the unit id field: the weights are built once on
    the first feature of each unit and shared by every year.
    """
    from ...core.autocorrelation.runs import LayerUnits
    from ...core.panel import require_unit_id, unit_ids
    from ..io.bridge import read_frame
    from ..io.invalid_geometries import apply_policy

    source = algorithm.input_source(parameters, context)
    frame = everything = read_frame(source, feedback=feedback)
    id_field = id_field_name(algorithm, parameters, context)
    year_field = algorithm.field_name(parameters, YEAR_FIELD, context)
    progress = feedback_progress(feedback)
    policy = getattr(algorithm, "invalid_geometry_policy", None)
    if year_field is None:
        ids = unit_ids(frame, id_field)
        frame, ids = apply_policy(frame, ids, policy, feedback)
        weights = resolve_weights(algorithm, parameters, context, frame, ids, progress=progress, feedback=feedback)
        return source, frame, LayerUnits.wide(frame, weights), everything
    require_unit_id(id_field, year_field)
    frame, _ = apply_policy(frame, frame.index.to_numpy(), policy, feedback)
    first, ids, unit_of_row = LayerUnits.long_units(frame[id_field], frame[year_field])
    weights = resolve_weights(algorithm, parameters, context, frame.iloc[first], ids, progress=progress,
                              feedback=feedback)
    years = frame[year_field].astype("float64").to_numpy().astype("int64")
    return source, frame, LayerUnits(frame, weights, unit_of_row, years), everything


def analysis_year_field(algorithm, parameters, context):
    """The YEAR_FIELD of a long layer, or None."""
    return algorithm.field_name(parameters, YEAR_FIELD, context)


def require_matplotlib() -> None:
    """Plots need matplotlib (optional: every other output works without it)."""
    from ...core.charts import charts_available

    if not charts_available():
        raise QgsProcessingException(tr(
            "Plots need the Python package matplotlib, which QGIS's Python lacks: install it (python -m pip "
            "install matplotlib; on Windows in the OSGeo4W Shell) or leave the plot output empty."))


def push_notes(feedback, notes) -> None:
    for note in notes:
        feedback.pushWarning(core_text(note))


# ---------------------------------------------------------------------- writing
def translated_aliases(aliases: dict) -> dict:
    """{name: "translated alias — run"} from the core's {name: (alias, run title)}."""
    return {name: f"{core_text(alias)} — {title}" for name, (alias, title) in aliases.items()}


@dataclass(frozen=True)
class ClusterStyles:
    """The styles :func:`write_local_outputs` attaches to a cluster map.

    ``style(field, name=, aliases=)`` (e.g. ``styling.lisa_style``) maps the label field
    ``label`` of each run; each map is a named style of the layer, ``style_title`` with
    ``{run}``, the last run's current; ``layer_title`` (with ``{run}``) names the layer.
    With ``p_field`` (the p-value field shown) every run also gets GeoDa's significance map
    at ``alpha``. ``fields``: the analysis' output fields (their aliases).
    """

    fields: tuple
    style: Callable
    label: str
    style_title: str
    layer_title: str
    p_field: str | None = None
    alpha: float = 0.05

    def build(self, name_of, runs):
        """(current style, its name, [(name, style)] alternatives) of one layer holding ``runs``;
        ``name_of(name, run)`` is a field's name in that layer."""
        from ..styling import significance_style

        aliases = translated_aliases({name_of(spec.name, run): (spec.alias, run.title)
                                      for run in runs for spec in self.fields})
        last = runs[-1]
        name = self.layer_title.format(run=last.title)
        current = self.style(name_of(self.label, last), name=name, aliases=aliases)
        alternatives = [(self.style_title.format(run=run.title),
                         self.style(name_of(self.label, run), name=name, aliases=aliases)) for run in runs[:-1]]
        if self.p_field:
            alternatives += [(tr("Significance — {run}").format(run=run.title),
                              significance_style(name_of(self.p_field, run), name_of(self.label, run), self.alpha,
                                                 name, aliases))
                             for run in runs]
        return current, self.style_title.format(run=last.title), alternatives


def _joined(frame, columns, feedback):
    """``frame`` with ``columns`` (by row position) added; same-named input fields replaced."""
    clashes = [name for name in columns.columns if name in frame.columns]
    out = frame.drop(columns=clashes).copy()
    if clashes and feedback is not None:
        feedback.pushWarning(tr("The input already has {fields}; the output replaces them.").format(
            fields=", ".join(clashes)))
    for name in columns.columns:
        out[name] = columns[name].array if hasattr(columns[name], "array") else columns[name].to_numpy()
    return out


def _with_features_without_geometry(out, everything, year_field=None, year=None):
    """``out`` (analysed rows with their results) plus the features of ``everything`` that have no
    geometry (left out of the analysis), with NULL results, in the layer's order; for one year of a
    long layer only that year's features."""
    import pandas as pd
    import shapely

    if everything is None:
        return out
    geometries = everything.geometry.values
    absent = everything[(shapely.is_missing(geometries) | shapely.is_empty(geometries))
                        & ~everything.index.isin(out.index)]
    if year_field is not None and year is not None:
        absent = absent[pd.to_numeric(absent[year_field], errors="coerce") == year]
    if not len(absent):
        return out
    out = out.copy()
    for name in out.columns:  # whole numbers stay whole numbers, with NULLs
        if pd.api.types.is_integer_dtype(out[name].dtype) and not pd.api.types.is_bool_dtype(out[name].dtype):
            out[name] = out[name].astype("Int64")
    combined = pd.concat([out, absent[[c for c in absent.columns if c in out.columns]]])
    order = [i for i in everything.index if i in combined.index]
    return combined.loc[order]


def write_local_outputs(algorithm, parameters, context, feedback, source, frame, analysis, styles,
                        layer_name: str, everything=None) -> dict:
    """Write a local analysis (several years: fields per year in one layer, or one layer per year) and
    attach styles.

    ``styles`` (:class:`ClusterStyles`) builds the styles of each layer written.
    ``everything``: the layer as read (:func:`read_panel`); its features without a geometry are
    written too, with NULL results, so that the output has every input feature.
    """
    from ...core.panel import year_field
    from ..io.bridge import frame_to_sink
    from ..styling import attach_styles

    year_output = chosen(algorithm, parameters, LAYOUT, YEAR_OUTPUTS, context)
    runs = analysis.runs
    results = {}
    from ..io.invalid_geometries import output_wkb_type

    wkb_type, crs = output_wkb_type(source.wkbType(), frame), source.sourceCrs()
    if year_output == "fields" or len(runs) == 1:
        columns, aliases = analysis.columns()
        renamed = analysis.per_year and not analysis.long

        def name_of(name, run):
            spec = next(f for f in analysis.fields if f.name == name)
            return year_field(spec.stem, run.year) if renamed else name

        out = _with_features_without_geometry(_joined(frame, columns.set_axis(range(len(frame))), feedback),
                                              everything)
        dest = frame_to_sink(algorithm, parameters, OUTPUT, context, out, wkb_type, crs, source.fields(),
                             translated_aliases(aliases), feedback)
        style, current, alternatives = styles.build(name_of, [r.run for r in runs])
        attach_styles(context, dest, style, current, alternatives)
        results[OUTPUT] = dest
        results[OUTPUT_LAYERS] = []
        return results
    # One layer per year: the last year in OUTPUT, every year in the folder.
    folder = algorithm.parameterAsString(parameters, YEAR_LAYERS, context) or QgsProcessingUtils.tempFolder()
    if folder == "TEMPORARY_OUTPUT":
        folder = QgsProcessingUtils.tempFolder()
    Path(folder).mkdir(parents=True, exist_ok=True)
    layers = []
    for index, local in enumerate(runs):
        columns, aliases = analysis.layer_columns(local)
        rows = local.selection.rows
        part = _with_features_without_geometry(_joined(frame.iloc[rows], columns.set_axis(range(len(rows))), None),
                                               everything, analysis_year_field(algorithm, parameters, context),
                                               local.run.year)
        style, current, alternatives = styles.build(lambda name, run: name, [local.run])
        translated = translated_aliases(aliases)
        path = str(Path(folder) / f"{layer_name}_{local.run.year}.gpkg")
        layers.append(_write_layer(path, part, wkb_type, crs, source.fields(), translated, context, feedback))
        load = index < len(runs) - 1
        attach_styles(context, layers[-1], style, current, alternatives, output_name=YEAR_LAYERS if load else None)
        if not load:
            dest = frame_to_sink(algorithm, parameters, OUTPUT, context, part, wkb_type, crs, source.fields(),
                                 translated, feedback)
            attach_styles(context, dest, style, current, alternatives)
            results[OUTPUT] = dest
    results[YEAR_LAYERS] = folder
    results[OUTPUT_LAYERS] = layers
    return results


def _write_layer(path, frame, wkb_type, crs, base_fields, aliases, context, feedback) -> str:
    """Write ``frame`` to a new file layer at ``path`` (overwritten); returns its source."""
    from qgis.core import QgsWkbTypes

    from ..io.bridge import fields_for_frame, write_frame

    fields = fields_for_frame(frame, base_fields, aliases)
    if Path(path).exists():
        Path(path).unlink()
    sink, destination = QgsProcessingUtils.createFeatureSink(path, context, fields, wkb_type, crs)
    if sink is None:
        raise QgsProcessingException(tr("Could not create the layer {path}.").format(path=path))
    try:
        write_frame(frame, sink, fields, feedback, multi=QgsWkbTypes.isMultiType(wkb_type))
    finally:
        del sink  # closed now (also on failure, so that the run's rollback can remove the file)
    return destination
