"""The choices of the autocorrelation analyses.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them). :class:`InferenceSpec` gathers the
inference options a run chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

#: Global statistics (STATISTICS).
STATISTICS = ("moran", "geary", "getis_ord")
#: Kinds of local Moran (KIND).
LOCAL_KINDS = ("univariate", "bivariate", "differential")
#: Alternative hypotheses of the permutation and analytical tests (ALTERNATIVE).
ALTERNATIVES = ("two-sided", "greater", "less")
#: Multiple-testing corrections of the local p-values (CORRECTION).
CORRECTIONS = ("none", "fdr", "bonferroni")
#: Units with NULL values: left out and reported, or an error (NULLS).
NULL_POLICIES = ("drop", "error")
#: Where the results of several years go: fields per year in one layer, or one layer per year (LAYOUT).
YEAR_OUTPUTS = ("fields", "layers")


def check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise InputError("Unknown alternative “{alternative}”; use one of {choices}.",
                         alternative=alternative, choices=", ".join(ALTERNATIVES))
    return alternative


def check_correction(correction: str) -> str:
    if correction not in CORRECTIONS:
        raise InputError("Unknown multiple-testing correction “{correction}”; use one of {choices}.",
                         correction=correction, choices=", ".join(CORRECTIONS))
    return correction


@dataclass(frozen=True)
class InferenceSpec:
    """How the statistics are tested: ``permutations`` (0: analytical inference only), ``seed``
    (None: a new draw every run), the ``alternative`` of the global tests, and the significance
    level ``alpha`` and multiple-testing ``correction`` of the local p-values and clusters."""

    permutations: int = 999
    seed: int | None = None
    alternative: str = "two-sided"
    alpha: float = 0.05
    correction: str = "none"

    def __post_init__(self):
        check_alternative(self.alternative)
        check_correction(self.correction)
        if not 0 < self.alpha < 1:
            raise InputError("The significance level must be between 0 and 1 (e.g. 0.05); got {alpha}.",
                             alpha=self.alpha)


#: The defaults of the analyses: 999 permutations; analytical inference only (hot spots).
DEFAULT_INFERENCE = InferenceSpec()
ANALYTICAL_INFERENCE = InferenceSpec(permutations=0)
