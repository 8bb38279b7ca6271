"""The HTML reports and CSV tables of the spillover and heterogeneity algorithms.

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates
these templates and the core's Messages (test names, model labels, notes) in the context
``core`` (``scripts/i18n.py`` extracts ``tr("…")`` of core modules there); plain Python
callers get English. Tables are paper-style (``core.regression.table``); CSV files hold the same
tables in machine-readable (long) and paper layouts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import english
from ..html_report import HtmlReport
from ..regression.table import (
    STAR_NOTE,
    PaperColumn,
    PaperTable,
    add_to_report,
    convention_notes,
    footer_rows,
    number,
    p_value,
    stars,
)
from ..weights.kinds import describe_weights
from .data import EFFECT_LABELS, RANDOM_EFFECTS
from .design import ML_MODELS, MODEL_LABELS
from .effects import KINDS


def model_column(result, title: str, tr=english, extra: dict | None = None, weights=None) -> PaperColumn:
    """A paper-table column for one model: coefficients, ρ/λ/φ and the footer every regression
    table carries (``core.regression.table.footer_rows``)."""
    frame = result.table()
    cells = {row.term: (row.estimate, row.se, row.p) for row in frame.itertuples()}
    cells.update(extra or {})
    return PaperColumn(title, cells, model_footer(result, tr, weights))


def fixed_effects_rows(effects: str, panel: bool, tr=english) -> dict:
    """``unit_fe``/``year_fe`` of :func:`footer_rows` for the panel effects (random unit effects
    are "Random"; a cross-section has no rows)."""
    if not panel:
        return {}
    unit = tr("Random") if effects in RANDOM_EFFECTS else effects in ("unit", "twoway")
    return {"unit_fe": unit, "year_fe": effects in ("time", "twoway", "random_time")}


def model_footer(result, tr=english, weights=None) -> dict:
    spatial = result.model != "OLS"
    return footer_rows(tr, n_obs=result.n_obs, units=result.n_units, years=result.n_periods,
                       **fixed_effects_rows(result.effects, result.n_periods > 1, tr), loglik=result.loglik,
                       aic=result.aic, r2=result.r2, r2_within=result.r2_within, sigma2=result.sigma2,
                       weights=tr(describe_weights(weights)) if weights is not None and spatial else None,
                       se=tr(result.se_kind))


def model_notes(models, tr=english, robust_option: bool = False, bootstrap: tuple[int, int] | None = None
                ) -> list[str]:
    """The definitions under a table of spillover models (``robust_option``: the algorithm offers robust
    standard errors; ``bootstrap``: (draws, seed) of a column's wild cluster bootstrap)."""
    kinds = ["r2"] + (["within"] if any(not np.isnan(m.r2_within) for m in models) else [])
    return convention_notes(tr, r2_kinds=kinds, sigma2=True,
                            lee_yu=any(m.bias_corrected for m in models),
                            information_matrix=any(m.model in ML_MODELS and m.se_type == "information"
                                                   for m in models),
                            robust_option=robust_option, cluster=any(m.se_type == "cluster" for m in models),
                            bootstrap=bootstrap)


def bootstrap_of(result) -> tuple[int, int] | None:
    """(draws, seed) of the chosen model's wild cluster bootstrap, None without one."""
    if result.main.se_type != "bootstrap":
        return None
    return result.effects.draws, result.effects.seed


def _term_order(results) -> list:
    order = []
    for kinds in (("const",), ("x",), ("wx",)):
        for result in results:
            order.extend(n for n, k in zip(result.names, result.kinds) if k in kinds and n not in order)
    for extra in ("rho", "lambda", "phi"):
        if any(extra in r.table().term.tolist() for r in results):
            order.append(extra)
    return order


def term_labels(tr=english) -> dict:
    return {"constant": tr("Constant"), "rho": "ρ (W·y)", "lambda": "λ (W·u)", "phi": tr("φ (random effects)")}


def kind_labels(tr=english) -> dict:
    """The effects' column titles, by ``effects.KINDS``."""
    return {"direct": tr("Direct"), "indirect": tr("Indirect"), "total": tr("Total")}


def models_table(result, tr=english) -> PaperTable:
    models = list(result.models.values())
    columns = []
    for model in models:
        title = model.model + (" †" if model is result.main else "")
        columns.append(model_column(model, title, tr, weights=result.weights))
    effects = EFFECT_LABELS[result.main.effects]
    title = tr("Estimates of {dependent} ({effects}); † the chosen model").format(
        dependent=result.main.dependent, effects=tr(effects))
    return PaperTable(title, columns, _term_order(models), term_labels=term_labels(tr), note=tr(STAR_NOTE),
                      notes=model_notes(models, tr, True, bootstrap_of(result)), name="models")


def effects_table(result, tr=english) -> PaperTable:
    table = result.effects
    p = table.p
    titles = kind_labels(tr)
    columns = [PaperColumn(titles[kind], {v: (table.estimate[i, j], table.se[i, j], p[i, j])
                                          for i, v in enumerate(table.variables)})
               for j, kind in enumerate(KINDS)]
    title = tr("Direct, indirect (spillover) and total effects: {model}").format(model=result.main.model)
    notes = [tr("Effects (LeSage and Pace): {method}.").format(method=tr(table.method))]
    return PaperTable(title, columns, list(table.variables), note=tr(STAR_NOTE), notes=notes, name="effects")


def _tests_rows(tests, tr=english):
    return [(tr(test.name), tr(test.hypothesis), number(test.statistic), test.df, p_value(test.p) + stars(test.p))
            for test in tests]


def _tests_header(tr=english):
    return [tr("Test"), tr("Null hypothesis"), tr("Statistic"), tr("df"), tr("p-value")]


def write_spillover_report(result, path, title: str, description: list | None = None, tr=english) -> str:
    """The HTML report of ``run_spillover``'s result."""
    main = result.main
    report = HtmlReport(title)
    report.heading(tr("Model"))
    lines = [
        tr("Model: {model}; dependent variable: {dependent}.").format(model=tr(MODEL_LABELS[main.model]),
                                                                     dependent=main.dependent),
        tr("Panel effects: {effects}; {units} units × {years} year(s) = {obs} observations.").format(
            effects=tr(EFFECT_LABELS[main.effects]), units=main.n_units, years=main.n_periods, obs=main.n_obs),
        tr("Log-determinants and traces: {method}.").format(method=tr(result.spectrum.description)),
        tr("Standard errors: {kind}.").format(kind=tr(main.se_kind)),
    ]
    if result.years:
        lines.append(tr("Years: {first}–{last}.").format(first=result.years[0], last=result.years[-1]))
    if main.bias_corrected:
        lines.append(tr("Fixed-effects estimates corrected for the incidental-parameter bias (Lee and Yu 2010), "
                        "as Elhorst's Matlab routines do."))
    for line in [*(description or []), *lines]:
        report.paragraph(line)
    add_to_report(report, models_table(result, tr))
    if main.intervals is not None:
        report.table([tr("Term"), tr("Estimate"), tr("Bootstrap SE"), "2.5 %", "97.5 %"],
                     [(term_labels(tr).get(row.term, row.term), row.estimate, row.se, row.ci_low, row.ci_high)
                      for row in main.table().itertuples()], text_columns=1)
        report.paragraph(tr("{model}: wild cluster bootstrap by city, percentile 95 % intervals.").format(
            model=main.model), note=True)
    report.heading(tr("Effects"))
    add_to_report(report, effects_table(result, tr))
    report.paragraph(tr("Inference: {method}.").format(method=tr(result.effects.method)), note=True)
    if result.effects.replaced:
        report.paragraph(tr("{count} draws with ρ outside its admissible range were replaced.").format(
            count=result.effects.replaced), note=True)
    if result.lm or result.tests:
        report.heading(tr("Specification tests"))
        report.table(_tests_header(tr), _tests_rows(result.lm + result.tests, tr), text_columns=2)
        report.paragraph(tr("LM tests on OLS with the same panel effects; LR tests compare maximised "
                            "log-likelihoods; Wald tests use the chosen model's covariance."), note=True)
    return _write(report, result.notes, path, tr)


def _write(report, notes, path, tr) -> str:
    """The report's notes section (when there are notes), written to ``path``."""
    if notes:
        report.heading(tr("Notes"))
        for note in notes:
            report.paragraph(tr(note))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return report.write(path)


def coefficients_frame(models: dict) -> pd.DataFrame:
    frames = []
    for label, model in models.items():
        frame = model.table()
        frame.insert(0, "model", label)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def statistics_frame(models: dict) -> pd.DataFrame:
    rows = []
    for label, model in models.items():
        rows.append({"model": label, "effects": model.effects, "observations": model.n_obs, "units": model.n_units,
                     "years": model.n_periods, "loglik": model.loglik, "aic": model.aic, "bic": model.bic,
                     "r2": model.r2, "r2_within": model.r2_within, "sigma2": model.sigma2,
                     "bias_corrected": model.bias_corrected, "standard_errors": model.se_type})
    return pd.DataFrame(rows)


def tests_frame(tests) -> pd.DataFrame:
    return pd.DataFrame([{"test": t.name, "statistic": t.statistic, "df": t.df, "p": t.p,
                          "null_hypothesis": t.hypothesis} for t in tests])


def write_spillover_csv(result, folder, tr=english) -> list[str]:
    """CSV tables: coefficients, statistics, effects, tests and the paper layouts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "coefficients.csv": coefficients_frame(result.models),
        "model_statistics.csv": statistics_frame(result.models),
        "effects.csv": result.effects.frame(),
        "tests.csv": tests_frame(result.lm + result.tests),
        "table_models.csv": models_table(result, tr).frame(),
        "table_effects.csv": effects_table(result, tr).frame(),
    }
    written = []
    for name, frame in files.items():
        path = folder / name
        frame.to_csv(path, index=False, encoding="utf-8-sig")  # a BOM so Excel reads UTF-8
        written.append(str(path))
    return written


# ------------------------------------------------------------- heterogeneity
def _key_effect_cells(effects, key, tr):
    """The key variable's effects, or (interaction model by period) those of each of its interaction terms."""
    if effects is None:
        return {}
    p = effects.p
    kinds = kind_labels(tr)
    return {tr("{kind} effect of {key}").format(kind=kinds[kind], key=variable):
            (effects.estimate[i, j], effects.se[i, j], p[i, j])
            for i, variable in enumerate(effects.variables) if variable == key or variable.startswith(key + " × ")
            for j, kind in enumerate(KINDS)}


def heterogeneity_table(result, tr=english, weights=None) -> PaperTable:
    """The groups side by side (``weights``: the ``SpatialWeights`` named in the footer)."""
    columns = [model_column(result.pooled, tr("All"), tr, _key_effect_cells(result.pooled_effects, result.key, tr),
                            weights)]
    for group in result.groups:
        columns.append(model_column(group.model, tr(group.group.label), tr,
                                    _key_effect_cells(group.effects, result.key, tr), weights))
    models = [result.pooled] + [g.model for g in result.groups]
    terms = _term_order(models)
    terms += [t for c in columns for t in c.cells if t not in terms]
    title = tr("{model} of {dependent} by group ({effects})").format(
        model=result.spec.model, dependent=result.pooled.dependent, effects=tr(EFFECT_LABELS[result.pooled.effects]))
    spec = result.spec
    bootstrap = (spec.bootstrap_draws, spec.seed) if any(m.se_type == "bootstrap" for m in models) else None
    return PaperTable(title, columns, list(dict.fromkeys(terms)), term_labels=term_labels(tr), note=tr(STAR_NOTE),
                      notes=model_notes(models, tr, True, bootstrap), name="groups")


def comparisons_frame(result) -> pd.DataFrame:
    return pd.DataFrame([{"quantity": c.quantity, "group_a": c.first, "group_b": c.second, "a": c.a, "b": c.b,
                          "difference": c.difference, "ratio": c.ratio, "se": c.se, "z": c.z, "p": c.p,
                          "method": c.method} for c in result.comparisons])


def write_heterogeneity_report(result, path, title: str, description: list | None = None, tr=english,
                               weights=None) -> str:
    report = HtmlReport(title)
    report.heading(tr("Groups"))
    for line in description or []:
        report.paragraph(line)
    rows = [(tr(g.group.label), g.model.n_units, g.model.n_periods, g.model.n_obs) for g in result.groups]
    report.table([tr("Group"), tr("Units"), tr("Years"), tr("Observations")], rows)
    add_to_report(report, heterogeneity_table(result, tr, weights))
    if result.gap is not None:
        _gap_section(report, result.gap, tr)
    if result.comparisons or result.joint:
        report.heading(tr("Does the effect of {key} differ between groups?").format(key=result.key))
        header = [tr("Quantity"), tr("Group A"), tr("Group B"), tr("A"), tr("B"), tr("A − B"), tr("A / B"),
                  tr("SE of A − B"), tr("z"), tr("p-value")]
        report.table(header, [(tr(c.quantity), tr(c.first), tr(c.second), number(c.a), number(c.b),
                               number(c.difference), number(c.ratio, 3), number(c.se), number(c.z, 2),
                               p_value(c.p) + stars(c.p))
                              for c in result.comparisons], text_columns=3)
        if result.comparisons:
            report.paragraph(tr("Test: {method}.").format(method=_test_methods(result.comparisons, tr)), note=True)
        if result.joint:
            report.table(_tests_header(tr), _tests_rows(result.joint, tr), text_columns=2)
    return _write(report, result.notes, path, tr)


def _test_methods(comparisons, tr=english) -> str:
    """The comparisons' test, or (the interaction model: coefficients by Wald, effects by simulation) each
    test with the quantities it compares."""
    methods = {}
    for c in comparisons:
        quantities = methods.setdefault(c.method, [])
        if c.quantity not in quantities:
            quantities.append(c.quantity)
    if len(methods) == 1:
        return tr(comparisons[0].method)
    return "; ".join(tr("{quantities}: {method}").format(quantities=", ".join(tr(q) for q in quantities),
                                                         method=tr(method)) for method, quantities in methods.items())


def gap_chart_text(gap, tr=english) -> dict:
    """The texts of the gap-over-time chart (``core.charts.elasticity_gap``)."""
    return {"title": tr("The effect of {key} by group and year").format(key=gap.key), "year": tr("Year"),
            "coefficient": tr("Coefficient of {key}").format(key=gap.key), "gap": tr("Gap"),
            "by_group": tr("Each group's coefficient (95 % interval)"),
            "against": tr("Gap against {reference}"), "trend": tr("Linear trend"),
            "interval": tr("95 % interval"), "groups": {str(g): tr(g) for g in gap.groups}}


def _gap_section(report, gap, tr) -> None:
    """The gap over time: the chart, the yearly coefficients and gaps, the trend and constancy tests."""
    from ..charts import charts_available

    report.heading(tr("The gap over time"))
    report.paragraph(tr("One model with {key} interacted with every group and year. The gap of a group is its "
                        "coefficient minus that of the reference group, {reference}, in the same year; its trend is "
                        "the least-squares slope of the gap on the year, tested with the coefficients' joint "
                        "covariance.").format(key=gap.key, reference=tr(gap.reference)))
    if charts_available():
        from ..charts.elasticity_gap import elasticity_gap_chart
        from ..charts.embed import embed_chart

        embed_chart(report, elasticity_gap_chart(gap, text=gap_chart_text(gap, tr)),
                    tr("The effect of {key} by group and year").format(key=gap.key), width=900)
    header = [tr("Year")] + [tr(g) for g in gap.groups]
    header += [tr("{group} − {reference}").format(group=tr(p.group), reference=tr(p.reference)) for p in gap.paths]
    rows = []
    for t, year in enumerate(gap.years):
        row = [str(year)]
        row += [f"{number(gap.coefficient[g, t])} ({number(gap.se[g, t])})" for g in range(len(gap.groups))]
        row += [f"{number(p.gap[t])} [{number(p.lower[t])}, {number(p.upper[t])}]" for p in gap.paths]
        rows.append(row)
    report.table(header, rows)
    report.paragraph(tr("Coefficients with standard errors in parentheses; gaps with their 95 % intervals in "
                        "brackets. Standard errors: {se}.").format(se=tr(gap.model.se_kind)), note=True)
    test_header = [tr("Group"), tr("Trend of the gap per year"), tr("SE"), tr("z"), tr("p-value"),
                   tr("Change {first}–{last}").format(first=gap.years[0], last=gap.years[-1]), tr("SE"),
                   tr("p-value"), tr("Same gap every year: χ²"), tr("df"), tr("p-value")]
    report.table(test_header, [
        (tr(p.group), number(p.trend), number(p.trend_se), number(p.trend_z, 2), p_value(p.trend_p) + stars(p.trend_p),
         number(p.change), number(p.change_se), p_value(p.change_p) + stars(p.change_p),
         number(p.constant.statistic, 2), str(p.constant.df), p_value(p.constant.p) + stars(p.constant.p))
        for p in gap.paths], text_columns=1)
    report.paragraph(tr("If the cities' own effects differ within a group (e.g. by openness), a yearly coefficient "
                        "also reflects which of its cities grow the most that year, and a city's errors are "
                        "correlated over the years: prefer standard errors clustered by city (least squares) or the "
                        "wild cluster bootstrap by city (advanced option “Standard errors”) for these intervals and "
                        "tests."), note=True)


def write_gap_csv(result, path) -> str:
    """The gap over time, one row per group and year (``GapAnalysis.frame``), at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    result.gap.frame().to_csv(path, index=False, encoding="utf-8-sig")
    return str(path)


def write_heterogeneity_csv(result, path, tr=english) -> list[str]:
    """The side-by-side table (paper layout) at ``path``, the comparisons and the long
    coefficient table beside it (``<stem>_tests.csv``, ``<stem>_coefficients.csv``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    heterogeneity_table(result, tr).frame().to_csv(path, index=False, encoding="utf-8-sig")
    tests = path.with_name(path.stem + "_tests.csv")
    comparisons_frame(result).to_csv(tests, index=False, encoding="utf-8-sig")
    models = {tr("All"): result.pooled, **{tr(g.group.label): g.model for g in result.groups}}
    coefficients = path.with_name(path.stem + "_coefficients.csv")
    coefficients_frame(models).to_csv(coefficients, index=False, encoding="utf-8-sig")
    written = [str(path), str(tests), str(coefficients)]
    if result.gap is not None:
        written.append(write_gap_csv(result, path.with_name(path.stem + "_gap.csv")))
    return written



# ------------------------------------------------------------- paper tables
def spillover_tables(result, tr=english) -> list:
    """The tables of ``run_spillover``'s result for ``core.regression.export.write_tables``."""
    return [models_table(result, tr), effects_table(result, tr)]
