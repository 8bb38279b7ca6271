"""The user's language as QGIS hands it over: every Chinese locale value gets the Chinese
translation (Toolbox names, help, messages, legends), anything else English."""

from __future__ import annotations

import re

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")
#: What QGIS or the system can store in locale/userLocale for Chinese: QGIS's Options dialog
#: (its translation files qgis_zh-Hans.qm / qgis_zh-Hant.qm), Qt/--lang names, BCP 47, system names.
SIMPLIFIED = ["zh-Hans", "zh_CN", "zh-Hans-CN", "zh", "zh_SG", "zh_CN.UTF-8"]
TRADITIONAL = ["zh-Hant", "zh_TW", "zh_HK", "zh-Hant-TW"]  # no Traditional translation: Simplified


@pytest.fixture()
def locale_settings(qgis_app):
    """QGIS's locale settings, restored after the test."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    keys = ("locale/userLocale", "locale/overrideFlag")
    saved = {key: settings.value(key) for key in keys if settings.contains(key)}
    yield settings
    for key in keys:
        settings.remove(key)
    for key, value in saved.items():
        settings.setValue(key, value)


@pytest.fixture()
def installed():
    """Translators a test installs, removed after it."""
    from qgis.PyQt.QtCore import QCoreApplication

    translators = []
    yield translators
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


def install(installed):
    from digital_resilience.processing.translation import install_translator

    translator = install_translator()  # reads QGIS's settings, as the plugin and provider do
    if translator is not None:
        installed.append(translator)
    return translator


def assert_chinese(provider, cities_path, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    from digital_resilience.processing.algorithm import ui_language
    from digital_resilience.processing.styling import lisa_style

    assert ui_language() == "zh"
    assert provider.name() == "数字韧性"
    algorithm = provider.algorithm("spatialweights")
    assert (algorithm.group(), algorithm.displayName()) == ("空间权重", "空间权重")
    assert CJK.search(algorithm.shortHelpString())
    fresh = algorithm.createInstance()
    fresh.initAlgorithm()
    assert fresh.parameterDefinition("KIND").description() == "空间权重类型"
    with pytest.raises(QgsProcessingException, match="请将报告地图保存为"):
        processing.run("resilience:reportmap", {"INPUT": str(cities_path), "TITLE": "x",
                                                "OUTPUT": str(tmp_path / "map.jpg")})
    assert [label for _, _, label in lisa_style("LISA_CL").renderer.categories][:2] == ["高-高", "低-低"]


@pytest.mark.parametrize("value", SIMPLIFIED + TRADITIONAL)
def test_every_chinese_locale_gets_the_chinese_toolbox_help_and_messages(value, provider, locale_settings,
                                                                         installed, cities_path, tmp_path):
    from digital_resilience.processing.translation import qgis_locale

    locale_settings.setValue("locale/userLocale", value)
    locale_settings.setValue("locale/overrideFlag", True)
    assert qgis_locale() == value
    assert install(installed) is not None, value
    assert_chinese(provider, cities_path, tmp_path)


def test_the_system_locale_when_qgis_does_not_override_it(provider, locale_settings, installed, cities_path,
                                                          tmp_path, monkeypatch):
    """Options › General › "Override system locale" off: QGIS follows the system (here Chinese),
    whatever an older locale/userLocale says."""
    from qgis.PyQt.QtCore import QLocale

    from digital_resilience.processing import translation

    class ChineseSystem:
        @staticmethod
        def system():
            return QLocale("zh_CN")

    locale_settings.setValue("locale/userLocale", "en_US")
    locale_settings.setValue("locale/overrideFlag", False)
    monkeypatch.setattr(translation, "QLocale", ChineseSystem)
    assert translation.qgis_locale() == "zh_CN"
    assert install(installed) is not None
    assert_chinese(provider, cities_path, tmp_path)


@pytest.mark.parametrize(("value", "override"), [("en_US", True), ("de", True), ("C", True), ("zh-Hans", False)])
def test_other_locales_stay_english(value, override, provider, locale_settings, installed):
    """English for other languages; a Chinese userLocale without the override flag is not what
    QGIS shows (it follows the system, here the C locale of the test run)."""
    from qgis.PyQt.QtCore import QLocale

    from digital_resilience.processing.algorithm import ui_language

    if not override and QLocale.system().name().startswith("zh"):
        pytest.skip("this machine's system locale is Chinese")
    locale_settings.setValue("locale/userLocale", value)
    locale_settings.setValue("locale/overrideFlag", override)
    assert install(installed) is None
    assert ui_language() == "en" and provider.name() == "Digital Resilience"


def test_indicator_names_follow_the_language(installed):
    """An indicator system's name_zh in Chinese, name_en in English (the same choice as the
    translation), the code when it has no name."""
    from digital_resilience.core.indices.system import Indicator
    from digital_resilience.processing.algorithm import core_value
    from digital_resilience.processing.translation import install_translator

    named = Indicator("BBAND", "digital", "digital", 1, name_en="Broadband subscribers", name_zh="宽带用户")
    english_only = Indicator("MOBIL", "digital", "digital", 1, name_en="Mobile subscribers")
    bare = Indicator("TELEC", "digital", "digital", 1)
    assert [core_value(i.label) for i in (named, english_only, bare)] == [
        "Broadband subscribers", "Mobile subscribers", "TELEC"]
    installed.append(install_translator("zh-Hans"))
    assert [core_value(i.label) for i in (named, english_only, bare)] == ["宽带用户", "Mobile subscribers", "TELEC"]
