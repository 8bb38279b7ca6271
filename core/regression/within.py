"""Fixed effects by the within transformation (Frisch–Waugh–Lovell).

Unit fixed effects: every variable minus its unit mean. Unit *and* year fixed effects:
year dummies are added as regressors and demeaned by unit together with everything
else, which equals the two-way dummy-variable estimator for balanced and unbalanced
panels alike (the textbook ``x − x̄ᵢ − x̄ₜ + x̄`` holds only for balanced ones). The
demeaning is per unit, so a unit's transformed rows depend on that unit alone — which
is what lets the cluster bootstrap of the mediation analysis reuse them.
"""

from __future__ import annotations

import numpy as np


def demean_by(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values`` (rows × columns) minus the mean of their group (``codes`` 0..G-1)."""
    values = np.asarray(values, dtype=float)
    two_d = values.reshape(len(values), -1)
    groups = int(codes.max()) + 1 if len(codes) else 0
    sums = np.zeros((groups, two_d.shape[1]))
    np.add.at(sums, codes, two_d)
    counts = np.bincount(codes, minlength=groups).astype(float)
    means = sums / counts[:, None]
    return (two_d - means[codes]).reshape(values.shape)


def year_dummies(years, drop_first: bool = True) -> tuple[np.ndarray, list[str]]:
    """Indicator columns for each year (the first dropped as the reference)."""
    years = np.asarray(years)
    levels = np.unique(years)
    chosen = levels[1:] if drop_first else levels
    matrix = (years[:, None] == chosen[None, :]).astype(float)
    return matrix, [f"year {y}" for y in chosen]


def design(
    variables: np.ndarray,
    names: list[str],
    units: np.ndarray,
    years: np.ndarray,
    effects: str,
    constant: bool = True,
    year_effects: bool = False,
) -> tuple[np.ndarray, list[str], int]:
    """Columns for a regression with the chosen effects, and the count of absorbed ones.

    ``variables`` holds the outcome(s) and regressors side by side; the result holds
    them transformed, followed by the added columns (constant, year dummies). ``effects``:
    ``none`` (pooled; ``year_effects`` adds year dummies), ``unit`` (within by unit) or
    ``twoway`` (within by unit, with year dummies).
    """
    variables = np.asarray(variables, dtype=float)
    added, added_names = [], []
    if effects == "none":
        if constant:
            added.append(np.ones((len(variables), 1)))
            added_names.append("constant")
        if year_effects:
            dummies, labels = year_dummies(years)
            added.append(dummies)
            added_names += labels
        matrix = np.column_stack([variables, *added]) if added else variables
        return matrix, list(names) + added_names, 0
    _, codes = np.unique(np.asarray(units), return_inverse=True)
    if effects == "twoway":
        dummies, labels = year_dummies(years)
        variables = np.column_stack([variables, dummies])
        names = list(names) + labels
    absorbed = int(codes.max()) + 1
    return demean_by(variables, codes), list(names), absorbed
