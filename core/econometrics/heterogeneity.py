"""The entry point of ``resilience:heterogeneity``: one model by group, side by side, and
tests that the key variable's coefficient (and effects) differ between groups.

Groupings:

* ``period``: years before ``split_year`` against ``split_year`` and after (default 2016, the
  G20 Hangzhou summit in the study);
* ``category``: a unit-level field (e.g. region: east, central, west, northeast);
* ``quantile``: the top and bottom shares (default 30 %) of a unit-level value (e.g. a
  city's mean openness over the years); the middle is left out of the separate models.

Methods:

* ``separate`` (default): the model on each group's subsample (for unit groups the
  weights are restricted to the group, or rebuilt within it by the caller), side by side.
  The difference between groups g and h is tested with
  ``z = (b_g − b_h)/√(se_g² + se_h²)`` (Clogg, Petkova and Haritou 1995), which treats the
  two estimates as independent (exact for disjoint unit groups, an approximation for
  periods of the same units); with more than two groups also Cochran's Q test of equality,
  ``Q = Σ (b_g − b̄)²/se_g²`` with b̄ the precision-weighted mean, χ²(G − 1).
* ``interaction``: one model on the whole sample with the full W, the key variable (and its
  W-lag in Durbin models) interacted with each group's dummy; the equality of the group
  coefficients is tested by Wald tests with their joint covariance.
* ``yearly``: the gap over time (unit groupings): the key variable interacted with every group
  and year, each group's gap against a reference group year by year, its trend and tests
  (``elasticity_gap``).
"""
# ruff: noqa: N806 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError, Message, preview
from ..names import labelled
from ..progress import report
from .bootstrap import bootstrap_effects
from .data import PanelData
from .design import DURBIN_MODELS, ML_MODELS, lag_name
from .diagnostics import Test
from .effects import KINDS, EffectsTable, compute_effects
from .elasticity_gap import GapAnalysis, durbin_terms, gap_analysis, model_note, yearly_columns
from .group_effects import group_effects
from .options import GROUPINGS
from .options import HETEROGENEITY_METHODS as METHODS
from .results import ModelResult, two_sided_p
from .spillover import (
    SpilloverSpec,
    align_weights,
    check_standard_errors,
    fit_with_standard_errors,
    spectrum_for,
    without_islands,
)

MIN_UNITS = 10


#: The quantities of the key variable that groups are compared in (translated by the caller).
COEFFICIENT = Message("coefficient")
W_COEFFICIENT = Message("W·coefficient")
EFFECT_QUANTITIES = {"direct": Message("direct effect"), "indirect": Message("indirect effect"),
                     "total": Message("total effect")}
#: The units between the top and bottom shares (the interaction model keeps them as a group).
MIDDLE = Message("middle")


@dataclass
class Grouping:
    """How to group. ``values``: one value per unit (in the data's unit order) for
    ``category`` and ``quantile``."""

    kind: str = "period"
    split_year: int = 2016
    values: np.ndarray | None = None
    top: float = 0.30
    bottom: float = 0.30
    field: str = ""

    def __post_init__(self):
        if self.kind not in GROUPINGS:
            raise InputError("Unknown grouping “{kind}”; use one of {kinds}.", kind=self.kind,
                             kinds=", ".join(GROUPINGS))
        if self.kind == "quantile" and not (0 < self.top < 1 and 0 < self.bottom < 1
                                            and self.top + self.bottom <= 1.0 + 1e-12):
            raise InputError("The top and bottom shares must be between 0 and 100 % and add up to at most 100 % "
                             "(e.g. 30 and 30).")


@dataclass
class Group:
    label: str
    units: np.ndarray | None = None  # unit positions (None: all)
    years: list | None = None  # years (None: all)


@dataclass
class GroupResult:
    group: Group
    model: ModelResult
    effects: EffectsTable | None
    notes: list = field(default_factory=list)


@dataclass
class Comparison:
    """A difference between two groups in one quantity of the key variable."""

    quantity: str
    first: str
    second: str
    a: float
    b: float
    se: float
    method: str

    @property
    def difference(self) -> float:
        return self.a - self.b

    @property
    def ratio(self) -> float:
        return self.a / self.b if self.b != 0 else float("nan")

    @property
    def z(self) -> float:
        return self.difference / self.se if self.se > 0 else float("nan")

    @property
    def p(self) -> float:
        return float(two_sided_p(self.z))


@dataclass
class HeterogeneityResult:
    key: str
    grouping: Grouping
    method: str
    spec: SpilloverSpec
    pooled: ModelResult
    pooled_effects: EffectsTable | None
    groups: list[GroupResult]
    comparisons: list[Comparison]
    joint: list[Test]
    unit_groups: np.ndarray  # label of each unit (None when the grouping is by period)
    data: PanelData
    notes: list = field(default_factory=list)
    gap: GapAnalysis | None = None  # method "yearly"


# ------------------------------------------------------------------ groups
def make_groups(data: PanelData, grouping: Grouping, method: str) -> tuple[list[Group], np.ndarray]:
    """The groups, and each unit's group label (empty strings for period groupings)."""
    labels = np.array([""] * data.n, dtype=object)
    if grouping.kind == "period":
        if not data.is_panel:
            raise InputError("Grouping by period needs a panel (several years); this is a cross-section.")
        before = [y for y in data.years if y < grouping.split_year]
        after = [y for y in data.years if y >= grouping.split_year]
        if not before or not after:
            raise InputError("The split year {year} leaves no year on one side (the panel covers {first}–{last}); "
                             "choose a year inside the panel.", year=grouping.split_year,
                             first=data.years[0], last=data.years[-1])
        return [Group(Message("before {year}", year=grouping.split_year), years=before),
                Group(Message("{year} and after", year=grouping.split_year), years=after)], labels
    values = np.asarray(grouping.values)
    if values is None or len(values) != data.n:
        raise InputError("The grouping field must give one value per unit.")
    if grouping.kind == "category":
        missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
                            for v in values])
        if missing.any():
            raise InputError("The group field {field} is empty for {count} unit(s): {units}; fill it.",
                             field=grouping.field, count=int(missing.sum()), units=preview(data.unit_ids[missing]))
        text = np.array([str(v) for v in values], dtype=object)
        categories = sorted(set(text))
        if len(categories) < 2:
            raise InputError("The group field {field} has a single value ({value}); it needs at least two groups.",
                             field=grouping.field, value=categories[0])
        return [Group(c, units=np.flatnonzero(text == c)) for c in categories], text
    numbers = np.asarray(values, dtype=np.float64)
    if np.isnan(numbers).any():
        raise InputError("The field {field} is empty for {count} unit(s): {units}; fill it or balance the panel.",
                         field=grouping.field, count=int(np.isnan(numbers).sum()),
                         units=preview(data.unit_ids[np.isnan(numbers)]))
    high = np.quantile(numbers, 1.0 - grouping.top)
    low = np.quantile(numbers, grouping.bottom)
    top_label = Message("top {share} %", share=f"{grouping.top * 100:g}")
    bottom_label = Message("bottom {share} %", share=f"{grouping.bottom * 100:g}")
    top = np.flatnonzero(numbers >= high)
    bottom = np.flatnonzero(numbers <= low)
    if np.intersect1d(top, bottom).size:
        raise InputError("The top and bottom groups of {field} overlap (too many equal values); use smaller shares.",
                         field=grouping.field)
    labels[:] = [MIDDLE] * len(labels)
    labels[top], labels[bottom] = top_label, bottom_label
    groups = [Group(top_label, units=top), Group(bottom_label, units=bottom)]
    if method in ("interaction", "yearly"):  # one model on every unit: the middle is a group of its own
        middle = np.flatnonzero(labels == MIDDLE)
        if middle.size:
            groups.append(Group(MIDDLE, units=middle))
    return groups, labels


def _check_size(group: Group, data: PanelData, p: int, spec: SpilloverSpec, periods: bool = True) -> None:
    """Enough units for a group (MIN_UNITS, and p + 2 for a separate model with p coefficients) and, for a
    separate model of a period with unit effects (``periods``), at least two years."""
    units = data.n if group.units is None else len(group.units)
    years = data.T if group.years is None else len(group.years)
    minimum = max(MIN_UNITS, p + 2)
    if units < minimum:
        raise InputError(
            "The group “{label}” has only {count} unit(s); at least {minimum} are needed for this model. Merge it "
            "with another group, use larger shares, or choose another grouping.",
            label=group.label, count=units, minimum=minimum)
    if periods and data.is_panel and years < 2 and spec.effects in ("unit", "twoway", "random", "random_time"):
        raise InputError(
            "The period “{label}” has a single year; unit fixed or random effects need at least two. Move the "
            "split year or choose time effects only.", label=group.label)


# ------------------------------------------------------------------ running
def run_heterogeneity(data: PanelData, weights, spec: SpilloverSpec, grouping: Grouping, key: str | None = None,
                      method: str = "separate", weights_for=None, progress=None,
                      reference: str | None = None) -> HeterogeneityResult:
    """Estimate ``spec.model`` by group; see the module docstring.

    ``weights_for(unit_positions)`` gives the weights of a unit group (positions in
    ``data``'s unit order); default: ``weights`` restricted to the group. ``reference``: the group
    the others are compared with by the ``yearly`` method (default: the first group).
    """
    if method not in METHODS:
        raise InputError("Unknown method “{method}”; use one of {methods}.", method=method, methods=", ".join(METHODS))
    if method == "yearly" and grouping.kind == "period":
        raise InputError("The gap over time compares groups of cities year by year: choose a category field (e.g. "
                         "region) or top and bottom shares as the grouping, not the period.")
    key = _key_variable(data, key)
    effects = spec.effects if data.is_panel else "none"
    check_standard_errors(spec, effects)
    weights = align_weights(weights, data.unit_ids)
    groups, unit_labels = make_groups(data, grouping, method)
    notes = list(data.notes)
    data, weights, unit_labels, weights_for = _leave_out_islands(data, weights, spec, groups, unit_labels,
                                                                 weights_for, notes)
    if method in ("interaction", "yearly"):  # a group's interaction coefficient rests on its units alone
        for group in groups:
            _check_size(group, data, 0, spec, periods=False)
    spectrum, pooled, pooled_effects = _fit_pooled(data, weights, spec, effects, notes)
    report(progress, 0.15)
    if method == "yearly":
        results, gap = _yearly(data, spectrum, spec, effects, groups, key, reference, notes)
        report(progress, 1.0)
        return HeterogeneityResult(key, grouping, method, spec, pooled, pooled_effects, results, [], [],
                                   unit_labels, data, notes, gap)
    if method == "interaction":
        results, comparisons, joint = _interaction(data, spectrum, spec, effects, groups, key, notes)
        report(progress, 1.0)
        return HeterogeneityResult(key, grouping, method, spec, pooled, pooled_effects, results, comparisons, joint,
                                   unit_labels, data, notes)
    group_results = []
    for i, group in enumerate(groups):
        result = _fit_group(group, data, weights, weights_for, spec, effects, len(pooled.coefficients))
        group_results.append(result)
        notes.extend(result.notes)
        report(progress, 0.15 + 0.85 * (i + 1) / len(groups))
    comparisons, joint = _separate_tests(group_results, key)
    return HeterogeneityResult(key, grouping, method, spec, pooled, pooled_effects, group_results, comparisons,
                               joint, unit_labels, data, notes)


def _key_variable(data: PanelData, key: str | None) -> str:
    """The key variable (default: the first explanatory variable), checked."""
    key = key or (data.names[0] if data.names else None)
    if key not in data.names:
        raise InputError("The key variable {key} is not an explanatory variable; choose one of {names}.",
                         key=key, names=preview(data.names))
    return key


def _leave_out_islands(data: PanelData, weights, spec: SpilloverSpec, groups: list[Group], unit_labels,
                       weights_for, notes: list):
    """``without_islands`` on the whole sample, with the unit groups, labels and ``weights_for`` kept in
    step: returns (data, weights, unit_labels, weights_for); the notes say what was left out."""
    data_all, weights_all, dropped = without_islands(data, weights, spec.drop_islands, spec.model in ML_MODELS,
                                                     spec.labels)
    notes.extend(dropped)
    if data_all.n != data.n:
        kept = np.flatnonzero(np.isin(data.unit_ids, data_all.unit_ids))
        remap = {old: new for new, old in enumerate(kept)}
        unit_labels = unit_labels[kept]
        for group in groups:
            if group.units is not None:
                group.units = np.array([remap[u] for u in group.units if u in remap], dtype=int)
        if weights_for is not None:
            original = weights_for
            weights_for = lambda positions: original(kept[positions])  # noqa: E731
    return data_all, weights_all, unit_labels, weights_for


def _fit_pooled(data: PanelData, weights, spec: SpilloverSpec, effects: str, notes: list):
    """The model on every unit: (spectrum, fitted model, its effects)."""
    spectrum = spectrum_for(weights, seed=spec.seed)
    pooled, pooled_effects = _fit(data, spectrum, spec, effects, spec.durbin, notes)
    if not pooled_effects.inferred:
        notes.append(Message("No inference on the direct, indirect and total effects (simulation draws = {draws}): "
                             "they have no standard errors (and, with separate models, their differences between "
                             "groups are not tested). Set at least 2 draws (e.g. 1000) in the advanced options.",
                             draws=spec.draws))
    return spectrum, pooled, pooled_effects


def _fit(data: PanelData, spectrum, spec: SpilloverSpec, effects: str, durbin, notes: list, with_effects=True):
    """(model, effects table or None) with the spec's standard errors (``fit_with_standard_errors``); the
    effects of a bootstrapped model from its refits."""
    robust = fit_with_standard_errors(data, spectrum, spec, effects, durbin)
    notes.extend(robust.warnings)
    if not with_effects:
        return robust.model, None
    if robust.boot is not None:
        return robust.model, bootstrap_effects(robust.model, robust.boot, spectrum)
    return robust.model, compute_effects(robust.model, spectrum, spec.draws, spec.seed)


def _fit_group(group: Group, data: PanelData, weights, weights_for, spec: SpilloverSpec, effects: str,
               p: int) -> GroupResult:
    """The separate model of one group (its units and/or years, the weights among its units)."""
    _check_size(group, data, p, spec)
    sub = data if group.units is None else data.subset_units(group.units)
    if group.years is not None:
        sub = sub.subset_years(group.years)
    if group.units is None:
        sub_weights = weights
    elif weights_for is not None:
        sub_weights = align_weights(weights_for(group.units), sub.unit_ids)
    else:
        sub_weights = weights.subset(group.units)
    if len(sub_weights.islands) and spec.model in ML_MODELS and not spec.drop_islands:
        islands = sub_weights.ids[sub_weights.islands]
        raise InputError(
            "Within the group “{label}”, {count} unit(s) have no neighbour among the group's units: {units}. "
            "Weights restricted to a group of scattered cities leave islands. Use k-nearest neighbours "
            "(rebuilt within each group), the interaction method, or turn on “Leave out units without "
            "neighbours”.", label=group.label, count=len(islands), units=preview(labelled(islands, spec.labels)))
    sub, sub_weights, dropped = without_islands(sub, sub_weights, spec.drop_islands,
                                                spec.model in ML_MODELS, spec.labels)
    group_notes = [Message("{group}: {note}", group=group.label, note=note) for note in dropped]
    if dropped:
        _check_size(Group(group.label, units=np.arange(sub.n), years=sub.years), sub, p, spec)
    sub_spectrum = spectrum_for(sub_weights, seed=spec.seed)
    model, table = _fit(sub, sub_spectrum, spec, effects, spec.durbin, group_notes)
    return GroupResult(group, model, table, group_notes)


def _quantities(result: GroupResult, key: str) -> dict:
    """(estimate, se) of the key variable's coefficient, W-lag and effects in one group.

    Effects without inference (fewer than 2 simulation draws: no standard errors) are left out, so that
    no difference test with an undefined z and p is reported for them (the run's notes say why)."""
    found = {COEFFICIENT: result.model.coefficient(key)}
    if lag_name(key) in result.model.names:
        found[W_COEFFICIENT] = result.model.coefficient(lag_name(key))
    if result.effects is not None and result.effects.inferred and key in result.effects.variables:
        for kind in KINDS:
            found[EFFECT_QUANTITIES[kind]] = result.effects.value(key, kind)
    return found


def _separate_tests(groups: list[GroupResult], key: str):
    comparisons, joint = [], []
    quantities = [_quantities(g, key) for g in groups]
    names = [name for name in quantities[0] if all(name in q for q in quantities)]
    for name in names:
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                a, se_a = quantities[i][name]
                b, se_b = quantities[j][name]
                comparisons.append(Comparison(name, groups[i].group.label, groups[j].group.label, a, b,
                                              float(np.hypot(se_a, se_b)),
                                              Message("z test, independent estimates")))
        if len(groups) > 2:
            estimates = np.array([q[name][0] for q in quantities])
            weights = 1.0 / np.array([q[name][1] for q in quantities]) ** 2
            mean = float(np.sum(weights * estimates) / np.sum(weights))
            q_stat = float(np.sum(weights * (estimates - mean) ** 2))
            joint.append(Test.chi2(Message("Cochran's Q: {quantity} of {key} equal in all groups", quantity=name,
                                           key=key), q_stat, len(groups) - 1, Message("the groups share one value")))
    return comparisons, joint


def _yearly(data: PanelData, spectrum, spec: SpilloverSpec, effects: str, groups: list[Group], key: str,
            reference, notes: list):
    """One model with the key variable interacted with every group and year; the gaps against the reference."""
    if not data.is_panel:
        raise InputError("The gap over time needs a panel (several years); this is a cross-section.")
    interacted, names = yearly_columns(data, groups, key)
    durbin = durbin_terms(interacted.names, names, key, spec.durbin)
    model = _fit(interacted, spectrum, spec, effects, durbin, notes, with_effects=False)[0]
    notes.append(model_note(spec.model))
    gap = gap_analysis(model, groups, reference, key, list(data.years))
    return [GroupResult(Group(Message("all units (group × year interactions)")), model, None)], gap


def _interaction(data: PanelData, spectrum, spec: SpilloverSpec, effects: str, groups: list[Group], key: str,
                 notes: list):
    """One model with the key variable interacted with each group's dummy."""
    n, T = data.n, data.T
    dummies = []
    for group in groups:
        mask = np.zeros((T, n), dtype=bool)
        if group.units is not None:
            mask[:, group.units] = True
        else:
            rows = [data.years.index(y) for y in group.years]
            mask[rows, :] = True
        dummies.append(mask.reshape(-1))
    covered = np.any(dummies, axis=0)
    if not covered.all():
        raise InputError("The groups do not cover every observation; the interaction model needs them to.")
    position = data.names.index(key)
    key_values = data.X[:, position]
    columns = [key_values * d for d in dummies]
    names = [f"{key} × {group.label}" for group in groups]
    others = [j for j in range(len(data.names)) if j != position]
    X = np.column_stack(columns + [data.X[:, j] for j in others])
    interacted = data.with_columns(X, names + [data.names[j] for j in others])
    durbin = None
    if spec.durbin:  # the chosen W·X variables; the key's interactions follow the key
        durbin = [name for name in interacted.names
                  if name in spec.durbin or (name in names and key in spec.durbin)]
    model = _fit(interacted, spectrum, spec, effects, durbin, notes, with_effects=False)[0]
    notes.append(Message("Interaction model: the key variable is interacted with each group's dummy on the whole "
                         "sample (full W); the group coefficients and their W-lags are compared with their joint "
                         "covariance (Wald tests).") if spec.model in DURBIN_MODELS else
                 Message("Interaction model: the key variable is interacted with each group's dummy on the whole "
                         "sample (full W); the group coefficients are compared with their joint covariance (Wald "
                         "tests)."))
    if groups[0].units is None:
        # Why the period test is much sharper than the separate models' (the demo before the regional gap: SE 0.0024
        # against 0.0103; 0.0074 with one effect per city and period): the covariance is right for this model
        # (the likelihood's numerical Hessian agrees, tests/core/econometrics/test_heterogeneity.py), but the
        # model assumes more, and errors independent over a city's years: a wild bootstrap by city (Rademacher,
        # 199 draws, no Lee–Yu) gave an SD of the difference of 0.0060 against the information matrix's 0.0023.
        notes.append(Message(
            "Interaction model by period: each city keeps one fixed effect over all years and the periods share "
            "ρ, σ² and the other coefficients, so the shift in a city's {key} between the periods also identifies "
            "the period coefficients. Its standard errors are therefore smaller than those of separate models, "
            "which give each city one effect per period; if cities' levels shift between the periods for reasons "
            "outside the model, the interaction test overstates the evidence and the separate models' test is the "
            "safer one. Both assume errors independent over a city's years; errors correlated within cities make "
            "these standard errors too small.", key=key))
    table, by_group = _group_effects(model, spectrum, spec, groups, names, key, notes)
    results = [GroupResult(Group(Message("all units (interaction model)")), model, table)]
    comparisons, joint = [], []
    all_names = model.all_names()
    for prefix, quantity in (("", COEFFICIENT), ("W·", W_COEFFICIENT)):
        at = [all_names.index(prefix + name) for name in names if prefix + name in all_names]
        if len(at) < 2:
            continue
        for i in range(len(at)):
            for j in range(i + 1, len(at)):
                r = np.zeros(len(model.coefficients))
                r[at[i]], r[at[j]] = 1.0, -1.0
                comparisons.append(Comparison(quantity, groups[i].label, groups[j].label,
                                              float(model.coefficients[at[i]]), float(model.coefficients[at[j]]),
                                              float(np.sqrt(r @ model.vcov @ r)), Message("Wald, joint covariance")))
        if len(at) > 2:
            R = np.zeros((len(at) - 1, len(model.coefficients)))
            for row in range(len(at) - 1):
                R[row, at[row]], R[row, at[row + 1]] = 1.0, -1.0
            d = R @ model.coefficients
            statistic = float(d @ np.linalg.solve(R @ model.vcov @ R.T, d))
            joint.append(Test.chi2(Message("Wald: {quantity} of {key} equal in all groups", quantity=quantity, key=key),
                                   statistic, len(at) - 1, Message("the groups share one value")))
    _effect_tests(by_group, groups, key, comparisons, joint)
    return results, comparisons, joint


def _group_effects(model, spectrum, spec: SpilloverSpec, groups: list[Group], names: list, key: str, notes: list):
    """The interaction model's effects table, with each group's effects in the rows of its interaction
    term, and the groups' effects (:mod:`.group_effects`; their draws are the table's).

    By period a group's effects are that period's effects of every city (its β, θ and the common ρ); by
    unit group those of raising the key variable in the group's cities, with the group's coefficients."""
    table = compute_effects(model, spectrum, spec.draws, spec.seed)
    terms = [(name, lag_name(name) if lag_name(name) in model.names else None) for name in names]
    by_group = group_effects(model, spectrum, terms, [group.units for group in groups], spec.draws, spec.seed)
    for g, name in enumerate(names):
        i = table.variables.index(name)
        table.estimate[i], table.se[i] = by_group.estimate[g], by_group.se[g]
        table.lower[i], table.upper[i] = by_group.lower[g], by_group.upper[g]
    if groups[0].units is not None:
        notes.append(Message(
            "Effects by group (interaction model): a group's direct effect is the mean, over its cities, of the "
            "effect on a city of raising {key} in that city (feedback through the neighbours included), its total "
            "effect the mean, over its cities, of the effect on all cities of raising {key} in one of them "
            "(LeSage–Pace with the group's coefficients and the common ρ: the diagonal and column sums of the "
            "effect matrix over the group's cities), the indirect effect their difference; per year in a panel. "
            "Standard errors and the differences between groups: {method}.", key=key, method=by_group.method))
    return table, by_group


def _effect_tests(by_group, groups: list[Group], key: str, comparisons: list, joint: list) -> None:
    """Differences of the groups' direct, indirect and total effects (pairs, and a Wald test of equality
    for more than two groups) with the effects' joint covariance; none without inference, nor without a
    spatial multiplier or W-lag (the direct effect is then the coefficient, compared above)."""
    if not by_group.inferred or (by_group.rows is not None and not by_group.rows[:, 1].any()):
        return
    method = (Message("simulated, joint draws") if by_group.simulated is not None
              else Message("Wald, joint covariance"))
    for j, kind in enumerate(KINDS):
        quantity = EFFECT_QUANTITIES[kind]
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                comparisons.append(Comparison(quantity, groups[a].label, groups[b].label,
                                              float(by_group.estimate[a, j]), float(by_group.estimate[b, j]),
                                              by_group.difference_se(a, b, kind), method))
        if len(groups) > 2:
            R = np.zeros((len(groups) - 1, len(groups)))
            for row in range(len(groups) - 1):
                R[row, row], R[row, row + 1] = 1.0, -1.0
            d = R @ by_group.estimate[:, j]
            statistic = float(d @ np.linalg.solve(R @ by_group.covariance(kind) @ R.T, d))
            joint.append(Test.chi2(Message("Wald: {quantity} of {key} equal in all groups", quantity=quantity,
                                           key=key), statistic, len(groups) - 1,
                                   Message("the groups share one value")))
