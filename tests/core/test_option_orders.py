"""The option lists behind enum parameters keep their order.

An enum parameter stores the index of the chosen option: the shipped models
(resources/models/*.model3), users' models and scripts and ``qgis_process`` calls hold
integers. Each list is declared once in core (``processing/parameters/choices.py`` builds the
parameter from it); these literals are the orders the parameters had when the lists were
gathered there, and a reordering (not an append) must fail here.
"""

import pytest

from digital_resilience.core.autocorrelation import options as autocorrelation
from digital_resilience.core.convergence import options as convergence
from digital_resilience.core.coverage import options as coverage
from digital_resilience.core.econometrics import options as econometrics
from digital_resilience.core.indices import options as indices
from digital_resilience.core.mediation import options as mediation
from digital_resilience.core.regression import options as regression
from digital_resilience.core.weights import kinds as weights

PINNED = [
    (autocorrelation.STATISTICS, ("moran", "geary", "getis_ord")),
    (autocorrelation.LOCAL_KINDS, ("univariate", "bivariate", "differential")),
    (autocorrelation.ALTERNATIVES, ("two-sided", "greater", "less")),
    (autocorrelation.CORRECTIONS, ("none", "fdr", "bonferroni")),
    (autocorrelation.NULL_POLICIES, ("drop", "error")),
    (autocorrelation.YEAR_OUTPUTS, ("fields", "layers")),
    (weights.KINDS, ("queen", "rook", "knn", "distance_band", "inverse_distance", "kernel", "economic",
                     "economic_geographic", "block")),
    (weights.TRANSFORMS, ("R", "B", "V")),
    (weights.POINT_METHODS, ("centroid", "point_on_surface")),
    (weights.KERNELS, ("triangular", "uniform", "epanechnikov", "quartic", "gaussian")),
    (weights.NESTINGS, ("nested", "product")),
    (econometrics.MODELS, ("OLS", "SAR", "SEM", "SDM", "SDEM", "SLX")),
    (econometrics.EFFECTS, ("none", "unit", "time", "twoway", "random", "random_time")),
    (econometrics.PANEL_SHAPES, ("auto", "cross_section", "wide", "long")),
    (econometrics.CHANGE_KINDS, ("absolute", "percent", "target")),
    (econometrics.TARGETING_OBJECTIVES, ("total", "worst_off", "gap")),
    (econometrics.GROUPINGS, ("period", "category", "quantile")),
    (econometrics.HETEROGENEITY_METHODS, ("separate", "interaction", "yearly")),
    (econometrics.STANDARD_ERRORS, ("information", "cluster", "bootstrap")),
    (regression.SE_TYPES, ("classical", "hc1", "cluster")),
    (regression.WITHIN_EFFECTS, ("none", "unit", "twoway")),
    (regression.TABLE_FORMATS, ("xlsx", "docx", "tex", "csv")),
    (mediation.MODELS, ("cross_section", "pooled", "unit", "twoway")),
    (convergence.SPATIAL_MODELS, ("SAR", "SEM", "SDM")),
    (convergence.TIMINGS, ("initial", "mean")),
    (convergence.DIVISORS, ("sample", "population")),
    (coverage.PROBLEMS, ("set_covering", "maximal_covering")),
    (coverage.POINT_METHODS, ("centroid", "point_on_surface", "fields")),
    (indices.METHODS, ("entropy", "critic", "cv", "equal", "user")),
    (indices.STANDARDISATIONS, ("minmax", "zscore")),
    (indices.POOLING, ("pooled", "per_year")),
    (indices.MISSING_POLICIES, ("error", "drop", "fill_year_mean")),
    (indices.JOIN_BY, ("code", "name")),
    (indices.OUTPUT_SHAPES, ("wide", "long")),
    (indices.TABLE_SHAPES, ("auto", "long", "wide", "wide_years")),
    (indices.ENCODINGS, ("auto", "utf-8", "gb18030", "big5", "latin-1")),
    (indices.ZONAL_STATISTICS, ("mean", "sum", "count", "min", "max", "share")),
]


@pytest.mark.parametrize(("options", "expected"), PINNED, ids=[str(expected[:2]) for _, expected in PINNED])
def test_the_order_of_the_options_is_the_stored_index(options, expected):
    assert tuple(options) == expected


def test_the_engines_accept_the_same_options():
    """The core checks a choice against the list the parameter offers (no second copy)."""
    from digital_resilience.core.autocorrelation import inference, runs
    from digital_resilience.core.coverage import analysis
    from digital_resilience.core.econometrics import data, design, scenario, spillover
    from digital_resilience.core.regression import export, ols
    from digital_resilience.core.weights import model, points

    assert inference.check_alternative is autocorrelation.check_alternative
    assert inference.check_correction is autocorrelation.check_correction
    assert runs.NULL_POLICIES is autocorrelation.NULL_POLICIES
    assert design.MODELS is econometrics.MODELS
    assert spillover.EFFECTS is econometrics.EFFECTS
    assert scenario.CHANGE_KINDS is econometrics.CHANGE_KINDS
    assert spillover.STANDARD_ERRORS is econometrics.STANDARD_ERRORS
    assert ols.SE_TYPES is regression.SE_TYPES
    assert export.FORMATS is regression.TABLE_FORMATS
    assert analysis.PROBLEMS is coverage.PROBLEMS
    assert points.POINT_METHODS is weights.POINT_METHODS
    assert model.TRANSFORMS == (*weights.TRANSFORMS, "O")
    assert not hasattr(data, "EFFECTS")
    from digital_resilience.core.indices import composite, encoding, join, missing, table_shapes, zonal

    assert composite.METHODS is indices.METHODS and missing.POLICIES is indices.MISSING_POLICIES
    assert join.SHAPES is indices.OUTPUT_SHAPES and table_shapes.TABLE_SHAPES is indices.TABLE_SHAPES
    assert encoding.CHOICES is indices.ENCODINGS and zonal.STATISTICS is indices.ZONAL_STATISTICS


def test_the_option_modules_import_nothing_heavy():
    """QGIS imports them when it lists the algorithms (no numpy at start-up)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "import digital_resilience.core.autocorrelation.options, digital_resilience.core.convergence.options\n"
            "import digital_resilience.core.coverage.options, digital_resilience.core.econometrics.options\n"
            "import digital_resilience.core.mediation.options, digital_resilience.core.regression.options\n"
            "import digital_resilience.core.weights.kinds, digital_resilience.core.indices.options\n"
            "print(sorted(m for m in ('numpy', 'pandas', 'scipy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
