"""Which shipped translation a QGIS or system locale gets (pure string logic, no QGIS).

QGIS hands over its locale in several spellings: its Options dialog stores the language of
its own translation files (``zh-Hans``, ``zh-Hant``), ``--lang`` and older profiles use Qt
names (``zh_CN``, ``zh_TW``), the system gives ``zh_CN`` or ``zh_SG`` (sometimes with
``.UTF-8``), BCP 47 adds scripts and regions (``zh-Hans-CN``). The toolkit ships one Chinese
translation, Simplified Chinese (``zh_CN``): every Chinese locale gets it. Traditional
Chinese locales (``zh-Hant``, ``zh_TW``, ``zh_HK``, ``zh_MO``) would take a Traditional
translation first if one were shipped, and get the Simplified one meanwhile: most of the
terms are shared and it reads better to them than English.

>>> translation_locales("zh-Hans")
['zh_CN']
>>> translation_locales("zh_TW")
['zh_TW', 'zh_Hant', 'zh_CN']
>>> translation_locales("pt-BR")
['pt_BR', 'pt']
"""

from __future__ import annotations

SIMPLIFIED_CHINESE = "zh_CN"
TRADITIONAL_MARKERS = {"hant", "tw", "hk", "mo"}
NO_LANGUAGE = {"", "c", "posix"}


def translation_locales(locale: str | None) -> list[str]:
    """The suffixes of the translation files to try for ``locale``, best first
    (``digital_resilience_<suffix>.qm``); empty for no locale, ``C`` and ``POSIX``."""
    text = (locale or "").strip().split(".")[0].split("@")[0].replace("-", "_")
    parts = [part for part in text.split("_") if part]
    if not parts or parts[0].lower() in NO_LANGUAGE:
        return []
    language = parts[0].lower()
    if language == "zh":
        if TRADITIONAL_MARKERS & {part.lower() for part in parts[1:]}:
            return ["zh_TW", "zh_Hant", SIMPLIFIED_CHINESE]
        return [SIMPLIFIED_CHINESE]
    names = [language, *parts[1:]]
    return ["_".join(names[:count]) for count in range(len(names), 0, -1)]
