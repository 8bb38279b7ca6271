"""Colours shared by maps and charts (QGIS-free, no dependencies): the one place they are
defined. The map styles (``processing/styling.py``) and the charts (``core/charts/``) read
them from here.
"""

from __future__ import annotations

#: GeoDa's LISA cluster colours (``Explore/LisaMapNewView.cpp``), by the cluster label that
#: the outputs store (``core.autocorrelation.clusters.LISA_LABELS``).
LISA_COLORS: dict[str, str] = {
    "High-High": "#FF0000",
    "Low-Low": "#0000FF",
    "Low-High": "#9696FF",
    "High-Low": "#FF9696",
    "Not significant": "#F0F0F0",
    "No neighbours": "#8C8C8C",
    "No data": "#464646",
}

#: GeoDa's local Geary cluster colours (``LocalGearyMapNewView.cpp``), by cluster label.
GEARY_COLORS: dict[str, str] = {
    "High-High": "#B2182B",
    "Low-Low": "#EF8A62",
    "Other positive": "#FDDBC7",
    "Negative": "#67ADC7",
    "Not significant": "#F0F0F0",
    "No neighbours": "#8C8C8C",
    "No data": "#464646",
}

#: Hot/cold spots by Gi_Bin (±3/±2/±1 = 99/95/90 % confidence): the red-blue colours of
#: ArcGIS's Hot Spot Analysis, light grey for not significant (as the LISA maps).
HOTSPOT_COLORS: dict[int, str] = {
    3: "#D62F27", 2: "#ED7551", 1: "#FAB984", 0: "#F0F0F0", -1: "#C0CCBE", -2: "#849EBA", -3: "#4575B5",
}

#: GeoDa's significance map: p-value thresholds and their greens, most significant first.
SIGNIFICANCE_LEVELS = ((0.0001, "#014603"), (0.001, "#037406"), (0.01, "#06C40B"), (0.05, "#4BFF50"))
#: A lighter green for a significance level above 0.05 (GeoDa stops at 0.05).
EXTRA_LEVEL_COLOR = "#B9FFB4"

#: The core-node coverage model: cores, their nodes, uncovered cities, coverage circles,
#: links, and the distance-to-core classes (thirds of the radius, then beyond it).
CORE_COLOR = "#D7301F"
CORE_OUTLINE = "#3B0F0F"
COVERAGE_FILL = "#6BAED6"
COVERAGE_OUTLINE = "#08519C"
LINK_COLOR = "#525252"
CORE_DISTANCE_COLORS = ("#1A9850", "#91CF60", "#FEE08B", "#D73027")
#: Cores added to an existing network (network redundancy), beside the existing cores' red.
ADDED_CORE_COLOR = "#6A51A3"
ADDED_CORE_OUTLINE = "#250F4F"
#: Overlays that mark cities over a map of changes: the cities chosen for a policy, a naive
#: choice to compare with, the cities one failure would leave uncovered.
CHOSEN_OUTLINE = "#E31A1C"
NAIVE_OUTLINE = "#7A0177"
FAILURE_OUTLINE = "#1F78B4"
#: Spatial weights connectivity lines.
CONNECTIVITY_COLOR = "#505050"

#: Series colours for line and bar charts (ColorBrewer Set1-like, print-safe).
SERIES_COLORS = ("#3A6EA5", "#D7301F", "#4DAF4A", "#984EA3", "#FF7F00", "#A65628", "#F781BF", "#999999")
