"""The user's language: the one place that reads QGIS's locale and installs the translation.

:func:`qgis_locale` is the locale QGIS's own user interface runs in; :func:`install_translator`
loads the shipped ``resources/i18n/digital_resilience_<suffix>.qm`` that
``core.locales.translation_locales`` chooses for it (every Chinese locale: Simplified Chinese).
The plugin installs it when QGIS creates it (desktop and ``qgis_process``); the provider does
too when a script registers it without the plugin (``processing.run``), so Toolbox names, help,
messages, legends, layer names and reports all follow the same choice. :func:`ui_language`
(in ``algorithm.py``, which the algorithms import) says which language that translation gives
(``"zh"`` or ``"en"``), for the texts that are not translations but given in both languages by
the user (an indicator's ``name_zh``/``name_en``). :func:`translator` makes a module's ``tr``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from ..core.locales import translation_locales

__all__ = ["ensure_translator", "install_translator", "qgis_locale", "remove_translator", "translator", "ui_language"]

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"

#: The translator the plugin or the provider installed (at most one).
_installed: list[QTranslator] = []


def translator(context: str) -> Callable[[str], str]:
    """The ``tr`` of a module whose strings live in the translation context ``context``:
    ``tr = translator("WeightsParameters")`` at module level (``scripts/i18n.py`` reads the
    context from that assignment, so pass a literal)."""

    def tr(text: str) -> str:
        return QCoreApplication.translate(context, text)

    return tr


def ui_language() -> str:
    """``"zh"`` while the installed translation is Chinese, else ``"en"`` (asked of the
    translation itself, so it always matches the texts the user reads)."""
    # Translators: the language code of this translation ("zh" for Chinese).
    return QCoreApplication.translate("DigitalResilienceLanguage", "en")


def qgis_locale() -> str:
    """The locale of QGIS's user interface, as QGIS itself decides it: the language QGIS
    desktop loaded at start (``--lang``, Options › General › User interface translation, or the
    system's); elsewhere (``qgis_process``, scripts) ``locale/userLocale`` when
    ``locale/overrideFlag`` is on, else the system locale."""
    app = QgsApplication.instance()
    chosen = app.translation() if isinstance(app, QgsApplication) else ""
    if chosen:
        return chosen
    settings = QgsSettings()
    user = str(settings.value("locale/userLocale", "") or "")
    if user and settings.value("locale/overrideFlag", False, type=bool):
        return user
    return QLocale.system().name()


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Install the shipped translation for ``locale`` (default: :func:`qgis_locale`); return
    it, or None when none is shipped for that locale (English)."""
    for suffix in translation_locales(qgis_locale() if locale is None else locale):
        path = I18N_DIR / f"digital_resilience_{suffix}.qm"
        if path.exists():
            translator = QTranslator()
            if translator.load(str(path)):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


def ensure_translator() -> None:
    """Install the translation for QGIS's locale unless the plugin or provider already did."""
    if not _installed:
        translator = install_translator()
        if translator is not None:
            _installed.append(translator)


def remove_translator() -> None:
    """Remove the translation :func:`ensure_translator` installed (the plugin is unloading)."""
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())

