"""Every form, posted as the browser sends it when the officer fills in nothing, is answered
on the page with a message naming the field: no 5xx, nothing saved."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from tests.conftest import World, signed_in
from tests.pages import form_as_posted
from tests.test_routes import ROLES, ROUTES

pytestmark = pytest.mark.django_db

# Forms whose every field may be left empty and that then do what their button says
# (sign out, switch language, generate) are not data entry; the walk leaves them alone.
NOT_DATA_ENTRY = {"logout", "set_language", "login", "password_change"}


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_every_form_posted_blank_names_what_is_missing(world: World) -> None:
    users = {u.role: u for u in world.users.values()}
    tried = []
    wrong = []
    for name, url, _perms in ROUTES:
        if name in NOT_DATA_ENTRY or "999999" in url or url.endswith("/x/"):
            continue
        for role in ROLES:
            client = signed_in(users[role])
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            html = page.content.decode()
            if 'method="post"' not in html:
                continue
            try:
                blank = form_as_posted(html)
            except AssertionError:
                continue  # no form posting back to the page: its buttons post elsewhere
            if len(blank) < 3:  # a button, not a form to fill in
                continue
            before = row_counts()
            response = client.post(url, blank)
            tried.append((name, role))
            after = row_counts()
            if response.status_code >= 500:
                wrong.append((name, role, response.status_code))
            elif response.status_code != 200 or 'class="fk-errors"' not in (
                body := response.content.decode()
            ):
                wrong.append((name, role, response.status_code, "no field message"))
            elif not re.search(r'class="fk-errors"[^>]*><li>[^<]*[\u4e00-\u9fff]', body):
                wrong.append((name, role, "message not in Chinese"))
            changed = {k for k in after if after[k] != before.get(k) and "Audit" not in k}
            changed -= {"sessions.Session", "accounts.AuditChainHead"}
            if changed:
                wrong.append((name, role, "saved", sorted(changed)))
            break  # one role that can open the form is enough
    assert wrong == []
    assert len(tried) >= 15, tried
