"""JSON text by the json module's C encoder made once (core/jsontext.py): core.bulk's and
the registration's JSON columns on SQLite, the canonical texts of the request digests and the
audit chain, the audit entries' changes — each the same text as json.dumps with the same
options, which they held before."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any

import pytest

from fangkong.core import idempotency
from fangkong.core.jsontext import unescaped, writer


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
    assert unescaped(value) == json.dumps(value, ensure_ascii=False)
    assert writer()(value) == json.dumps(value)
    assert writer(default=str)(value) == json.dumps(value, default=str)


@pytest.mark.parametrize(
    "value",
    [
        ["张三", "110101199003070011", "", None, 36.5, ["武汉"], []],
        {"b": [None, "鲁J12345"], "a": {"z": 1, "y": [None, "2020-02-03"]}},
        "单独的文字",
        [datetime.date(2020, 2, 3), decimal.Decimal("37.3"), uuid.UUID(int=7)],
    ],
)
def test_canonical_text_as_before(value: Any) -> None:
    options = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":"), "default": str}
    assert idempotency.canonical(value) == json.dumps(value, **options)  # type: ignore[arg-type]
    assert writer(default=str)(value) == json.dumps(value, default=str)


def test_what_json_cannot_write_is_refused_as_json_dumps_does() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        unescaped([object()])
    with pytest.raises(TypeError, match="not JSON serializable"):
        writer()([object()])
