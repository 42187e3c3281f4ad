from __future__ import annotations

import pytest

from fangkong.core.pinyin import name_pinyin, search_key

pytestmark: list[pytest.MarkDecorator] = []


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("单田芳", "shantianfang", "stf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("朴智星", "piaozhixing", "pzx"),
        ("区志航", "ouzhihang", "ozh"),
        ("查良镛", "zhaliangyong", "zly"),
        ("覃海洋", "qinhaiyang", "qhy"),
        ("盖聂", "genie", "gn"),
        ("缪可", "miaoke", "mk"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("万俟卨", "moqixie", "mqx"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("吕布", "lvbu", "lb"),
        ("张 三", "zhangsan", "zs"),
        ("Ｔｏｍ张", "tomzhang", "tz"),
        ("买买提·艾力", "maimaitiaili", "mmtal"),
        ("张😀三1", "zhangsan", "zs"),
        ("", "", ""),
    ],
)
def test_name_pinyin(name: str, full: str, initials: str) -> None:
    assert name_pinyin(name) == (full, initials)


def test_surname_reading_applies_only_to_the_first_character() -> None:
    # 单 in a given name keeps its ordinary reading
    assert name_pinyin("王单") == ("wangdan", "wd")


def test_search_key() -> None:
    assert search_key("  Zhang San ") == "zhangsan"
    assert search_key("ＺＳ") == "zs"
    assert search_key("张　三") == "张三"
    assert search_key("") == ""


@pytest.mark.parametrize(
    "given",
    [
        "国强",
        "朝阳",
        "长乐",
        "重庆",
        "行",
        "银行",
        "华",
        "单于",
        "曾",
        "乐乐",
        "薄熙",
        "秀兰",
        "涛明",
    ],
)
def test_given_names_read_as_pypinyin_reads_them(given: str) -> None:
    # Given names without a dictionary phrase are read character by character from a
    # cache, the others by pypinyin: both must give pypinyin's reading.
    from pypinyin import lazy_pinyin

    assert name_pinyin("王" + given)[0] == "".join(lazy_pinyin("王" + given))
