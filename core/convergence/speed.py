"""Speed of convergence and half-life from a β-convergence coefficient.

With growth measured as the average annual log growth over an interval of τ years,
``(ln y_{t+τ} − ln y_t)/τ = α + β ln y_t + …``, the neoclassical solution gives
``β = −(1 − e^{−λτ})/τ`` (Barro and Sala-i-Martin 1992), hence

    λ = −ln(1 + β τ) / τ        half-life = ln 2 / λ

* cross-section: τ = T, the length of the whole period (last year − first year);
* panel of annual growth: τ = 1 (the spacing of the years), so λ = −ln(1 + β).

(If the dependent variable is the *total* log growth over the period instead of the
annual average, the same λ follows from ``λ = −ln(1 + β)/T``; the toolkit always uses
the annual average, so that cross-section and panel β are on the same scale.)

Standard errors by the delta method: dλ/dβ = −1/(1 + βτ), so ``se(λ) = se(β) / |1 + βτ|``,
and ``se(half-life) = ln 2 · se(λ) / λ²``. β ≥ 0 means no convergence (λ ≤ 0): the half-life
is then undefined (NaN), as is λ itself when ``1 + β τ ≤ 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Speed:
    beta: float
    tau: float
    speed: float  # λ per year (NaN when 1 + βτ ≤ 0)
    speed_se: float
    half_life: float  # years (NaN without convergence)
    half_life_se: float

    @property
    def converges(self) -> bool:
        return self.beta < 0 and math.isfinite(self.speed) and self.speed > 0


def speed_of_convergence(beta: float, se: float, tau: float) -> Speed:
    """λ, the half-life and their delta-method standard errors for interval ``tau``."""
    nan = float("nan")
    base = 1.0 + beta * tau
    if not (base > 0) or tau <= 0:
        return Speed(beta, tau, nan, nan, nan, nan)
    speed = -math.log(base) / tau
    speed_se = abs(se / base)
    if speed <= 0:
        return Speed(beta, tau, speed, speed_se, nan, nan)
    half_life = math.log(2.0) / speed
    half_life_se = math.log(2.0) * speed_se / speed**2
    return Speed(beta, tau, speed, speed_se, half_life, half_life_se)
