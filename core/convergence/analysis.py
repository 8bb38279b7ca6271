"""The whole convergence analysis behind ``resilience:convergence``: one call, plain results."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..constant import is_constant
from ..econometrics.likelihood import AtBound
from ..econometrics.spillover import spectrum_for
from ..errors import InputError, Message, preview
from ..progress import report, span
from ..regression.ols import ols
from ..regression.panel_data import LongPanel, describe_units, require_balanced, select_years
from .beta import BetaModel, cross_section_ols, panel_ols
from .sigma import MEASURES, dagum_gini, measures, theil_decomposition
from .spatial import check_weights, cross_section_spatial

#: Fewest units a region group may have for dispersion by group.
MIN_GROUP_UNITS = 3


@dataclass
class ConvergenceSettings:
    start: int | None = None  # first year (None: the first in the data)
    end: int | None = None  # last year
    ddof: int = 1  # standard deviation denominator n − ddof
    timing: str = "initial"  # cross-section controls: initial-year values or period means
    effects: str = "twoway"  # panel fixed effects: none, unit, twoway
    se_type: str = "cluster"  # OLS standard errors: classical, hc1, cluster
    spatial_models: tuple = ()  # any of SAR, SEM, SDM (cross-section)
    balance: bool = False  # drop units with missing years instead of refusing


@dataclass
class ConvergenceResult:
    variable: str
    controls: list[str]
    years: list[int]
    units: np.ndarray
    groups: np.ndarray | None
    sigma: pd.DataFrame  # one row per year
    sigma_groups: pd.DataFrame | None  # one row per year and group
    trends: pd.DataFrame  # one row per measure
    unit_table: pd.DataFrame  # one row per unit: levels and growth
    models: list[BetaModel]
    dropped: list = field(default_factory=list)
    skipped: list[tuple[str, InputError]] = field(default_factory=list)  # (design, why)

    def model(self, key: str) -> BetaModel | None:
        return next((m for m in self.models if m.key == key), None)


def check_positive(values: np.ndarray, units, years, variable: str, labels=None) -> None:
    """Logs (σ of logs, Theil, growth rates) need positive values: name the units that lack them."""
    bad = ~(values > 0)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        described = [f"{name} ({', '.join(str(years[j]) for j in np.flatnonzero(bad[i]))})"
                     for name, i in zip(describe_units(np.asarray(units)[rows], labels), rows)]
        raise InputError(
            "{variable} must be positive: convergence works with logarithms and growth rates, but "
            "{count} unit(s) have zero or negative values: {units}. Use an index that is positive "
            "(e.g. min–max scaled to 0.01–1) or leave these units out.",
            variable=variable, count=len(rows), units=preview(described),
        )


def check_dispersion(values: np.ndarray, years, variable: str) -> None:
    """Each year's values vary across units (:func:`core.constant.is_constant`)."""
    for j, year in enumerate(years):
        if is_constant(values[:, j]):
            raise InputError(
                "{variable} has the same value for every unit in {year}: there is no dispersion to "
                "converge. Check the field.", variable=variable, year=year,
            )


def aligned_groups(groups, units, labels=None) -> np.ndarray:
    """The group label of each unit; empty labels and tiny groups are refused."""
    mapping = pd.Series(groups) if not isinstance(groups, pd.Series) else groups
    values = mapping.reindex(units)
    empty = values.isna() | (values.astype(str).str.strip() == "")
    if empty.any():
        raise InputError(
            "The group field is empty for {count} unit(s): {units}. Fill it or leave the group field unset.",
            count=int(empty.sum()), units=preview(describe_units(np.asarray(units)[empty.to_numpy()], labels)),
        )
    labels_array = values.astype(str).to_numpy()
    counts = pd.Series(labels_array).value_counts()
    small = counts[counts < MIN_GROUP_UNITS]
    if len(small):
        raise InputError(
            "Too few units per group: {groups}. Dispersion by group needs at least {minimum} units in "
            "each group; merge the small groups or leave the group field unset.",
            groups=preview([f"{g} ({n})" for g, n in small.items()]), minimum=MIN_GROUP_UNITS,
        )
    return labels_array


def aligned_weights(weights, units):
    """The weights among ``units``, in their order (after dropping or reordering)."""
    position = {unit: i for i, unit in enumerate(weights.ids.tolist())}
    missing = [u for u in np.asarray(units).tolist() if u not in position]
    if missing:
        raise InputError(
            "The spatial weights have no entry for {count} unit(s): {units}; build them from this layer "
            "with the same id field.", count=len(missing), units=preview(missing),
        )
    order = np.array([position[u] for u in np.asarray(units).tolist()])
    if np.array_equal(order, np.arange(weights.n)):
        return weights
    return weights.subset(order)


def sigma_tables(values, years, groups, ddof) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    rows, group_rows = [], []
    for j, year in enumerate(years):
        column = values[:, j]
        row = {"year": year, "n": len(column), "mean": column.mean(), **measures(column, ddof)}
        if groups is not None:
            theil_parts = theil_decomposition(column, groups)
            dagum = dagum_gini(column, groups)
            row.update({
                "theil_between": theil_parts.between, "theil_within": theil_parts.within,
                "theil_between_share": theil_parts.between / theil_parts.total if theil_parts.total else np.nan,
                "gini_within": dagum.within, "gini_between": dagum.between_net,
                "gini_transvariation": dagum.transvariation,
            })
            for label, share, index in zip(theil_parts.groups, theil_parts.shares, theil_parts.indices):
                part = column[groups == label]
                group_rows.append({"year": year, "group": label, "n": len(part), "mean": part.mean(),
                                   **measures(part, ddof), "theil_share": share,
                                   "theil_contribution": share * index})
        rows.append(row)
    sigma = pd.DataFrame(rows)
    return sigma, (pd.DataFrame(group_rows) if groups is not None else None)


def sigma_trends(sigma: pd.DataFrame) -> pd.DataFrame:
    """Linear trend of each measure over the years (OLS slope per year, classical SE)."""
    rows = []
    years = sigma["year"].to_numpy(dtype=float)
    for measure in MEASURES:
        series = sigma[measure].to_numpy()
        first, last = series[0], series[-1]
        row = {"measure": measure, "first": first, "last": last,
               "change": (last - first) / first if first else np.nan,
               "slope": np.nan, "se": np.nan, "p": np.nan}
        if len(years) >= 3:
            fit = ols(series, np.column_stack([years - years.mean(), np.ones(len(years))]),
                      ["year", "constant"])
            row.update(slope=fit.coef[0], se=fit.se[0], p=fit.p[0])
        rows.append(row)
    return pd.DataFrame(rows)


def unit_table(values, years, units, groups) -> pd.DataFrame:
    logs = np.log(values)
    span_years = years[-1] - years[0]
    table = pd.DataFrame({
        "unit": units, "start": values[:, 0], "end": values[:, -1], "ln_start": logs[:, 0],
        "growth": (logs[:, -1] - logs[:, 0]) / span_years if span_years else np.nan,
        "relative_start": values[:, 0] / values[:, 0].mean(),
    })
    if groups is not None:
        table["group"] = groups
    return table


def at_bound_error(model: str, conditional: bool, bound: AtBound) -> InputError:
    """Why a spatial model whose ρ/λ reached the bound of its range is left out of the results (as
    spatialdurbin leaves out a comparison model): it has no maximum-likelihood estimate on these data."""
    return InputError(
        "{model} ({kind}): the spatial parameter {name} = {value:.4f} is at the bound of its range ({lower:.4f}, "
        "{upper:.4f}); the likelihood has no maximum inside it, so the model is left out of the tables and the "
        "report. Try other spatial weights, or read the OLS results.",
        model=model, kind=Message("conditional") if conditional else Message("absolute"), name=bound.params["name"],
        value=bound.params["value"], lower=bound.params["lower"], upper=bound.params["upper"])


def convergence_analysis(
    panel: LongPanel,
    variable: str,
    controls=(),
    groups=None,
    weights=None,
    settings: ConvergenceSettings | None = None,
    labels: dict | None = None,
    progress=None,
) -> ConvergenceResult:
    """σ- and β-convergence of ``variable`` (a column of ``panel.long``).

    ``groups``: unit → region label (Series or dict) for dispersion by group; ``weights``:
    :class:`SpatialWeights` over the panel's units, needed for the spatial models;
    ``labels``: unit → name, used in messages.
    """
    settings = settings or ConvergenceSettings()
    controls = list(controls)
    panel = select_years(panel, settings.start, settings.end)
    panel = require_balanced(panel, [variable, *controls], settings.balance, minimum_years=2)
    years, units = panel.years, panel.units
    values = panel.matrix(variable)
    check_positive(values, units, years, variable, labels)
    check_dispersion(values, years, variable)
    control_values = {name: panel.matrix(name) for name in controls}
    group_labels = aligned_groups(groups, units, labels) if groups is not None else None
    report(progress, 0.05)

    sigma, sigma_groups = sigma_tables(values, years, group_labels, settings.ddof)
    trends = sigma_trends(sigma)
    report(progress, 0.2)

    models: list[BetaModel] = []
    skipped: list[tuple[str, InputError]] = []
    models.append(cross_section_ols(values, years, se_type=settings.se_type))
    if controls:
        models.append(cross_section_ols(values, years, control_values, settings.timing, settings.se_type))
    for spec_controls in ([None, control_values] if controls else [None]):
        try:
            models.append(panel_ols(values, years, units, spec_controls, settings.effects, settings.se_type))
        except InputError as error:
            skipped.append(("panel", error))
    report(progress, 0.35)

    if settings.spatial_models:
        if weights is None:
            raise InputError("Spatial models need spatial weights; choose a weights file or kind.")
        weights = aligned_weights(weights, units)
        check_weights(weights, units, labels)
        fits = [(m, c) for m in settings.spatial_models for c in ([None, control_values] if controls else [None])]
        phase = span(progress, 0.35, 0.95)
        spectrum = spectrum_for(weights)  # W's eigenvalues, once for every model
        for i, (model, spec_controls) in enumerate(fits):
            try:
                models.append(cross_section_spatial(values, years, weights, model, spec_controls, settings.timing,
                                                    spectrum))
            except AtBound as bound:
                skipped.append(("cross-section", at_bound_error(model, bool(spec_controls), bound)))
            report(phase, (i + 1) / len(fits))
    report(progress, 1.0)
    return ConvergenceResult(
        variable, controls, years, units, group_labels, sigma, sigma_groups, trends,
        unit_table(values, years, units, group_labels), models, list(panel.dropped), skipped,
    )
