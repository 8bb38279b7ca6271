"""The HTML report of ``resilience:targeting`` (:func:`core.econometrics.targeting.plan`'s result).

For every objective: the choice and how sure it is, the comparison with the total-gain optimum
(the price of fairness) and the naive choices, the chosen cities and the gain of each least
resilient city. Every label goes through ``tr`` (the Processing layer passes ``core_text``).
"""

from __future__ import annotations

import numpy as np

from ..errors import english
from ..html_report import HtmlReport
from ..regression.table import number
from .data import EFFECT_LABELS
from .design import MODEL_LABELS
from .report import _write
from .scenario_report import kind_text

#: The least resilient cities listed with their gains (the lowest outcome first).
WORST_LISTED = 30


def objective_label(objective: str, tr=english) -> str:
    return {"total": tr("Total gain in the target cities"),
            "worst_off": tr("Raise the worst-off: the smallest gain among the least resilient cities"),
            "gap": tr("Close the gap: the most total gain without widening the gap between the groups")}[objective]


def comparison_labels(tr=english) -> dict:
    return {"chosen": tr("The choice"), "total_optimum": tr("Total-gain optimum"),
            "naive_policy": tr("Naive: highest current policy variable"),
            "naive_outcome": tr("Naive: least resilient cities first")}


def certainty(choice, tr=english) -> str:
    """“proven optimal” or the gap."""
    if choice.optimal:
        return tr("proven optimal")
    if choice.gap is None:
        return tr("not proven optimal ({status}; gap unknown)").format(status=choice.status)
    return tr("not proven optimal ({status}; gap {gap})").format(status=choice.status,
                                                                gap=f"{100.0 * choice.gap:.2f} %")


def write_targeting_report(result, path, title: str, description: list | None = None, tr=english) -> str:
    """The report of ``plan``'s result."""
    main = result.model.main
    dependent = main.dependent
    report = HtmlReport(title)
    report.heading(tr("Policy and objective"))
    for line in description or []:
        report.paragraph(line)
    report.paragraph(tr("Policy: {policy}. Model: {model} of {dependent}, {effects}; {units} units.").format(
        policy=kind_text(result.policy, tr), model=tr(MODEL_LABELS[main.model]), dependent=dependent,
        effects=tr(EFFECT_LABELS[main.effects]), units=len(result.unit_ids)))
    report.paragraph(tr("Objective: {objective}.").format(objective=objective_label(result.objective, tr)))
    limit = result.limit
    if limit.by_budget:
        report.paragraph(tr("Limit: a budget of {budget} (units of the cost field); {candidates} candidate "
                            "cities.").format(budget=number(limit.budget), candidates=int(result.candidates.sum())))
    else:
        report.paragraph(tr("Limit: at most {k} cities of {candidates} candidates.").format(
            k=limit.k, candidates=int(result.candidates.sum())))
    report.paragraph(tr("Gains are predicted changes of {dependent}; the total is over the {target} target cities. "
                        "The least resilient cities are the {worst} target cities with the lowest current "
                        "{dependent}.").format(dependent=dependent, target=int(result.target.sum()),
                                               worst=int(result.worst.sum())))
    if result.lagging is not None:
        report.paragraph(tr("Groups: {lagging} lagging cities (mean {dependent} {lag_mean}) and {leading} leading "
                            "cities (mean {lead_mean}): a gap of {gap}.").format(
            lagging=int(result.lagging.sum()), leading=int(result.leading.sum()), dependent=dependent,
            lag_mean=number(float(result.outcome[result.lagging].mean())),
            lead_mean=number(float(result.outcome[result.leading].mean())), gap=number(_gap(result))))

    report.heading(tr("The choice"))
    choice = result.choice
    report.paragraph(tr("{count} cities chosen by {method}: {certainty}.").format(
        count=len(choice.chosen), method=tr(choice.method), certainty=certainty(choice, tr)))
    if result.objective != "total":
        report.paragraph(tr("The total-gain optimum it is compared with: {method}, {certainty}.").format(
            method=tr(result.total_choice.method), certainty=certainty(result.total_choice, tr)))
    _comparison(report, result, tr)

    report.heading(tr("Chosen cities"))
    chosen = result.chosen.chosen
    order = chosen[np.argsort(-result.reach.gain[chosen], kind="stable")]
    rank = np.empty(len(result.unit_ids), dtype=int)
    rank[np.argsort(-np.where(result.candidates, result.reach.gain, -np.inf), kind="stable")] = np.arange(
        1, len(result.unit_ids) + 1)
    report.table([tr("City"), tr("Rank by total gain"), tr("Gain in the target cities"),
                  tr("Change of {name}").format(name=result.policy.regressor),
                  tr("Current {name}").format(name=result.policy.regressor),
                  tr("Current {name}").format(name=dependent),
                  tr("Change of {name} in the city").format(name=dependent)],
                 [(str(result.unit_ids[i]), int(rank[i]), number(result.reach.gain[i]), number(result.reach.dx[i]),
                   number(result.baseline[i]), number(result.outcome[i]), number(result.chosen.change[i]))
                  for i in order])

    report.heading(tr("Gains of the least resilient cities"))
    worst = np.flatnonzero(result.worst)
    worst = worst[np.argsort(result.outcome[worst], kind="stable")]
    labels = comparison_labels(tr)
    header = [tr("City"), tr("Current {name}").format(name=dependent)]
    header += [labels[key] for key in result.evaluations]
    report.table(header, [(str(result.unit_ids[i]), number(result.outcome[i]),
                           *(number(e.change[i]) for e in result.evaluations.values()))
                          for i in worst[:WORST_LISTED]])
    if len(worst) > WORST_LISTED:
        report.paragraph(tr("The {shown} with the lowest {name} of {count}; the layer holds every city.").format(
            shown=WORST_LISTED, name=dependent, count=len(worst)), note=True)
    return _write(report, result.notes, path, tr)


def _gap(result) -> float:
    return float(result.outcome[result.leading].mean() - result.outcome[result.lagging].mean())


def _comparison(report, result, tr) -> None:
    labels = comparison_labels(tr)
    groups = result.lagging is not None
    budget = result.limit.by_budget
    header = [tr("Choice"), tr("Cities")]
    header += [tr("Cost")] if budget else []
    header += [tr("Total gain"), tr("Smallest gain of the least resilient"), tr("Mean gain of the least resilient")]
    if groups:
        header += [tr("Mean gain, lagging group"), tr("Mean gain, leading group"), tr("Change of the gap")]
    rows = []
    for key, e in result.evaluations.items():
        row = [labels[key], len(e.chosen)] + ([number(e.cost)] if budget else [])
        row += [number(e.total), number(e.worst_min), number(e.worst_mean)]
        if groups:
            row += [number(e.lagging_mean), number(e.leading_mean), number(e.gap_change)]
        rows.append(row)
    report.table(header, rows)
    optimum = result.evaluations["total_optimum"].total
    if result.objective != "total":
        share = 100.0 * result.price_of_fairness / optimum if optimum else float("nan")
        report.paragraph(tr("Price of fairness: the choice gives up {price} of the total gain of the total-gain "
                            "optimum ({share} %).").format(price=number(result.price_of_fairness),
                                                            share=number(share, 1)))
    for key in ("naive_policy", "naive_outcome"):
        naive = result.value(key)
        report.paragraph(tr("Against “{naive}”: objective {value} instead of {naive_value}.").format(
            naive=labels[key], value=number(result.value()), naive_value=number(naive)))
    if groups:
        report.paragraph(tr("The gap changes by {change} with the choice (to {after}) and by {optimum} with the "
                            "total-gain optimum; below zero it narrows.").format(
            change=number(result.chosen.gap_change), after=number(_gap(result) + result.chosen.gap_change),
            optimum=number(result.evaluations["total_optimum"].gap_change)), note=False)
