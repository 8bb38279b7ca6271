"""QGIS Processing side of the plugin: provider, algorithms, layer bridge, styling.

Imported only as ``digital_resilience.processing`` (never as top-level
``processing``, which is QGIS's own module).
"""
