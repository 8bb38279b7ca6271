"""resilience:hotspots: Getis-Ord Gi* (or Gi) hot and cold spots with Gi_Bin classes."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
)

from ..algorithm import ResilienceAlgorithm, feedback_progress, multi_step
from ..parameters.autocorrelation import (
    ALL_YEARS,
    FIELD,
    ClusterStyles,
    add_inference_parameters,
    add_input_parameters,
    add_null_parameter,
    add_year_output_parameters,
    inference_spec,
    null_policy,
    push_notes,
    read_panel,
    write_local_outputs,
)
from ..parameters.help import with_help
from ..parameters.weights import add_weights_parameters
from ..qgis_compat import parameter_as_strings
from ..styling import hotspot_style


class HotSpotsAlgorithm(ResilienceAlgorithm):
    NAME = "hotspots"
    DISPLAY_NAME = "Hot spots (Getis-Ord Gi*)"
    SHORT_DESCRIPTION = "Hot and cold spots (Getis–Ord Gi / Gi*) per year."
    GROUP = "autocorrelation"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    STAR = "STAR"
    TAGS = "hot spot,cold spot,getis,ord,gi,gi*,gi_bin,cluster"
    HELP = (
        "Hot and cold spots with the Getis-Ord local statistics (Getis and Ord 1992; Ord and Getis 1995), "
        "as R spdep's localG: Gi* includes each city in its own neighbourhood (the usual hot spot analysis), "
        "Gi leaves it out.\n\n"
        "Fields: GI (the statistic), GI_Z (z-score: positive for a cluster of high values, negative for low), "
        "GI_P (two-sided p-value: normal approximation, or conditional permutation when permutations > 0), "
        "GI_PADJ (adjusted, when a multiple-testing control is chosen), GI_BIN (the Gi_Bin confidence class: "
        "+3/+2/+1 hot spot at 99/95/90 % confidence, −3/−2/−1 cold spot, 0 not significant) and GI_LAB (its "
        "label). With the false discovery rate or Bonferroni, each confidence level is tested on the adjusted "
        "p-values. Cities without neighbours or with NULL values are not tested.\n\n"
        "The z-score does not change when a city's weights are rescaled, so binary and row-standardised "
        "weights give the same map. Panels: every year as a set of fields per year or one layer per year."
    )

    def initAlgorithm(self, config=None):
        add_input_parameters(self)
        add_weights_parameters(self)
        self.addParameter(with_help(QgsProcessingParameterBoolean(
            self.STAR, self.tr("Gi* (city in its own neighbourhood)"), defaultValue=True),
                self.tr("Gi* (include each city in its own neighbourhood)")))
        add_inference_parameters(self, permutations=0, alpha=False)
        add_null_parameter(self)
        add_year_output_parameters(self, self.tr("Hot spots"))

    def process(self, parameters, context, feedback):
        from ...core.autocorrelation.analyses import hotspot_analysis

        steps = multi_step(3, feedback)
        source, frame, panel, everything = read_panel(self, parameters, context, steps)
        steps.setCurrentStep(1)
        star = self.parameterAsBool(parameters, self.STAR, context)
        analysis = hotspot_analysis(
            panel, parameter_as_strings(self, parameters, FIELD, context)[0],
            all_years=self.parameterAsBool(parameters, ALL_YEARS, context), star=star,
            inference=inference_spec(self, parameters, context), nulls=null_policy(self, parameters, context),
            progress=feedback_progress(steps))
        push_notes(feedback, analysis.notes)
        steps.setCurrentStep(2)
        statistic = "Gi*" if star else "Gi"
        styles = ClusterStyles(tuple(analysis.fields), hotspot_style, "GI_LAB", self.tr("Hot spots — {run}"),
                               self.tr("Hot spots {statistic} ({run})").format(statistic=statistic, run="{run}"))
        results = write_local_outputs(self, parameters, context, steps, source, frame, analysis, styles, "hotspots",
                                      everything=everything)
        for run in analysis.runs:
            bins = run.result.bins
            feedback.pushInfo(self.tr("{run}: {hot} hot spot(s), {cold} cold spot(s) at 90 % confidence or more.")
                              .format(run=run.run.title, hot=int((bins > 0).sum()), cold=int((bins < 0).sum())))
        return results
