"""Pieces shared by the maximum-likelihood estimators."""
# ruff: noqa: N803 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ..errors import InputError
from ..progress import checkpoint
from .data import FIXED_EFFECTS, within
from .design import Design, build_design, check_estimable
from .lee_yu import correct_fixed_effects
from .results import ModelResult

LOG_2PI = float(np.log(2.0 * np.pi))
#: Search tolerance on ρ/λ. Brent's bounded search cannot stop closer than ≈1.5e-8·|ρ| to the maximum
#: whatever this says (the likelihood is flat to rounding there; R spatialreg stops at the same place), so
#: :func:`maximise` finishes with a root of the derivative (:func:`_polish`).
TOLERANCE = 1e-10
#: Half-width of the bracket, as a share of the admissible interval, in which :func:`_polish` seeks dℓ/dρ = 0
#: around the search's optimum (100 times the search's own error).
POLISH_SHARE = 1e-6
#: ρ/λ closer to a bound b than this share of |b| counts as on the bound (spatial multiplier > 10⁴).
BOUND_SHARE = 1e-4
#: An ML σ² at or below this share of the variance of the (transformed) dependent variable is a perfect fit.
#: σ²/var(y) is 1 − R² for least squares, so this means a residual standard deviation below 10⁻⁵ of y's: far
#: beyond the precision of any regional statistic, while an exact fit leaves only rounding (≈ 10⁻¹⁶ or less)
#: and a real one leaves orders of magnitude more. The same 10⁻¹⁰ as the non-varying-regressor test.
PERFECT_FIT = 1e-10


class AtBound(InputError):
    """The likelihood's maximum lies on the bound of the spatial parameter's admissible range
    (``params``: model, name, value, lower, upper). A caller that can do without the model (a
    comparison model, one of several convergence models) leaves it out with this reason."""


def full_loglik(concentrated: float, n_obs: int) -> float:
    """The log-likelihood from its σ²-concentrated kernel ``−(N/2)log(SSR/N) + T·log|A|``."""
    return concentrated - 0.5 * n_obs * (1.0 + LOG_2PI)


def check_fit(sigma2: float, y: np.ndarray, model: str, dependent: str) -> None:
    """An error when the model reproduces ``y`` exactly (σ² ≤ :data:`PERFECT_FIT` · var(y)).

    The log-likelihood −(N/2)·log σ² + … then grows without bound as σ² → 0 (a log-likelihood of
    thousands, R² = 1, vanishing standard errors, a spatial parameter wherever the search stopped),
    so none of the estimates means anything.
    """
    if sigma2 <= PERFECT_FIT * float(np.var(y)):
        raise InputError(
            "{model}: the data are fitted exactly (σ² = {sigma2:.3g}, practically zero), so the likelihood is "
            "unbounded and the estimates are meaningless. This happens with too few units for the model, or "
            "when an explanatory variable (or its spatial lag) reproduces {dependent}: use more units or remove "
            "that variable, or choose another model.",
            model=model, sigma2=sigma2, dependent=dependent)


def maximise(function, lower: float, upper: float, name: str, model: str) -> float:
    """Maximise a concentrated log-likelihood over the open interval (lower, upper).

    Raises a clear error when the maximum sits on the bound of the admissible range: the
    likelihood then has no interior maximum and the estimates would be meaningless. An interior
    optimum is refined to the root of the derivative when the function carries one
    (``function.derivative``): see :func:`_polish`.
    """
    width = upper - lower
    margin = 1e-9 * width

    def objective(value: float) -> float:
        checkpoint()  # each evaluation may be a sparse LU of I − ρW: stop here on a cancel
        return -function(value)

    result = minimize_scalar(objective, bounds=(lower + margin, upper - margin),
                             method="bounded", options={"xatol": TOLERANCE, "maxiter": 500})
    value = float(result.x)
    edge = _higher_edge(function, value, lower + margin, upper - margin)
    if edge is not None:
        value = edge
    if edge is not None or _near_bound(value, lower, upper):
        raise AtBound(
            "{model}: the spatial parameter {name} = {value:.4f} reached the bound of its admissible range "
            "({lower:.4f}, {upper:.4f}); the likelihood has no interior maximum away from it. Check the spatial "
            "weights (row-standardised weights are expected), add year fixed effects if all units share a trend, "
            "or choose another model.",
            model=model, name=name, value=value, lower=lower, upper=upper)
    return _polish(function, value, lower, upper)


def _polish(function, value: float, lower: float, upper: float) -> float:
    """The root of dℓ/dρ next to the bounded search's optimum ``value``.

    Brent's search compares likelihood values, which near the maximum differ by less than their
    rounding (ℓ(ρ̂ + δ) − ℓ(ρ̂) ≈ ℓ''δ²/2), so it stops about 1.5e-8·|ρ| away. The derivative is
    still well above rounding there: Brent's root finder on it, in a bracket of ± :data:`POLISH_SHARE`
    of the interval, gives ρ̂ to ≈1e-15. Without a sign change in the bracket (an exotic, flat
    likelihood) the search's value stays.
    """
    derivative = getattr(function, "derivative", None)
    if derivative is None:
        return value
    half = POLISH_SHARE * (upper - lower)
    a, b = max(value - half, lower + 0.5 * (value - lower)), min(value + half, upper - 0.5 * (upper - value))
    checkpoint()
    with np.errstate(divide="ignore", invalid="ignore"):
        da, db = derivative(a), derivative(b)
    if not (np.isfinite(da) and np.isfinite(db)) or da < 0.0 or db > 0.0:
        return value
    if da == 0.0 or db == 0.0:
        return a if da == 0.0 else b
    return float(brentq(derivative, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200))


def _near_bound(value: float, lower: float, upper: float) -> bool:
    """Whether ``value`` is too close to a bound for a meaningful estimate, on either side.

    At distance d from a bound b = 1/ω (ω an eigenvalue of W) the spatial multiplier 1/(1 − ρω) on
    that eigenvector is |b|/d, so the test is relative to the bound's magnitude: a multiplier above
    10⁴ (ρ > 0.9999 for the bound 1, ρ < −8.9991 for the bound −9) is a unit root, not an estimate.
    The former test (10⁻⁵ of the interval's width) is kept as a floor.
    """
    floor = 1e-5 * (upper - lower)
    return (value - lower < max(BOUND_SHARE * abs(lower), floor)
            or upper - value < max(BOUND_SHARE * abs(upper), floor))


def _higher_edge(function, value: float, *edges: float) -> float | None:
    """The edge of the search interval where the likelihood is at least as high as at ``value``.

    A bounded search stops short of a bound when the likelihood keeps rising towards it (it may be
    unbounded there, e.g. when W·y explains y exactly); a distance test alone then lets an estimate a
    hair inside the bound pass, with a meaningless tiny standard error. Comparing the likelihood at the
    edges with the one at the estimate is sound on both sides whatever the width of the interval.
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # log(0) = −∞ → ℓ = +∞ when W·y explains y exactly
        best = function(value)
        for edge in edges:
            if edge != value and function(edge) >= best:
                return float(edge)
    return None


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


def ml_result(prepared: Prepared, spectrum, model: str, theta, information, residuals, residuals_at, loglik: float,
              bias_correction: bool, symbol: str, spatial_name: str) -> ModelResult:
    """The end every ML fit shares once ``theta`` = (β, spatial coefficient, σ²) is estimated: with
    fixed effects (and ``bias_correction``) the Lee–Yu correction, after which ``residuals_at(β, coefficient)``
    recomputes the residuals; the covariance of (β, coefficient) from ``information(theta)``; R²; the result.
    ``symbol`` (ρ, λ) names the coefficient in notes, ``spatial_name`` (rho, lambda) in the result."""
    data, effects, periods = prepared.data, prepared.effects, prepared.T
    corrected = effects in FIXED_EFFECTS and bias_correction
    notes = []
    if corrected:
        theta, note = correct_fixed_effects(theta, information, effects, data.n, periods, spectrum, model, symbol)
        notes.append(note)
        residuals = residuals_at(theta[:-2], float(theta[-2]))
    beta, coefficient, sigma2 = theta[:-2], float(theta[-2]), float(theta[-1])
    vcov = np.linalg.inv(information(theta))[:-1, :-1]
    r2, r2_within = prepared.r_squared(residuals)
    design = prepared.design
    return ModelResult(
        model=model, effects=effects, dependent=data.dependent, names=design.names, kinds=design.kinds,
        coefficients=np.concatenate([beta, [coefficient]]), vcov=vcov, sigma2=sigma2, loglik=loglik,
        n_units=prepared.n, n_periods=periods, residuals=residuals, fitted=design.y - residuals,
        spatial_name=spatial_name, bounds=(spectrum.lower, spectrum.upper), r2=r2, r2_within=r2_within,
        bias_corrected=corrected, notes=notes,
    )
