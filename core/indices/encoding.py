"""Text encodings of yearbook exports: UTF-8 (with or without a BOM) and GBK/GB18030.

Chinese statistical yearbooks and Excel's "CSV" export on a Chinese Windows write GBK;
newer tools write UTF-8, Excel's "CSV UTF-8" adds a byte-order mark. Detection is
deterministic and needs no third-party package: a BOM wins; otherwise text that decodes
as strict UTF-8 is UTF-8 (GBK text with any Chinese character essentially never is);
otherwise GB18030, the superset of GBK and GB2312 that decodes every byte sequence
those produce, provided the text reads like Chinese: most of its non-ASCII characters are
in GB2312 (the 6,763 common hanzi and the usual punctuation). Latin-1 / Windows-1252 text
(``Zürich``: an accented letter followed by an ASCII one) also decodes as GB18030, but into
rare characters outside GB2312 (黵); such text is read as Windows-1252 (Latin-1 when it is
not valid Windows-1252). The user can always force an encoding.
"""

from __future__ import annotations

import codecs

from ..errors import InputError
from .options import ENCODINGS as CHOICES  # offered to the user, in the order of the dialog

#: Encodings that detection can only guess at (the log then asks the user to check the names).
GUESSED = ("gb18030", "cp1252", "latin-1")

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


#: Share of the non-ASCII characters of a GB18030 reading that must be in GB2312 for it to be taken
#: as Chinese (yearbook text is almost entirely GB2312; Latin-1 read as GB18030 has next to none).
CHINESE_SHARE = 0.5


def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def reads_as_chinese(text: str) -> bool:
    """Whether most non-ASCII characters of ``text`` are GB2312 characters."""
    wide = [c for c in text if ord(c) > 127]
    return not wide or sum(map(_in_gb2312, wide)) >= CHINESE_SHARE * len(wide)


def detect_encoding(data: bytes) -> str:
    """The codec name for ``data``: 'utf-8-sig', 'utf-16', 'utf-8', 'gb18030', 'cp1252' or 'latin-1'."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        if reads_as_chinese(data.decode("gb18030")):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any byte


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """(text, codec used). ``encoding`` is one of :data:`CHOICES` or any Python codec name."""
    name = detect_encoding(data) if encoding in ("auto", "", None) else encoding
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"  # a forced UTF-8 still drops the BOM
    if name in ("gbk", "gb2312"):
        name = "gb18030"  # superset: decodes everything GBK and GB2312 encode
    try:
        return data.decode(name), name
    except UnicodeDecodeError as error:
        raise InputError(
            "The table cannot be read as {encoding} (byte {position} is invalid); choose another "
            "encoding or “Detect automatically”.",
            encoding=name, position=error.start,
        ) from None
    except LookupError:
        raise InputError("Unknown text encoding “{encoding}”; use one of {choices}.",
                         encoding=name, choices=", ".join(CHOICES)) from None
