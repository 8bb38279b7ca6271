"""Colours shared by maps and charts (QGIS-free, no dependencies).

The map styles (``processing/styling.py``) use the same values; a test keeps them equal.
"""

from __future__ import annotations

#: GeoDa's LISA cluster colours, by cluster label.
LISA_COLORS: dict[str, str] = {
    "High-High": "#FF0000",
    "Low-Low": "#0000FF",
    "Low-High": "#9696FF",
    "High-Low": "#FF9696",
    "Not significant": "#F0F0F0",
    "No neighbours": "#8C8C8C",
}

#: Hot/cold spots by Gi_Bin (±3/±2/±1 = 99/95/90 % confidence).
HOTSPOT_COLORS: dict[int, str] = {
    3: "#D62F27", 2: "#ED7551", 1: "#FAB984", 0: "#F0F0F0", -1: "#C0CCBE", -2: "#849EBA", -3: "#4575B5",
}

#: Series colours for line and bar charts (ColorBrewer Set1-like, print-safe).
SERIES_COLORS = ("#3A6EA5", "#D7301F", "#4DAF4A", "#984EA3", "#FF7F00", "#A65628", "#F781BF", "#999999")
