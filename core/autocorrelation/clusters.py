"""Quadrants, cluster codes, labels and colours of the local statistics.

Quadrant and cluster **codes follow GeoDa** (PySAL's differ; store and read the label):

==========  =====  =====================  ==================================
quadrant    GeoDa  PySAL/esda (``q``)     meaning
==========  =====  =====================  ==================================
High-High   1      1                      high value, high neighbours
Low-Low     2      3                      low value, low neighbours
Low-High    3      2                      low value among high neighbours
High-Low    4      4                      high value among low neighbours
==========  =====  =====================  ==================================

Cluster codes (GeoDa's LISA cluster map): 0 not significant, 1–4 the quadrant of a
significant unit, 5 no data (GeoDa's "Undefined"), 6 no neighbours ("Neighborless").
Local Geary (GeoDa): 0 not significant, 1 High-High, 2 Low-Low, 3 Other positive,
4 Negative, 5 no data, 6 no neighbours. "High" means above the mean (z > 0); z = 0
counts as low, as in esda and spdep.

Labels are stored in English (stable for scripts and joins); legends translate them.
Their colours (GeoDa's, and ArcGIS's Gi_Bin colours for hot and cold spots) are in
``core/palettes.py``.
"""

from __future__ import annotations

import numpy as np

NOT_SIGNIFICANT, HIGH_HIGH, LOW_LOW, LOW_HIGH, HIGH_LOW, NO_DATA, NO_NEIGHBOURS = range(7)
OTHER_POSITIVE, NEGATIVE = 3, 4  # local Geary

#: GeoDa quadrant code -> PySAL/esda quadrant code.
PYSAL_QUADRANT = {HIGH_HIGH: 1, LOW_HIGH: 2, LOW_LOW: 3, HIGH_LOW: 4}

LISA_LABELS = {
    NOT_SIGNIFICANT: "Not significant",
    HIGH_HIGH: "High-High",
    LOW_LOW: "Low-Low",
    LOW_HIGH: "Low-High",
    HIGH_LOW: "High-Low",
    NO_DATA: "No data",
    NO_NEIGHBOURS: "No neighbours",
}
GEARY_LABELS = {
    NOT_SIGNIFICANT: "Not significant",
    HIGH_HIGH: "High-High",
    LOW_LOW: "Low-Low",
    OTHER_POSITIVE: "Other positive",
    NEGATIVE: "Negative",
    NO_DATA: "No data",
    NO_NEIGHBOURS: "No neighbours",
}
#: Gi_Bin -> label; the bins of units without neighbours or data are NULL.
HOTSPOT_LABELS = {
    3: "Hot spot (99% confidence)",
    2: "Hot spot (95% confidence)",
    1: "Hot spot (90% confidence)",
    0: "Not significant",
    -1: "Cold spot (90% confidence)",
    -2: "Cold spot (95% confidence)",
    -3: "Cold spot (99% confidence)",
}


def quadrants(z, lag) -> np.ndarray:
    """GeoDa quadrant codes (1 HH, 2 LL, 3 LH, 4 HL) of values ``z`` and lags ``lag``."""
    high = np.asarray(z) > 0
    high_lag = np.asarray(lag) > 0
    return np.select([high & high_lag, ~high & ~high_lag, ~high & high_lag], [HIGH_HIGH, LOW_LOW, LOW_HIGH],
                     HIGH_LOW).astype(np.int64)


def lisa_clusters(quadrant, significant, islands) -> np.ndarray:
    """GeoDa LISA cluster codes: the quadrant where significant, 0 elsewhere, 6 for islands."""
    codes = np.where(np.asarray(significant, dtype=bool), quadrant, NOT_SIGNIFICANT).astype(np.int64)
    codes[np.asarray(islands, dtype=np.int64)] = NO_NEIGHBOURS
    return codes


def labels_for(codes, labels: dict) -> np.ndarray:
    """The label of each code (object array of str)."""
    return np.array([labels[int(code)] for code in codes], dtype=object)
