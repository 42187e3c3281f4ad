"""The roadside, the fourth attack (docs/security.md): a traveller's self-registration
opened by its code is a reveal on the audit trail and is never kept by a browser; a passage
is refused before its checkpoint opened or longer ago than the late-passage window, on the
API and the page (passage_assess is the one home of the passage's time)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Checkpoint, Passage, SelfRegistration
from fangkong.core import clock
from fangkong.core.models import AuditEntry
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post, token_for
from tests.checkpoints.test_passages import WUHAN
from tests.conftest import ClockAt

PHONE = "13900001111"
# The window as deployed (settings.py's default; the suite turns it off, tests/settings.py).
WEEK = override_settings(FANGKONG={**settings.FANGKONG, "PASSAGE_LATE_DAYS": 7})


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


def _api(posts: Posts, when: datetime.datetime) -> tuple[int, dict[str, object]]:
    token = token_for(posts)
    data = body(occurred_at=when.isoformat(), client_id=str(uuid.uuid4()))
    r = post(Client(), data, token)
    return r.status_code, r.json()  # type: ignore[attr-defined]


NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=clock.SHANGHAI)


@pytest.mark.django_db
class TestPassageTime:
    @pytest.mark.parametrize("when", ["1900-01-01T00:00:00+08:00", "1901-01-01T10:00:00+08:00"])
    def test_long_ago_is_refused_naming_the_field(
        self, posts: Posts, clock_at: ClockAt, when: str
    ) -> None:
        clock_at("10:00", NOW.date())
        status, answer = _api(posts, datetime.datetime.fromisoformat(when))
        assert status == 422
        assert answer["detail"] == [
            {"field": "occurred_at", "msg": "通行时间不能早于本检查站的启用日期2020-01-26"}
        ]
        assert not Passage.objects.exists()

    def test_the_day_before_the_checkpoint_opened_is_refused(
        self, posts: Posts, clock_at: ClockAt
    ) -> None:
        clock_at("10:00", datetime.date(2020, 1, 28))
        late = datetime.datetime(2020, 1, 25, 23, 59, tzinfo=clock.SHANGHAI)
        assert _api(posts, late)[0] == 422
        assert _api(posts, late + datetime.timedelta(minutes=1))[0] == 201

    @WEEK
    def test_just_outside_and_just_inside_the_window(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", NOW.date())
        now = clock.now()
        outside = now - datetime.timedelta(days=7, minutes=1)
        status, answer = _api(posts, outside)
        assert status == 422
        earliest = (now - datetime.timedelta(days=7)).astimezone(clock.SHANGHAI)
        assert answer["detail"] == [
            {
                "field": "occurred_at",
                "msg": f"通行时间不能早于{earliest:%Y-%m-%d %H:%M}（7天前）：更早的通行不再补登",
            }
        ]
        inside = now - datetime.timedelta(days=7) + datetime.timedelta(minutes=1)
        status, answer = _api(posts, inside)
        assert status == 201, answer
        assert Passage.objects.get().occurred_at == inside

    @WEEK
    def test_a_qr_confirmation_keeps_to_the_rule(self, posts: Posts, clock_at: ClockAt) -> None:
        """The page's own passages carry no time (now); its confirmation of a traveller's
        submission goes through passage_assess like the API's, and is refused so."""
        clock_at("10:00", NOW.date())
        reg = selfreg_with_phone(posts.g104)
        data = services.selfreg_input(reg)
        data.occurred_at = clock.now() - datetime.timedelta(days=8)
        with pytest.raises(ValidationError) as refused:
            services.passage_assess(data=data)
        assert "通行时间不能早于" in refused.value.message_dict["occurred_at"][0]
