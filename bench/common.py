"""Helpers every benchmark module shares (``bench/run.py`` puts this folder on ``sys.path``)."""

from __future__ import annotations

import os
import time

#: Providers registered here, kept referenced (SIP drops a provider's Python side otherwise).
_PROVIDERS: list = []


def timed(function, repeat: int = 3):
    """(best wall time in seconds over ``repeat`` calls, the last call's result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def machine_load() -> str:
    """The load averages (1, 5, 15 min) and the number of cores, for the notes of a timing that
    other jobs on the machine can stretch (e.g. an integer programme near its target)."""
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):  # not on every platform
        return "machine load unknown"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) on {os.cpu_count()} cores"


def row(name: str, ours: float, peer_name: str | None = None, peer: float | None = None, notes: str = "") -> dict:
    """A result row; with a peer, its time and the ratio peer / ours (above 1: we are faster)."""
    item = {"benchmark": name, "ours_s": ours, "notes": notes}
    if peer is not None:
        item.update({"peer": peer_name, "peer_s": peer, "ratio": peer / ours})
    return item


def resilience_provider():
    """Processing initialised with this checkout's provider registered (for ``processing.run``)."""
    import sys
    from pathlib import Path

    from qgis.core import QgsApplication

    plugins = str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins")
    if plugins not in sys.path:
        sys.path.append(plugins)
    from processing.core.Processing import Processing

    from digital_resilience.processing.provider import ResilienceProvider

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("resilience")
    if provider is None:
        provider = ResilienceProvider()
        registry.addProvider(provider)
        _PROVIDERS.append(provider)
    return provider
