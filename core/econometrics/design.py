"""The regressors of each model and the checks that they can be estimated.

Models (LeSage and Pace 2009; Elhorst 2014):

* ``OLS``  y = Xβ + ε
* ``SLX``  y = Xβ + WXθ + ε
* ``SAR``  y = ρWy + Xβ + ε                 (spatial lag)
* ``SDM``  y = ρWy + Xβ + WXθ + ε           (spatial Durbin)
* ``SEM``  y = Xβ + u,  u = λWu + ε          (spatial error)
* ``SDEM`` y = Xβ + WXθ + u,  u = λWu + ε    (spatial Durbin error)

plus a constant when the panel effects do not absorb it. The constant is never lagged
(with a row-standardised W its lag is the constant again). ``durbin`` chooses which
explanatory variables get a W·X term (default: all).
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from ..constant import is_constant
from ..errors import InputError, Message, preview
from .data import EFFECT_LABELS, FIXED_EFFECTS, PanelData, spatial_lag
from .options import MODELS

LAG_MODELS = ("SAR", "SDM")
ERROR_MODELS = ("SEM", "SDEM")
DURBIN_MODELS = ("SDM", "SDEM", "SLX")
ML_MODELS = LAG_MODELS + ERROR_MODELS
MODEL_LABELS = {
    "OLS": Message("OLS (no spatial terms)"),
    "SAR": Message("spatial lag (SAR)"),
    "SEM": Message("spatial error (SEM)"),
    "SDM": Message("spatial Durbin (SDM)"),
    "SDEM": Message("spatial Durbin error (SDEM)"),
    "SLX": Message("spatial lag of X (SLX)"),
}
CONSTANT = "constant"


def lag_name(name: str) -> str:
    return f"W·{name}"


@dataclass
class Design:
    """Untransformed regressors of one model: ``Z = [constant?, X, WX]`` and their lags."""

    y: np.ndarray
    Wy: np.ndarray
    Z: np.ndarray
    WZ: np.ndarray
    names: list[str]
    kinds: list[str]  # "const", "x" or "wx" for each column of Z
    model: str


def durbin_names(data: PanelData, model: str, durbin=None) -> list[str]:
    if model not in DURBIN_MODELS:
        return []
    chosen = list(data.names) if not durbin else [name for name in data.names if name in set(durbin)]
    unknown = sorted(set(durbin or ()) - set(data.names))
    if unknown:
        raise InputError("The Durbin (W·X) variables {names} are not explanatory variables of the model; "
                         "choose among {choices}.", names=preview(unknown), choices=preview(data.names))
    return chosen


def build_design(data: PanelData, W, model: str, effects: str, durbin=None) -> Design:
    """The regressors of ``model`` for ``data`` (W: n × n, transformed)."""
    if model not in MODELS:
        raise InputError("Unknown model “{model}”; use one of {models}.", model=model, models=", ".join(MODELS))
    T = data.T
    lagged = durbin_names(data, model, durbin)
    columns, names, kinds = [], [], []
    if effects not in FIXED_EFFECTS and effects != "random_time":
        columns.append(np.ones(len(data.y)))
        names.append(CONSTANT)
        kinds.append("const")
    for name in data.names:
        columns.append(data.column(name))
        names.append(name)
        kinds.append("x")
    if lagged:
        WX = spatial_lag(W, np.column_stack([data.column(name) for name in lagged]), T)
        for j, name in enumerate(lagged):
            columns.append(WX[:, j])
            names.append(lag_name(name))
            kinds.append("wx")
    if not columns:
        raise InputError("The model has no regressor: choose at least one explanatory variable.")
    Z = np.column_stack(columns)
    WZ = spatial_lag(W, Z, T) if model in ERROR_MODELS else np.empty((len(data.y), 0))
    return Design(data.y, spatial_lag(W, data.y, T), Z, WZ, names, kinds, model)


#: The fixed effects each panel transformation removes (pooled and random effects remove none).
ABSORBING_EFFECTS = {"unit": "unit", "time": "time", "twoway": "twoway", "random_time": "time"}


def _check_regressors_vary(Z: np.ndarray, names: list[str], scale: np.ndarray) -> None:
    """Regressors that take one value in every observation beside the constant: named before the rank
    test (which would call them collinear with the constant and with unrelated W·X terms)."""
    if CONSTANT not in names:
        return  # fixed effects: a column without variation is zero after the transformation (caught above)
    flat = [names[j] for j in range(len(names)) if names[j] != CONSTANT and is_constant(Z[:, j], scale[j])]
    if not flat:
        return
    variables = list(dict.fromkeys(name.removeprefix(lag_name("")) for name in flat))
    if len(flat) == 1:
        raise InputError("{names} does not vary (the same value in every observation, which the constant already "
                         "captures): remove it from the explanatory variables.", names=flat[0])
    raise InputError("{names} do not vary (the same value in every observation, which the constant already "
                     "captures): remove {variables} from the explanatory variables.",
                     names=preview(flat), variables=preview(variables))


def check_estimable(Z: np.ndarray, names: list[str], effects: str, n_obs: int, dependent: str, y) -> None:
    """Clear errors for regressors that cannot be estimated (after the effects transformation)."""
    p = Z.shape[1]
    if n_obs <= p + 1:
        raise InputError(
            "Too few observations: {obs} for {p} coefficients. Use fewer explanatory variables or more "
            "units/years.", obs=n_obs, p=p)
    if np.allclose(np.asarray(y) - np.mean(y), 0.0):
        absorbed = ABSORBING_EFFECTS.get(effects)
        if absorbed is None:
            raise InputError("The dependent variable {name} does not vary (the same value in every observation); "
                             "choose another variable.", name=dependent)
        raise InputError("The dependent variable {name} has no variation left to explain once the {effects} are "
                         "removed; choose another variable or other panel effects.",
                         name=dependent, effects=EFFECT_LABELS[absorbed])
    scale = np.sqrt(np.mean(Z * Z, axis=0))
    constant_like = [names[j] for j in range(p) if scale[j] < 1e-12]
    if constant_like:
        if effects in FIXED_EFFECTS or effects == "random_time":
            reason = {"unit": Message("it does not vary over time within units, so unit fixed effects absorb it"),
                      "time": Message("it does not vary across units within a year, so year fixed effects absorb "
                                      "it"),
                      "twoway": Message("the unit and year fixed effects absorb it (it is constant over time or "
                                        "across units)"),
                      "random_time": Message("the year fixed effects absorb it")}[effects]
        else:
            reason = Message("it is zero everywhere")
        raise InputError("{names} cannot be estimated: {reason}. Remove it or choose other panel effects.",
                         names=preview(constant_like), reason=reason)
    _check_regressors_vary(Z, names, scale)
    standardised = Z / scale
    _, r, pivots = scipy.linalg.qr(standardised, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > 1e-9 * diagonal[0]))
    if rank < p:
        dependent_columns = sorted(pivots[rank:])
        others = [names[j] for j in sorted(pivots[:rank])]
        if len(dependent_columns) == 1:
            raise InputError(
                "Perfect collinearity: {names} is a linear combination of the other regressors ({others}). "
                "Remove it (or one of the variables it depends on).",
                names=names[dependent_columns[0]], others=preview(others))
        raise InputError(
            "Perfect collinearity: {names} are linear combinations of the other regressors ({others}). Remove "
            "them (or the variables they depend on).",
            names=preview([names[j] for j in dependent_columns]), others=preview(others))
