"""When values count as constant: the one rule behind every "does not vary" check.

numpy only (the autocorrelation statistics run without pandas, see tests/core/test_system_scipy.py).
"""

from __future__ import annotations

import numpy as np

#: Relative spread below which a variable counts as constant. Rounding noise of float64
#: arithmetic is ~1e-16 of the magnitude per operation (a change (x + 1) − x is 1 ± 2e-16);
#: real indicators never vary by less than 1e-10 of their size, and below that centring
#: leaves too few significant digits for anything computed from the deviations to mean anything.
CONSTANT_TOLERANCE = 1e-10


def spread_tolerance(values, magnitude: float | None = None) -> float:
    """The standard deviation at or below which ``values`` count as constant:
    CONSTANT_TOLERANCE × ``magnitude`` (by default the mean absolute value; pass the inputs'
    magnitude for a difference of two variables, or a column's root mean square)."""
    if magnitude is None:
        magnitude = float(np.mean(np.abs(np.asarray(values, dtype=np.float64))))
    return CONSTANT_TOLERANCE * max(magnitude, np.finfo(np.float64).tiny)


def is_constant(values, magnitude: float | None = None) -> bool:
    """The one rule for "does not vary": the standard deviation is at most
    :func:`spread_tolerance` (constant up to rounding). Each caller words its own message."""
    return float(np.std(np.asarray(values, dtype=np.float64))) <= spread_tolerance(values, magnitude)
