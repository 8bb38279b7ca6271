"""Spatial β-convergence: the cross-section growth regression with spatial dependence.

Estimated by maximum likelihood with the toolkit's own spatial models, those of
``resilience:spatialdurbin`` (:mod:`core.econometrics.lag` and :mod:`~core.econometrics.error`,
checked against R spatialreg in the tests): the spatial lag model (SAR), the spatial error model
(SEM) and the spatial Durbin model (SDM, which adds the neighbours' average W·x of every
regressor). ρ/λ is searched over the whole admissible range of the weights ((1/ω_min, 1/ω_max)
from W's eigenvalues, :class:`~core.econometrics.spectrum.Spectrum`); a likelihood whose maximum lies
on a bound raises
:class:`~core.econometrics.likelihood.AtBound`, and the analysis leaves that model out with its
reason. Standard errors come from the analytical information matrix. β stays the coefficient of
the own initial log level, as in the spatial convergence literature (Rey and Montouri 1999).

For SAR and SDM the report adds LeSage and Pace's direct, indirect and total effects of the
initial level (:mod:`core.econometrics.effects`: exact traces from the eigenvalues of W), with
standard errors from :data:`DRAWS` simulated draws of the estimates, as ``resilience:spatialdurbin``.
"""

from __future__ import annotations

import numpy as np

from ..econometrics.data import PanelData
from ..econometrics.design import LAG_MODELS, lag_name
from ..econometrics.effects import KINDS, compute_effects
from ..econometrics.error import fit_error
from ..econometrics.lag import fit_lag
from ..econometrics.spillover import spectrum_for
from ..errors import InputError, preview
from ..regression.panel_data import describe_units
from .beta import CONSTANT, INITIAL, BetaModel, cross_section_design
from .options import SPATIAL_MODELS as MODELS
from .speed import speed_of_convergence

#: Simulation draws and seed of the effects' standard errors (``resilience:spatialdurbin``'s defaults).
DRAWS = 1000
SEED = 1
#: The dependent variable of the cross-section regression (named in the estimators' messages).
GROWTH = "growth"


def check_weights(weights, units, labels=None) -> None:
    """ML spatial models need every unit to have a neighbour."""
    islands = weights.islands
    if len(islands):
        names = describe_units(np.asarray(units)[islands], labels)
        raise InputError(
            "{count} unit(s) have no neighbours in the spatial weights: {units}. Maximum-likelihood "
            "spatial models need every unit to have one; use k-nearest neighbours, or drop these units.",
            count=len(islands), units=preview(names),
        )


def coefficient_names(fit) -> list[str]:
    """The fit's coefficients as the convergence tables name them: ``W x`` for the neighbours' average
    of x, then ``rho`` or ``lambda``."""
    prefix = lag_name("")
    names = [f"W {name.removeprefix(prefix)}" if kind == "wx" else name for name, kind in zip(fit.names, fit.kinds)]
    return [*names, fit.spatial_name]


def fit_spatial(y: np.ndarray, x: np.ndarray, names: list[str], weights, model: str, spectrum=None):
    """``(fit, spectrum)``: ``model`` (SAR, SEM or SDM) of ``y`` on a constant and the columns
    ``x`` (named ``names``) by maximum likelihood, a :class:`~core.econometrics.results.ModelResult`,
    and the :class:`~core.econometrics.spectrum.Spectrum` of the weights (``spectrum``: the one of
    ``weights`` from an earlier fit, to reuse its eigenvalues)."""
    if model not in MODELS:
        raise InputError("Unknown spatial model “{model}”; use one of {models}.", model=model,
                         models=", ".join(MODELS))
    data = PanelData(np.asarray(y, dtype=float), np.asarray(x, dtype=float), GROWTH, list(names), weights.ids)
    spectrum = spectrum or spectrum_for(weights)
    if model in LAG_MODELS:
        return fit_lag(data, spectrum.W, spectrum, model), spectrum
    return fit_error(data, spectrum.W, spectrum, model), spectrum


def pseudo_r2(fit, y: np.ndarray, x: np.ndarray) -> float:
    """Squared correlation of y and its prediction: ρWy + Xβ for SAR and SDM, Xβ for SEM (the
    pseudo R² of GeoDa and spreg)."""
    if fit.spatial_name == "lambda":
        predicted = np.column_stack([np.ones(len(y)), x]) @ fit.beta
    else:
        predicted = fit.fitted
    return float(np.corrcoef(y, predicted)[0, 1] ** 2)


def cross_section_spatial(values, years, weights, model: str, controls: dict | None = None,
                          timing: str = "initial", spectrum=None, draws: int = DRAWS, seed: int = SEED) -> BetaModel:
    """Cross-section β-convergence with a spatial model fitted by maximum likelihood (``spectrum``:
    see :func:`fit_spatial`; ``draws`` and ``seed`` of the effects' simulated standard errors).

    Raises :class:`~core.econometrics.likelihood.AtBound` when ρ/λ reaches the bound of its range."""
    from ..regression.ols import check_full_rank

    growth, span, names, columns = cross_section_design(values, years, controls, timing)
    x = np.column_stack(columns)
    check_full_rank(np.column_stack([x, np.ones(len(x))]), [*names, CONSTANT])
    fit, spectrum = fit_spatial(growth, x, names, weights, model, spectrum)
    table = fit.table()
    coef, se = table["estimate"].to_numpy(), table["se"].to_numpy()
    z, p = table["z"].to_numpy(), table["p"].to_numpy()
    all_names = coefficient_names(fit)
    level = all_names.index(INITIAL)
    beta, beta_se = coef[level], se[level]
    result = BetaModel(
        key=f"cs_{model.lower()}_{'cond' if controls else 'abs'}", design="cross-section",
        estimator=model, conditional=bool(controls), level=INITIAL, names=all_names, coef=coef, se=se,
        stat=z, p=p, n=len(growth), speed=speed_of_convergence(beta, beta_se, span), statistic="z",
        r2=pseudo_r2(fit, growth, x), loglik=float(fit.loglik), aic=float(fit.aic), se_type="ml",
    )
    result.spatial = {"name": fit.spatial_name, "value": float(coef[-1]), "se": float(se[-1]), "p": float(p[-1])}
    if model in LAG_MODELS:
        effects = compute_effects(fit, spectrum, draws, seed)
        row = effects.variables.index(INITIAL)
        result.impacts, result.impacts_se, result.impacts_p = (
            {kind: float(value) for kind, value in zip(KINDS, values[row])}
            for values in (effects.estimate, effects.se, effects.p))
        result.impacts_method = effects.method
    return result
