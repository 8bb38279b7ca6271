"""One algorithm per module. Every :class:`ResilienceAlgorithm` subclass defined in a
module of this package is offered by the provider; modules must import nothing heavy
at module level (numpy, pandas, geopandas, libpysal... are imported inside
``process``), so that listing the algorithms stays cheap at QGIS start-up.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from ..algorithm import ResilienceAlgorithm


def algorithm_classes() -> list[type[ResilienceAlgorithm]]:
    """The algorithm classes of this package, sorted by algorithm name."""
    found = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, ResilienceAlgorithm)
                and cls.__module__ == module.__name__
                and cls.NAME
            ):
                found[cls.NAME] = cls
    return [found[name] for name in sorted(found)]
