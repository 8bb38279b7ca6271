"""Pieces shared by the maximum-likelihood estimators."""
# ruff: noqa: N803 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from ..errors import InputError
from .data import FIXED_EFFECTS, within
from .design import Design, build_design, check_estimable

LOG_2PI = float(np.log(2.0 * np.pi))
#: Search tolerance on ρ/λ (R spatialreg uses ≈1.5e-8; tighter costs nothing here).
TOLERANCE = 1e-10


def full_loglik(concentrated: float, n_obs: int) -> float:
    """The log-likelihood from its σ²-concentrated kernel ``−(N/2)log(SSR/N) + T·log|A|``."""
    return concentrated - 0.5 * n_obs * (1.0 + LOG_2PI)


def maximise(function, lower: float, upper: float, name: str, model: str) -> float:
    """Maximise a concentrated log-likelihood over the open interval (lower, upper).

    Raises a clear error when the maximum sits on the bound of the admissible range: the
    likelihood then has no interior maximum and the estimates would be meaningless.
    """
    width = upper - lower
    margin = 1e-9 * width
    result = minimize_scalar(lambda value: -function(value), bounds=(lower + margin, upper - margin),
                             method="bounded", options={"xatol": TOLERANCE, "maxiter": 500})
    value = float(result.x)
    if min(value - lower, upper - value) < 1e-5 * width:
        raise InputError(
            "{model}: the spatial parameter {name} = {value:.4f} reached the bound of its admissible range "
            "({lower:.4f}, {upper:.4f}); the likelihood has no interior maximum. Check the spatial weights "
            "(row-standardised weights are expected), add year fixed effects if all units share a trend, or "
            "choose another model.",
            model=model, name=name, value=value, lower=lower, upper=upper)
    return value


def stacked_wa(spectrum, rho: float, values: np.ndarray, T: int) -> np.ndarray:
    """``(I_T ⊗ W(I − ρW)⁻¹) v`` for a stacked vector ``v``."""
    n = spectrum.n
    side = np.asarray(values, dtype=np.float64).reshape(T, n).T
    return np.asarray(spectrum.wa_apply(rho, side)).T.reshape(-1)


class Prepared:
    """A design after the fixed-effects transformation, checked for estimability."""

    def __init__(self, data, W, model: str, effects: str, durbin=None):
        self.design: Design = build_design(data, W, model, effects, durbin)
        self.data = data
        self.effects = effects
        self.n, self.T = data.n, data.T
        self.n_obs = self.n * self.T
        how = effects if effects in FIXED_EFFECTS or effects == "random_time" else "none"
        d = self.design
        self.y = within(d.y, self.n, self.T, how)
        self.Wy = within(d.Wy, self.n, self.T, how)
        self.Z = within(d.Z, self.n, self.T, how)
        self.WZ = within(d.WZ, self.n, self.T, how) if d.WZ.size else d.WZ
        check_estimable(self.Z, d.names, effects, self.n_obs, data.dependent, self.y)

    def r_squared(self, residuals: np.ndarray) -> tuple[float, float]:
        """R² of the raw dependent variable, and within R² for fixed-effects models."""
        ssr = float(residuals @ residuals)
        raw = self.design.y - self.design.y.mean()
        r2 = 1.0 - ssr / float(raw @ raw)
        r2_within = 1.0 - ssr / float(self.y @ self.y) if self.effects in FIXED_EFFECTS else float("nan")
        return r2, r2_within
