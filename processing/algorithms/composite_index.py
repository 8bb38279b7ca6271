"""resilience:compositeindex: entropy (or CRITIC, CV, equal, user) weighted composite indices."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QVariant

from ...core.indices.options import METHODS, MISSING_POLICIES, POOLING, STANDARDISATIONS
from ..algorithm import ResilienceAlgorithm, core_text, core_texts, core_value, feedback_progress, multi_step
from ..io.bridge import WKB, frame_to_sink, read_frame
from ..parameters.choices import chosen, enum_parameter
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.help import as_advanced, with_help
from ..reports.index_ranking import RANKING_CHART, add_ranking_parameters, write_ranking_chart
from ..styling import Style, attach_style, graduated_style, latest_field


class CompositeIndexAlgorithm(ResilienceAlgorithm):
    NAME = "compositeindex"
    DISPLAY_NAME = "Composite index (entropy weights)"
    SHORT_DESCRIPTION = "Entropy-weighted composite indices (e.g. DEI, URI) from yearly indicators."
    GROUP = "indices"
    REQUIRES = ("numpy", "pandas", "mapclassify")
    TAGS = ("index,composite,entropy,weights,critic,topsis,coefficient of variation,digital economy,resilience,"
            "熵权法,综合指数,数字经济,城市韧性")
    HELP = (
        "Builds composite indices from yearly indicators: by default a digital economy index and an urban "
        "resilience index with four dimensions (social, economic, infrastructure, ecological).\n\n"
        "Layer: wide (one feature per city, fields STEM_YYYY such as GDPPC_2019, as Join indicator table "
        "writes), long (one feature per city and year: choose the year field) or a single cross-section.\n\n"
        "Indicator system: a template (the sample's systems, in resources/templates/indicator_systems), a "
        "CSV/XLSX file with the columns code, index, dimension, direction (+ more is better, - less is "
        "better), weight (optional; see the templates), or the table in this dialog (code, index, "
        "dimension, direction, weight). A file or a table replaces the template.\n\n"
        "Method: entropy weight method (default), CRITIC, coefficient of variation (on the raw values), "
        "equal weights or user weights (the weight column). Indicators are standardised by direction with "
        "min–max to [0, 1] (or z-scores); entropy and CRITIC weights are estimated on the min–max matrix. "
        "Entropy: p_ij = y'_ij / Σ_i y'_ij with y' = y + 0.0001 (the shift keeps ln p defined: a "
        "min–max indicator always has a zero, and implementations that skip zeros give that indicator the "
        "largest weight), e_j = −Σ p ln p / ln n, d_j = 1 − e_j, w_j = d_j / Σ d. The index is Σ w_j y_ij "
        "on [0, 1]; a dimension's sub-index is the same sum over its indicators, so the sub-indices add up "
        "to the index. Optional: TOPSIS relative closeness with the same weights.\n\n"
        "Panel: weights and min/max from all city-years together (default: indices comparable over time) "
        "or each year separately.\n\n"
        "Output fields (per year, STEM_YYYY on a wide layer; STEM on a long one): DEI digital economy index "
        "(数字经济指数); URI urban resilience index (城市韧性指数); URSOC social (社会韧性), URECO economic "
        "(经济韧性), URINF infrastructure (基础设施韧性), URENV ecological (生态韧性) resilience; DEIT and URIT "
        "the TOPSIS closeness; CI for a system without index names. Other systems take the stems of their "
        "index_stem/dim_stem columns or of their names. The weights table lists each indicator's entropy "
        "e_j, divergence d_j (or CRITIC's sd, conflict and information, or the CV), weight w_j and rank. "
        "The map shows the first index in the latest year (Fisher–Jenks classes; other classifications "
        "under the advanced parameters).\n\n"
        "Index ranking chart (optional, PNG or SVG): the top and bottom 10 cities of the first index in the "
        "latest year, labelled with the name field (or a field called name); the advanced parameters choose "
        "another index or sub-index, another year and the number of cities.\n\n"
        "Bad input: unknown or non-numeric fields, a dimension without indicators and fewer than two "
        "cities are errors; constant indicators are dropped with a warning; missing values stop the run "
        "unless you choose to drop those city-years or fill them with the year mean (both are logged). "
        "Values that are not finite numbers (±inf) are missing values under the same choice. "
        "Coefficient-of-variation weights refuse indicators with negative values (not a ratio scale)."
    )

    INPUT = "INPUT"
    SYSTEM = "SYSTEM"
    SYSTEM_FILE = "SYSTEM_FILE"
    SYSTEM_TABLE = "SYSTEM_TABLE"
    METHOD = "METHOD"
    STANDARDISATION = "STANDARDISATION"
    POOLING = "POOLING"
    MISSING = "MISSING"
    TOPSIS = "TOPSIS"
    SHIFT = "SHIFT"
    ID_FIELD = "ID_FIELD"
    YEAR_FIELD = "YEAR_FIELD"
    OUTPUT = "OUTPUT"
    WEIGHTS = "WEIGHTS"

    def initAlgorithm(self, config=None):
        from ...core.indices.templates import TEMPLATES

        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities with indicators"), [QgsProcessing.TypeVector]))
        self.addParameter(enum_parameter(self.SYSTEM, self.tr("Indicator system (template)"),
                                         tuple(key for key, _ in TEMPLATES),
                                         {key: core_text(title) for key, title in TEMPLATES}))
        self.addParameter(with_help(QgsProcessingParameterFile(
            self.SYSTEM_FILE, self.tr("Indicator system file"),
            behavior=QgsProcessingParameterFile.File,
            fileFilter=self.tr("Tables (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)"), optional=True),
                self.tr("Indicator system file (CSV/XLSX; replaces the template)")))
        self.addParameter(with_help(QgsProcessingParameterMatrix(
            self.SYSTEM_TABLE, self.tr("Indicator system table"),
            headers=[self.tr("Indicator (field stem)"), self.tr("Index"), self.tr("Dimension"),
                     self.tr("Direction (+/-)"), self.tr("Weight")], hasFixedNumberRows=False, optional=True),
                         self.tr("Indicator system table (replaces the template)")))
        self.addParameter(enum_parameter(self.METHOD, self.tr("Weighting method"), METHODS, {
            "entropy": self.tr("Entropy weight method"), "critic": self.tr("CRITIC"),
            "cv": self.tr("Coefficient of variation"), "equal": self.tr("Equal weights"),
            "user": self.tr("User weights (weight column)")}))
        self.addParameter(enum_parameter(self.POOLING, self.tr("Panel"), POOLING, {
            "pooled": self.tr("Pooled city-years: one set of weights, indices comparable over time"),
            "per_year": self.tr("Each year separately")}))
        self.addParameter(enum_parameter(self.MISSING, self.tr("Missing values"), MISSING_POLICIES, {
            "error": self.tr("Stop with an error"), "drop": self.tr("Drop the city-year"),
            "fill_year_mean": self.tr("Fill with the year mean")}))
        self.addParameter(QgsProcessingParameterBoolean(
            self.TOPSIS, self.tr("Add the TOPSIS relative closeness"), defaultValue=False))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.YEAR_FIELD, self.tr("Year field"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Year field (long layers: one feature per city and year)")))
        advanced_parameters = [
            enum_parameter(self.STANDARDISATION, self.tr("Standardisation"), STANDARDISATIONS, {
                "minmax": self.tr("Min–max by direction (0–1)"), "zscore": self.tr("Z-score by direction")}),
            with_help(QgsProcessingParameterNumber(self.SHIFT, self.tr("Entropy shift"),
                                         QgsProcessingParameterNumber.Double, 0.0001, minValue=0.0, maxValue=0.5),
                                             self.tr("Entropy shift added to the min–max values")),
            QgsProcessingParameterField(self.ID_FIELD, self.tr("City id field (named in messages)"),
                                        parentLayerParameterName=self.INPUT, optional=True),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Indices")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.WEIGHTS, self.tr("Indicator weights"), QgsProcessing.TypeVector, optional=True))
        add_classification_parameters(self)
        add_ranking_parameters(self)
        self.addOutput(QgsProcessingOutputString("INDICES", self.tr("Output field stems")))
        self.addOutput(QgsProcessingOutputNumber("LATEST_YEAR", self.tr("Latest year")))

    # ------------------------------------------------------------------ inputs
    def system(self, parameters, context, feedback):
        from ...core.indices.system import read_system, system_from_matrix
        from ...core.indices.tables import EXCEL
        from ...core.indices.templates import TEMPLATES, template_path

        table = self.parameterAsMatrix(parameters, self.SYSTEM_TABLE, context)
        table = ["" if isinstance(cell, QVariant) or cell is None else cell for cell in table or []]
        table = table if any(str(cell).strip() for cell in table) else []
        path = self.parameterAsFile(parameters, self.SYSTEM_FILE, context)
        if table and path:
            raise QgsProcessingException(self.tr(
                "Give the indicator system either as a file or as a table, not both."))
        if table:
            feedback.pushInfo(self.tr("Indicator system: the table of the dialog."))
            return system_from_matrix(table)
        if path:
            feedback.pushInfo(self.tr("Indicator system: {path}.").format(path=path))
            if path.lower().endswith(EXCEL):
                self.check_dependencies(("openpyxl",))
            return read_system(path)
        key = chosen(self, parameters, self.SYSTEM, tuple(key for key, _ in TEMPLATES), context)
        feedback.pushInfo(self.tr("Indicator system: template {key}.").format(key=key))
        return read_system(template_path(key))

    def options(self, parameters, context):
        from ...core.indices.composite import IndexOptions

        return IndexOptions(
            method=chosen(self, parameters, self.METHOD, METHODS, context),
            standardisation=chosen(self, parameters, self.STANDARDISATION, STANDARDISATIONS, context),
            shift=self.parameterAsDouble(parameters, self.SHIFT, context),
            pooling=chosen(self, parameters, self.POOLING, POOLING, context),
            missing=chosen(self, parameters, self.MISSING, MISSING_POLICIES, context),
            topsis=self.parameterAsBoolean(parameters, self.TOPSIS, context),
        )

    # ------------------------------------------------------------------ running
    def process(self, parameters, context, feedback):
        from ...core.indices.panel_layers import indices_on_layer

        source = self.input_source(parameters, context)
        steps = multi_step(4, feedback)
        system = self.system(parameters, context, feedback)
        if system.ignored:
            feedback.pushInfo(self.tr("Not part of an index (auxiliary): {codes}.").format(
                codes=", ".join(system.ignored)))
        options = self.options(parameters, context)
        year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context) or None
        id_field = self.parameterAsString(parameters, self.ID_FIELD, context) or None
        frame = read_frame(source, geometry=WKB, feedback=steps)
        steps.setCurrentStep(1)
        found = indices_on_layer(frame, system, options, id_field, year_field, progress=feedback_progress(steps))
        for warning in found.result.warnings:
            feedback.pushWarning(core_text(warning))
        self.log_missing(found.result.missing, feedback)
        for index in system.indices:
            stems = found.result.stems[index.stem]
            feedback.pushInfo(self.tr("{label}: fields {fields}.").format(
                label=core_value(index.label), fields=", ".join(found.fields_of(s) for s in stems)))

        steps.setCurrentStep(2)
        dest_id = frame_to_sink(self, parameters, self.OUTPUT, context, found.frame, source.wkbType(),
                                source.sourceCrs(), base_fields=source.fields(), feedback=steps)
        first = system.indices[0].stem
        latest = found.years[-1]
        values = found.latest_values(first)
        attach_style(context, dest_id, graduated_style(
            values, latest_field(first, latest, year_field), ramp="YlGnBu", aliases=core_texts(found.aliases),
            name=self.tr("{label} {year}").format(label=core_value(system.indices[0].label),
                                                  year="" if latest is None else latest).strip(),
            allow_empty=True, **classification(self, parameters, context)))
        results = {self.OUTPUT: dest_id, "INDICES": ",".join(found.result.labels),
                   "LATEST_YEAR": latest if latest is not None else 0}
        ranking = self.parameterAsFileOutput(parameters, RANKING_CHART, context)
        if ranking:
            results[RANKING_CHART] = write_ranking_chart(self, parameters, context, found, system, ranking, id_field,
                                                         feedback)
        steps.setCurrentStep(3)
        weights = found.result.weights.copy()
        weights["year"] = weights["year"].astype("Int64")
        weights["name"] = [core_value(name) for name in weights["name"]]  # name_zh in Chinese
        weights_id = frame_to_sink(self, parameters, self.WEIGHTS, context, weights)
        if weights_id is not None:
            results[self.WEIGHTS] = weights_id
            attach_style(context, weights_id, Style(aliases={
                "index": self.tr("Index"), "dimension": self.tr("Dimension"), "indicator": self.tr("Indicator"),
                "name": self.tr("Indicator name"), "direction": self.tr("Direction (+ more is better)"),
                "year": self.tr("Year (empty: pooled)"), "method": self.tr("Weighting method"),
                "entropy": self.tr("Entropy e_j"), "diverg": self.tr("Divergence d_j = 1 − e_j"),
                "sd": self.tr("Standard deviation"), "conflict": self.tr("CRITIC conflict Σ(1 − r)"),
                "info": self.tr("CRITIC information C_j"), "cv": self.tr("Coefficient of variation"),
                "weight": self.tr("Weight w_j"), "rank": self.tr("Rank of the weight"),
                "dim_weight": self.tr("Weight of the dimension")}, name=self.tr("Indicator weights")))
        return results

    def log_missing(self, missing, feedback) -> None:
        if not len(missing):
            return
        feedback.pushWarning(self.tr("{count} missing indicator values:").format(count=len(missing)))
        for row in missing.head(50).itertuples():
            feedback.pushWarning(f"  {row.unit} {'' if row.year is None else row.year} {row.indicator}: "
                                 f"{core_value(row.action)}")
        if len(missing) > 50:
            feedback.pushWarning(self.tr("  … and {more} more.").format(more=len(missing) - 50))
