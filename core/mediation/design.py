"""The data of the three mediation regressions, transformed for the chosen model.

Models (the order is the algorithm's, kept forever):

* ``cross_section`` — one year, a constant;
* ``pooled`` — every year, a constant and year dummies (pooled OLS with year effects);
* ``unit`` — unit fixed effects (within transformation);
* ``twoway`` — unit and year fixed effects.

Every observation carries its unit (the cluster for clustered standard errors and for
the bootstrap, which resamples whole units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..regression.panel_data import LongPanel
from ..regression.within import design
from .options import MODELS

EFFECTS = {"cross_section": "none", "pooled": "none", "unit": "unit", "twoway": "twoway"}


@dataclass
class MediationData:
    model: str
    x: np.ndarray
    m: np.ndarray
    y: np.ndarray
    others: np.ndarray  # controls, then constant / year dummies where the model has them
    other_names: list[str]
    clusters: np.ndarray  # unit of each observation
    codes: np.ndarray  # 0..G-1 code of each observation's unit
    absorbed: int  # fixed effects swept out (for degrees of freedom)
    years: list[int]
    names: tuple[str, str, str]  # the x, m and y variables

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def units(self) -> int:
        return int(self.codes.max()) + 1

    def stacked(self) -> np.ndarray:
        """[x, m, y, others...]: the columns the bootstrap needs, in this order."""
        return np.column_stack([self.x, self.m, self.y, self.others])


def mediation_data(panel: LongPanel, x: str, m: str, y: str, controls=(), model: str = "twoway",
                   year: int | None = None) -> MediationData:
    """The (transformed) regression data of a balanced ``panel``."""
    if model not in MODELS:
        raise InputError("Unknown mediation model “{model}”; use one of {models}.", model=model,
                         models=", ".join(MODELS))
    roles = {"x": x, "m": m, "y": y}
    repeated = {v for v in roles.values() if list(roles.values()).count(v) > 1}
    if repeated:
        raise InputError(
            "The independent variable, the mediator and the outcome must be three different fields; "
            "{names} is used twice.", names=", ".join(sorted(repeated)),
        )
    controls = [c for c in dict.fromkeys(controls)]
    clash = [c for c in controls if c in roles.values()]
    if clash:
        raise InputError("{names} cannot be a control and a mediation variable at once; remove it from "
                         "the controls.", names=", ".join(clash))
    long = panel.long
    years = panel.years
    if model == "cross_section":
        year = years[-1] if not year else int(year)
        if year not in years:
            raise InputError("There is no {year} in the data; choose one of {years}.", year=year,
                             years=", ".join(map(str, years)))
        long = long[long["year"] == year]
        years = [year]
    elif len(years) < 2:
        raise InputError("A panel model needs at least two years; the data have {count}. Choose the "
                         "cross-section model.", count=len(years))
    names = [x, m, y, *controls]
    units = long["unit"].to_numpy()
    matrix, all_names, absorbed = design(
        long[names].to_numpy(dtype=float), names, units, long["year"].to_numpy(), EFFECTS[model],
        constant=True, year_effects=(model == "pooled"),
    )
    _, codes = np.unique(units, return_inverse=True)
    return MediationData(model, matrix[:, 0], matrix[:, 1], matrix[:, 2], matrix[:, 3:], all_names[3:],
                         units, codes, absorbed, years, (x, m, y))
