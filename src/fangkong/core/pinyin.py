"""Pinyin of person names, for search by full spelling ("zhangsan") or initials ("zs").

pypinyin converts the characters, but it has no surname mode (mozillazg/python-pinyin#297): it
reads 单 as "dan" and 曾 as "ceng", where a surname is Shàn and Zēng. The first character(s) of
a name are therefore read from the tables below, the rest by pypinyin with its phrase data.
pypinyin loads large dictionaries on import, so it is imported on first use, not with Django.

pypinyin segments text against its phrase dictionary on every call (about 60 µs a name): an
import of 100,000 people spent a fifth of its time there. Most given names contain no
dictionary phrase, and then pypinyin reads each character alone, so such names are read
from a per-character cache (`_fast_syllables`) with exactly pypinyin's result; names with a
phrase still go through pypinyin. Whole names are cached as well.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from fangkong.core.text import strip_all_spaces

__all__ = ["COMPOUND_SURNAMES", "SURNAME_READINGS", "name_pinyin", "search_key"]

# Readings of compound surnames (复姓), syllables separated by a space; the keys also tell the
# masks where a surname ends.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang",
    "司马": "si ma",
    "上官": "shang guan",
    "诸葛": "zhu ge",
    "东方": "dong fang",
    "皇甫": "huang fu",
    "尉迟": "yu chi",
    "公孙": "gong sun",
    "慕容": "mu rong",
    "长孙": "zhang sun",
    "令狐": "ling hu",
    "宇文": "yu wen",
    "夏侯": "xia hou",
    "轩辕": "xuan yuan",
    "端木": "duan mu",
    "司徒": "si tu",
    "司空": "si kong",
    "西门": "xi men",
    "独孤": "du gu",
    "南宫": "nan gong",
    "万俟": "mo qi",
    "闻人": "wen ren",
    "赫连": "he lian",
    "澹台": "tan tai",
    "公冶": "gong ye",
    "宗政": "zong zheng",
    "濮阳": "pu yang",
    "淳于": "chun yu",
    "单于": "chan yu",
    "太叔": "tai shu",
    "申屠": "shen tu",
    "仲孙": "zhong sun",
    "钟离": "zhong li",
    "鲜于": "xian yu",
    "闾丘": "lv qiu",
    "亓官": "qi guan",
    "司寇": "si kou",
    "子车": "zi ju",
    "颛孙": "zhuan sun",
    "巫马": "wu ma",
    "公西": "gong xi",
    "漆雕": "qi diao",
    "乐正": "yue zheng",
    "壤驷": "rang si",
    "公良": "gong liang",
    "拓跋": "tuo ba",
    "夹谷": "jia gu",
    "宰父": "zai fu",
    "谷梁": "gu liang",
    "段干": "duan gan",
    "百里": "bai li",
    "东郭": "dong guo",
    "南门": "nan men",
    "呼延": "hu yan",
    "羊舌": "yang she",
    "微生": "wei sheng",
    "梁丘": "liang qiu",
    "左丘": "zuo qiu",
    "东门": "dong men",
    "第五": "di wu",
    "公羊": "gong yang",
}

# Single-character surnames whose surname reading differs from pypinyin's default reading.
# Characters with two established surname readings (乐 Yuè/Lè) are left to pypinyin.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "种": "chong",
    "重": "chong",
    "秘": "bi",
    "繁": "po",
    "佴": "nai",
    "粘": "nian",
    "藏": "zang",
    "翟": "zhai",
    "都": "du",
    "六": "lu",
    "薄": "bo",
    "阚": "kan",
    "卜": "bu",
    "员": "yun",
    "隗": "wei",
    "句": "gou",
    "召": "shao",
    "折": "she",
    "乜": "nie",
    "长": "chang",
}

_ASCII_WORD = re.compile(r"[a-z]+")
_NOT_CHINESE = "\x00"  # marks chunks pypinyin could not read, see _syllables


@functools.cache
def _converter() -> Callable[[str], list[str]]:
    from pypinyin import Style, lazy_pinyin  # deferred: loads ~10 MB of dictionaries

    def convert(text: str) -> list[str]:
        return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: _NOT_CHINESE + chunk)

    return convert


@functools.cache
def _tables() -> tuple[Callable[[str], object], frozenset[str], dict[str, Any], int]:
    """pypinyin's test for one Chinese character, the first characters of its phrases, the
    phrases and the length of the longest."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    longest = max((len(phrase) for phrase in PHRASES_DICT), default=1)
    return RE_HANS.match, frozenset(phrase[0] for phrase in PHRASES_DICT), PHRASES_DICT, longest


@functools.lru_cache(maxsize=1 << 14)
def _char_syllables(char: str) -> tuple[str, ...]:
    return tuple(_pypinyin_syllables(char))


def _fast_syllables(text: str) -> list[str] | None:
    """Syllables read character by character, when that is what pypinyin would do: every
    character is Chinese and no pypinyin phrase starts inside the text. None otherwise."""
    is_hans, phrase_starts, phrases, longest = _tables()
    n = len(text)
    for i, char in enumerate(text):
        if not is_hans(char):
            return None
        if char in phrase_starts:
            # No phrase is longer than `longest`: looking further made long text cost the
            # cube of its length (a 10,000-character name took minutes, issue 14).
            for j in range(i + 2, min(n, i + longest) + 1):
                if text[i:j] in phrases:
                    return None
    result: list[str] = []
    for char in text:
        result.extend(_char_syllables(char))
    return result


def _syllables(text: str) -> list[str]:
    """Lower-case syllables of ``text``; ASCII words count as syllables, other signs vanish."""
    if not text:
        return []
    fast = _fast_syllables(text)
    return fast if fast is not None else _pypinyin_syllables(text)


def _pypinyin_syllables(text: str) -> list[str]:
    result: list[str] = []
    for item in _converter()(text):
        if item.startswith(_NOT_CHINESE):
            result.extend(_ASCII_WORD.findall(item[1:].lower()))
        else:
            result.extend(_ASCII_WORD.findall(item.lower()))
    return result


def _surname_split(name: str) -> tuple[list[str], str]:
    """Syllables of the surname read as a surname, and the rest of the name."""
    compound = COMPOUND_SURNAMES.get(name[:2])
    if compound is not None and len(name) > 2:
        return compound.split(), name[2:]
    single = SURNAME_READINGS.get(name[:1])
    if single is not None:
        return [single], name[1:]
    return [], name


@functools.lru_cache(maxsize=1 << 16)
def name_pinyin(name: str) -> tuple[str, str]:
    """Full spelling and initials of a person's name: '单田芳' → ('shantianfang', 'stf').

    No tones or spaces; ü is written v ('吕' → 'lv'), as typed on a keyboard.
    """
    text = strip_all_spaces(name) if name else ""
    if not text:
        return "", ""
    surname, rest = _surname_split(text)
    syllables = [*surname, *_syllables(rest)]
    return "".join(syllables), "".join(syllable[0] for syllable in syllables)


def search_key(text: str) -> str:
    """A search term normalised like stored keys: NFKC, lower-case, without spaces."""
    if not text:
        return ""
    lowered = unicodedata.normalize("NFKC", text).lower()
    return strip_all_spaces(lowered)
