"""The choices of the mediation analysis.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

#: The models of the three equations (MODEL), core.mediation.design.
MODELS = ("cross_section", "pooled", "unit", "twoway")
