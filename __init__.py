"""Digital Resilience Toolkit: a QGIS plugin.

QGIS imports this package as ``digital_resilience`` and calls :func:`classFactory`.
Nothing heavy is imported here: the plugin must load fast and must load even when
the scientific Python packages it needs at run time are missing.
"""

import sys as _sys

# This file runs when QGIS imports the plugin afresh (first load, reload, reinstall, upgrade).
# Any of our modules still in sys.modules then is a leftover of the previous load that QGIS did
# not remove (an older version's unload forgot some): drop them, so that every module is
# imported again from the files now installed.
for _name in [name for name in _sys.modules if name.startswith(__name__ + ".")]:
    del _sys.modules[_name]


def classFactory(iface):
    """Return the plugin object for QGIS (desktop or ``qgis_process``)."""
    from .plugin.plugin import DigitalResiliencePlugin

    return DigitalResiliencePlugin(iface)
