"""Text encodings of yearbook exports: UTF-8 (with or without a BOM) and GBK/GB18030.

Chinese statistical yearbooks and Excel's "CSV" export on a Chinese Windows write GBK;
newer tools write UTF-8, Excel's "CSV UTF-8" adds a byte-order mark. Detection is
deterministic and needs no third-party package: a BOM wins; otherwise text that decodes
as strict UTF-8 is UTF-8 (GBK text with any Chinese character essentially never is);
otherwise GB18030, the superset of GBK and GB2312 that decodes every byte sequence
those produce. The user can always force an encoding.
"""

from __future__ import annotations

import codecs

from ..errors import InputError

#: Encodings offered to the user, in the order of the dialog (append only).
CHOICES = ("auto", "utf-8", "gb18030", "big5", "latin-1")

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(data: bytes) -> str:
    """The codec name for ``data``: 'utf-8-sig', 'utf-16', 'utf-8' or 'gb18030'."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise InputError(
            "The table is neither UTF-8 nor GBK/GB18030 text; save it as “CSV UTF-8” or choose "
            "its encoding explicitly."
        ) from None


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
