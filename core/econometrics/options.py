"""The choices of the spatial econometric models.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

#: Models (MODEL), core.econometrics.design.
MODELS = ("OLS", "SAR", "SEM", "SDM", "SDEM", "SLX")
#: Panel effects (EFFECTS), core.econometrics.data.
EFFECTS = ("none", "unit", "time", "twoway", "random", "random_time")
#: The panel shape of the layer: guessed, a cross-section, a wide or a long panel (LAYOUT).
PANEL_SHAPES = ("auto", "cross_section", "wide", "long")
#: How a scenario changes the policy variable (CHANGE_KIND), core.econometrics.scenario.
CHANGE_KINDS = ("absolute", "percent", "target")
#: What resilience:targeting maximises (OBJECTIVE), core.econometrics.targeting: the total gain, the
#: smallest gain among the least resilient cities, the total gain without widening a regional gap.
TARGETING_OBJECTIVES = ("total", "worst_off", "gap")
#: Subsamples of the heterogeneity analysis (GROUPING), core.econometrics.heterogeneity.
GROUPINGS = ("period", "category", "quantile")
#: Separate models per group, one model with group interactions, or with group × year interactions (METHOD).
HETEROGENEITY_METHODS = ("separate", "interaction", "yearly")
#: Standard errors of resilience:spatialdurbin (STANDARD_ERRORS): the information matrix (classical for least
#: squares), cluster-robust by city (CR1, least-squares models), wild cluster bootstrap by city
#: (core.econometrics.bootstrap).
STANDARD_ERRORS = ("information", "cluster", "bootstrap")
#: The default number of draws of that bootstrap (BOOTSTRAP_DRAWS).
BOOTSTRAP_DRAWS = 199
