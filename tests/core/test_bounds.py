"""Pages and forms bound every input like the API does (issue 14, finding 4): the bounds
of core/bounds.py on every form field, and on every page a query string of year-1 and
year-9999 dates, integers past 64 bits and 10,000-character strings never answers 500.

The form walk imports every fangkong module and checks every Form class declared there,
so a new form that forgets a bound fails here."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
)
from django.test import Client

import fangkong
from fangkong.accounts.roles import Role, role_perms
from fangkong.core import bounds
from fangkong.core.forms import DayField, MomentField
from tests.conftest import World
from tests.test_routes import MACHINES, OBJECT_LEVEL, PUBLIC, ROUTES, SIGNED_IN, fetch

# Fields whose values come from a fixed list or are bounded by their type.
BOUNDED_KINDS = (
    forms.ChoiceField,  # also ModelChoiceField, MultipleChoiceField
    forms.ModelChoiceField,
    forms.BooleanField,
    forms.FileField,
    forms.UUIDField,
)


def _all_forms() -> Iterator[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(fangkong.__path__, "fangkong."):
        if any(part in info.name for part in (".migrations", ".management")):
            continue
        if info.name in ("fangkong.wsgi", "fangkong.cli"):
            continue
        importlib.import_module(info.name)
    seen: set[type] = set()
    todo = list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls in seen or not cls.__module__.startswith("fangkong."):
            continue
        seen.add(cls)
        yield cls


def unbounded_fields(cls: type[forms.BaseForm]) -> Iterator[str]:
    for name, field in cls.base_fields.items():  # type: ignore[attr-defined]
        where = f"{cls.__module__}.{cls.__qualname__}.{name}"
        if isinstance(field, BOUNDED_KINDS):
            continue
        if isinstance(field, forms.DateTimeField):
            if not isinstance(field, MomentField):
                yield f"{where}: DateTimeField (use core.forms.MomentField)"
        elif isinstance(field, forms.DateField):
            if not isinstance(field, DayField):
                yield f"{where}: DateField (use core.forms.DayField)"
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            if field.max_value is None or field.min_value is None:
                yield f"{where}: number without min_value and max_value"
        elif isinstance(field, forms.CharField):
            if field.max_length is None:
                if issubclass(cls, AuthenticationForm) and name in ("username", "password"):
                    # Django sets the username's max_length (150) when the form is made;
                    # a password is hashed once, in time linear in the bounded request.
                    continue
                if (
                    issubclass(cls, PasswordChangeForm | AdminPasswordChangeForm)
                    and "password" in name
                ):
                    continue  # hashed once too (the password pages' forms, Django's)
                yield f"{where}: CharField without max_length"
        else:
            yield f"{where}: {type(field).__name__} not known to be bounded"


def test_every_form_field_is_bounded() -> None:
    found = list(_all_forms())
    assert len(found) > 40
    missing = [problem for cls in found for problem in unbounded_fields(cls)]
    assert missing == []


def test_day_and_moment_fields_refuse_year_1_and_9999() -> None:
    class F(forms.Form):
        day = DayField(required=False)
        at = MomentField(required=False)

    for day, at in (("0001-01-01", "0001-01-01T00:00"), ("9999-12-31", "9999-12-31T23:59")):
        form = F({"day": day, "at": at})
        assert not form.is_valid()
        assert form.errors["day"] == ["须在1900-01-01至2100-12-31之间"]
        assert form.errors["at"] == ["须在1900-01-01至2100-12-31之间"]
    assert F({"day": "2020-02-03", "at": "2020-02-03T10:00"}).is_valid()


def test_day_param_bounds() -> None:
    from django.core.exceptions import ValidationError

    assert bounds.day_param("2020-02-03") == datetime.date(2020, 2, 3)
    assert bounds.day_param("") is None and bounds.day_param(None) is None
    for bad in ("0001-01-01", "9999-12-31", "2020-02-30", "2020-02-03" + "x" * 10_000, "1" * 5000):
        with pytest.raises(ValidationError):
            bounds.day_param(bad)


# Every query parameter any page reads, at its most hostile.
HUGE = str(2**64)
LONG = "长" * 10_000
DATE_PARAMS = [
    "date", "day", "week", "start", "end", "until", "opened", "ended", "date_from", "date_to",
    "overdue", "issued", "done", "open", "found", "rectified",
]  # fmt: skip
INT_PARAMS = ["page", "qday", "limit", "offset", "shift", "slot", "township", "station", "n"]
TEXT_PARAMS = ["q", "actor", "object_type", "object_id", "status", "show", "kind", "code"]


def _queries() -> list[dict[str, str]]:
    early = {p: "0001-01-01" for p in DATE_PARAMS} | {"at": "0001-01-01T00:00"}
    late = {p: "9999-12-31" for p in DATE_PARAMS} | {"at": "9999-12-31T23:59"}
    numbers = {p: HUGE for p in INT_PARAMS} | {p: LONG for p in TEXT_PARAMS}
    negative = {p: "-" + HUGE for p in INT_PARAMS}
    return [early, late, numbers, negative]


def _role_for(perms: frozenset[str] | None) -> str:
    if perms is None:
        return Role.POLITICAL
    if any(p.startswith("any:") for p in perms):
        wanted = set(next(iter(perms))[4:].split(","))
        return next(r for r in Role.values if wanted & role_perms(r))
    return next(r for r in Role.values if perms <= role_perms(r))


def test_no_page_answers_500_to_hostile_query_strings(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": "2020-02-03"}
    clients: dict[str, Client] = {}
    by_role = {u.role: u for u in world.users.values()}
    failures = []
    for name, url, perms in ROUTES:
        if name == "logout" or (name in PUBLIC and name not in {"public_register"}):
            continue
        if name in MACHINES:  # /healthz answers 503 on purpose here (no task worker runs)
            continue
        role = _role_for(None if name in SIGNED_IN | OBJECT_LEVEL else perms)
        if role not in clients:
            clients[role] = Client(raise_request_exception=False)
            clients[role].force_login(by_role[role])
        for query in _queries():
            status = fetch(clients[role], f"{url}?{urlencode(query)}").status_code
            if status >= 500:
                failures.append((name, role, next(iter(query.values()))[:12], status))
    assert failures == []
