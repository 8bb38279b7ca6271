"""β-convergence by least squares: do units that start lower grow faster?

* **cross-section** (Barro regression): the average annual log growth over the period,
  ``gᵢ = (ln yᵢ,T − ln yᵢ,0) / T``, on the initial log level ``ln yᵢ,0``, a constant and —
  for *conditional* convergence — controls at their initial-year values or period means;
* **panel**: the annual log growth ``(ln yᵢ,t − ln yᵢ,t−τ)/τ`` on the lagged log level
  ``ln yᵢ,t−τ`` (controls lagged too), pooled or with unit or unit-and-year fixed effects
  (within transformation). Fixed effects make every panel β conditional on the unit's own
  steady state; with short panels they are biased towards faster convergence (Nickell
  1981), which the report notes.

β < 0 is convergence; :mod:`.speed` turns β into the speed λ and the half-life.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..regression.ols import ols
from ..regression.within import design
from .options import TIMINGS
from .speed import Speed, speed_of_convergence

INITIAL = "ln y0"
LAGGED = "ln y(t-1)"
CONSTANT = "constant"


@dataclass
class BetaModel:
    """One β-convergence regression, ready for a paper-style table."""

    key: str  # e.g. "cs_ols_abs"
    design: str  # "cross-section" or "panel"
    estimator: str  # OLS, SAR, SEM, SDM
    conditional: bool
    level: str  # the name of the (initial or lagged) log-level regressor
    names: list[str]
    coef: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    p: np.ndarray
    n: int
    speed: Speed
    statistic: str = "t"
    r2: float = float("nan")  # R² (within R² with fixed effects, pseudo R² for ML)
    loglik: float = float("nan")
    aic: float = float("nan")
    effects: str = "none"  # fixed effects: none, unit, twoway
    se_type: str = "classical"
    impacts: dict | None = None  # {"direct": .., "indirect": .., "total": ..} of the level
    impacts_se: dict | None = None  # their simulated standard errors, same keys
    impacts_p: dict | None = None  # and p-values
    impacts_method: str = ""  # how they were simulated (draws, seed, traces)
    spatial: dict = field(default_factory=dict)  # rho or lambda: {"name", "value", "se", "p"}

    def get(self, name: str) -> tuple[float, float, float]:
        i = self.names.index(name)
        return float(self.coef[i]), float(self.se[i]), float(self.p[i])

    @property
    def beta(self) -> tuple[float, float, float]:
        return self.get(self.level)


def growth_and_level(values: np.ndarray, years: list[int]) -> tuple[np.ndarray, np.ndarray, float]:
    """Cross-section: (average annual log growth, initial log level, T) from units × years."""
    span = float(years[-1] - years[0])
    logs = np.log(values)
    return (logs[:, -1] - logs[:, 0]) / span, logs[:, 0], span


def cross_section_controls(controls: dict[str, np.ndarray], timing: str) -> dict[str, np.ndarray]:
    """Each control (units × years) at its initial-year value or its period mean."""
    if timing not in TIMINGS:
        raise InputError("Unknown timing of the controls “{timing}”; use initial or mean.", timing=timing)
    return {name: (m[:, 0] if timing == "initial" else m.mean(axis=1)) for name, m in controls.items()}


def cross_section_design(values, years, controls: dict | None, timing: str):
    """(growth, span, regressor names, regressor columns) of a cross-section β regression:
    the initial log level first, then each control at its initial value or period mean
    (no constant)."""
    growth, initial, span = growth_and_level(values, years)
    names, columns = [INITIAL], [initial]
    for name, column in cross_section_controls(controls or {}, timing).items():
        names.append(name)
        columns.append(column)
    return growth, span, names, columns


def _from_fit(key, design_name, conditional, level, fit, speed, effects, se_type) -> BetaModel:
    return BetaModel(key, design_name, "OLS", conditional, level, fit.names, fit.coef, fit.se, fit.stat,
                     fit.p, fit.n, speed, "t", fit.r2, loglik=fit.loglik, aic=fit.aic, effects=effects,
                     se_type=se_type)


def cross_section_ols(values, years, controls: dict | None = None, timing: str = "initial",
                      se_type: str = "classical") -> BetaModel:
    """Absolute (no controls) or conditional cross-section β-convergence by OLS.

    ``se_type``: classical or hc1 (with one observation per unit, "cluster" means hc1).
    """
    growth, span, names, columns = cross_section_design(values, years, controls, timing)
    x = np.column_stack([*columns, np.ones(len(growth))])
    se_type = "hc1" if se_type == "cluster" else se_type
    fit = ols(growth, x, [*names, CONSTANT], se_type=se_type)
    beta, se, _ = fit.get(INITIAL)
    key = "cs_ols_cond" if controls else "cs_ols_abs"
    return _from_fit(key, "cross-section", bool(controls), INITIAL, fit,
                     speed_of_convergence(beta, se, span), "none", se_type)


def year_spacing(years: list[int]) -> int:
    """The common spacing of the years (1 for annual data); unequal spacing is an error."""
    steps = sorted(set(np.diff(years).tolist()))
    if len(steps) != 1:
        raise InputError(
            "The years are not equally spaced ({years}); a panel of growth rates needs a regular "
            "interval. Choose consecutive years.",
            years=", ".join(map(str, years)),
        )
    return int(steps[0])


def panel_ols(values, years, units, controls: dict | None = None, effects: str = "twoway",
              se_type: str = "cluster") -> BetaModel:
    """Panel β-convergence: annual log growth on the lagged log level.

    ``values`` and every control are units × years arrays of a balanced panel.
    """
    n_units, n_years = values.shape
    needed = 3 if effects != "none" else 2
    if n_years < needed:
        raise InputError(
            "Panel β-convergence with fixed effects needs at least {needed} years; the data have "
            "{count}.", needed=needed, count=n_years,
        )
    tau = year_spacing(years)
    logs = np.log(values)
    growth = ((logs[:, 1:] - logs[:, :-1]) / tau).ravel()
    lagged = logs[:, :-1].ravel()
    unit_codes = np.repeat(np.arange(n_units), n_years - 1)
    period_years = np.tile(np.asarray(years[1:]), n_units)
    names = [LAGGED]
    columns = [lagged]
    for name, matrix in (controls or {}).items():
        columns.append(matrix[:, :-1].ravel())
        names.append(f"{name} (t-1)")
    matrix, all_names, absorbed = design(
        np.column_stack([growth, *columns]), ["growth", *names], unit_codes, period_years, effects,
    )
    fit = ols(matrix[:, 0], matrix[:, 1:], all_names[1:], se_type=se_type,
              clusters=np.asarray(units)[unit_codes], absorbed=absorbed)
    beta, se, _ = fit.get(LAGGED)
    key = "panel_ols_cond" if controls else "panel_ols_abs"
    return _from_fit(key, "panel", bool(controls), LAGGED, fit, speed_of_convergence(beta, se, tau),
                     effects, se_type)
