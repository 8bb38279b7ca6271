"""Stable output stems (≤ 5 characters) and bilingual labels of the indices.

Users' scripts and later steps read these fields, so the stems of the shipped systems
never change:

=========  ==================================================  =====================
stem       meaning                                             system names
=========  ==================================================  =====================
DEI        Digital economy index (数字经济指数)                 digital_economy
URI        Urban resilience index (城市韧性指数)                resilience
URSOC      Social resilience (社会韧性)                         resilience / social
URECO      Economic resilience (经济韧性)                       resilience / economic
URINF      Infrastructure resilience (基础设施韧性)             resilience / infrastructure
URENV      Ecological resilience (生态韧性)                     resilience / ecological
CI         Composite index (综合指数)                            composite (no index given)
<stem>T    TOPSIS relative closeness of an index (DEIT, URIT)
=========  ==================================================  =====================

Other systems get stems from an ``index_stem``/``dim_stem`` column, or from the name when
it already is a stem (``GDI``), or from its letters; collisions get a digit.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputError, Message
from .field_names import MAX_STEM, is_stem


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(name)).casefold())


#: Known index names -> (stem, label). Labels name the index in English and Chinese; in
#: Chinese the Processing layer shows the Chinese name alone (they are Messages).
KNOWN_INDICES = {
    **dict.fromkeys(("digitaleconomy", "digital", "dei", "数字经济", "数字经济指数"),
                    ("DEI", Message("Digital economy index (数字经济指数)"))),
    **dict.fromkeys(("resilience", "urbanresilience", "uri", "城市韧性", "韧性", "城市韧性指数"),
                    ("URI", Message("Urban resilience index (城市韧性指数)"))),
    **dict.fromkeys(("composite", "compositeindex", "index", "综合指数"),
                    ("CI", Message("Composite index (综合指数)"))),
}
#: Known dimension names -> (3-letter code, label as a resilience dimension, label otherwise).
KNOWN_DIMENSIONS = {
    **dict.fromkeys(("social", "society", "社会", "社会韧性"),
                    ("SOC", Message("Social resilience (社会韧性)"), Message("Social dimension (社会维度)"))),
    **dict.fromkeys(("economic", "economy", "经济", "经济韧性"),
                    ("ECO", Message("Economic resilience (经济韧性)"), Message("Economic dimension (经济维度)"))),
    **dict.fromkeys(("infrastructure", "infrastructural", "基础设施", "基础设施韧性", "设施"),
                    ("INF", Message("Infrastructure resilience (基础设施韧性)"),
                     Message("Infrastructure dimension (基础设施维度)"))),
    **dict.fromkeys(("ecological", "ecology", "environmental", "environment", "生态", "生态韧性", "环境"),
                    ("ENV", Message("Ecological resilience (生态韧性)"), Message("Ecological dimension (生态维度)"))),
}


def unique_stem(stem: str, taken: set[str]) -> str:
    """``stem`` or, when taken, the same with its last character(s) replaced by a digit."""
    stem = stem[:MAX_STEM]
    if stem.upper() not in taken:
        return stem
    for digit in range(2, 100):
        candidate = f"{stem[:MAX_STEM - len(str(digit))]}{digit}"
        if candidate.upper() not in taken:
            return candidate
    raise InputError("Too many indices share the stem {stem}; give them explicit stems.", stem=stem)


def letters(name: str) -> str:
    """Upper-case ASCII letters and digits of ``name`` (initials first for several words)."""
    text = unicodedata.normalize("NFKC", str(name))
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    if len(words) > 1:
        initials = "".join(w[0] for w in words).upper()
        if len(initials) >= 2:
            return initials[:MAX_STEM]
    joined = "".join(words).upper()
    return joined if joined and joined[0].isalpha() else ""


def index_stem(name: str, explicit: str | None, taken: set[str]) -> tuple[str, str]:
    """(stem, label) of an index."""
    if explicit:
        if not is_stem(explicit):
            raise InputError("Index stem “{stem}” is not 1–5 letters or digits starting with a letter.",
                             stem=explicit)
        known = KNOWN_INDICES.get(_key(name))
        return explicit, known[1] if known else str(name)
    known = KNOWN_INDICES.get(_key(name))
    if known:
        return unique_stem(known[0], taken), known[1]
    base = str(name) if is_stem(str(name)) else (letters(name) or "IDX")
    return unique_stem(base.upper(), taken), Message("{name} index", name=name) if not is_stem(str(name)) else str(name)


def dimension_stem(index_stem_: str, index_name: str, name: str, explicit: str | None,
                   taken: set[str]) -> tuple[str, str]:
    """(stem, label) of a dimension: 2 letters of the index stem + 3 of the dimension."""
    known = KNOWN_DIMENSIONS.get(_key(name))
    resilience = KNOWN_INDICES.get(_key(index_name), ("",))[0] == "URI"
    if known:
        label = known[1] if resilience else known[2]
    else:
        label = Message("{name} dimension", name=name)
    if explicit:
        if not is_stem(explicit):
            raise InputError("Dimension stem “{stem}” is not 1–5 letters or digits starting with a letter.",
                             stem=explicit)
        return explicit, label
    code = known[0] if known else (letters(name)[:3] or "D")
    return unique_stem((index_stem_[:2] + code).upper(), taken), label


def topsis_stem(stem: str, taken: set[str]) -> str:
    return unique_stem(stem[: MAX_STEM - 1] + "T", taken)
