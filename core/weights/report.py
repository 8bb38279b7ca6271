"""The words and the HTML report of a set of spatial weights (``resilience:spatialweights``):
how they were built (thresholds, bandwidths, fields, islands attached) and their summary, with
the histogram of neighbour counts.

Every label goes through ``tr``: the Processing layer passes ``core_text``, which translates these
templates and the summary's labels (``WeightsSummary.as_rows``, listed in ``scripts/i18n.py``'s
``DYNAMIC``) in the context ``core`` (the "Value" column of the summary in the context ``summary``:
the core's "Value" is a statistic's); plain Python callers get English.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import Message, english
from .chart import histogram_svg


def summary_rows(summary, tr=english) -> list[tuple[str, str]]:
    """The summary's (label, value) rows in the user's language."""
    return [(tr(label), tr(value) if isinstance(value, Message) else value) for label, value in summary.as_rows()]


def details(weights, tr=english) -> list[tuple[str, str]]:
    """How the weights were built, in words: thresholds, bandwidths, fields, islands attached."""
    params = weights.params
    unit = params.get("distance_unit", "km")
    rows = []
    if params.get("threshold") is not None:
        how = tr("automatic: the smallest that gives every unit a neighbour") if params.get(
            "automatic_threshold") else tr("chosen")
        rows.append((tr("Distance threshold"), f"{params['threshold']:.6g} {unit} ({how})"))
    if params.get("cutoff"):
        rows.append((tr("Cut-off distance"), f"{params['cutoff']:.6g} {unit}"))
    if params.get("bandwidth") is not None:
        how = tr("automatic: the largest distance to a k-th nearest neighbour") if params.get(
            "automatic_bandwidth") else tr("chosen")
        rows.append((tr("Kernel bandwidth"), f"{params['bandwidth']:.6g} {unit} ({how})"))
    if params.get("min_bandwidth") is not None:
        rows.append((tr("Adaptive bandwidths (min / max)"),
                     f"{params['min_bandwidth']:.6g} / {params['max_bandwidth']:.6g} {unit}"))
    if params.get("order", 1) > 1:
        rows.append((tr("Contiguity order"), f"{params['order']}" + (
            tr(" (with lower orders)") if params.get("cumulative") else "")))
    if params.get("function"):
        rows.append((tr("Kernel function"), params["function"]))
    if params.get("power") is not None:
        rows.append((tr("Power α of distance"), f"{params['power']:g}"))
    if params.get("nesting") == "nested":
        rows.append((tr("Economic-geographic form"),
                     tr("nested φ·W_d + (1 − φ)·W_e, φ = {share}").format(share=f"{params['share']:g}")))
    elif params.get("nesting") == "product":
        rows.append((tr("Economic-geographic form"), tr("product W_d · diag(x̄_j / x̄)")))
    if params.get("fields"):
        rows.append((tr("Economic variable (mean of)"), ", ".join(params["fields"])))
    if params.get("field") and params.get("blocks"):
        rows.append((tr("Blocks"), tr("{count} values of {field}").format(
            count=params["blocks"], field=params["field"])))
    if params.get("attached_islands"):
        rows.append((tr("Islands attached to their nearest unit"), ", ".join(map(str, params["attached_islands"]))))
    return rows


def write_report(path, summary, weights, layer: str, tr=english) -> str:
    """The HTML report: the summary and how the weights were built, the histogram of neighbour
    counts (SVG) and its table, the units without neighbours."""
    from ..html_report import HtmlReport

    report = HtmlReport(tr("Spatial weights: {layer}").format(layer=layer))
    report.heading(tr("Summary"))
    report.table([tr("Property"), tr("Value", "summary")], summary_rows(summary, tr) + details(weights, tr))
    report.heading(tr("Neighbour counts"))
    with tempfile.TemporaryDirectory() as folder:
        chart = Path(folder) / "histogram.svg"
        chart.write_text(histogram_svg(summary.histogram, tr("Number of neighbours"), tr("Units")), encoding="utf-8")
        report.image(chart, tr("Histogram of neighbour counts"))
    report.table([tr("Neighbours"), tr("Units")], sorted(summary.histogram.items()), text_columns=0)
    if summary.islands:
        report.heading(tr("Units without neighbours"))
        report.paragraph(", ".join(map(str, summary.islands)))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return report.write(path)
