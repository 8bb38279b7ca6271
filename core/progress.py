"""Progress reporting and cancellation for long core computations, QGIS-free.

A *progress callback* is any callable ``progress(fraction)`` with ``0 <= fraction <= 1``.
It may raise :class:`core.errors.Cancelled` to stop the computation; core loops call
it often enough (at least every second or so of work) for a cancel to feel instant.
The Processing layer passes one that forwards to ``QgsProcessingFeedback``.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[float], None]


def report(progress: ProgressCallback | None, fraction: float) -> None:
    """Call ``progress`` if there is one (so core code needs no ``if`` everywhere)."""
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0))


def span(progress: ProgressCallback | None, start: float, end: float) -> ProgressCallback | None:
    """A callback that maps 0..1 onto ``start..end`` of ``progress`` (for phases)."""
    if progress is None:
        return None

    def scaled(fraction: float) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0))

    return scaled
