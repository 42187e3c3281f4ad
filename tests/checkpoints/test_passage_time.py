"""A passage's time (docs/security.md, "The roadside, the fourth attack"): never before its
checkpoint's 启用日期, never more than FANGKONG_PASSAGE_LATE_DAYS (default 7) days before
now, never beyond the clock's skew ahead of it. passage_assess is the rule's one home, so
the device's API, an officer's outbox, a QR confirmation and the bulk path keep to it alike;
nothing before 1901 (Shanghai's LMT offset, +08:05:43) is ever stored."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage
from fangkong.core import clock
from fangkong.quarantine.models import QuarantineCase
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import LOCAL, body, post, token_for
from tests.conftest import ClockAt

TODAY = datetime.date(2026, 12, 4)
OPENING = "通行时间不能早于本检查站启用日期（2020年1月26日）"


def _send(
    posts: Posts,
    when: datetime.datetime | str,
    client: Client | None = None,
    *,
    english: bool = False,
) -> tuple[int, dict[str, object]]:
    """POST /api/v1/passages with a device token (or as the signed-in `client`: the
    officer's outbox), one car from Wuhan whose driver is referred to quarantine; in English
    when the language switch says so (its cookie)."""
    at = when if isinstance(when, str) else when.isoformat()
    data = body(occurred_at=at, client_id=str(uuid.uuid4()))
    data["occupants"] = [{**data["occupants"][0], "decision": "quarantine"}]  # type: ignore[index]
    sender = client or Client()
    if english:
        sender.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = post(sender, data, "" if client else token_for(posts))
    return r.status_code, r.json()  # type: ignore[attr-defined]


def _refused(answer: dict[str, object]) -> list[object]:
    return [d for d in answer["detail"] if d["field"] == "occurred_at"]  # type: ignore[attr-defined,index]


@pytest.mark.django_db
class TestTheAttack:
    @pytest.mark.parametrize("when", ["1900-01-01T00:00:00+08:00", "1901-01-01T10:00:00+08:00"])
    def test_long_ago_is_refused_naming_the_field_and_the_rule(
        self, posts: Posts, clock_at: ClockAt, when: str
    ) -> None:
        clock_at("10:00", TODAY)
        status, answer = _send(posts, when)
        assert status == 422, answer
        assert _refused(answer) == [{"field": "occurred_at", "msg": OPENING}]
        assert not Passage.objects.exists()
        assert not QuarantineCase.objects.exists()

    def test_in_english_on_request(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", TODAY)
        status, answer = _send(posts, "1900-01-01T00:00:00+08:00", english=True)
        assert status == 422
        assert _refused(answer) == [
            {
                "field": "occurred_at",
                "msg": "Time of passage: not before this checkpoint's opening date (Jan. 26, 2020)",
            }
        ]

    def test_the_officers_outbox_too(self, posts: Posts, clock_at: ClockAt) -> None:
        """A phone's outbox sends as the signed-in officer (a session, not a device token)."""
        clock_at("10:00", TODAY)
        client = Client()
        client.force_login(posts.world.users["checkpoint"])
        status, answer = _send(posts, "1901-01-01T10:00:00+08:00", client=client)
        assert status == 422, answer
        assert _refused(answer) == [{"field": "occurred_at", "msg": OPENING}]
        assert not Passage.objects.exists()


@pytest.mark.django_db
class TestTheBounds:
    def test_the_day_before_the_checkpoint_opened(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", datetime.date(2020, 1, 28))
        eve = datetime.datetime(2020, 1, 25, 23, 59, tzinfo=clock.SHANGHAI)
        status, answer = _send(posts, eve)
        assert status == 422
        assert _refused(answer) == [{"field": "occurred_at", "msg": OPENING}]
        status, answer = _send(posts, eve + datetime.timedelta(minutes=1))
        assert status == 201, answer
        assert answer["occurred_at"] == "2020-01-26T00:00:00+08:00"

    def test_more_than_the_window_back(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", TODAY)
        days = settings.FANGKONG["PASSAGE_LATE_DAYS"]
        assert days == 7  # the default (settings.py): a week of an outbox offline
        now = clock.now()
        for back in (datetime.timedelta(days=8), datetime.timedelta(days=7, minutes=1)):
            status, answer = _send(posts, now - back)
            assert status == 422
            assert _refused(answer) == [
                {
                    "field": "occurred_at",
                    "msg": "通行时间距今不能超过7天（最早2026年11月27日 10:00）：更早的通行不再补登",
                }
            ]
        assert not Passage.objects.exists()

    def test_the_oldest_allowed(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", TODAY)
        oldest = clock.now().replace(second=0, microsecond=0) - datetime.timedelta(days=7)
        clock_at("10:00", TODAY)  # the clock runs on: the window's edge moves with it
        status, answer = _send(posts, oldest + datetime.timedelta(seconds=30))
        assert status == 201, answer
        stored = Passage.objects.get()
        assert stored.occurred_at == oldest + datetime.timedelta(seconds=30)
        assert stored.day == datetime.date(2026, 11, 27)
        assert stored.occupants.get().case is not None  # referred as any car is

    def test_the_future_beyond_the_clocks_skew(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", TODAY)
        now = clock.now()
        status, answer = _send(posts, now + datetime.timedelta(minutes=11))
        assert status == 422
        assert _refused(answer) == [{"field": "occurred_at", "msg": "通行时间不能晚于现在"}]
        status, answer = _send(posts, now + datetime.timedelta(minutes=9))
        assert status == 201, answer  # a phone's clock a few minutes ahead


@pytest.mark.django_db
class TestEveryPath:
    def test_the_bulk_path_refuses_the_batch(self, posts: Posts, clock_at: ClockAt) -> None:
        clock_at("10:00", TODAY)
        items = [
            services.PassageInput(
                checkpoint=posts.g104,
                direction="in",
                vehicle_type="pedestrian",
                occurred_at=when,
                occupants=[services.OccupantInput(name="刘洋", id_number=LOCAL)],
            )
            for when in (clock.now(), datetime.datetime(1901, 1, 1, tzinfo=clock.SHANGHAI))
        ]
        with pytest.raises(ValidationError) as refused:
            services.passages_register_bulk(items=items, by=None)
        assert refused.value.message_dict["occurred_at"] == [OPENING]
        assert not Passage.objects.exists()

    def test_one_car_registered_by_the_service(self, posts: Posts, clock_at: ClockAt) -> None:
        """passage_register, under every page and the API, refuses it before any write."""
        clock_at("10:00", TODAY)
        data = services.PassageInput(
            checkpoint=posts.g104,
            direction="in",
            vehicle_type="pedestrian",
            occurred_at=clock.now() - datetime.timedelta(days=8),
            occupants=[services.OccupantInput(name="刘洋", id_number=LOCAL)],
        )
        with pytest.raises(ValidationError) as refused:
            services.passage_register(data=data, by=None)
        assert refused.value.message_dict["occurred_at"][0].startswith("通行时间距今不能超过7天")
