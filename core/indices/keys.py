"""Unit codes as join keys: 110100, '110100', '110100.0' and ' 110100 ' are one code.

Spreadsheets store codes as numbers (and may add '.0' or drop leading zeros), text
exports keep them as text. Codes made only of digits are compared as integers (so
'010' equals 10: Excel drops leading zeros); other codes are compared as text after
Unicode NFKC normalisation (full-width digits become ASCII) and trimming.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from ..errors import Message

_DIGITS = re.compile(r"^[+-]?\d+(?:\.0*)?$")


def normalise_code(value) -> str | None:
    """The comparable form of a code; None for a missing code."""
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        if value != value:
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if _DIGITS.match(text):
        return str(int(text.split(".")[0]))
    return text


def describe_codes(codes) -> str:
    """'6-digit numbers' and the like, for messages when nothing matches."""
    lengths = sorted({len(c) for c in codes if c is not None})
    numbers = all(c is None or c.lstrip("+-").isdigit() for c in codes)
    if not lengths:
        return Message("empty")
    span = str(lengths[0]) if len(lengths) == 1 else f"{lengths[0]}–{lengths[-1]}"
    if numbers:
        return Message("{span}-character numbers", span=span)
    return Message("{span}-character text", span=span)
