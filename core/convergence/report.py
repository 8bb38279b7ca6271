"""The tables, charts and HTML report of a convergence run (``resilience:convergence``).

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates these
templates in the context ``core`` (``tr("Total", "convergence")``: a word that reads differently
here than elsewhere in the core, in a context of its own, written as a literal for the extractor);
plain Python callers get English. The regression
tables are paper-style (``core.regression.table``).
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
    estimate_with_se,
    footer_rows,
    number,
    p_text,
    p_value,
    se_label,
    significance_note,
    stars,
    yes_no,
)
from ..weights.kinds import describe_weights
from .beta import CONSTANT, INITIAL, LAGGED
from .speed import speed_of_convergence


def measure_labels(tr=english) -> dict:
    return {
        "cv": tr("Coefficient of variation"),
        "sd_log": tr("Standard deviation of logs"),
        "theil": tr("Theil index"),
        "gini": tr("Gini coefficient"),
    }


def model_title(model, tr=english) -> str:
    design = tr("Cross-section") if model.design == "cross-section" else tr("Panel")
    kind = tr("conditional", "convergence") if model.conditional else tr("absolute", "convergence")
    return tr("{design} {estimator}, {kind}").format(design=design, estimator=model.estimator, kind=kind)


def variable_labels(result, tr=english) -> dict:
    start = result.years[0]
    labels = {
        INITIAL: tr("ln {variable} {year} (initial level, β)").format(variable=result.variable, year=start),
        LAGGED: tr("ln {variable}, previous year (β)").format(variable=result.variable),
        f"W {INITIAL}": tr("W × ln {variable} {year} (neighbours' initial level)").format(
            variable=result.variable, year=start),
        CONSTANT: tr("Constant"),
        "rho": tr("ρ (spatial lag of growth)"),
        "lambda": tr("λ (spatial error)"),
    }
    for name in result.controls:
        labels[f"W {name}"] = tr("W × {control}").format(control=name)
        labels[f"{name} (t-1)"] = tr("{control}, previous year").format(control=name)
    return labels


# ------------------------------------------------------------------ tables (layers, CSV)
def sigma_table(result, tr=english):
    """(table, field aliases, title) of σ-convergence by year."""
    table = result.sigma.rename(columns={
        "theil_between": "theil_btw", "theil_within": "theil_wth", "theil_between_share": "theil_bsh",
        "gini_within": "gini_wth", "gini_between": "gini_nb", "gini_transvariation": "gini_tv",
    })
    labels = measure_labels(tr)
    aliases = {
        "year": tr("Year"), "n": tr("Units"), "mean": tr("Mean of {variable}").format(variable=result.variable),
        **labels,
        "theil_btw": tr("Theil index, between groups"), "theil_wth": tr("Theil index, within groups"),
        "theil_bsh": tr("Share of the Theil index between groups"),
        "gini_wth": tr("Gini (Dagum): within groups"), "gini_nb": tr("Gini (Dagum): net between groups"),
        "gini_tv": tr("Gini (Dagum): transvariation"),
    }
    return table, aliases, tr("σ-convergence of {variable}").format(variable=result.variable)


def group_table(result, tr=english):
    """(table, field aliases, title) of σ-convergence by group and year; Nones without groups."""
    if result.sigma_groups is None:
        return None, None, None
    table = result.sigma_groups.rename(columns={"theil_share": "theil_sh", "theil_contribution": "theil_ct"})
    aliases = {
        "year": tr("Year"), "group": tr("Group", "convergence"), "n": tr("Units"), "mean": tr("Mean"),
        **measure_labels(tr),
        "theil_sh": tr("Group's share of the total (Theil weight)"),
        "theil_ct": tr("Contribution to the within-group Theil index"),
    }
    return table, aliases, tr("σ-convergence of {variable} by group").format(variable=result.variable)


def beta_table(result, tr=english):
    """(table, field aliases, title): one row per β-convergence model."""
    import pandas as pd

    rows = []
    for model in result.models:
        beta, se, p = model.beta
        spatial = model.spatial or {}
        effects = model.impacts or {}
        effects_se = model.impacts_se or {}
        rows.append({
            "model": model_title(model, tr), "design": model.design, "estimator": model.estimator,
            "cond": int(model.conditional), "effects": model.effects, "beta": beta, "beta_se": se,
            "beta_p": p, "speed": model.speed.speed, "speed_se": model.speed.speed_se,
            "half_life": model.speed.half_life, "hl_se": model.speed.half_life_se, "n_obs": model.n,
            "r2": model.r2, "loglik": model.loglik, "aic": model.aic,
            "sp_param": spatial.get("name", ""), "sp_value": spatial.get("value", math.nan),
            "sp_se": spatial.get("se", math.nan), "sp_p": spatial.get("p", math.nan),
            "direct": effects.get("direct", math.nan), "indirect": effects.get("indirect", math.nan),
            "total": effects.get("total", math.nan), "direct_se": effects_se.get("direct", math.nan),
            "indir_se": effects_se.get("indirect", math.nan), "total_se": effects_se.get("total", math.nan),
        })
    aliases = {
        "model": tr("Model"), "design": tr("Cross-section or panel"), "estimator": tr("Estimator"),
        "cond": tr("Conditional (with controls)"), "effects": tr("Fixed effects"),
        "beta": tr("β (coefficient of the log level)"), "beta_se": tr("Standard error of β"),
        "beta_p": tr("p-value of β"), "speed": tr("Speed of convergence λ (per year)"),
        "speed_se": tr("Standard error of λ"), "half_life": tr("Half-life (years)"),
        "hl_se": tr("Standard error of the half-life"), "n_obs": tr("Observations"),
        "r2": tr("R² (within R² with fixed effects, pseudo R² for ML)"), "loglik": tr("Log-likelihood"),
        "aic": tr("AIC"), "sp_param": tr("Spatial parameter"), "sp_value": tr("Spatial parameter value"),
        "sp_se": tr("Standard error of the spatial parameter"), "sp_p": tr("p-value of the spatial parameter"),
        "direct": tr("Direct effect of the initial level"), "indirect": tr("Indirect (spillover) effect"),
        "total": tr("Total effect"), "direct_se": tr("Standard error of the direct effect (simulated)"),
        "indir_se": tr("Standard error of the indirect effect (simulated)"),
        "total_se": tr("Standard error of the total effect (simulated)"),
    }
    return pd.DataFrame(rows), aliases, tr("β-convergence of {variable}").format(variable=result.variable)


def coefficient_table(result, tr=english):
    """(table, field aliases, title): every coefficient of every β-convergence model."""
    import pandas as pd

    rows = []
    for model in result.models:
        for name, coef, se, stat, p in zip(model.names, model.coef, model.se, model.stat, model.p):
            rows.append({"model": model_title(model, tr), "variable": name, "coef": coef, "se": se,
                         "stat": stat, "p": p, "stars": stars(p)})
    aliases = {"model": tr("Model"), "variable": tr("Variable"), "coef": tr("Coefficient"),
               "se": tr("Standard error"), "stat": tr("t or z statistic"), "p": tr("p-value"),
               "stars": tr("Significance (*** 1 %, ** 5 %, * 10 %)")}
    return pd.DataFrame(rows), aliases, tr("β-convergence coefficients of {variable}").format(
        variable=result.variable)


# ------------------------------------------------------------------ charts
def chart_text(result, tr=english) -> dict:
    """The texts of the σ chart (``core.charts.sigma_convergence``)."""
    return {
        **measure_labels(tr),
        "title": tr("σ-convergence of {variable}").format(variable=result.variable),
        "overall": tr("All units"), "by_group": tr("Coefficient of variation by group"),
        "theil_parts": tr("Theil index: between and within groups"), "between": tr("Between groups"),
        "within": tr("Within groups"), "year": tr("Year"), "value": tr("Dispersion"), "all": tr("All units"),
    }


def report_figures(result, tr=english) -> dict:
    """{"sigma": the σ chart, "scatter": growth against the initial level} (needs matplotlib)."""
    from ..charts.beta_convergence import beta_convergence_chart
    from ..charts.sigma_convergence import sigma_report_chart

    absolute = result.model("cs_ols_abs")
    units = result.unit_table
    return {
        "sigma": sigma_report_chart(result.sigma, result.sigma_groups, text=chart_text(result, tr)),
        "scatter": beta_convergence_chart(
            units["ln_start"], units["growth"], (absolute.get("constant")[0], absolute.beta[0]),
            units["group"] if "group" in units else None,
            title=tr("β-convergence: growth against the initial level"),
            xlabel=tr("ln {variable} in {year}").format(variable=result.variable, year=result.years[0]),
            ylabel=tr("Average annual growth {start}–{end} (%)").format(start=result.years[0],
                                                                          end=result.years[-1]),
            line_label=tr("OLS fit (β = {beta:.4f})").format(beta=absolute.beta[0])),
    }


def write_report(result, report_path, chart_path, layer: str, tr=english, weights=None, warn=None) -> dict:
    """Write the σ chart (PNG) and the HTML report where asked; returns {'REPORT', 'CHART'} (None
    for what was not written). ``warn(text)`` hears that matplotlib is missing (no charts)."""
    from ..charts import optional_chart
    from ..charts.base import save_chart

    written = {"REPORT": None, "CHART": None}
    if not report_path and not chart_path:
        return written
    figures = optional_chart(lambda: report_figures(result, tr), warn,
                             tr("matplotlib is not installed in QGIS's Python: the report has no charts.")) or {}
    if chart_path and figures:
        written["CHART"] = save_chart(figures["sigma"], chart_path)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        written["REPORT"] = build_report(result, layer, figures, tr, weights).write(report_path)
    return written


# ------------------------------------------------------------------ paper tables
def r2_kind(model) -> str:
    """Which R² a model reports: pseudo (ML), within (fixed effects) or plain."""
    if model.estimator != "OLS":
        return "pseudo"
    return "within" if model.effects != "none" else "r2"


def footer(model, tr=english, units: int | None = None, weights=None) -> dict:
    """Speed and half-life, then the footer every regression table carries, then the controls."""
    rows = {
        tr("Speed λ (per year)"): estimate_with_se(model.speed.speed, model.speed.speed_se),
        tr("Half-life (years)"): estimate_with_se(model.speed.half_life, model.speed.half_life_se, 2),
    }
    if model.impacts:
        total = speed_of_convergence(model.impacts["total"], float("nan"), model.speed.tau)
        rows[tr("Speed λ from the total effect (per year)")] = number(total.speed) or "–"
        rows[tr("Half-life from the total effect (years)")] = number(total.half_life, 2) or "–"
    panel = model.design == "panel"
    years = model.n // units if panel and units and model.n % units == 0 else None
    spatial = model.estimator != "OLS"
    rows.update(footer_rows(
        tr, n_obs=int(model.n), units=units if years else None, years=years,
        unit_fe=model.effects in ("unit", "twoway") if panel else None,
        year_fe=model.effects == "twoway" if panel else None,
        loglik=model.loglik, aic=model.aic, r2=model.r2, r2_kind=r2_kind(model),
        weights=tr(describe_weights(weights)) if spatial and weights is not None else None,
        se=se_label(model.se_type, tr)))
    rows[tr("Controls")] = yes_no(model.conditional, tr)
    return rows


def beta_tables(result, tr=english, weights=None) -> list:
    """The β-convergence regressions as paper tables (cross-section, panel), for the report and
    for ``core.regression.export``; ``weights`` (the ``SpatialWeights`` of the spatial models)
    is named in their footer."""
    start, end = result.years[0], result.years[-1]
    labels_by_name = variable_labels(result, tr)
    variables = list(labels_by_name)
    cross = [m for m in result.models if m.design == "cross-section"]
    panel = [m for m in result.models if m.design == "panel"]
    tables = []
    for models, title, name in (
            (cross, tr("Cross-section: average annual log growth {start}–{end}").format(start=start, end=end),
             "cross_section"),
            (panel, tr("Panel: annual log growth"), "panel")):
        if not models:
            continue
        names = list(dict.fromkeys([*variables[:2], *[n for m in models for n in m.names]]))
        names = [n for n in names if not str(n).startswith("year ")]
        columns = [PaperColumn.from_estimates(model_title(m, tr), m.names, m.coef, m.se, m.p,
                                              footer(m, tr, len(result.units), weights))
                   for m in models]
        note = significance_note(tr("Standard errors ({kinds})").format(
            kinds="; ".join(dict.fromkeys(se_label(m.se_type, tr) for m in models))), tr)
        kinds = {r2_kind(m) for m in models}
        notes = convention_notes(tr, r2_kinds=kinds, information_matrix=any(m.estimator != "OLS" for m in models))
        notes.append(tr("Speed of convergence λ = −ln(1 + β·τ)/τ from the coefficient β of the initial level; "
                        "half-life = ln 2 / λ."))
        if any(m.impacts for m in models):
            notes.append(tr("Spatial lag and Durbin models: the coefficient of the initial level is not its effect; "
                            "the speed and half-life “from the total effect” use the LeSage–Pace total effect "
                            "(direct + spillover) in place of β, the quantity that compares with OLS's β."))
        tables.append(PaperTable(title, columns, names, note=note, term_labels=labels_by_name, notes=notes,
                                 name=name))
    return tables


# ------------------------------------------------------------------ report
def _pct(value: float) -> str:
    return f"{value * 100:.2f} %" if math.isfinite(value) else "–"


def build_report(result, layer: str, figures: dict, tr=english, weights=None):
    """The HTML report (``core.html_report.HtmlReport``): the panel, σ-convergence (by group when
    there are groups), β-convergence and the spatial models' effects."""
    from ..html_report import HtmlReport

    start, end = result.years[0], result.years[-1]
    report = HtmlReport(tr("Convergence of {variable}, {start}–{end}: {layer}").format(
        variable=result.variable, start=start, end=end, layer=layer))
    report.paragraph(tr("{units} units, {years} years ({start}–{end}), balanced panel.").format(
        units=len(result.units), years=len(result.years), start=start, end=end))
    if result.dropped:
        report.paragraph(tr("{count} unit(s) with missing years were left out: {units}.").format(
            count=len(result.dropped), units=", ".join(map(str, result.dropped))), note=True)
    _sigma_section(report, result, figures, tr)
    if result.sigma_groups is not None:
        _groups_section(report, result, tr)
    _beta_section(report, result, figures, tr, weights)
    _spatial_section(report, result, tr)
    return report


def _sigma_section(report, result, figures, tr) -> None:
    """σ-convergence: the coefficient of variation's change and trend, the chart, every measure
    by year and the trend of each."""
    from ..charts.embed import embed_chart

    start, end = result.years[0], result.years[-1]
    labels = measure_labels(tr)
    report.heading(tr("σ-convergence: dispersion across units, year by year"))
    trends = result.trends.set_index("measure")
    cv = trends.loc["cv"]
    direction = tr("fell") if cv["last"] < cv["first"] else tr("rose")
    sentence = tr("The coefficient of variation {direction} from {first} ({start}) to {last} ({end}), "
                  "{change} in all.").format(direction=direction, first=number(cv["first"], 3), start=start,
                                             last=number(cv["last"], 3), end=end, change=_pct(cv["change"]))
    if math.isfinite(cv["slope"]):
        sentence += " " + tr("Linear trend: {slope} per year ({p}).").format(
            slope=number(cv["slope"], 4), p=p_text(cv["p"]))
    report.paragraph(sentence)
    if "sigma" in figures:
        embed_chart(report, figures["sigma"], tr("σ-convergence chart"), width=900)
    header = [tr("Year"), tr("Mean"), labels["cv"], labels["sd_log"], labels["theil"], labels["gini"]]
    rows = [[int(r.year), r.mean, r.cv, r.sd_log, r.theil, r.gini] for r in result.sigma.itertuples()]
    report.table(header, rows)
    report.paragraph(tr("Standard deviations divide by n − 1 unless chosen otherwise; Theil index "
                        "T = (1/n) Σ (y/ȳ) ln(y/ȳ); Gini G = Σ Σ |yᵢ − yⱼ| / (2n²ȳ)."), note=True)
    report.heading(tr("Trend of each measure over the years"))
    report.table([tr("Measure"), tr("First year"), tr("Last year"), tr("Change"), tr("Slope per year"),
                  tr("Standard error"), tr("p-value")],
                 [[labels[m], r["first"], r["last"], _pct(r["change"]), number(r["slope"]), number(r["se"]),
                   p_value(r["p"])]
                  for m, r in trends.iterrows()])


def _groups_section(report, result, tr) -> None:
    """The Theil and Gini (Dagum) decompositions, the coefficient of variation by group and each
    group's average growth."""
    start, end = result.years[0], result.years[-1]
    total = tr("Total", "convergence")
    report.heading(tr("Theil index: between and within groups"))
    report.table([tr("Year"), total, tr("Between groups"), tr("Within groups"), tr("Between share")],
                 [[int(r.year), r.theil, r.theil_between, r.theil_within, _pct(r.theil_between_share)]
                  for r in result.sigma.itertuples()])
    report.heading(tr("Gini coefficient: Dagum decomposition"))
    report.table([tr("Year"), total, tr("Within groups"), tr("Net between groups"), tr("Transvariation")],
                 [[int(r.year), r.gini, r.gini_within, r.gini_between, r.gini_transvariation]
                  for r in result.sigma.itertuples()])
    report.paragraph(tr("Dagum (1997): G = G_w + G_nb + G_t. Transvariation measures the overlap "
                        "of the groups' distributions."), note=True)
    report.heading(tr("Coefficient of variation by group"))
    pivot = result.sigma_groups.pivot(index="year", columns="group", values="cv")
    groups = list(dict.fromkeys(result.sigma_groups["group"]))
    report.table([tr("Year"), *groups], [[int(y), *pivot.loc[y, groups].tolist()] for y in pivot.index])
    means = result.unit_table.groupby("group", sort=False)["growth"].mean()
    report.table([tr("Group", "convergence"), tr("Average annual growth {start}–{end}").format(start=start, end=end)],
                 [[g, _pct(means[g])] for g in groups])


def _beta_section(report, result, figures, tr, weights) -> None:
    """β-convergence: the verdict on absolute convergence, the scatter, the paper tables and the
    notes on how to read them (and on regressions that were skipped)."""
    from ..charts.embed import embed_chart

    report.heading(tr("β-convergence: do units that start lower grow faster?"))
    absolute = result.model("cs_ols_abs")
    beta, _, p = absolute.beta
    if absolute.speed.converges and p < 0.1:
        text = tr("Yes: β = {beta} ({p}); the gap to the common steady state closes at {speed} a year, "
                  "half of it in {half} years.").format(beta=number(beta, 4), p=p_text(p),
                                                         speed=_pct(absolute.speed.speed),
                                                         half=number(absolute.speed.half_life, 1))
    else:
        text = tr("No significant absolute β-convergence: β = {beta} ({p}).").format(beta=number(beta, 4),
                                                                                    p=p_text(p))
    report.paragraph(text)
    if "scatter" in figures:
        embed_chart(report, figures["scatter"], tr("β-convergence scatter"), width=620)
    for table in beta_tables(result, tr, weights):
        add_to_report(report, table)
    if any(m.design == "panel" for m in result.models):
        report.paragraph(tr("Panel fixed-effects β is biased towards faster convergence in short panels "
                            "(Nickell 1981): read its speed as an upper bound."), note=True)
    report.paragraph(tr("Speed of convergence λ = −ln(1 + β·τ)/τ with τ the years over which growth is "
                        "averaged (the whole period in the cross-section, 1 for annual panel growth); "
                        "half-life = ln 2 / λ; standard errors by the delta method."), note=True)
    designs = {"panel": tr("panel"), "cross-section": tr("cross-section")}
    for design, error in result.skipped:
        report.paragraph(tr("The {design} β regression was skipped: {reason}").format(
            design=designs.get(design, design), reason=tr(error)), note=True)


def _spatial_section(report, result, tr) -> None:
    """The LeSage–Pace effects of the initial level in the spatial models (none: nothing)."""
    spatial = [m for m in result.models if m.impacts]
    if not spatial:
        return
    report.heading(tr("Spatial models: effects of the initial level (LeSage and Pace)"))
    report.table([tr("Model"), tr("Direct"), tr("Indirect (spillover)"), tr("Total", "convergence")],
                 [[model_title(m, tr), *(effect_cell(m, kind) for kind in ("direct", "indirect", "total"))]
                  for m in spatial])
    report.paragraph(significance_note(tr("Standard errors of the effects"), tr), note=True)
    report.paragraph(tr("Inference on the effects: {method}.").format(method=tr(spatial[0].impacts_method)),
                     note=True)
    report.paragraph(tr("A negative indirect effect means that neighbours with a high initial level "
                        "slow a unit's growth (convergence spills over)."), note=True)


def effect_cell(model, kind: str) -> str:
    """'−0.0221*** (0.0032)': an effect of the initial level with its stars and simulated standard error."""
    value, se, p = model.impacts[kind], (model.impacts_se or {}).get(kind), (model.impacts_p or {}).get(kind)
    text = number(value) or "–"
    if se is None or not math.isfinite(se):
        return text
    return f"{text}{stars(p)} ({number(se)})"
