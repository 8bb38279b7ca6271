"""The one exception type that core functions raise for bad input.

A message is a template plus named values, so that the Processing layer can
translate the template (``QCoreApplication.translate``) before filling it in:
core stays QGIS-free, and users still read every message in their language.
Templates name the problem and the fix, in one or two sentences.
"""

from __future__ import annotations


def preview(items, limit: int = 10) -> str:
    """'a, b, c and 7 more': a short listing of offending items for a message."""
    items = [str(item) for item in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


class InputError(ValueError):
    """Input that the analysis cannot use; the message says why and what to do.

    >>> raise InputError("Field {field} is constant; choose another field.", field="GDP")
    Traceback (most recent call last):
    ...
    core.errors.InputError: Field GDP is constant; choose another field.
    """

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template.format(**params) if params else template)


class Cancelled(Exception):
    """Raised inside core loops when the caller's cancel check says stop."""
