"""The choices of the panel regressions.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

#: Standard errors (SE_TYPE), core.regression.ols.
SE_TYPES = ("classical", "hc1", "cluster")
#: Fixed effects of the within estimator (EFFECTS of convergence), core.regression.within.
WITHIN_EFFECTS = ("none", "unit", "twoway")
#: Paper table formats (TABLE_FORMATS), core.regression.export.
TABLE_FORMATS = ("xlsx", "docx", "tex", "csv")
