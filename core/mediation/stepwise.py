"""Baron and Kenny's (1986) stepwise regressions.

    (1)  Y = c·X  + controls + e₁        total effect c
    (2)  M = a·X  + controls + e₂        path a
    (3)  Y = c′·X + b·M + controls + e₃  direct effect c′ and path b

With the same observations and controls in all three, least squares gives exactly
``c = c′ + a·b`` (the tests check it), so the indirect effect a·b is the part of the
total effect that runs through M.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..regression.ols import LinearFit, ols
from .design import MediationData


@dataclass
class Stepwise:
    total: LinearFit  # (1) Y on X
    mediator: LinearFit  # (2) M on X
    outcome: LinearFit  # (3) Y on X and M
    x: str
    m: str

    @property
    def a(self) -> tuple[float, float, float]:
        return self.mediator.get(self.x)

    @property
    def b(self) -> tuple[float, float, float]:
        return self.outcome.get(self.m)

    @property
    def c(self) -> tuple[float, float, float]:
        return self.total.get(self.x)

    @property
    def c_prime(self) -> tuple[float, float, float]:
        return self.outcome.get(self.x)


def stepwise(data: MediationData, se_type: str = "cluster") -> Stepwise:
    """The three regressions with ``se_type`` standard errors (classical, hc1, cluster)."""
    x_name, m_name, _ = data.names
    if data.model == "cross_section" and se_type == "cluster":
        se_type = "hc1"  # one observation per unit: clusters are the observations
    # R² about the mean: the pooled models have a constant, and within-transformed data have
    # mean zero, so for unit fixed effects this is the within R² (two-way: ``within_r2``).
    common = {"se_type": se_type, "clusters": data.clusters, "absorbed": data.absorbed}
    total = ols(data.y, np.column_stack([data.x, data.others]), [x_name, *data.other_names], **common)
    mediator = ols(data.m, np.column_stack([data.x, data.others]), [x_name, *data.other_names], **common)
    outcome = ols(data.y, np.column_stack([data.x, data.m, data.others]),
                  [x_name, m_name, *data.other_names], **common)
    if data.model == "twoway":
        total, outcome = (replace(fit, r2=within_r2(fit, data.y, data)) for fit in (total, outcome))
        mediator = replace(mediator, r2=within_r2(mediator, data.m, data))
    return Stepwise(total, mediator, outcome, x_name, m_name)


def within_r2(fit: LinearFit, dependent: np.ndarray, data: MediationData) -> float:
    """R² within of a two-way model, as every regression table defines it: 1 − SSR/SST with SST of
    the dependent variable after removing both the unit and the year effects. (The unit-demeaned
    data still hold the year dummies as regressors, whose share of the variance the plain R² of
    that regression would count; by Frisch–Waugh–Lovell, partialling the demeaned dummies out of
    the unit-demeaned variable gives it two-way demeaned.)"""
    dummies = data.others[:, [i for i, name in enumerate(data.other_names) if str(name).startswith("year ")]]
    if dummies.shape[1]:
        dependent = dependent - dummies @ np.linalg.lstsq(dummies, dependent, rcond=None)[0]
    total = float(dependent @ dependent)
    return 1.0 - float(fit.resid @ fit.resid) / total if total > 0 else float("nan")
