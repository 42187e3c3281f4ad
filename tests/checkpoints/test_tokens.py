"""Device tokens: only for a user whose role registers at checkpoints, only at a checkpoint
the user is posted to; made and revoked on the record; a token whose user left the post
(or the role) stops working."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from fangkong.checkpoints import services
from fangkong.checkpoints.models import DeviceToken
from fangkong.core.models import AuditEntry
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post, token_for

pytestmark = pytest.mark.django_db


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_no_token_for_a_role_that_does_not_register_at_checkpoints(posts: Posts) -> None:
    for who in ("command", "station_a", "admin", "workgroup"):
        with pytest.raises(CommandError) as info:
            _cli("create", "--checkpoint", "G104N", "--user", who)
        assert "检查站登记" in str(info.value), who
    with pytest.raises(ValidationError) as refused:
        services.token_create(
            checkpoint=posts.g104, user=posts.world.users["command"], by=posts.world.users["admin"]
        )
    assert "检查站登记" in refused.value.messages[0]
    assert not DeviceToken.objects.exists()


def test_no_token_at_a_checkpoint_the_user_is_not_posted_to(posts: Posts) -> None:
    with pytest.raises(CommandError) as info:
        _cli("create", "--checkpoint", "S244", "--user", "checkpoint")
    assert "S244磁窑检查站" in str(info.value) and "岗" in str(info.value)
    assert not DeviceToken.objects.exists()


def test_creation_and_revocation_are_audited(posts: Posts) -> None:
    raw = token_for(posts)
    token = DeviceToken.objects.get()
    made = AuditEntry.objects.get(action="create", object_type="checkpoints.devicetoken")
    assert made.object_id == str(token.pk) and raw not in str(made.changes)
    assert "已吊销 1 个令牌" in _cli("revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = AuditEntry.objects.get(action="revoke", object_type="checkpoints.devicetoken")
    assert revoked.object_id == str(token.pk)
    assert post(Client(), body(), raw).status_code == 401  # type: ignore[attr-defined]


def test_a_token_stops_working_when_its_user_leaves_the_post_or_the_role(posts: Posts) -> None:
    raw = token_for(posts)
    assert post(Client(), body(), raw).status_code == 201  # type: ignore[attr-defined]
    user = posts.world.users["checkpoint"]
    services.checkpoint_post(user=user, checkpoint=posts.other, by=None)
    assert post(Client(), body(), raw).status_code == 401  # type: ignore[attr-defined]
    services.checkpoint_post(user=user, checkpoint=posts.g104, by=None)
    assert post(Client(), body(), raw).status_code == 201  # type: ignore[attr-defined]
    user.role = "command"
    user.save(update_fields=["role"])
    # A command user's token would read the whole county: it is not honoured.
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert Client().get("/api/v1/persons", **auth).status_code == 401
    assert post(Client(), body(), raw).status_code == 401  # type: ignore[attr-defined]
