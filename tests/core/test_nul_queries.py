"""A NUL character in a page's query string (issue 20, finding 2): `/cases/export.xlsx?zzz=%00`
— a parameter no view reads — answered 500 on PostgreSQL, whose JSON refuses `\\u0000`,
when the export's audit entry stored the query. NulRefusalMiddleware answers every page so
asked with a 400 naming the parameter, before any view runs (core/middleware.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts.roles import Role, role_perms
from fangkong.accounts.services import POSTED_UNIT_KINDS
from fangkong.core.models import AuditEntry
from tests.conftest import World, _user, signed_in
from tests.test_routes import ROUTES

pytestmark = pytest.mark.django_db

# Every download of a list, with the permissions it needs (`full=1`: the reveal).
EXPORTS = [
    ("/cases/export.xlsx", {"quarantine.view"}),
    ("/cases/export.xlsx?full=1", {"quarantine.view", "people.reveal"}),
    ("/checkpoints/passages/?format=xlsx", {"checkpoints.view"}),
    ("/checkpoints/passages/?format=xlsx&full=1", {"checkpoints.view", "people.reveal"}),
    ("/checkpoints/roster/?format=xlsx", {"checkpoints.roster"}),
    ("/logistics/ledger/?export=xlsx", {"logistics.view"}),
    ("/command/report/daily.xlsx", {"command.dashboard"}),
    ("/command/report/daily.docx", {"command.dashboard"}),
    ("/imports/template.xlsx", {"quarantine.import"}),
]
LISTS = ["/cases/", "/people/", "/checkpoints/passages/", "/audit/", "/command/tasks/"]
# Pages that refuse a NUL in what they read themselves, naming the field.
SAYS_NUL_ITSELF = ("checkpoint_check_id", "public_check_id")
NULS = [("zzz", "%00"), ("q", "%E5%BC%A0%00"), ("z%00z", "1")]


def _with(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


def _refused(response: object, name: str) -> bool:
    page = response.content.decode()  # type: ignore[attr-defined]
    return (
        response.status_code == 400  # type: ignore[attr-defined]
        and response["Content-Type"].startswith("text/html")  # type: ignore[index]
        and f"查询参数“{name.replace('%00', '')}”含有空字符" in page
    )


def test_the_exports_exist_as_listed(world: World) -> None:
    """The list above is every export: each answers a file to a role that may take it."""
    client = world.client("command")
    for url in ("/cases/export.xlsx", "/checkpoints/passages/?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert "spreadsheetml" in response["Content-Type"]
    exported = {url.split("?")[0] for url, _p in EXPORTS}
    for name, url, _perms in ROUTES:
        if url.endswith((".xlsx", ".docx", ".csv")) and "999999" not in url:
            assert url in exported, name


def test_a_nul_in_any_query_parameter_of_an_export_is_400_for_every_role(world: World) -> None:
    exporters = {
        # Each at a station where its role may be posted (POSTED_UNIT_KINDS), else at none.
        role: signed_in(
            _user(
                f"nul_{role}",
                role,
                unit=world.station_a if world.station_a.kind in POSTED_UNIT_KINDS[role] else None,
            )
        )
        for role in Role.values
        if any(needed <= role_perms(role) for _url, needed in EXPORTS)
    }
    entries = AuditEntry.objects.count()
    checked, wrong = 0, []
    for role, client in exporters.items():
        for url in [url for url, needed in EXPORTS if needed <= role_perms(role)]:
            for name, value in NULS:
                response = client.get(_with(url, name, value))
                checked += 1
                if not _refused(response, name):
                    wrong.append((role, url, name, response.status_code))
    assert wrong == []
    assert checked >= 30
    # Refused before any view: no export was made, so none is in the audit trail.
    assert AuditEntry.objects.count() == entries


def test_a_nul_in_a_list_pages_query_is_400_naming_it(world: World) -> None:
    client = world.client("command")
    for url in LISTS:
        for name, value in NULS:
            response = client.get(_with(url, name, value))
            assert _refused(response, name), (url, name, response.status_code)


def test_every_page_refuses_a_nul_in_its_query(db: None) -> None:
    """Before any view, sign-in or permission: no page can let one through."""
    client = Client()
    wrong = [
        (name, response.status_code)
        for name, url, _perms in ROUTES
        if name != "logout" and name not in SAYS_NUL_ITSELF
        for response in [client.get(_with(url, "zzz", "%00"))]
        if not _refused(response, "zzz")
    ]
    assert wrong == []
    # The ID check (an htmx fragment, which shows no 400 page) says it as its other
    # refusals, naming the field (core.middleware.says_nul_itself; the seventh attack).
    urls = {name: url for name, url, _perms in ROUTES}
    for name in SAYS_NUL_ITSELF:
        response = client.get(_with(urls[name], "zzz", "%00"))
        assert response.status_code == 200, name
        assert "身份证号含有非法字符：“U+0000”" in response.content.decode(), name


def test_the_refusal_is_in_english_for_an_english_user(world: World) -> None:
    client = world.client("command")
    client.cookies["django_language"] = "en"
    response = client.get("/cases/export.xlsx?zzz=%00")
    assert response.status_code == 400
    assert "zzz" in response.content.decode() and "含有" not in response.content.decode()


def test_a_query_without_nul_still_exports(world: World) -> None:
    response = world.client("command").get("/cases/export.xlsx?zzz=1")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
