"""Every page and API route, as every role and as an anonymous visitor, answered as the
role table says: no page is reachable without the permission its view declares, and no
view goes without a declaration (or a place on the short lists below).

Routes with an object in them are walked with real ids, in and out of each caller's
jurisdiction, by tests/test_route_matrix.py; the walk by role here takes the others."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fangkong.accounts.roles import ADMINISTRATOR_ROLES, Role, role_perms
from fangkong.api import api
from tests.conftest import World, signed_in
from tests.test_route_matrix import object_routes

pytestmark = pytest.mark.django_db

# Pages anyone may open, signed in or not.
PUBLIC = {
    "login",
    "set_language",
    "favicon",
    "service_worker",
    "manifest",
    # QR self-registration by travellers (rate-limited; shows nobody else's data) and the
    # ID-number check it shares with the officers' page (known people only for officers).
    "public_register",
    "public_receipt",
    "public_check_id",
    "checkpoint_check_id",
}
# For machines, not people: the load balancer's health check (200 or 503, nothing personal)
# and the monitoring scrape (404 unless from an allowed address or with the token).
# tests/core/test_health_metrics.py tests both.
MACHINES = {"healthz", "metrics"}
# Pages any signed-in user may open, whatever their role.
SIGNED_IN = {"home", "logout", "password_change"}
# The second sign-in step and each user's own two-factor settings (tests/accounts/test_mfa.py).
SIGNED_IN |= {"login_verify", "mfa_settings", "mfa_enrol", "mfa_codes", "mfa_disable"}
# Pages open to any signed-in user that then apply a rule of their own to each record
# (welfare: the political department or the officer's own unit leader; notices: the
# officers they were sent to). Their own tests cover that rule; here: sign-in and no 5xx.
OBJECT_LEVEL = {
    "welfare_list",
    "welfare_create",
    "welfare_detail",
    "welfare_act",
    "outreach_notices",
    "outreach_notice",
    "outreach_notice_confirm",
}
# API routes open to anyone: reference data with nothing personal in it.
PUBLIC_API = {"/api/v1/reference/id-rules", "/api/v1/reference/checkpoint-rules"}
# Mounted elsewhere and tested there: Django's admin, the JSON API (below).
SKIP_PREFIXES = ("admin/", "api/v1/")


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def concrete(route: str) -> str:
    """A URL for the route, with any id replaced by one that does not exist."""
    path = re.sub(r"<(?:int|id):[^>]+>", "999999", route)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path.lstrip("^").rstrip("$")


def page_routes() -> list[tuple[str, str, frozenset[str] | None]]:
    out = []
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        name = pattern.name or route
        perms = getattr(pattern.callback, "required_perms", None)
        any_of = getattr(pattern.callback, "required_any_perms", None)
        if any_of is not None:
            # Any one of them opens the page: record it as a set to intersect with.
            out.append((name, concrete(route), frozenset({"any:" + ",".join(any_of)})))
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if perms is None and view_class is not None:
            perms = getattr(view_class, "required_perms", None)
        out.append((name, concrete(route), frozenset(perms) if perms is not None else None))
    return out


ROUTES = page_routes()


def fetch(client: Client, url: str) -> Any:
    """GET the page; a view that only takes POST is tried with an (empty) POST instead."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


ROLES = [*Role.values, ""]  # "" is a signed-in user without a role


def test_every_page_declares_who_may_open_it() -> None:
    undeclared = [
        name
        for name, _url, perms in ROUTES
        if perms is None and name not in PUBLIC | SIGNED_IN | OBJECT_LEVEL | MACHINES
    ]
    assert undeclared == [], f"views without require_perm and not on a list: {undeclared}"


@pytest.mark.parametrize(("name", "url", "perms"), ROUTES, ids=[r[0] for r in ROUTES])
def test_anonymous_is_sent_to_sign_in(
    db: None, name: str, url: str, perms: frozenset[str] | None
) -> None:
    response = fetch(Client(), url)
    if name in MACHINES:
        assert response.status_code in (200, 404, 503)
    elif name in PUBLIC:
        assert response.status_code in (200, 302, 404, 405)
    else:
        assert response.status_code == 302 and "/login/" in response["Location"], (
            name,
            response.status_code,
        )


def test_every_role_gets_exactly_what_the_table_allows(world: World) -> None:
    by_role = {r: u for r, u in ((u.role, u) for u in world.users.values()) if r not in (None,)}
    checked = 0
    wrong = []
    with_ids = set(object_routes())
    for role in ROLES:
        client = signed_in(by_role[role])
        allowed = role_perms(role)
        for name, url, perms in ROUTES:
            if name in PUBLIC | MACHINES or name == "logout":  # logout would end the walk
                continue
            if name in with_ids:  # real ids, in and out of scope: tests/test_route_matrix.py
                continue
            status = fetch(client, url).status_code
            checked += 1
            if status >= 500:
                wrong.append((role, name, status))
            elif name in OBJECT_LEVEL:
                continue
            elif name == "password_change" and role in ADMINISTRATOR_ROLES:
                # Their passwords are changed on the server only: the page says so with a 403
                # (tests/accounts/test_password_page_attack.py).
                if status != 403:
                    wrong.append((role, name, status, "an administrator's password on the web"))
            elif perms is not None and any(p.startswith("any:") for p in perms):
                any_of = set(next(iter(perms))[4:].split(","))
                if bool(any_of & allowed) != (status != 403):
                    wrong.append((role, name, status, "any-of", sorted(any_of)))
            elif perms is None or perms <= allowed:
                if status == 403:
                    wrong.append((role, name, status, "refused but allowed"))
            elif status != 403:
                wrong.append((role, name, status, "let in without", sorted(perms - allowed)))
    assert wrong == []
    assert checked >= len(ROLES) * 10


def api_operations() -> list[tuple[str, str]]:
    # The schema itself needs a caller (tests/api/test_docs.py): read from the API object.
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method.upper(), re.sub(r"\{[^}]+\}", "999999", path)))
    return ops


def test_api_refuses_anonymous_callers(db: None) -> None:
    ops = api_operations()
    assert ops
    for method, path in ops:
        response = Client().generic(method, path)
        if path in PUBLIC_API:
            assert response.status_code == 200, (method, path)
            continue
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["detail"] == "未登录或令牌无效"
