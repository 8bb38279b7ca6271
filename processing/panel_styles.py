"""Map styles and field aliases shared by the indicator and index algorithms.

A panel output has one field per year (wide, ``STEM_YYYY``) or one feature per unit and
year (long, with a year field). Either way the map shows the latest year: the wide
layer classifies ``STEM_<latest>``, the long layer an expression that keeps only the
latest year's features (``if("year" = 2019, "URI", NULL)``), so years never overlap.
"""

from __future__ import annotations

from qgis.core import QgsExpression

from .styling import Categorized, Graduated


def latest_field(stem: str, year, year_field: str | None) -> str:
    """The renderer attribute for ``stem`` in ``year``: a field, or an expression (long layers)."""
    if year is None:
        return stem
    if year_field:
        return (f"if({QgsExpression.quotedColumnRef(year_field)} = {int(year)}, "
                f"{QgsExpression.quotedColumnRef(stem)}, NULL)")
    return f"{stem}_{int(year)}"


def graduated(values, attribute: str, ramp: str = "YlGnBu", scheme: str = "fisher_jenks", k: int = 5,
              precision: int = 3) -> Graduated | None:
    """Fisher–Jenks classes (mapclassify) of ``values``; None when there is nothing to classify."""
    import numpy as np

    from ..core.classify import class_breaks

    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return None
    return Graduated(field=attribute, breaks=class_breaks(data, scheme, k), ramp=ramp,
                     minimum=float(data.min()), precision=precision)


def categorized(attribute: str, categories) -> Categorized:
    return Categorized(field=attribute, categories=list(categories))
