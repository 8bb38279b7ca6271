"""City names as join keys, normalised the way Chinese yearbooks vary them.

The same city is written 北京市 / 北京, 延边朝鲜族自治州 / 延边州 / 延边, 阿克苏地区 / 阿克苏,
锡林郭勒盟 / 锡林郭勒, 神农架林区 / 神农架, with stray (full-width) spaces. Normalising:

1. Unicode NFKC (full-width letters, digits and spaces become ASCII), then every
   whitespace and the separators · ' - . are removed and Latin letters case-folded;
2. a trailing administrative suffix is removed: 特别行政区, 自治州, 自治县, 自治旗, 地区,
   林区, 盟, 市, 县 (and Shi, City, Prefecture, League for pinyin names);
3. after 自治州/自治县/自治旗, the ethnic designations before it are removed
   (延边朝鲜族自治州 → 延边, 湘西土家族苗族自治州 → 湘西, 博尔塔拉蒙古自治州 → 博尔塔拉).
   An autonomous prefecture is also found by its short form with 州 (延边州).

Matching never guesses silently: a name that fits no unit, or more than one, is
reported (``NameMatch.status``), and matches made only after normalising are reported
too, so the user can check them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: The 55 recognised ethnic minorities (and 汉), as written in autonomous-area names.
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "汉",
)
AUTONOMOUS = ("自治州", "自治县", "自治旗")
#: Suffixes removed from the end of a name, longest first.
SUFFIXES = ("特别行政区", *AUTONOMOUS, "地区", "林区", "盟", "市", "县")
LATIN_SUFFIXES = ("autonomousprefecture", "prefecture", "league", "city", "shi", "diqu", "meng", "zizhizhou")
_SEPARATORS = re.compile(r"[\s·•'’`\-_.]+")
# Ethnic names: with 族 for any group; without it only for names of 2+ characters
# (博尔塔拉蒙古自治州), so that a place ending in 水 or 白 keeps its last character.
_ETHNIC_TAIL = re.compile(
    "(?:" + "|".join(sorted((re.escape(g) + "族" for g in ETHNIC_GROUPS), key=len, reverse=True)
                     + sorted((re.escape(g) for g in ETHNIC_GROUPS if len(g) >= 2), key=len, reverse=True))
    + ")$"
)


def clean_name(value) -> str:
    """Step 1 only: NFKC, no whitespace or separators, Latin case-folded."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SEPARATORS.sub("", text).casefold()


def normalise_name(value) -> tuple[str, bool]:
    """(base name, is an autonomous area): 延边朝鲜族自治州 → ('延边', True)."""
    text = clean_name(value)
    autonomous = False
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            autonomous = suffix in AUTONOMOUS
            break
    else:
        for suffix in LATIN_SUFFIXES:
            if text.isascii() and text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                break
    if autonomous:
        while True:
            stripped = _ETHNIC_TAIL.sub("", text)
            if stripped == text or len(stripped) < 2:
                break
            text = stripped
    return text, autonomous


def name_keys(value) -> set[str]:
    """Every normalised key under which a unit's name is found (base, and base + 州)."""
    base, autonomous = normalise_name(value)
    keys = {base} if base else set()
    if autonomous and base and clean_name(value).endswith("自治州"):
        keys.add(base + "州")
    return keys


@dataclass
class NameMatch:
    """How one table name was matched: status 'exact', 'normalised', 'ambiguous' or 'unmatched'."""

    name: object
    status: str
    units: list = field(default_factory=list)  # positions in the layer


class NameMatcher:
    """Index of a layer's unit names; :meth:`match` finds the unit(s) for a table name."""

    def __init__(self, names):
        self.names = list(names)
        self.exact: dict[str, list[int]] = {}
        self.normalised: dict[str, list[int]] = {}
        for position, name in enumerate(self.names):
            cleaned = clean_name(name)
            if cleaned:
                self.exact.setdefault(cleaned, []).append(position)
            for key in name_keys(name):
                units = self.normalised.setdefault(key, [])
                if position not in units:
                    units.append(position)

    def match(self, name) -> NameMatch:
        cleaned = clean_name(name)
        if not cleaned:
            return NameMatch(name, "unmatched")
        exact = self.exact.get(cleaned, [])
        if len(exact) == 1:
            return NameMatch(name, "exact", exact)
        if len(exact) > 1:
            return NameMatch(name, "ambiguous", exact)
        base, _ = normalise_name(name)
        candidates = self.normalised.get(base, []) or self.normalised.get(cleaned, [])
        if len(candidates) == 1:
            return NameMatch(name, "normalised", candidates)
        if len(candidates) > 1:
            return NameMatch(name, "ambiguous", candidates)
        return NameMatch(name, "unmatched")
