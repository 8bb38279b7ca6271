"""Progress reporting and cancellation for long core computations, QGIS-free.

A *progress callback* is any callable ``progress(fraction)`` with ``0 <= fraction <= 1``.
It may raise :class:`core.errors.Cancelled` to stop the computation; core loops call
it often enough (at least every second or so of work) for a cancel to feel instant.
The Processing layer passes one that forwards to ``QgsProcessingFeedback``.

A computation that has no progress to report (an optimiser's objective, a chart being
drawn, a solver's callback) calls :func:`checkpoint` instead: it raises ``Cancelled``
when the caller's *cancel check* says so. The Processing layer installs the check of the
run's own (root) feedback around the whole run with :func:`cancellable`, so every
checkpoint of that thread sees a cancel whenever it was made; :func:`report` checks it
too. Without a check installed, a checkpoint does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager

from .errors import Cancelled

ProgressCallback = Callable[[float], None]
CancelCheck = Callable[[], bool]

_state = threading.local()


@contextmanager
def cancellable(is_cancelled: CancelCheck | None):
    """Install ``is_cancelled`` (e.g. ``feedback.isCanceled``) as this thread's cancel check
    for the duration of the block (nested blocks restore the outer check)."""
    previous = getattr(_state, "check", None)
    _state.check = is_cancelled
    try:
        yield
    finally:
        _state.check = previous


def cancel_check() -> CancelCheck | None:
    """This thread's cancel check (to hand to a callback that may run in another thread)."""
    return getattr(_state, "check", None)


def cancel_requested() -> bool:
    """True when this thread's cancel check says stop."""
    check = getattr(_state, "check", None)
    return bool(check is not None and check())


def checkpoint() -> None:
    """Raise :class:`Cancelled` when this thread's cancel check says stop."""
    if cancel_requested():
        raise Cancelled()


def report(progress: ProgressCallback | None, fraction: float) -> None:
    """Call ``progress`` if there is one (so core code needs no ``if`` everywhere); honours
    this thread's cancel check either way."""
    checkpoint()
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0))


def span(progress: ProgressCallback | None, start: float, end: float) -> ProgressCallback | None:
    """A callback that maps 0..1 onto ``start..end`` of ``progress`` (for phases)."""
    if progress is None:
        return None

    def scaled(fraction: float) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0))

    return scaled
