"""Block weights: units are neighbours when they share a category (e.g. the same
province), as libpysal's ``block_weights`` and GeoDa's "regime" weights.

Units alone in their category have no neighbours (islands). A unit without a category
is an error that names it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, preview
from .model import SpatialWeights


def block_weights(categories, ids, field: str = "") -> SpatialWeights:
    """w_ij = 1 when units i != j have the same category."""
    import pandas as pd

    categories = pd.Series(np.asarray(categories, dtype=object))
    ids = np.asarray(ids)
    empty = categories.isna().to_numpy()
    if empty.any():
        raise InputError(
            "{count} unit(s) have no value in the block field {field}: {ids}. Fill it or choose another "
            "field.",
            count=int(empty.sum()), field=field, ids=preview(ids[empty]),
        )
    codes, _ = pd.factorize(categories)
    n = len(codes)
    membership = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, codes.max() + 1 if n else 0))
    matrix = (membership @ membership.T).tocsr()
    return SpatialWeights(ids, matrix, "block", "R", {"field": field, "blocks": int(codes.max() + 1) if n else 0})
