"""One algorithm per module. Every :class:`ResilienceAlgorithm` subclass defined in a
module listed in :data:`MODULES` is offered by the provider; modules must import nothing
heavy at module level (numpy, pandas, geopandas, libpysal... are imported inside
``process``), so that listing the algorithms stays cheap at QGIS start-up.

The modules are imported with plain ``from . import …`` statements, not discovered with
``importlib``: QGIS records a plugin's modules through its ``__import__`` hook and removes
exactly those when it unloads the plugin (disable, reload, reinstall, upgrade). A module it
did not see would survive the unload, and its classes would no longer derive from the
reloaded ``ResilienceAlgorithm``. A new algorithm module is added here (a test checks that
every module of this package is listed).
"""

from __future__ import annotations

import inspect

from ..algorithm import ResilienceAlgorithm
from . import (
    composite_index,
    convergence,
    core_node_coverage,
    coupling_coordination,
    global_autocorrelation,
    heterogeneity,
    hotspots,
    join_table,
    local_geary,
    local_moran,
    mediation,
    network_redundancy,
    report_map,
    scenario,
    spatial_durbin,
    spatial_weights,
    targeting,
    zonal_statistics,
)

MODULES = (
    composite_index, convergence, core_node_coverage, coupling_coordination, global_autocorrelation,
    heterogeneity, hotspots, join_table, local_geary, local_moran, mediation, network_redundancy, report_map,
    scenario, spatial_durbin, spatial_weights, targeting, zonal_statistics,
)


def algorithm_classes() -> list[type[ResilienceAlgorithm]]:
    """The algorithm classes of this package, sorted by algorithm name."""
    found = {}
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, ResilienceAlgorithm)
                and cls.__module__ == module.__name__
                and cls.NAME
            ):
                found[cls.NAME] = cls
    return [found[name] for name in sorted(found)]
