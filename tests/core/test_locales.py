"""Which shipped translation each locale string gets (core/locales.py, no QGIS)."""

import pytest

from digital_resilience.core.locales import translation_locales


@pytest.mark.parametrize("locale", ["zh-Hans", "zh_CN", "zh-Hans-CN", "zh", "zh_SG", "zh_CN.UTF-8", "ZH-hans",
                                    "zh_CN@pinyin", " zh-Hans "])
def test_simplified_chinese_locales(locale):
    assert translation_locales(locale) == ["zh_CN"]


@pytest.mark.parametrize("locale", ["zh-Hant", "zh_TW", "zh_HK", "zh_MO", "zh-Hant-TW", "zh_TW.Big5"])
def test_traditional_chinese_prefers_a_traditional_file_then_falls_back_to_simplified(locale):
    assert translation_locales(locale) == ["zh_TW", "zh_Hant", "zh_CN"]


@pytest.mark.parametrize(("locale", "expected"), [
    ("", []), (None, []), ("C", []), ("POSIX", []), ("C.UTF-8", []),
    ("en_US", ["en_US", "en"]), ("de", ["de"]), ("pt-BR", ["pt_BR", "pt"]),
    ("sr-Latn-RS", ["sr_Latn_RS", "sr_Latn", "sr"]),
])
def test_other_locales(locale, expected):
    assert translation_locales(locale) == expected
