"""resilience:localgeary: local Geary cluster maps (GeoDa's cluster types)."""

from __future__ import annotations

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
from ..parameters.weights import add_weights_parameters
from ..qgis_compat import parameter_as_strings
from ..styling import geary_style


class LocalGearyAlgorithm(ResilienceAlgorithm):
    NAME = "localgeary"
    DISPLAY_NAME = "Local Geary"
    SHORT_DESCRIPTION = "Local Geary cluster maps per year."
    GROUP = "autocorrelation"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas")
    TAGS = "local geary,lisa,cluster,similarity,geoda"
    HELP = (
        "Local Geary's c (Anselin 2019): how much each city differs from its neighbours, "
        "c_i = Σ_j w_ij (z_i − z_j)² on the standardised variable (as R spdep's localC and GeoDa). A small "
        "c_i means the city resembles its neighbours (positive association), a large one that it differs "
        "(negative association).\n\n"
        "Inference by conditional permutation (the same seed gives the same result), with directed pseudo "
        "p-values and optional multiple-testing control (false discovery rate or Bonferroni).\n\n"
        "Clusters as in GeoDa: High-High and Low-Low (positive association in those quadrants), Other "
        "positive (positive association in the other quadrants), Negative, Not significant; cities without "
        "neighbours (“No neighbours”) and with NULL values (“No data”) are not tested. Fields: LG_C, LG_Z "
        "(z against the permutations), LG_P, LG_PADJ (when adjusted), LG_CL (GeoDa codes 0–6), LG_LAB.\n\n"
        "Panels as in Local Moran's I: every year as a set of fields per year or one layer per year; the "
        "significance map and the other years are saved styles of the layer."
    )

    def initAlgorithm(self, config=None):
        add_input_parameters(self)
        add_weights_parameters(self)
        add_inference_parameters(self, minimum=1)
        add_null_parameter(self)
        add_year_output_parameters(self, self.tr("Local Geary clusters"))

    def process(self, parameters, context, feedback):
        from ...core.autocorrelation.analyses import local_geary_analysis

        steps = multi_step(3, feedback)
        source, frame, panel, everything = read_panel(self, parameters, context, steps)
        steps.setCurrentStep(1)
        inference = inference_spec(self, parameters, context)
        analysis = local_geary_analysis(
            panel, parameter_as_strings(self, parameters, FIELD, context)[0],
            all_years=self.parameterAsBool(parameters, ALL_YEARS, context),
            inference=inference, nulls=null_policy(self, parameters, context),
            progress=feedback_progress(steps))
        push_notes(feedback, analysis.notes)
        steps.setCurrentStep(2)
        correction, alpha = inference.correction, inference.alpha
        styles = ClusterStyles(tuple(analysis.fields), geary_style, "LG_LAB", self.tr("Local Geary clusters — {run}"),
                               self.tr("Local Geary clusters ({run})"),
                               p_field="LG_PADJ" if correction != "none" else "LG_P", alpha=alpha)
        results = write_local_outputs(self, parameters, context, steps, source, frame, analysis, styles,
                                      "local_geary", everything=everything)
        for run in analysis.runs:
            counts = {code: int((run.result.cluster == code).sum()) for code in (1, 2, 3, 4)}
            feedback.pushInfo(self.tr("{run}: High-High {hh}, Low-Low {ll}, Other positive {op}, Negative {ng}.")
                              .format(run=run.run.title, hh=counts[1], ll=counts[2], op=counts[3], ng=counts[4]))
        return results
