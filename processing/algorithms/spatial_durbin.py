"""resilience:spatialdurbin: spatial spillover models with effects, cross-section or panel."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
)

from ..algorithm import ResilienceAlgorithm, core_text, feedback_progress, multi_step
from ..io.bridge import frame_to_sink
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.spillover import (
    add_compare_parameter,
    add_model_inputs,
    add_standard_errors_parameters,
    output_number,
    read_model_inputs,
    spec_from_parameters,
    units_frame,
)
from ..reports.regression_output import add_paper_table_parameters, write_paper_tables
from ..styling import attach_style, graduated_style, lisa_style


class SpatialDurbinAlgorithm(ResilienceAlgorithm):
    NAME = "spatialdurbin"
    DISPLAY_NAME = "Spatial spillover model (spatial Durbin)"
    SHORT_DESCRIPTION = "Spatial Durbin and related models with direct and spillover effects."
    GROUP = "econometrics"
    REQUIRES = ("numpy", "scipy", "pandas", "shapely", "pyproj", "geopandas", "mapclassify")
    TAGS = ("spatial durbin,SDM,SAR,SEM,SDEM,SLX,spillover,spatial lag,spatial error,panel,fixed effects,"
            "random effects,direct effect,indirect effect,LeSage,Elhorst,Lee-Yu,LM test,Hausman,econometrics")
    HELP = (
        "Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable "
        "(e.g. urban resilience) in a city and, through spillovers, in its neighbours.\n\n"
        "Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), "
        "spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).\n\n"
        "Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of "
        "each stem, every year the variables share is used) or a long panel (one feature per city and year, with "
        "a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's "
        "demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).\n\n"
        "Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p "
        "from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced "
        "options; traces exact from the eigenvalues of W up to 2,000 units).\n\n"
        "Standard errors (advanced option): the information matrix of the maximum-likelihood models (classical "
        "for OLS and SLX), which assumes errors independent across cities and years; clustered by city (CR1) for "
        "the least-squares models OLS and SLX; or a wild cluster bootstrap by city of the chosen model, robust to "
        "errors correlated within a city over the years: one random sign per city on its residuals, the "
        "dependent variable regenerated through the fitted model and the model refitted, 199 times by default, "
        "for the standard errors and percentile intervals of the coefficients, ρ/λ and the effects (pooled and "
        "fixed-effects models, at least 20 cities; 20 s to a minute for 366 cities × 9 years). The tables name "
        "the standard errors of each model.\n\n"
        "Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and "
        "the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of "
        "the family is estimated for the comparison table (advanced option; a model that cannot be estimated, "
        "e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen "
        "model's failure stops the algorithm).\n\n"
        "Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and "
        "significance stars), optional tables for papers and reports (Excel, Word, LaTeX or CSV: models side by side, "
        "N, fixed effects, log-likelihood, AIC, R², weights and SE type at the foot, definitions in the notes), "
        "optional CSV tables, a layer of fitted values and residuals and a residual LISA "
        "cluster map of the last year (significant clusters of residuals point to a missing spatial term).\n\n"
        "Maximum-likelihood models need every city to have a neighbour: by default cities without one (islands, "
        "e.g. 三沙市 with queen weights) are left out with a warning that names them; or use k-nearest "
        "neighbours. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4."
    )

    REPORT = "REPORT"
    TABLES = "TABLES"
    OUTPUT = "OUTPUT"
    LISA = "LISA"

    def initAlgorithm(self, config=None):
        add_model_inputs(self)
        add_compare_parameter(self)
        add_standard_errors_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Report"), self.tr("HTML files (*.html)"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(
            self.TABLES, self.tr("CSV tables (folder)"), optional=True, createByDefault=False))
        add_paper_table_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Fitted values and residuals"), QgsProcessing.TypeVectorAnyGeometry,
            optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.LISA, self.tr("Residual clusters (LISA)"), QgsProcessing.TypeVectorAnyGeometry,
            optional=True, createByDefault=False))
        add_classification_parameters(self)
        for name, description in (
            ("SPATIAL", self.tr("Spatial parameter (ρ or λ)")),
            ("LOGLIK", self.tr("Log-likelihood")),
            ("AIC", self.tr("AIC")),
            ("R2", self.tr("R²")),
            ("OBSERVATIONS", self.tr("Observations")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, description))

    def process(self, parameters, context, feedback):
        from ...core.econometrics.report import spillover_tables, write_spillover_csv, write_spillover_report
        from ...core.econometrics.spillover import run_spillover

        steps = multi_step(4, feedback)
        inputs = read_model_inputs(self, parameters, context, steps)
        spec = spec_from_parameters(self, parameters, context, inputs.labels)
        steps.setCurrentStep(1)
        if spec.standard_errors == "bootstrap":
            feedback.pushInfo(self.tr("Wild cluster bootstrap by city: {draws} refits of the {model} model.").format(
                draws=spec.bootstrap_draws, model=spec.model))
        result = run_spillover(inputs.data, inputs.weights, spec, progress=feedback_progress(steps))
        for note in result.notes:
            if not any(note is warning for warning in result.warnings):
                feedback.pushInfo(core_text(note))
        for warning in result.warnings:
            feedback.pushWarning(core_text(warning))
        main = result.main
        feedback.pushInfo(self.tr("{model}: log-likelihood {loglik:.4f}, AIC {aic:.4f}").format(
            model=main.model, loglik=main.loglik, aic=main.aic))

        steps.setCurrentStep(2)
        outputs = {  # plain Python numbers: QGIS cannot convert numpy scalars (qgis_process shows "")
            "SPATIAL": output_number(main.spatial), "LOGLIK": output_number(main.loglik),
            "AIC": output_number(main.aic), "R2": output_number(main.r2), "OBSERVATIONS": int(main.n_obs),
        }
        title = self.tr("Spatial spillover model: {model} of {dependent}").format(
            model=main.model, dependent=main.dependent)
        report_path = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if report_path:
            outputs[self.REPORT] = write_spillover_report(result, report_path, title, inputs.description, core_text)
        tables = self.parameterAsFileOutput(parameters, self.TABLES, context)
        if tables and parameters.get(self.TABLES) is not None:
            write_spillover_csv(result, tables, core_text)
            outputs[self.TABLES] = tables
        outputs.update(write_paper_tables(self, parameters, context, spillover_tables(result, core_text), feedback))

        steps.setCurrentStep(3)
        fitted = self.fitted_frame(inputs, result)
        dest = frame_to_sink(self, parameters, self.OUTPUT, context, fitted, feedback=steps)
        if dest is not None:
            outputs[self.OUTPUT] = dest
            attach_style(context, dest, self.fitted_style(fitted, result, classification(self, parameters, context)))
        if parameters.get(self.LISA) is not None:
            lisa = self.lisa_frame(inputs, result, spec.seed)
            dest = frame_to_sink(self, parameters, self.LISA, context, lisa, feedback=steps)
            if dest is not None:
                outputs[self.LISA] = dest
                attach_style(context, dest, self.residual_lisa_style())
        return outputs

    # ----------------------------------------------------------------- layers
    def fitted_frame(self, inputs, result):
        """Fitted values and residuals per unit (per year and their means in a panel)."""
        frame = units_frame(inputs, result.data.unit_ids)
        main, data = result.main, result.data
        shape = (data.T, data.n)
        fitted, residuals, observed = main.fitted.reshape(shape), main.residuals.reshape(shape), data.y.reshape(shape)
        if data.years is None:
            frame["OBSERVED"], frame["FITTED"], frame["RESID"] = observed[0], fitted[0], residuals[0]
        else:
            for t, year in enumerate(data.years):
                frame[f"FIT_{year}"] = fitted[t]
                frame[f"RES_{year}"] = residuals[t]
            frame["FIT_MEAN"], frame["RES_MEAN"] = fitted.mean(axis=0), residuals.mean(axis=0)
        return frame

    def fitted_style(self, frame, result, classes: dict | None = None):
        column = "FITTED" if "FITTED" in frame.columns else "FIT_MEAN"
        dependent = result.main.dependent
        aliases = {"OBSERVED": self.tr("Observed {y}").format(y=dependent),
                   "FITTED": self.tr("Fitted {y}").format(y=dependent),
                   "RESID": self.tr("Residual"),
                   "FIT_MEAN": self.tr("Fitted {y}, mean over the years").format(y=dependent),
                   "RES_MEAN": self.tr("Residual, mean over the years")}
        for year in result.data.years or []:
            aliases[f"FIT_{year}"] = self.tr("Fitted {y} ({year})").format(y=dependent, year=year)
            aliases[f"RES_{year}"] = self.tr("Residual ({year})").format(year=year)
        return graduated_style(frame[column].to_numpy(), column, ramp="YlGnBu", aliases=aliases,
                               name=self.tr("Fitted {y} ({model})").format(y=dependent, model=result.main.model),
                               **(classes or {}))

    def lisa_frame(self, inputs, result, seed):
        """Local Moran of the last year's residuals with the model's weights. Not their mean over
        the years: with city fixed effects every city's residuals sum to zero over the years, so
        the mean is rounding noise (1e-16) and its clusters are random."""
        from ...core.econometrics.local_moran import local_moran

        frame = units_frame(inputs, result.data.unit_ids)
        data = result.data
        residuals = result.main.residuals.reshape(data.T, data.n)[-1]
        lisa = local_moran(residuals, result.spectrum.W, permutations=999, seed=seed)
        frame["RESID"] = residuals
        frame["RLISA_I"], frame["RLISA_P"] = lisa.I, lisa.p
        frame["RLISA_Q"] = lisa.quadrant
        frame["RLISA_CL"] = lisa.labels.astype(str)
        return frame

    def residual_lisa_style(self):
        return lisa_style(
            "RLISA_CL",
            aliases={"RESID": self.tr("Residual (mean over the years)"),
                     "RLISA_I": self.tr("Local Moran's I of the residuals"),
                     "RLISA_P": self.tr("Pseudo p-value (999 permutations)"),
                     "RLISA_Q": self.tr("Quadrant (GeoDa: 1 HH, 2 LL, 3 LH, 4 HL, 0 no neighbours)"),
                     "RLISA_CL": self.tr("Residual cluster (p ≤ 0.05)")},
            name=self.tr("Residual clusters (LISA)"))
