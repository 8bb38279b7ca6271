"""What every autocorrelation statistic needs: checked values and weights constants.

Units without neighbours ("islands") follow R spdep's defaults (``zero.policy = TRUE``,
``adjust.n = TRUE``): their values still count in the mean and variance of the variable,
their spatial lag is zero, and ``n`` in the global moments is the number of units *with*
neighbours. Local statistics are not defined for islands (NaN, label "No neighbours").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..constant import is_constant, spread_tolerance
from ..errors import InputError, Message, preview
from ..weights.model import SpatialWeights

MINIMUM_UNITS = 3


@dataclass(frozen=True)
class WeightsConstants:
    """spdep's ``spweights.constants``: n (units with neighbours), S0, S1, S2."""

    n: int
    s0: float
    s1: float
    s2: float

    @property
    def n1(self) -> int:
        return self.n - 1


def weights_constants(matrix) -> WeightsConstants:
    """S0 = Σw, S1 = ½ Σ(w_ij + w_ji)², S2 = Σ_i (row_i + column_i)² (Cliff and Ord)."""
    matrix = sp.csr_matrix(matrix)
    rows = np.asarray(matrix.sum(axis=1)).ravel()
    columns = np.asarray(matrix.sum(axis=0)).ravel()
    symmetric = matrix + matrix.T
    return WeightsConstants(
        n=int(np.count_nonzero(np.diff(matrix.indptr))),
        s0=float(matrix.sum()),
        s1=0.5 * float(symmetric.multiply(symmetric).sum()),
        s2=float(((rows + columns) ** 2).sum()),
    )


#: How messages name a variable whose caller gave no name.
THE_VARIABLE = Message("the variable")


def check_values(values, weights: SpatialWeights, name: str = THE_VARIABLE) -> np.ndarray:
    """``values`` as float64, checked: one per unit, finite, at least 3, not constant."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if len(values) != weights.n:
        raise InputError(
            "{name} has {count} values but the weights have {n} units; use weights built for this layer.",
            name=name, count=len(values), n=weights.n,
        )
    missing = ~np.isfinite(values)
    if missing.any():
        raise InputError(
            "{name} is NULL (or not a number) for {count} unit(s): {ids}. Fill the values, or choose to "
            "drop units with NULL values.",
            name=name, count=int(missing.sum()), ids=preview(weights.ids[missing]),
        )
    if len(values) < MINIMUM_UNITS:
        raise InputError(
            "{name} has values for only {count} unit(s); spatial autocorrelation needs at least {minimum}.",
            name=name, count=len(values), minimum=MINIMUM_UNITS,
        )
    check_varies(values, name)
    if len(weights.islands) == weights.n:
        raise InputError(
            "No unit has a neighbour under these weights, so there is nothing to correlate; choose other "
            "weights (e.g. k-nearest neighbours).",
        )
    return values


def check_varies(values, name: str = THE_VARIABLE, magnitude: float | None = None) -> None:
    """Raise when ``values`` are constant up to rounding (:func:`core.constant.is_constant`; pass the
    inputs' ``magnitude`` for a difference of two variables, whose own size may be pure rounding noise)."""
    if is_constant(values, magnitude):
        value = float(np.mean(values))
        raise InputError(
            "{name} has the same value ({value}) at every unit, so its spatial autocorrelation is undefined "
            "(zero variance); choose a variable that varies.",
            name=name, value=f"{0.0 if abs(value) <= spread_tolerance(values, magnitude) else value:g}",
        )


def off_diagonal(matrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    diagonal = matrix.diagonal()
    if diagonal.any():
        # Not setdiag(0): on a matrix without stored diagonal entries SciPy < 1.11 inserts
        # them and warns (SparseEfficiencyWarning) at every statistic.
        matrix = sp.csr_matrix(matrix - sp.diags(diagonal, format="csr"))
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def standardize(values, ddof: int = 0) -> np.ndarray:
    """(x − mean) / sd, with the population (ddof 0) or sample (ddof 1) standard deviation."""
    centred = values - values.mean()
    return centred / np.sqrt((centred * centred).sum() / (len(values) - ddof))
