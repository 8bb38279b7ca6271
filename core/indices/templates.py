"""The indicator systems shipped in ``resources/templates/indicator_systems``.

Template keys keep their order forever (the dialog's enum indexes them).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Message

FOLDER = Path(__file__).resolve().parents[2] / "resources" / "templates" / "indicator_systems"

#: (key, title) in dialog order; append only.
TEMPLATES = (
    ("digital_resilience", Message("Digital economy (DEI) and urban resilience in four dimensions (URI)")),
    ("digital_economy", Message("Digital economy (DEI), 5 indicators")),
    ("urban_resilience", Message("Urban resilience in four dimensions (URI), 20 indicators")),
)


def template_path(key: str) -> Path:
    """The CSV file of template ``key``."""
    keys = [k for k, _ in TEMPLATES]
    if key not in keys:
        from ..errors import InputError

        raise InputError("Unknown indicator system template “{key}”; use one of {keys}.", key=key,
                         keys=", ".join(keys))
    return FOLDER / f"{key}.csv"
