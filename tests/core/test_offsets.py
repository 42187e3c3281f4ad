"""A time written with an offset no place on earth uses (issue 20, finding 1): Python reads
any offset under 24 hours, PostgreSQL none past ±15:59 — `+23:59` on a passage, `+16:00`
on a follow-up and `+20:00` on the command's and the wartime order's forms answered 500
(`DataError: time zone displacement out of range`). Every time read from input — the
API's `Moment`, the pages' `MomentField`, a page's `?at=` — refuses an offset outside
UTC−12:00…UTC+14:00, naming its field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms

from fangkong.api import api
from fangkong.core import bounds
from fangkong.core.api import FIELD_LABELS
from fangkong.core.forms import MomentField
from fangkong.org import services as org_services
from fangkong.org.models import Recall
from fangkong.quarantine.models import FollowUp
from tests.api.test_bounds import _resolve
from tests.conftest import World
from tests.core.test_bounds import _all_forms
from tests.quarantine.conftest import Cases
from tests.quarantine.conftest import cases as cases

OUTSIDE = ["+23:59", "+20:00", "+16:00", "+14:01", "-12:01", "-16:00"]
INSIDE = ["+14:00", "-12:00", "+08:00", "+05:45", "Z"]
MESSAGE = "时区须在UTC-12:00至UTC+14:00之间"


@pytest.mark.parametrize("offset", OUTSIDE)
def test_a_moment_field_refuses_an_offset_outside_the_worlds(offset: str) -> None:
    class F(forms.Form):
        at = MomentField(label="发生时间")

    form = F({"at": f"2020-02-03T05:00{offset}"})
    assert not form.is_valid()
    assert form.errors["at"] == [f"发生时间的{MESSAGE}"]


@pytest.mark.parametrize("offset", INSIDE)
def test_a_moment_field_takes_every_offset_in_use(offset: str) -> None:
    class F(forms.Form):
        at = MomentField(label="发生时间")

    assert F({"at": f"2020-02-03T05:00{offset}"}).is_valid()
    assert F({"at": "2020-02-03T05:00"}).is_valid()  # a browser's datetime-local


def test_a_pages_time_parameter_refuses_it() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=re.escape(MESSAGE)):
        bounds.moment_param("2020-02-03T05:00+20:00")
    assert bounds.moment_param("2020-02-03T05:00+14:00") is not None


def test_every_time_field_of_a_form_is_a_moment_field() -> None:
    """The forms' rule is MomentField's: a form reading a time any other way escapes it."""
    with_times = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in _all_forms()
        for name, field in cls.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.DateTimeField)
    ]
    assert len(with_times) >= 6
    escaped = [
        where
        for cls in _all_forms()
        for name, field in cls.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.DateTimeField) and not isinstance(field, MomentField)
        for where in [f"{cls.__qualname__}.{name}"]
    ]
    assert escaped == []


# ---------------------------------------------------------------- the API


def _time_fields(schema: dict[str, Any], node: dict[str, Any], loc: str) -> Iterator[str]:
    node = _resolve(schema, node)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from _time_fields(schema, sub, loc)
    if node.get("format") == "date-time":
        yield loc
    for name, prop in node.get("properties", {}).items():
        yield from _time_fields(schema, prop, f"{loc}.{name}" if loc else name)


def api_time_inputs() -> list[tuple[str, str, str, str]]:
    """(method, path, where, field) of every time the API reads: query or JSON body."""
    schema = api.get_openapi_schema()
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                for field in _time_fields(schema, param["schema"], param["name"]):
                    found.append((method, path, "query", field))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                for field in _time_fields(schema, body["schema"], ""):
                    found.append((method, path, "body", field))
    return found


@pytest.mark.django_db
def test_every_time_the_api_reads_refuses_it_with_422_naming_the_field(world: World) -> None:
    inputs = api_time_inputs()
    assert {(m, p) for m, p, _w, _f in inputs} >= {
        ("post", "/api/v1/passages"),
        ("post", "/api/v1/cases/{case_id}/followups"),
    }
    client = world.client("command")
    wrong = []
    for method, path, where, field in inputs:
        assert "." not in field, field  # a nested time: build the body deeper here
        url = path.replace("{case_id}", "1").replace("{checkpoint_id}", "1")
        for offset in ("+23:59", "+16:00", "-12:30"):
            value = f"2020-02-03T06:40:00{offset}"
            if where == "query":
                response = client.generic(method.upper(), f"{url}?{field}={value}")
            else:
                response = client.generic(
                    method.upper(), url, json.dumps({field: value}), "application/json"
                )
            expected = {"field": field, "msg": f"{FIELD_LABELS[field]}：{MESSAGE}"}
            if response.status_code != 422 or expected not in response.json()["detail"]:
                wrong.append((method, path, field, offset, response.status_code))
    assert wrong == []


@pytest.mark.django_db
def test_a_followup_at_plus_16_is_422_and_not_stored(world: World, cases: Cases) -> None:
    response = world.client("followup").post(
        f"/api/v1/cases/{cases.a.pk}/followups",
        json.dumps({"temperature": 36.5, "at_home": True, "visited_at": "2020-02-03T09:00+16:00"}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [
        {"field": "visited_at", "msg": f"{FIELD_LABELS['visited_at']}：{MESSAGE}"}
    ]
    assert FollowUp.objects.count() == 0


# ---------------------------------------------------------------- the pages

PAGES = [
    ("/command/incidents/new/", "occurred_at", "发生时间"),
    ("/command/tasks/new/", "deadline", "完成时限"),
    ("/command/inspections/new/", "at", "检查时间"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "field", "label"), PAGES)
def test_the_command_forms_say_which_time_is_wrong(
    world: World, url: str, field: str, label: str
) -> None:
    response = world.client("command").post(url, {field: "2020-02-03T05:00+20:00"})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [f"{label}的{MESSAGE}"]
    assert f"{label}的{MESSAGE}" in response.content.decode()


@pytest.mark.django_db
def test_the_wartime_order_and_a_report_back_refuse_it(world: World) -> None:
    client = world.client("command")
    response = client.post(
        "/org/wartime/",
        {"title": "全警停休", "text": "即日起停休", "effective_at": "2020-01-26T14:00+20:00"},
    )
    assert response.status_code == 200
    assert f"生效时间的{MESSAGE}" in response.content.decode()
    assert not Recall.objects.exists()

    org_services.officer_create(
        name="刘洋",
        badge_number="371301",
        kind="police",
        unit=world.station_a,
        by=None,
        status="on_leave",
    )
    response = client.post(
        "/org/wartime/",
        {"title": "全警停休", "text": "即日起停休", "effective_at": "2020-01-26T14:00"},
    )
    assert response.status_code == 302
    recall = Recall.objects.filter(reported_at__isnull=True).first()
    assert recall is not None
    response = client.post(
        f"/org/wartime/recalls/{recall.pk}/report/",
        {"reported_at": "2020-01-26T18:30+20:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert f"报到时间的{MESSAGE}" in response.content.decode()
    recall.refresh_from_db()
    assert recall.reported_at is None
