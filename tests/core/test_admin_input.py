"""The admin site checks what it stores as every other entry point does (the fifth attack,
docs/security.md): a unit's name, a key area's note, a village's name with a direction
mark (U+202E) or a control character, a key area valid to 9999-12-31 — refused, the
message naming the field; nothing saved. One place does it for every model the admin site
edits (core.admin.checked, through AuditedAdmin): the walk below fails on a text or date
field of any registered model's form, or its inline rows', that is not checked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import RequestFactory

from fangkong.core import bounds
from fangkong.core.models import KeyArea
from fangkong.core.text import check_plain_text
from fangkong.org.models import Township, Unit, Village
from tests.accounts.test_admin import _change_form
from tests.conftest import World

pytestmark = pytest.mark.django_db

KEY_AREA = {"name": "测试地区", "prefix": "99", "valid_from": "2020-01-01", "note": ""}


def _errors(html: str) -> str:
    """The messages of the admin page's error lists."""
    return " | ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


@pytest.mark.parametrize(
    ("field", "value", "refusal"),
    [
        ("note", "已核实\u202e", "备注含有非法字符：“U+202E”"),
        ("note", "响\x07铃", "备注含有非法字符：“U+0007”"),
        ("note", "空\x00字符", "备注含有非法字符：“U+0000”"),
        ("name", "湖\u200b北", "名称含有非法字符：“U+200B”"),
        ("valid_to", "9999-12-31", "截止日期须在1900-01-01至2100-12-31之间"),
        ("valid_from", "0001-01-01", "起始日期须在1900-01-01至2100-12-31之间"),
        ("name", "", "请填写名称"),
        ("valid_from", "2020-02-30", "起始日期格式不正确"),
    ],
)
def test_key_area_with_a_hidden_character_or_a_date_out_of_bounds_is_refused(
    world: World, field: str, value: str, refusal: str
) -> None:
    r = world.client("admin").post("/admin/core/keyarea/add/", {**KEY_AREA, field: value})
    html = r.content.decode()
    assert r.status_code == 200, r.status_code
    assert refusal in _errors(html), _errors(html)
    assert "这个字段是必填项" not in html
    assert not value or value not in _errors(html)  # the value typed is not echoed
    assert not KeyArea.objects.filter(prefix="99").exists()


def test_key_area_inside_the_bounds_is_saved(world: World) -> None:
    r = world.client("admin").post(
        "/admin/core/keyarea/add/", {**KEY_AREA, "valid_to": "2100-12-31", "note": "多行\n备注"}
    )
    assert r.status_code == 302, _errors(r.content.decode())
    assert KeyArea.objects.get(prefix="99").valid_to is not None


def test_unit_name_with_a_direction_mark_is_refused(world: World) -> None:
    client = world.client("admin")
    path = f"/admin/org/unit/{world.station_a.pk}/change/"
    data = _change_form(client, path)
    before = data["name"]
    data["name"] = "\u202e所出派城堽"
    r = client.post(path, data)
    html = r.content.decode()
    assert r.status_code == 200 and "名称含有非法字符：“U+202E”" in html, _errors(html)
    assert Unit.objects.get(pk=world.station_a.pk).name == before


def test_a_village_row_with_a_direction_mark_is_refused(world: World) -> None:
    """An inline row (a township's villages) is checked like the form it is in."""
    client = world.client("admin")
    township = Township.objects.get(pk=world.township_a.pk)
    path = f"/admin/org/township/{township.pk}/change/"
    data = _change_form(client, path)
    row = next(k for k, v in data.items() if k.endswith("-name") and v == "东王庄村")
    data[row] = "东王庄\u202e村"
    r = client.post(path, data)
    html = r.content.decode()
    assert r.status_code == 200 and "名称含有非法字符：“U+202E”" in html, _errors(html)
    assert Village.objects.get(pk=world.village_a.pk).name == "东王庄村"


def _checked_fields(form: Any) -> list[str]:
    """The model text and date fields of a form that are not checked."""
    missing = []
    opts = form._meta.model._meta
    for name, field in form.fields.items():
        try:
            db_field = opts.get_field(name)
        except FieldDoesNotExist:  # a form's own field
            continue
        if isinstance(db_field, models.CharField | models.TextField):
            if check_plain_text not in field.validators:
                missing.append(f"{opts.label}.{name}: text unchecked")
        elif isinstance(db_field, models.DateField) and bounds.check_day not in field.validators:
            missing.append(f"{opts.label}.{name}: date unbounded")
        if name and "这个字段" in str(field.error_messages.get("required", "")):
            missing.append(f"{opts.label}.{name}: Django's required message")
    return missing


def test_every_admin_form_and_inline_row_checks_text_and_dates(world: World) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    missing: list[str] = []
    seen = 0
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        for instance in (None, obj) if obj is not None else (None,):
            form = model_admin.get_form(request, instance, change=instance is not None)(
                instance=instance
            )
            form.full_clean()  # its messages are named when it is checked
            missing += _checked_fields(form)
            for formset, _inline in model_admin.get_formsets_with_inlines(request, instance):
                row = formset(instance=instance).empty_form
                row.full_clean()
                missing += _checked_fields(row)
            seen += 1
    assert seen >= 7
    assert missing == []
