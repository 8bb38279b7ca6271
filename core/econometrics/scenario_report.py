"""The HTML report and the CSV table of ``resilience:scenario``.

Every label goes through ``tr`` (the Processing layer passes ``core_text``; plain Python callers
get English), as in :mod:`.report`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import english
from ..html_report import HtmlReport
from ..regression.table import number
from .data import EFFECT_LABELS
from .design import MODEL_LABELS
from .report import _write, term_labels

#: How many cities the report lists (largest total change in absolute value first).
TOP = 15



def kind_text(policy, tr=english) -> str:
    delta = f"{policy.delta:g}"
    if policy.kind == "absolute":
        return tr("{name} raised by {delta} in the chosen cities").format(name=policy.regressor,
                                                                          delta=delta)
    if policy.kind == "percent":
        return tr("{name} raised by {delta} % of its value in the chosen cities").format(
            name=policy.regressor, delta=delta)
    return tr("{name} raised to {delta} in the chosen cities below it").format(name=policy.regressor,
                                                                              delta=delta)


def _interval(low, high) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "–"
    return f"[{number(low)}, {number(high)}]"


def write_scenario_report(result, path, title: str, description: list | None = None, tr=english) -> str:
    """The report of ``run_scenario``'s result."""
    main = result.model.main
    report = HtmlReport(title)
    report.heading(tr("Policy"))
    for line in description or []:
        report.paragraph(line)
    report.paragraph(tr("Policy: {policy}; {chosen} of {units} cities chosen, total change of {name} {dx} (baseline: "
                        "the latest year).").format(
        policy=kind_text(result.policy, tr), chosen=int(result.chosen.sum()), units=result.n,
        name=result.policy.regressor, dx=number(float(result.dx.sum()))))
    report.paragraph(tr("Model: {model} of {dependent}, {effects}; {units} units × {years} year(s).").format(
        model=tr(MODEL_LABELS[main.model]), dependent=main.dependent, effects=tr(EFFECT_LABELS[main.effects]),
        units=main.n_units, years=main.n_periods))
    rows = []
    for term in (result.policy.regressor, f"W·{result.policy.regressor}", main.spatial_name):
        if term and term in main.all_names():
            estimate, se = main.coefficient(term)
            rows.append((term_labels(tr).get(term, term), number(estimate), number(se)))
    report.table([tr("Coefficient"), tr("Estimate"), tr("Standard error")], rows)

    report.heading(tr("Predicted change of {dependent}").format(dependent=main.dependent))
    labels = {"own": tr("Own change (the cities' own investment)"),
              "received": tr("Received spillover (from other cities' investment)"),
              "total": tr("Total change")}
    rows = [(labels[key], number(total.estimate), _interval(total.low, total.high))
            for key, total in result.totals.items()]
    report.table([tr("Sum over all cities"), tr("Estimate"), tr("95 % interval")], rows)
    own = result.totals["own"].estimate
    if own and np.isfinite(own):
        report.paragraph(tr("Spatial multiplier of the policy: the total change is {ratio} times the own change; "
                            "{share} % of it is spillover.").format(
            ratio=number(result.totals["total"].estimate / own, 3),
            share=number(100.0 * result.totals["received"].estimate / result.totals["total"].estimate, 1)))
    outside = ~result.chosen
    if outside.any():
        report.paragraph(tr("Cities without the policy receive {received} in total ({count} cities).").format(
            received=number(float(result.total[outside].sum())), count=int(outside.sum())))
    report.paragraph(tr("Intervals: {method}.").format(method=tr(result.method)), note=True)

    report.heading(tr("Cities with the largest change"))
    order = np.argsort(-np.abs(result.total), kind="stable")[:TOP]  # the largest in size, gains or losses
    header = [tr("City"), tr("Chosen"), tr("Change of {name}").format(name=result.policy.regressor), tr("Own"),
              tr("Received"), tr("Total"), tr("95 % interval")]
    report.table(header, [(str(result.unit_ids[i]), tr("yes") if result.chosen[i] else tr("no"),
                           number(result.dx[i]), number(result.own[i]), number(result.received[i]),
                           number(result.total[i]), _interval(result.low[i], result.high[i])) for i in order],
                 text_columns=2)
    return _write(report, result.notes, path, tr)


def write_scenario_csv(result, path, tr=english) -> str:
    """One row per city: the policy's change and the predicted changes (UTF-8 with a BOM for Excel)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    result.frame().to_csv(path, index=False, encoding="utf-8-sig")
    return str(path)
