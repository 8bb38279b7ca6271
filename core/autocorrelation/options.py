"""The choices of the autocorrelation analyses.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

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
