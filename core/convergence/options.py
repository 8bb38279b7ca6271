"""The choices of the convergence analysis.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

#: Spatial β-convergence models (SPATIAL), core.convergence.spatial.
SPATIAL_MODELS = ("SAR", "SEM", "SDM")
#: The standard deviation's divisor (DENOMINATOR): n − 1 (ddof 1) or n (ddof 0).
DIVISORS = ("sample", "population")
#: Cross-section controls: initial-year values or period means (TIMING), core.convergence.beta.
TIMINGS = ("initial", "mean")
