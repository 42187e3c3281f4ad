"""Every page form's messages name their field by its label and say the rule, and never
repeat the value posted (the fifth attack, docs/security.md: Django's defaults
"这个字段是必填项。" and "确保该变量包含不超过 5 字符" named no field, and the choice error
echoed what was posted, NUL and U+202E included). One place gives them (core.forms.
name_errors, through NamedErrorsForm): the walk fails on a form not built on it."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import pretty_name
from django.test import Client, override_settings

from fangkong.core.forms import NamedErrorsForm, name_errors
from fangkong.quarantine.models import FollowUp
from tests.conftest import World
from tests.core.test_bounds import _all_forms
from tests.quarantine.conftest import Cases, cases  # noqa: F401 (fixture)
from tests.quarantine.test_pages import TODAY, _fk


def _page_forms() -> list[type[forms.BaseForm]]:
    # ModelForms are the admin site's, checked in one place too (tests/core/test_admin_input.py).
    return [cls for cls in _all_forms() if not issubclass(cls, forms.BaseModelForm)]


def test_every_page_form_is_built_on_named_errors() -> None:
    found = _page_forms()
    assert len(found) > 40
    assert [
        f"{c.__module__}.{c.__qualname__}" for c in found if not issubclass(c, NamedErrorsForm)
    ] == []


def test_every_message_of_every_page_form_names_its_field() -> None:
    wrong = []
    for cls in _page_forms():
        fields = copy.deepcopy(cls.base_fields)  # type: ignore[attr-defined]
        name_errors(fields)
        for name, field in fields.items():
            if not field.label and not issubclass(cls, AuthenticationForm):  # set when made
                wrong.append(f"{cls.__module__}.{cls.__qualname__}.{name}: no label")
            label = str(field.label or pretty_name(name))
            for code, message in field.error_messages.items():
                text = str(message)
                if label not in text or "%(value)" in text or "%(pk)" in text:
                    wrong.append(f"{cls.__module__}.{cls.__qualname__}.{name} {code}: {text}")
    assert wrong == []


def _shown_errors(html: str) -> list[str]:
    return re.findall(r'class="fk-errors"[^>]*>(.*?)</ul>', html, re.S)


@pytest.mark.django_db
@override_settings()
def test_follow_up_form_names_each_field_and_echoes_nothing(
    world: World,
    cases: Cases,  # noqa: F811
    clock_at: Any,
) -> None:
    clock_at("10:00")
    with override_settings(FANGKONG=_fk(**TODAY)):
        r = world.client("followup").post(
            f"/cases/{cases.a.pk}/followup/",
            {"temperature": "36.55555", "at_home": "\x00\u202e2", "visited_at": ""},
        )
    html = r.content.decode()
    shown = " ".join(_shown_errors(html))
    assert "体温（℃）最多5个字（现有8个）" in shown, shown
    assert "是否在家：须选“在家”或“不在家”" in shown, shown
    assert "请填写随访时间" in shown, shown
    assert "\u202e" not in shown and "\x00" not in shown and "这个字段" not in shown
    assert "确保该变量" not in html and "不在可用的选项中" not in html
    assert FollowUp.objects.count() == 0


@pytest.mark.django_db
def test_sign_in_form_names_the_empty_fields() -> None:
    html = Client().post("/login/", {"username": "", "password": ""}).content.decode()
    assert "请填写用户名" in html and "请填写密码" in html, html[-1500:]
    assert "这个字段是必填项" not in html
