"""The whole mediation analysis behind ``resilience:mediation``: one call, plain results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..progress import report, span
from ..regression.panel_data import LongPanel, require_balanced, select_years
from .bootstrap import BootstrapDraws, bias_corrected_interval, cluster_bootstrap, percentile_interval
from .design import MediationData, mediation_data
from .sobel import IndirectTest, sobel
from .stepwise import Stepwise, stepwise

#: Verdicts (Zhao, Lynch and Chen 2010, who refine Baron and Kenny): the indirect effect
#: decides whether there is mediation, the direct effect what kind.
VERDICTS = ("complementary", "competitive", "indirect_only", "direct_only", "no_effect")


@dataclass
class MediationSettings:
    model: str = "twoway"  # cross_section, pooled, unit, twoway
    year: int | None = None  # the cross-section's year (None: the last)
    start: int | None = None
    end: int | None = None
    se_type: str = "cluster"  # classical, hc1, cluster
    draws: int = 999  # bootstrap draws (0: none)
    seed: int = 1
    confidence: float = 0.95
    balance: bool = False


@dataclass
class Interval:
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return bool(np.isfinite(self.low) and np.isfinite(self.high) and (self.low > 0 or self.high < 0))


@dataclass
class MediationResult:
    data: MediationData
    steps: Stepwise
    sobel: IndirectTest
    aroian: IndirectTest
    settings: MediationSettings
    bootstrap: BootstrapDraws | None = None
    intervals: dict | None = None  # {"indirect": {"percentile": Interval, "bc": Interval}, ...}
    dropped: list | None = None

    @property
    def indirect(self) -> float:
        return self.steps.a[0] * self.steps.b[0]

    @property
    def proportion(self) -> float:
        """Share of the total effect that runs through the mediator, a·b / c."""
        c = self.steps.c[0]
        return self.indirect / c if c else float("nan")

    @property
    def indirect_significant(self) -> bool:
        """By the bias-corrected bootstrap interval when there is one, else by the Sobel test."""
        if self.intervals:
            return self.intervals["indirect"]["bc"].excludes_zero()
        return self.sobel.p < 1.0 - self.settings.confidence

    @property
    def verdict(self) -> str:
        alpha = 1.0 - self.settings.confidence
        direct, _, direct_p = self.steps.c_prime
        direct_significant = direct_p < alpha
        if self.indirect_significant:
            if not direct_significant:
                return "indirect_only"
            return "complementary" if self.indirect * direct > 0 else "competitive"
        return "direct_only" if direct_significant else "no_effect"


def mediation_analysis(panel: LongPanel, x: str, m: str, y: str, controls=(),
                       settings: MediationSettings | None = None, progress=None) -> MediationResult:
    """Stepwise regressions, Sobel and Aroian tests and the cluster bootstrap of a·b."""
    settings = settings or MediationSettings()
    controls = list(controls)
    panel = select_years(panel, settings.start, settings.end)
    if settings.model == "cross_section" and settings.year:
        panel = select_years(panel, settings.year, settings.year)
    panel = require_balanced(panel, [x, m, y, *controls], settings.balance)
    data = mediation_data(panel, x, m, y, controls, settings.model, settings.year)
    steps = stepwise(data, settings.se_type)
    a, se_a, _ = steps.a
    b, se_b, _ = steps.b
    result = MediationResult(data, steps, sobel(a, se_a, b, se_b), sobel(a, se_a, b, se_b, aroian=True),
                             settings, dropped=list(panel.dropped))
    report(progress, 0.1)
    if settings.draws:
        draws = cluster_bootstrap(data, settings.draws, settings.seed, span(progress, 0.1, 1.0))
        estimates = {"indirect": result.indirect, "direct": steps.c_prime[0], "total": steps.c[0]}
        result.bootstrap = draws
        result.intervals = {
            name: {
                "percentile": Interval(*percentile_interval(getattr(draws, name), settings.confidence)),
                "bc": Interval(*bias_corrected_interval(getattr(draws, name), estimate, settings.confidence)),
                "se": float(np.std(getattr(draws, name), ddof=1)),
            }
            for name, estimate in estimates.items()
        }
    report(progress, 1.0)
    return result
