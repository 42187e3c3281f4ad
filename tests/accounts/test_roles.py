from __future__ import annotations

from pathlib import Path

from fangkong.accounts.roles import PERMISSIONS, ROLE_TABLE, Role, role_perms
from fangkong.accounts.roles_doc import roles_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_docs_roles_md_matches_the_role_table() -> None:
    assert (ROOT / "docs" / "roles.md").read_text(encoding="utf-8") == roles_markdown(), (
        "docs/roles.md is out of date: run `fangkong roles --markdown > docs/roles.md`"
    )


def test_every_role_has_an_entry_and_only_known_permissions() -> None:
    assert set(ROLE_TABLE) == set(Role.values)
    for role in Role:
        assert role_perms(role) <= set(PERMISSIONS)


def test_full_personal_data_only_for_roles_that_need_it() -> None:
    holders = {r.value for r in Role if "people.reveal" in role_perms(r)}
    assert holders == {"command", "station", "checkpoint"}
