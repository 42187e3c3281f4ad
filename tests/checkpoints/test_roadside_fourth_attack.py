"""The roadside, the fourth attack (docs/security.md): a traveller's self-registration
opened by its code is a reveal on the audit trail and is never kept by a browser."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Checkpoint, SelfRegistration
from fangkong.core.models import AuditEntry
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import WUHAN

PHONE = "13900001111"


def selfreg_with_phone(checkpoint: Checkpoint) -> SelfRegistration:
    """A traveller's pending self-registration: name, ID number and phone."""
    return services.selfreg_submit(
        data=services.PassageInput(
            checkpoint=checkpoint,
            direction="in",
            vehicle_type="car",
            plate="鲁J12345",
            occupants=[services.OccupantInput(name="赵敏", id_number=WUHAN, phone=PHONE)],
        )
    )


@pytest.mark.django_db
class TestSelfRegistrationOpened:
    def test_opening_a_code_is_a_reveal_on_the_audit_trail(self, posts: Posts) -> None:
        reg = selfreg_with_phone(posts.g104)
        officer = posts.world.client("checkpoint")
        before = AuditEntry.objects.filter(action="reveal").count()
        html = officer.get(f"/checkpoints/register/?code={reg.code}").content.decode()
        assert f'value="{WUHAN}"' in html and PHONE in html  # what the officer sees in full
        entries = AuditEntry.objects.filter(action="reveal").order_by("pk")[before:]
        assert len(entries) == 1
        entry = entries[0]
        assert entry.actor_id == posts.world.users["checkpoint"].pk
        assert entry.object_type == "checkpoints.selfregistration"
        assert entry.object_id == str(reg.pk)
        assert entry.changes["fields"] == ["name", "id_number", "phone"]
        assert entry.changes["purpose"] == "检查站登记（打开扫码自助登记）"
        # Opened again: written again, once per opening.
        officer.get(f"/checkpoints/register/?code={reg.code}")
        assert AuditEntry.objects.filter(action="reveal").count() == before + 2

    def test_an_unknown_code_reveals_nothing(self, posts: Posts) -> None:
        officer = posts.world.client("checkpoint")
        html = officer.get("/checkpoints/register/?code=ZZZZZZ").content.decode()
        assert "不存在、已确认或已过期" in html
        assert not AuditEntry.objects.filter(action="reveal").exists()

    def test_the_opened_code_is_never_stored_but_the_bare_page_may_be(self, posts: Posts) -> None:
        reg = selfreg_with_phone(posts.g104)
        officer = posts.world.client("checkpoint")
        opened = officer.get(f"/checkpoints/register/?code={reg.code}")
        assert opened["Cache-Control"] == "no-store"
        assert "no-store" not in officer.get("/checkpoints/register/").get("Cache-Control", "")

    def test_the_worker_leaves_the_register_page_with_a_query_alone(self) -> None:
        sw = Client().get("/sw.js").content.decode()
        assert "const BARE = " in sw and "checkpoints" in sw.split("const BARE = ")[1][:200]
        assert "no-store" in sw
