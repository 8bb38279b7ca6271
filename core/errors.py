"""What core functions say to the user: :class:`InputError` for bad input and
:class:`Message` for everything else (notes, warnings, labels, report captions).

Both are a template plus named values, so that the Processing layer can translate the
template (context ``core``, ``processing/algorithm.py: core_text``) before filling it
in: core stays QGIS-free, and users still read every message in their language.
``scripts/i18n.py`` extracts every literal template of ``InputError(...)`` and
``Message(...)``. Templates name the problem and the fix, in one or two sentences.
"""

from __future__ import annotations


def english(text: str, context: str | None = None) -> str:
    """The translator plain-Python callers get: the English text as it is. Core functions that
    write user texts take ``tr=english``; the Processing layer passes ``core_text`` instead
    (``context``: a word's own translation context, e.g. ``tr("Total", "convergence")``)."""
    return text


class Message(str):
    """A text for the user: an English template and its named values.

    It *is* the English text (a ``str``: it formats, joins and compares like one, so plain
    Python callers and logs read English), and it keeps ``template`` and ``params`` so
    that the Processing layer shows it translated: the template is translated, then
    filled with the values, values that are themselves Messages translated too.

    >>> note = Message("{count} unit(s) were left out: {ids}.", count=2, ids="A, B")
    >>> note
    '2 unit(s) were left out: A, B.'
    >>> note.template, note.params
    ('{count} unit(s) were left out: {ids}.', {'count': 2, 'ids': 'A, B'})

    Write the template as one literal (the extractor reads it from the source); a label
    without values is ``Message("Local Moran's I")``.
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        text = super().__new__(cls, template.format(**params) if params else template)
        text.template = template
        text.params = params
        return text

    def __reduce__(self):
        return _message, (self.template, self.params)

    @classmethod
    def joined(cls, items, separator: str = ", ") -> Message:
        """``items`` joined by ``separator``; the Messages among them stay translatable."""
        items = list(items)
        literal = separator.replace("{", "{{").replace("}", "}}")
        template = literal.join(f"{{item{k}}}" for k in range(len(items)))
        return cls(template, **{f"item{k}": item for k, item in enumerate(items)})


class Bilingual(Message):
    """A name the user wrote in both languages (an indicator system's ``name_en``/``name_zh``):
    not a translation, so no template. It is the English name (the Chinese one when there is no
    English); ``core_text`` shows the Chinese one to a user who reads the toolkit in Chinese.

    >>> name = Bilingual("Broadband subscribers", "宽带用户")
    >>> name, name.english, name.chinese
    ('Broadband subscribers', 'Broadband subscribers', '宽带用户')
    """

    english: str
    chinese: str

    def __new__(cls, english: str = "", chinese: str = ""):
        shown = english or chinese
        text = str.__new__(cls, shown)
        text.template = shown
        text.params = {}
        text.english = english or chinese
        text.chinese = chinese or english
        return text

    def __reduce__(self):
        return Bilingual, (self.english, self.chinese)


def _message(template: str, params: dict) -> Message:
    return Message(template, **params)


def preview(items, limit: int = 10) -> str:
    """'a, b, c and 7 more': a short listing of offending items for a message (Messages
    among the items stay translatable)."""
    items = list(items)
    messages = any(isinstance(item, Message) for item in items)
    items = items if messages else [str(item) for item in items]
    shown = Message.joined(items[:limit]) if messages else ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    return Message("{items} and {count} more", items=shown, count=len(items) - limit)


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
