"""Weights that are not estimated from the data: equal weights and the user's weights.

Equal weights give each indicator of an index 1/m. User weights come from the
indicator system's ``weight`` column and are rescaled to sum to 1 within the index
(so 30/20/50 and 0.3/0.2/0.5 mean the same).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError, preview


def equal_weights(count: int) -> np.ndarray:
    return np.full(count, 1.0 / count)


def user_weights(weights, codes, index: str) -> np.ndarray:
    missing = [code for code, weight in zip(codes, weights) if weight is None]
    if missing:
        raise InputError("User weights need a weight for every indicator of index {index}; {codes} have none. "
                         "Fill the weight column of the indicator system.", index=index, codes=preview(missing))
    values = np.asarray(weights, dtype=float)
    if values.sum() <= 0:
        raise InputError("The weights of index {index} add up to zero; give positive weights.", index=index)
    return values / values.sum()
