"""The choices of the coverage analyses.

No heavy imports: QGIS reads them when it lists the algorithms. Each tuple is the order of a
Processing enum parameter's options, whose index models and scripts store: append only, never
reorder (tests/core/test_option_orders.py pins them).
"""

from ..weights.kinds import POINT_METHODS as POLYGON_POINTS

#: Covering problems (PROBLEM), core.coverage.analysis.
PROBLEMS = ("set_covering", "maximal_covering")
#: Where a city is: a point of its polygon (core.weights.points) or coordinate fields (POINTS).
POINT_METHODS = (*POLYGON_POINTS, "fields")
