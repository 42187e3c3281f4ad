"""The fifth attack (the admin site's pages, docs/security.md): a delete confirmation
listed residents' names among the protected objects; the security administrator's view
of an account showed its password hash in full."""

from __future__ import annotations

import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_delete_page_names_no_resident_only_counts(world: World) -> None:
    admin = world.client("admin")
    page = admin.get(f"/admin/org/township/{world.township_a.pk}/delete/").content.decode()
    assert world.person_a.name not in page
    assert "人员：" in page and "条" in page


def test_the_bulk_delete_page_names_no_resident(world: World) -> None:
    admin = world.client("admin")
    page = admin.post(
        "/admin/org/township/",
        {"action": "delete_selected", "_selected_action": [world.township_a.pk]},
    ).content.decode()
    assert world.person_a.name not in page
    assert "人员：" in page


@pytest.mark.parametrize("who", ["admin", "security"])
def test_no_administrator_reads_a_password_hash(world: World, who: str) -> None:
    target = world.users["logistics"]
    page = world.client(who).get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    assert page.count("<form") >= 1
    assert target.password not in page
    assert target.password.split("$")[-1] not in page
    assert "pbkdf2_sha256$" not in page
