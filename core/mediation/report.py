"""The tables, chart and HTML report of a mediation run (``resilience:mediation``).

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates these
templates in the context ``core``; plain Python callers get English (as in
``core/econometrics/report.py``). The regressions are paper-style (``core.regression.table``).
"""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import english
from ..regression.table import (
    PaperColumn,
    PaperTable,
    add_to_report,
    convention_notes,
    footer_rows,
    number,
    p_value,
    se_label,
    significance_note,
    stars,
)


def model_label(model: str, tr=english) -> str:
    return {
        "cross_section": tr("Cross-section (one year)"),
        "pooled": tr("Pooled OLS with year effects"),
        "unit": tr("Panel with unit fixed effects"),
        "twoway": tr("Panel with unit and year fixed effects"),
    }[model]


def verdict_label(verdict: str, tr=english) -> str:
    return {
        "complementary": tr("Partial (complementary) mediation: the indirect effect is significant and has "
                            "the sign of the direct effect"),
        "competitive": tr("Competitive mediation: the indirect effect is significant and opposes the "
                          "direct effect"),
        "indirect_only": tr("Full (indirect-only) mediation: the indirect effect is significant and the "
                            "direct effect is not"),
        "direct_only": tr("No mediation: only the direct effect is significant"),
        "no_effect": tr("No effect: neither the indirect nor the direct effect is significant"),
    }[verdict]


def verdict_text(result, tr=english) -> str:
    x, m, y = result.data.names
    return tr("{verdict}. Indirect effect of {x} on {y} through {m}: {indirect} ({share} of the total "
              "effect).").format(verdict=verdict_label(result.verdict, tr), x=x, y=y, m=m,
                                 indirect=f"{result.indirect:.4f}", share=_pct(result.proportion))


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %" if math.isfinite(value) else "–"


def step_titles(result, tr=english) -> list[str]:
    _, m, y = result.data.names
    return [tr("(1) {y}: total effect").format(y=y), tr("(2) {m}: path a").format(m=m),
            tr("(3) {y}: direct effect and path b").format(y=y)]


# ------------------------------------------------------------------ tables (layers, CSV)
def coefficient_table(result, tr=english):
    """(table, field aliases, title): every coefficient of the three regressions."""
    import pandas as pd

    rows = []
    steps = result.steps
    for step, title, fit in zip((1, 2, 3), step_titles(result, tr), (steps.total, steps.mediator, steps.outcome)):
        for name, coef, se, stat, p in zip(fit.names, fit.coef, fit.se, fit.stat, fit.p):
            rows.append({"step": step, "equation": title, "variable": name, "coef": coef, "se": se,
                         "t": stat, "p": p, "stars": stars(p), "n_obs": fit.n, "r2": fit.r2})
    aliases = {"step": tr("Step"), "equation": tr("Equation"), "variable": tr("Variable"),
               "coef": tr("Coefficient"), "se": tr("Standard error"), "t": tr("t statistic"),
               "p": tr("p-value"), "stars": tr("Significance (*** 1 %, ** 5 %, * 10 %)"),
               "n_obs": tr("Observations"), "r2": tr("R² (within R² with fixed effects)")}
    return pd.DataFrame(rows), aliases, tr("Mediation regressions")


def effects_table(result, tr=english):
    """(table, field aliases, title): total, direct and indirect effects, paths and share mediated."""
    import pandas as pd

    nan = float("nan")
    steps = result.steps
    intervals = result.intervals or {}

    def bounds(name):
        if name not in intervals:
            return {"pct_low": nan, "pct_high": nan, "bc_low": nan, "bc_high": nan, "boot_se": nan}
        item = intervals[name]
        return {"pct_low": item["percentile"].low, "pct_high": item["percentile"].high,
                "bc_low": item["bc"].low, "bc_high": item["bc"].high, "boot_se": item["se"]}

    def row(effect, label, estimate, se, stat, p, interval=None):
        return {"effect": effect, "label": label, "estimate": estimate, "se": se, "stat": stat, "p": p,
                **bounds(interval)}

    c, c_se, c_p = steps.c
    cp, cp_se, cp_p = steps.c_prime
    a, a_se, a_p = steps.a
    b, b_se, b_p = steps.b
    rows = [
        row("total", tr("Total effect c"), c, c_se, c / c_se, c_p, "total"),
        row("direct", tr("Direct effect c′"), cp, cp_se, cp / cp_se, cp_p, "direct"),
        row("indirect", tr("Indirect effect a·b (Sobel)"), result.indirect, result.sobel.se, result.sobel.z,
            result.sobel.p, "indirect"),
        row("aroian", tr("Indirect effect a·b (Aroian)"), result.indirect, result.aroian.se, result.aroian.z,
            result.aroian.p),
        row("path_a", tr("Path a (X → M)"), a, a_se, a / a_se, a_p),
        row("path_b", tr("Path b (M → Y given X)"), b, b_se, b / b_se, b_p),
        row("proportion", tr("Share mediated a·b / c"), result.proportion, nan, nan, nan),
    ]
    aliases = {"effect": tr("Effect"), "label": tr("Description"), "estimate": tr("Estimate"),
               "se": tr("Standard error"), "stat": tr("t or z statistic"), "p": tr("p-value"),
               "pct_low": tr("Percentile bootstrap interval, lower"),
               "pct_high": tr("Percentile bootstrap interval, upper"),
               "bc_low": tr("Bias-corrected bootstrap interval, lower"),
               "bc_high": tr("Bias-corrected bootstrap interval, upper"),
               "boot_se": tr("Bootstrap standard error")}
    return pd.DataFrame(rows), aliases, tr("Mediation effects")


# ------------------------------------------------------------------ chart
def bootstrap_figure(result, tr=english):
    """The bootstrap distribution of the indirect effect with both intervals (a run with a
    bootstrap; needs matplotlib)."""
    from ..charts.bootstrap import bootstrap_chart

    level = f"{result.settings.confidence * 100:g} %"
    indirect = result.intervals["indirect"]
    return bootstrap_chart(
        result.bootstrap.indirect, result.indirect,
        (indirect["percentile"].low, indirect["percentile"].high), (indirect["bc"].low, indirect["bc"].high),
        title=tr("Bootstrap distribution of the indirect effect ({draws} draws)").format(
            draws=len(result.bootstrap.indirect)),
        xlabel=tr("Indirect effect a·b"), ylabel=tr("Draws"), estimate_label=tr("Estimate"),
        percentile_label=tr("Percentile {level} interval").format(level=level),
        bc_label=tr("Bias-corrected {level} interval").format(level=level))


def write_report(result, report_path, chart_path, layer: str, tr=english, warn=None) -> dict:
    """Write the bootstrap chart (PNG) and the HTML report where asked; returns {'REPORT', 'CHART'}
    (None for what was not written). ``warn(text)`` hears that matplotlib is missing (no chart)."""
    from ..charts import optional_chart
    from ..charts.base import save_chart

    written = {"REPORT": None, "CHART": None}
    if not report_path and not chart_path:
        return written
    figure = None if result.bootstrap is None else optional_chart(
        lambda: bootstrap_figure(result, tr), warn,
        tr("matplotlib is not installed in QGIS's Python: the report has no chart."))
    if chart_path and figure is not None:
        written["CHART"] = save_chart(figure, chart_path)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        written["REPORT"] = build_report(result, layer, figure, tr).write(report_path)
    return written


# ------------------------------------------------------------------ paper table
def paper_tables(result, tr=english) -> list:
    """The three regressions side by side (Baron and Kenny), for the report and for
    ``core.regression.export``."""
    data, steps = result.data, result.steps
    x, m, _ = data.names
    panel = data.model != "cross_section"
    has_unit = data.model in ("unit", "twoway")
    has_year = data.model in ("pooled", "twoway")
    se_type = steps.outcome.se_type
    kind = "within" if has_unit else "r2"
    years = len(data.years) if panel else None

    def foot(fit):
        return footer_rows(tr, n_obs=int(fit.n), units=data.units if panel else None, years=years,
                           unit_fe=has_unit if panel else None, year_fe=has_year if panel else None,
                           loglik=fit.loglik, aic=fit.aic, r2=fit.r2, r2_kind=kind, se=se_label(se_type, tr))

    columns = [PaperColumn.from_estimates(title, fit.names, fit.coef, fit.se, fit.p, foot(fit))
               for title, fit in zip(step_titles(result, tr), (steps.total, steps.mediator, steps.outcome))]
    variables = [x, m, *[n for n in steps.outcome.names if n not in (x, m) and not str(n).startswith("year ")]]
    notes = convention_notes(tr, r2_kinds=(kind,))
    return [PaperTable(tr("Stepwise regressions (Baron and Kenny)"), columns, variables,
                       note=significance_note(se_label(se_type, tr), tr), term_labels={"constant": tr("Constant")},
                       notes=notes, name="regressions")]


# ------------------------------------------------------------------ report
def build_report(result, layer: str, figure, tr=english):
    """The HTML report (``core.html_report.HtmlReport``): the design and verdict, the three
    regressions, the effects with their intervals and the tests of the indirect effect."""
    from ..html_report import HtmlReport

    data = result.data
    x, m, y = data.names
    report = HtmlReport(tr("Mediation: {x} → {m} → {y} ({layer})").format(x=x, m=m, y=y, layer=layer))
    years = data.years
    period = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    report.paragraph(tr("{model}; {n} observations of {units} units, {period}.").format(
        model=model_label(data.model, tr), n=data.n, units=data.units, period=period))
    if result.dropped:
        report.paragraph(tr("{count} unit(s) with missing years were left out: {units}.").format(
            count=len(result.dropped), units=", ".join(map(str, result.dropped))), note=True)
    report.heading(tr("Verdict"))
    report.paragraph(verdict_text(result, tr))
    for table in paper_tables(result, tr):
        add_to_report(report, table)
    _effects_section(report, result, tr)
    _tests_section(report, result, figure, tr)
    return report


def _interval_text(intervals: dict, name: str, kind: str) -> str:
    """"[low, high]" of the ``kind`` ("percentile", "bc") bootstrap interval of effect ``name``."""
    if name not in intervals:
        return "–"
    item = intervals[name][kind]
    if not (math.isfinite(item.low) and math.isfinite(item.high)):
        return "–"
    return f"[{number(item.low)}, {number(item.high)}]"


def _effects_section(report, result, tr) -> None:
    """Total, direct and indirect effects with their bootstrap intervals, the share mediated and
    how the bootstrap was drawn."""
    steps = result.steps
    report.heading(tr("Effects"))
    level = f"{result.settings.confidence * 100:g} %"
    intervals = result.intervals or {}
    rows = []
    for name, label, (estimate, se, p) in (
        ("total", tr("Total effect c"), steps.c),
        ("direct", tr("Direct effect c′"), steps.c_prime),
        ("indirect", tr("Indirect effect a·b"), (result.indirect, result.sobel.se, result.sobel.p)),
    ):
        rows.append([label, number(estimate), number(se), p_value(p), _interval_text(intervals, name, "percentile"),
                     _interval_text(intervals, name, "bc")])
    report.table([tr("Effect"), tr("Estimate"), tr("Standard error"), tr("p-value"),
                  tr("Percentile {level} interval").format(level=level),
                  tr("Bias-corrected {level} interval").format(level=level)], rows)
    report.paragraph(tr("Share of the total effect mediated (a·b / c): {share}. The standard error and "
                        "p-value of a·b are the Sobel test's.").format(share=_pct(result.proportion)), note=True)
    if result.bootstrap is not None:
        report.paragraph(tr("Cluster bootstrap: {draws} draws resampling whole units (seed {seed}); "
                            "bootstrap standard error of a·b {se}.").format(
            draws=result.bootstrap.draws, seed=result.bootstrap.seed, se=number(intervals["indirect"]["se"])),
            note=True)
    else:
        report.paragraph(tr("No bootstrap was run (0 draws): the verdict rests on the Sobel test."), note=True)


def _tests_section(report, result, figure, tr) -> None:
    """The Sobel and Aroian tests, the bootstrap chart and how the three steps fit together."""
    from ..charts.embed import embed_chart

    x, m, y = result.data.names
    report.heading(tr("Tests of the indirect effect"))
    report.table([tr("Test"), tr("Standard error"), tr("z"), tr("p-value")],
                 [[tr("Sobel (1982)"), number(result.sobel.se), number(result.sobel.z, 3), p_value(result.sobel.p)],
                  [tr("Aroian (1947)"), number(result.aroian.se), number(result.aroian.z, 3),
                   p_value(result.aroian.p)]])
    if figure is not None:
        embed_chart(report, figure, tr("Bootstrap distribution of the indirect effect"), width=640)
    report.paragraph(tr("Steps: (1) {y} on {x} gives the total effect c; (2) {m} on {x} gives path a; "
                        "(3) {y} on {x} and {m} gives the direct effect c′ and path b. By least squares "
                        "c = c′ + a·b exactly. The bootstrap does not assume a·b is normal, which the "
                        "Sobel test does.").format(x=x, m=m, y=y), note=True)
