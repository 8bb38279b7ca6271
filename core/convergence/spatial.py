"""Spatial β-convergence: the cross-section growth regression with spatial dependence.

Estimated by maximum likelihood with spreg (checked against R spatialreg to 1e-4 in the
tests): the spatial lag model (SAR, ``ML_Lag``), the spatial error model (SEM,
``ML_Error``) and the spatial Durbin model (SDM, ``ML_Lag`` with ``slx_lags=1``, which
adds the neighbours' average of every regressor). The log-determinant is taken by sparse
LU (``method="LU"``): it scales to thousands of units and is twice as fast as spreg's dense
default on 367 cities, with the same estimates and standard errors. β stays the coefficient of the own
initial log level, as in the spatial convergence literature (Rey and Montouri 1999).

For SAR and SDM the report adds LeSage and Pace's direct, indirect and total effects of
the initial level. They are computed here and not taken from spreg: spreg 1.9 leaves
the θ·W term out of the SDM direct effect (on the Columbus data it gives −0.977 for INC
where R's ``impacts`` and the definition give −1.042); for n in the thousands at most,
the dense inverse of ``I − ρW`` is exact and quick.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from ..errors import InputError, preview
from ..regression.panel_data import describe_units
from .beta import CONSTANT, INITIAL, BetaModel, cross_section_design
from .options import SPATIAL_MODELS as MODELS
from .speed import speed_of_convergence

#: spreg 1.9's ``ML_Lag`` and ``ML_Error`` search ρ/λ in (−1, 1) whatever the weights (a bounded Brent
#: search with ``xatol`` 1e-7, bounds hard-coded, no option to widen them). For row-standardised W the
#: admissible range is (1/ω_min, 1) with −1 ≤ ω_min < 0, so 1 is the true upper bound and −1 may lie inside the
#: range: an estimate at −1 is then censored by the search, not a maximum. Either way, the search stops
#: within ≈ 1e-7 of its limit when the likelihood keeps rising there.
SEARCH_LIMIT = 1.0
#: ρ/λ within this distance of ±1 is at spreg's search limit, not an estimate: a spatial multiplier
#: 1/(1 − ρ) above 10⁴, as in the spillover models (``core.econometrics.likelihood.BOUND_SHARE``). A strong
#: but real dependence (ρ = 0.991, or 0.9987 with a standard error of 6e-4) is kept.
BOUND_TOLERANCE = 1e-4
#: |ρ| or |λ| at or above this is at the bound (quoted in the message that leaves such a model out).
BOUND = SEARCH_LIMIT - BOUND_TOLERANCE


def at_search_limit(value: float) -> bool:
    """Whether ρ/λ from spreg sits at the limit ±1 of its search (see :data:`SEARCH_LIMIT`)."""
    return bool(abs(value) >= BOUND)


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


def impacts(rho: float, beta: float, theta: float, w_dense: np.ndarray) -> dict[str, float]:
    """LeSage–Pace average direct, indirect and total effects of one regressor."""
    n = w_dense.shape[0]
    inverse = np.linalg.inv(np.eye(n) - rho * w_dense)
    effect = inverse * beta + (inverse @ w_dense) * theta
    direct = float(np.trace(effect) / n)
    total = float(effect.sum() / n)
    return {"direct": direct, "indirect": total - direct, "total": total}


def spatial_ols_names(names: list[str], model: str) -> list[str]:
    """Our names for spreg's coefficients, in spreg's order."""
    result = [CONSTANT, *names]
    if model == "SDM":
        result += [f"W {name}" for name in names]
    result.append("lambda" if model == "SEM" else "rho")
    return result


def fit_spatial(y: np.ndarray, x: np.ndarray, names: list[str], weights, model: str):
    """The spreg fit of ``model`` (SAR, SEM or SDM) and our names for its coefficients."""
    import spreg

    if model not in MODELS:
        raise InputError("Unknown spatial model “{model}”; use one of {models}.", model=model,
                         models=", ".join(MODELS))
    w = weights.to_libpysal()
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    x = np.asarray(x, dtype=float)
    # spreg 1.9 prints the model's class name while it builds its summary: keep stdout clean.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if model == "SEM":
            fit = spreg.ML_Error(y, x, w, method="LU")
        else:
            fit = spreg.ML_Lag(y, x, w, slx_lags=1 if model == "SDM" else 0, method="LU",
                               spat_impacts=None)
    return fit, spatial_ols_names(names, model)


def cross_section_spatial(values, years, weights, model: str, controls: dict | None = None,
                          timing: str = "initial") -> BetaModel:
    """Cross-section β-convergence with a spatial model fitted by maximum likelihood."""
    from ..regression.ols import check_full_rank

    growth, span, names, columns = cross_section_design(values, years, controls, timing)
    x = np.column_stack(columns)
    check_full_rank(np.column_stack([x, np.ones(len(x))]), [*names, CONSTANT])
    fit, all_names = fit_spatial(growth, x, names, weights, model)
    coef = np.asarray(fit.betas, dtype=float).ravel()
    se = np.asarray(fit.std_err, dtype=float).ravel()
    z = np.array([pair[0] for pair in fit.z_stat], dtype=float)
    p = np.array([pair[1] for pair in fit.z_stat], dtype=float)
    beta, beta_se = coef[1], se[1]
    parameter = all_names[-1]
    result = BetaModel(
        key=f"cs_{model.lower()}_{'cond' if controls else 'abs'}", design="cross-section",
        estimator=model, conditional=bool(controls), level=INITIAL, names=all_names, coef=coef, se=se,
        stat=z, p=p, n=len(growth), speed=speed_of_convergence(beta, beta_se, span), statistic="z",
        r2=float(fit.pr2), loglik=float(fit.logll), aic=float(fit.aic), se_type="ml",
    )
    result.spatial = {"name": parameter, "value": float(coef[-1]), "se": float(se[-1]), "p": float(p[-1]),
                      "at_bound": at_search_limit(coef[-1])}
    if model in ("SAR", "SDM"):
        theta = coef[all_names.index(f"W {INITIAL}")] if model == "SDM" else 0.0
        dense = weights.transformed().toarray()
        result.impacts = impacts(float(coef[-1]), float(beta), float(theta), dense)
    return result
