"""Digital Resilience Toolkit: a QGIS plugin.

QGIS imports this package as ``digital_resilience`` and calls :func:`classFactory`.
Nothing heavy is imported here: the plugin must load fast and must load even when
the scientific Python packages it needs at run time are missing.
"""


def classFactory(iface):
    """Return the plugin object for QGIS (desktop or ``qgis_process``)."""
    from .plugin.plugin import DigitalResiliencePlugin

    return DigitalResiliencePlugin(iface)
