"""resilience:couplingcoordination: coupling coordination degree of two indices, per city and year."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..algorithm import ResilienceAlgorithm, core_text, core_texts, multi_step
from ..io.bridge import WKB, frame_to_sink, read_frame
from ..parameters.help import with_help
from ..styling import Categorized, Style, attach_style, latest_field

#: Colours of the ten coordination levels, from extreme imbalance (red) to high quality (green).
LEVEL_COLOURS = ("#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#d9ef8b", "#a6d96a", "#66bd63",
                 "#1a9850", "#006837")


class CouplingCoordinationAlgorithm(ResilienceAlgorithm):
    NAME = "couplingcoordination"
    DISPLAY_NAME = "Coupling coordination degree"
    SHORT_DESCRIPTION = "Coupling coordination degree of two indices, per city and year."
    GROUP = "indices"
    REQUIRES = ("numpy", "pandas")
    TAGS = "coupling,coordination,ccd,digital economy,resilience,耦合协调度,耦合度"
    HELP = (
        "Coupling degree C, comprehensive development index T and coupling coordination degree D of two "
        "indices (e.g. the digital economy index DEI and the urban resilience index URI) for every city and "
        "year.\n\n"
        "C = 2·√(U1·U2) / (U1 + U2), T = α·U1 + β·U2 (β = 1 − α), D = √(C·T): the corrected coupling "
        "degree of Wang Shujia, Kong Wei, Ren Lang, Zhi Dandan and Dai Bingtao (2021), “Research on misuses "
        "and modification of coupling coordination degree model in China” (中国国内耦合协调度模型的误区及修正), "
        "Journal of Natural Resources 36(3): 793–810, which spans [0, 1], unlike the widespread variants. "
        "Both indices must lie on [0, 1] (min–max indices do), or tick “rescale” to min–max them over all "
        "cities and years first. C is 0 where both indices are 0.\n\n"
        "Ten levels of D: 1 [0, 0.1) 极度失调 extreme imbalance; 2 严重失调 serious imbalance; 3 中度失调 "
        "moderate imbalance; 4 轻度失调 mild imbalance; 5 濒临失调 on the verge of imbalance; 6 [0.5, 0.6) "
        "勉强协调 barely coordinated; 7 初级协调 primary coordination; 8 中级协调 intermediate coordination; "
        "9 良好协调 good coordination; 10 [0.9, 1] 优质协调 high-quality coordination.\n\n"
        "Fields: choose e.g. DEI_2019 and URI_2019 with “every year” to compute all years the two indices "
        "share (a wide layer), or plain fields with a year field (a long layer). Output fields (STEM_YYYY "
        "on a wide layer): CPL coupling degree C, CPT comprehensive index T, CCD coupling coordination "
        "degree D, CCL level 1–10, CCT level name. The map shows the levels in the latest year."
    )

    INPUT = "INPUT"
    FIELD_A = "FIELD_A"
    FIELD_B = "FIELD_B"
    ALL_YEARS = "ALL_YEARS"
    YEAR_FIELD = "YEAR_FIELD"
    ALPHA = "ALPHA"
    RESCALE = "RESCALE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities with indices"), [QgsProcessing.TypeVector]))
        self.addParameter(QgsProcessingParameterField(
            self.FIELD_A, self.tr("First index U1 (e.g. DEI_2019)"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric))
        self.addParameter(QgsProcessingParameterField(
            self.FIELD_B, self.tr("Second index U2 (e.g. URI_2019)"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric))
        self.addParameter(with_help(QgsProcessingParameterBoolean(
            self.ALL_YEARS, self.tr("Every year"), defaultValue=True),
                self.tr("Every year of the two indices (STEM_YYYY fields)")))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.YEAR_FIELD, self.tr("Year field"),
            parentLayerParameterName=self.INPUT, type=QgsProcessingParameterField.Numeric, optional=True),
                self.tr("Year field (long layers: one feature per city and year)")))
        self.addParameter(with_help(QgsProcessingParameterNumber(
            self.ALPHA, self.tr("Contribution α of the first index"),
            QgsProcessingParameterNumber.Double, 0.5, minValue=0.0, maxValue=1.0),
                self.tr("Contribution α of the first index (β = 1 − α)")))
        self.addParameter(with_help(QgsProcessingParameterBoolean(
            self.RESCALE, self.tr("Rescale to 0–1 first"),
            defaultValue=False), self.tr("Rescale both indices to 0–1 first (min–max over all cities and years)")))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Coupling coordination")))

    def process(self, parameters, context, feedback):
        from ...core.indices.coupling import LEVELS
        from ...core.indices.coupling_layers import coupling_on_layer

        source = self.input_source(parameters, context)
        steps = multi_step(2, feedback)
        frame = read_frame(source, geometry=WKB, feedback=steps)
        year_field = self.parameterAsString(parameters, self.YEAR_FIELD, context) or None
        found = coupling_on_layer(
            frame, self.parameterAsString(parameters, self.FIELD_A, context),
            self.parameterAsString(parameters, self.FIELD_B, context),
            self.parameterAsDouble(parameters, self.ALPHA, context),
            self.parameterAsBoolean(parameters, self.ALL_YEARS, context), year_field,
            self.parameterAsBoolean(parameters, self.RESCALE, context))
        for warning in found.warnings:
            feedback.pushWarning(core_text(warning))
        steps.setCurrentStep(1)
        dest_id = frame_to_sink(self, parameters, self.OUTPUT, context, found.frame, source.wkbType(),
                                source.sourceCrs(), base_fields=source.fields(), feedback=steps)
        latest = found.years[-1] if found.years else None
        attribute = latest_field("CCL", latest, year_field) if (found.wide or year_field) else "CCL"
        categories = [(level, colour, self.level_label(level, low, zh, en))
                      for (level, low, zh, en), colour in zip(LEVELS, LEVEL_COLOURS)]
        name = self.tr("Coupling coordination {year}").format(year="" if latest is None else latest).strip()
        attach_style(context, dest_id, Style(renderer=Categorized(attribute, categories),
                                             aliases=core_texts(found.aliases), name=name))
        return {self.OUTPUT: dest_id}

    @staticmethod
    def level_label(level: int, low: float, chinese: str, english: str) -> str:
        """'1 极度失调 Extreme imbalance [0.0, 0.1)': the level, its Chinese and English names and
        its interval; in Chinese the name once ('1 极度失调 [0.0, 0.1)')."""
        interval = f"[{low:.1f}, {low + 0.1:.1f}{']' if level == 10 else ')'}"
        name = core_text(english)
        names = chinese if name == chinese else f"{chinese} {name}"
        return f"{level} {names} {interval}"
