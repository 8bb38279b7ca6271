"""The HTML reports of global spatial autocorrelation and local Moran's I
(``resilience:globalautocorrelation``, ``resilience:localmoran``): the run's chart embedded, the
key numbers and the result table (``core.html_report``, ``core.charts.embed``).

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates these
templates and the core's Messages (statistic and inference names) in the context ``core``; plain
Python callers get English (as in ``core/econometrics/report.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import english


def report_figure(build, tr=english, warn=None):
    """``build()`` (a chart for the report) when matplotlib is installed, else None, and
    ``warn(text)`` hears why."""
    from ..charts import optional_chart

    return optional_chart(build, warn, tr("matplotlib is not installed in QGIS's Python: the report has no chart."))


def _write(report, path) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return report.write(path)


def _year(value) -> str:
    """A year cell ("" for none: None, NaN or pandas' NA)."""
    import pandas as pd

    return "" if pd.isna(value) else str(int(value))


# ------------------------------------------------------------------ global
def write_global_report(path, table, figure, layer: str, moran: tuple | None, tr=english) -> str:
    """The report of a global autocorrelation ``table`` (one row per field, year, statistic and
    inference); ``moran`` = (field, year, I, p, inference) of the headline Moran's I, if any."""
    from ..charts.embed import embed_chart
    from ..html_report import HtmlReport

    report = HtmlReport(tr("Global spatial autocorrelation: {layer}").format(layer=layer))
    fields = list(dict.fromkeys(table["column"]))
    alternatives = {"two-sided": tr("two-sided"), "greater": tr("greater than expected (one-sided)"),
                    "less": tr("less than expected (one-sided)")}
    report.paragraph(tr("{count} field(s): {fields}. Alternative hypothesis: {alternative}.").format(
        count=len(fields), fields=", ".join(map(str, fields)), alternative=alternatives[table["alternative"].iloc[0]]))
    if moran is not None:
        column, year, value, p, inference = moran
        report.paragraph(tr("Moran's I of {field}{year}: {value} (p = {p}, {inference}).").format(
            field=column, year=f" ({year})" if _year(year) else "", value=f"{value:.4f}", p=f"{p:.4g}",
            inference=tr(inference)))
    if figure is not None:
        report.heading(tr("Over the years"))
        embed_chart(report, figure, tr("Chart of the global statistic over the years"), width=800)
    report.heading(tr("Results"))
    header = [tr("Field"), tr("Year"), tr("Statistic"), tr("Inference"), tr("Value"), tr("Expected value"),
              tr("z"), tr("p-value"), tr("Units"), tr("Permutations")]
    rows = [[row.column, _year(row.year), tr(row.statistic), tr(row.inference), float(row.value),
             float(row.expected), float(row.z), float(row.p_value), int(row.units), int(row.perms)]
            for row in table.itertuples()]
    report.table(header, rows, text_columns=4)
    report.paragraph(tr("z = (value − expected) / standard deviation. Geary's C below 1 (negative z) means "
                        "positive autocorrelation. Permutation p-values are (M + 1) / (P + 1)."), note=True)
    return _write(report, path)


# ------------------------------------------------------------------ local Moran
CLUSTERS = ("High-High", "Low-Low", "Low-High", "High-Low", "Not significant", "No neighbours", "No data")


def cluster_labels(tr=english) -> dict:
    """{English label: label in the user's language} of :data:`CLUSTERS`."""
    return {"High-High": tr("High-High"), "Low-Low": tr("Low-Low"), "Low-High": tr("Low-High"),
            "High-Low": tr("High-Low"), "Not significant": tr("Not significant"),
            "No neighbours": tr("No neighbours"), "No data": tr("No data")}


def cluster_counts(local_run) -> dict:
    """{English label: number of units} of a LISA run (every row of the run)."""
    labels = local_run.columns["LISA_LAB"]
    return {label: int((labels == label).sum()) for label in CLUSTERS}


def write_local_moran_report(path, analysis, figure, layer: str, alpha: float, correction: str,
                             permutations: int, tr=english) -> str:
    """The report of a local Moran ``analysis``: Moran's I and the cluster counts of every run,
    the Moran scatter plot."""
    from ..charts.embed import embed_chart
    from ..html_report import HtmlReport

    report = HtmlReport(tr("Local Moran's I (LISA): {layer}").format(layer=layer))
    last = analysis.runs[-1]
    counts = cluster_counts(last)
    report.paragraph(tr("{run}: Moran's I = {value}; High-High {hh}, Low-Low {ll}, Low-High {lh}, "
                        "High-Low {hl} cities.").format(
        run=last.run.title, value=f"{last.global_statistic:.4f}", hh=counts["High-High"], ll=counts["Low-Low"],
        lh=counts["Low-High"], hl=counts["High-Low"]))
    inference = (tr("conditional permutation ({count} permutations)").format(count=permutations) if permutations
                 else tr("normal approximation"))
    control = {"none": tr("none"), "fdr": tr("false discovery rate (Benjamini–Hochberg)"),
               "bonferroni": tr("Bonferroni")}[correction]
    report.paragraph(tr("A city is in a cluster when its p-value is at most {alpha}; inference: {inference}; "
                        "multiple-testing control: {control}.").format(alpha=alpha, inference=inference,
                                                                        control=control), note=True)
    if figure is not None:
        report.heading(tr("Moran scatter plot"))
        embed_chart(report, figure, tr("Moran scatter plot"), width=800)
    report.heading(tr("Clusters"))
    labels = cluster_labels(tr)
    header = [tr("Variable"), tr("Moran's I"), *[labels[label] for label in CLUSTERS]]
    rows = []
    for local in analysis.runs:
        found = cluster_counts(local)
        rows.append([local.run.title, float(local.global_statistic), *[found[label] for label in CLUSTERS]])
    report.table(header, rows)
    return _write(report, path)
