"""core.bulk writes JSON columns on SQLite through one encoder made once: the same text as
json.dumps(value, ensure_ascii=False), which the column held before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fangkong.core.bulk import _json_text


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        ["1", "张三", "", '引号"与\\反斜杠', "换\n行\t", "\x00\u2028", "é"],
        {"联系电话": ["手机号码位数错误，已标记为待核实"], "处理结果": ["与第3行内容相同"]},
        {"n": [1, 2.5, None, True, False, float("nan"), float("inf"), -0.0, 10**30]},
        [["嵌套", {"a": {"b": []}}], ("元组",)],
        {1: "整数键", "x": {}},
        ["name", "phone"],
    ],
)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert _json_text(value) == json.dumps(value, ensure_ascii=False)


def test_what_json_cannot_write_is_refused_as_json_dumps_does() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json_text([object()])
