"""Field stems for indicators: at most 5 characters, so ``STEM_YYYY`` fits a shapefile.

A table's indicator name that already is a valid stem (a letter, then letters or digits,
5 at most; e.g. GDPPC, PM25) is kept. Others get a stem: the user's own mapping
(``人均GDP=GDPPC``) first, else ASCII names are upper-cased and cut to 5 characters,
and other names (Chinese) become V01, V02, … Every renamed indicator is reported, and
its original name goes into the field alias. Nothing is renamed silently.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputError, preview

STEM = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,4}$")
MAX_STEM = 5


def is_stem(name: str) -> bool:
    return bool(STEM.match(str(name)))


def parse_mapping(text: str | None) -> dict[str, str]:
    """'人均GDP=GDPPC; 宽带=BBAND' (separators ; or newline) -> {'人均GDP': 'GDPPC', ...}."""
    mapping = {}
    for part in re.split(r"[;\n；]+", text or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputError("Write each renaming as name=STEM (e.g. 人均GDP=GDPPC), separated by “;”; "
                             "“{part}” has no “=”.", part=part.strip())
        name, stem = (unicodedata.normalize("NFKC", p).strip() for p in part.split("=", 1))
        if not is_stem(stem):
            raise InputError("“{stem}” cannot be a field stem: use 1 to 5 letters or digits, starting with a "
                             "letter (e.g. GDPPC).", stem=stem)
        mapping[name] = stem
    return mapping


def indicator_stems(names, mapping: dict[str, str] | None = None, taken=()) -> dict[str, str]:
    """{indicator name: stem}, unique (case-insensitively) and distinct from ``taken``."""
    mapping = mapping or {}
    unknown = [name for name in mapping if name not in names]
    if unknown:
        raise InputError("The renaming names indicators that the table does not have: {names}.",
                         names=preview(unknown))
    used = {str(t).upper() for t in taken}
    stems: dict[str, str] = {}
    counter = 0
    for name in names:
        if name in mapping:
            stem = mapping[name]
        elif is_stem(name):
            stem = name
        else:
            ascii_part = re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKC", name))
            stem = ascii_part.upper()[:MAX_STEM] if ascii_part and name.isascii() and ascii_part[0].isalpha() else ""
        if not stem or stem.upper() in used:
            if name in mapping or (is_stem(name) and stem == name):
                raise InputError("Two indicators would share the field stem {stem}; rename one (e.g. {name}=X1).",
                                 stem=stem, name=name)
            while True:
                counter += 1
                stem = f"V{counter:02d}"
                if stem.upper() not in used:
                    break
        used.add(stem.upper())
        stems[name] = stem
    return stems
