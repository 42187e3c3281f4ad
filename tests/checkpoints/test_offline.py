"""What the roadside needs without a network, seen from the server: the rules a device
flags by, the roster the register page keeps, one passage per client_id on the page too,
and a passage that arrives from a phone's outbox after the shift it was made in."""

from __future__ import annotations

import datetime
import gzip
import json
import uuid

import pytest
from django.test import Client

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints import services
from fangkong.checkpoints.models import Passage
from fangkong.core import clock
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import body, post
from tests.checkpoints.test_pages import WUHAN, form
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_checkpoint_rules_are_public_and_hold_nothing_personal(posts: Posts) -> None:
    r = Client().get("/api/v1/reference/checkpoint-rules")
    assert r.status_code == 200 and r["Cache-Control"] == "no-cache"
    rules = r.json()
    assert [(a["prefix"], a["valid_from"], a["valid_to"]) for a in rules["key_areas"]] == [
        ("42", "2020-01-01", None)
    ]
    assert ["420100", "湖北省武汉市", "1"] in rules["regions"]
    assert any(row[0] == "420600" and "襄樊市" in row[3:] for row in rules["regions"])
    assert rules["plates"]["cities"]["鄂"]["A"] == "4201"
    # Each township and village with its township's code: a device reads them for its
    # checkpoint's county (org/places.py).
    places = rules["places"]
    assert ["堽城镇", posts.world.township_a.code] in places["townships"]
    assert ["东王庄村", posts.world.township_a.code] in places["villages"]
    assert rules["fever_threshold"] == "37.3"
    assert rules["messages"]["who"] == "第%(n)s位乘车人"
    text = r.content.decode()
    for personal in (posts.world.person_a.name, posts.world.person_a.id_number, "13853801234"):
        assert personal not in text
    # Asked again with its ETag: nothing to send.
    again = Client().get("/api/v1/reference/checkpoint-rules", HTTP_IF_NONE_MATCH=r["ETag"])
    assert again.status_code == 304
    zipped = Client().get("/api/v1/reference/checkpoint-rules", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == rules
    assert len(zipped.content) < len(r.content) / 3


def test_rules_follow_the_key_areas_an_administrator_sets(posts: Posts) -> None:
    from fangkong.core.models import KeyArea

    first = Client().get("/api/v1/reference/checkpoint-rules")
    KeyArea.objects.create(prefix="3301", name="杭州", valid_from=datetime.date(2020, 2, 4))
    second = Client().get("/api/v1/reference/checkpoint-rules", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "杭州" in [a["name"] for a in second.json()["key_areas"]]


def test_register_page_posts_one_passage_per_client_id(posts: Posts) -> None:
    client = posts.world.client("checkpoint")
    page = client.get("/checkpoints/register/").content.decode()
    assert 'name="client_id"' in page and 'data-outbox-url="/api/v1/passages"' in page
    client_id = str(uuid.uuid4())
    first = client.post(
        "/checkpoints/register/", {**form(), "action": "save", "client_id": client_id}
    )
    # The phone sends it again (its first answer was lost): the same passage, not a second.
    second = client.post(
        "/checkpoints/register/", {**form(), "action": "save", "client_id": client_id}
    )
    passage = Passage.objects.get()
    assert str(passage.client_id) == client_id
    assert first["Location"] == second["Location"] == f"/checkpoints/passages/{passage.pk}/"
    # The same car under the same id from the outbox, as JSON: still that one passage.
    same_car = [
        {"name": "赵敏", "id_number": WUHAN, "phone": "13900001111", "temperature": 36.5,
         "origin": "武汉", "destination": "堽城镇"},
    ]  # fmt: skip
    again = post(client, body(client_id=client_id, occupants=same_car))
    assert again.status_code == 200 and again.json()["id"] == passage.pk
    # Another car under that id is refused, naming what differs (issue 14), and not stored.
    other = post(client, body(client_id=client_id))
    assert other.status_code == 409
    assert [d["field"] for d in other.json()["detail"]] == [
        "occupants",
        "occupants.0",
        "client_id",
    ]
    assert Passage.objects.count() == 1


def test_register_page_keeps_the_officers_roster(posts: Posts) -> None:
    officer = posts.officers[0]
    user = user_create(
        username="roster", password=PASSWORD, role=Role.CHECKPOINT, by=None,
        officer=officer, check_password=False,
    )  # fmt: skip
    services.checkpoint_post(user=user, checkpoint=posts.g104, by=None)
    today = clock.today()
    mine = services.shift_get_or_create(checkpoint=posts.g104, day=today, slot=0)
    services.shift_assign(
        shift=mine,
        officers=[officer, posts.officers[1]],
        leader=officer,
        party_leader=None,
        by=None,
    )
    elsewhere = services.shift_get_or_create(
        checkpoint=posts.other, day=today + datetime.timedelta(days=1), slot=1
    )
    services.shift_assign(
        shift=elsewhere, officers=[officer], leader=None, party_leader=None, by=None
    )
    later = services.shift_get_or_create(
        checkpoint=posts.other, day=today + datetime.timedelta(days=5), slot=1
    )
    services.shift_assign(shift=later, officers=[officer], leader=None, party_leader=None, by=None)
    client = Client()
    client.force_login(user)
    page = client.get("/checkpoints/register/").content.decode()
    roster = page[page.index('data-testid="own-roster"') :]
    assert "周强、吴敏" in roster and "S244磁窑检查站" in roster
    assert roster.count("我的班次") == 2  # today's at G104 and tomorrow's at S244
    assert (today + datetime.timedelta(days=5)).strftime("%m-%d") not in roster


class TestPassageFromAnOutbox:
    """An officer on the roster (not posted) registered a car offline near the end of a
    shift; the phone sends it after the shift has ended."""

    def officer_user(self, posts: Posts):  # type: ignore[no-untyped-def]
        officer = posts.officers[0]
        user = user_create(
            username="duty", password=PASSWORD, role=Role.CHECKPOINT, by=None,
            officer=officer, check_password=False,
        )  # fmt: skip
        shift = services.shift_get_or_create(
            checkpoint=posts.other, day=datetime.date(2020, 1, 28), slot=0
        )
        services.shift_assign(
            shift=shift, officers=[officer], leader=None, party_leader=None, by=None
        )
        client = Client()
        client.force_login(user)
        return client

    def test_made_during_the_shift_is_stored(self, posts: Posts) -> None:
        client = self.officer_user(posts)
        r = post(client, body("S244", occurred_at="2020-01-28T15:55:00+08:00"))
        assert r.status_code == 201, r.content
        assert Passage.objects.get().checkpoint == posts.other

    def test_made_outside_it_comes_back_with_the_reason(self, posts: Posts) -> None:
        client = self.officer_user(posts)
        r = post(client, body("S244", occurred_at="2020-01-28T16:05:00+08:00"))
        assert r.status_code == 403
        # A sentence, as every 403 of the API (core/api.py Refusal), never a list of fields.
        assert r.json() == {
            "detail": "检查站：您不在S244磁窑检查站执勤，通行时间也不在您在该站的班次内"
        }
        assert (
            post(client, body("G104N", occurred_at="2020-01-28T10:00:00+08:00")).status_code == 403
        )
        assert Passage.objects.count() == 0
