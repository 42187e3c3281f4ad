"""The server's side of the roadside's fast path: a vehicle holds what its type allows (one
limit for the page, the form and the API), several receipts scanned into one car are
confirmed by one passage, and a receipt's QR carries what the officer's scanner needs."""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest
from django.test import Client

from fangkong.checkpoints import services
from fangkong.checkpoints.models import VEHICLE_SEATS, Passage, SelfRegistration
from fangkong.core.idnumber import make_id_number
from fangkong.core.scancodes import scan_payload
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_api import post
from tests.conftest import numbered

pytestmark = pytest.mark.django_db


def people(n: int) -> list[dict[str, object]]:
    return [
        {
            "name": numbered("乘客", i),
            "id_number": make_id_number("370921", datetime.date(1980, 1, 1), i, "M"),
            "temperature": 36.5,
        }
        for i in range(1, n + 1)
    ]


def passage(vehicle_type: str, n: int, **kw: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "checkpoint": "G104N",
        "direction": "in",
        "occurred_at": "2020-01-28T10:15:00+08:00",
        "plate": "鲁J12345",
        "vehicle_type": vehicle_type,
        "occupants": people(n),
        **kw,
    }


class TestSeats:
    def test_a_coach_holds_sixty_and_a_car_nine(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        assert VEHICLE_SEATS["bus"] == 60 and VEHICLE_SEATS["car"] == 9
        r = post(client, passage("bus", 60))
        assert r.status_code == 201, r.content  # type: ignore[attr-defined]
        assert Passage.objects.get().persons == 60
        r = post(client, passage("car", 10))
        assert r.status_code == 422  # type: ignore[attr-defined]
        assert r.json()["detail"] == [  # type: ignore[attr-defined]
            {"field": "occupants", "msg": "乘车人员：小型客车最多登记9人"}
        ]
        assert Passage.objects.count() == 1

    def test_the_page_stops_adding_at_the_limit_and_says_so(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        form = {"n": "3", "vehicle_type": "motorcycle", "action": "add", "plate_rest": "J12345"}
        html = client.post("/checkpoints/register/", form).content.decode()
        assert "摩托车最多登记3人，已到上限" in html
        assert 'id="occ-3-id_number"' not in html
        html = client.post("/checkpoints/register/", {**form, "vehicle_type": "bus"}).content
        assert 'id="occ-3-id_number"' in html.decode()

    def test_the_register_page_tells_the_script_the_limits(self, posts: Posts) -> None:
        html = posts.world.client("checkpoint").get("/checkpoints/register/").content.decode()
        seats = re.search(r'data-seats="([^"]+)"', html)
        assert seats is not None
        assert json.loads(seats.group(1).replace("&quot;", '"'))["bus"] == 60


def _receipt(posts: Posts, *names: str, start: int = 10) -> SelfRegistration:
    return services.selfreg_submit(
        data=services.PassageInput(
            checkpoint=posts.g104,
            direction="in",
            vehicle_type="bus",
            plate="鲁J12345",
            occupants=[
                services.OccupantInput(
                    name=n,
                    id_number=make_id_number("370921", datetime.date(1990, 1, 1), start + k, "F"),
                    destination="堽城镇",
                )
                for k, n in enumerate(names)
            ],
        )
    )


class TestReceipts:
    def test_the_receipt_qr_carries_the_code_and_the_travellers(self, posts: Posts) -> None:
        reg = _receipt(posts, "王芳", "李娜")
        html = Client().get(f"/q/r/{reg.token}/").content.decode()
        text = re.search(r'data-text="([^"]+)"', html)
        assert text is not None
        link = text.group(1).replace("&amp;", "&")
        assert link.startswith("http://testserver/checkpoints/register/?code=" + reg.code + "#FK1:")
        data = scan_payload(link)
        assert data is not None
        assert data["c"] == reg.code and data["p"] == "鲁J12345" and data["v"] == "bus"
        assert [o["n"] for o in data["o"]] == ["王芳", "李娜"]
        assert data["o"][0]["i"] == reg.data["occupants"][0]["id_number"]

    def test_two_receipts_scanned_into_one_coach_are_one_passage(self, posts: Posts) -> None:
        a, b = _receipt(posts, "王芳"), _receipt(posts, "李娜", start=20)
        client = posts.world.client("checkpoint")
        travellers = [{**o, "temperature": 36.5} for reg in (a, b) for o in reg.data["occupants"]]
        data = {**passage("bus", 0), "occupants": travellers, "selfreg_codes": [a.code, b.code]}
        r = post(client, data)
        assert r.status_code == 201, r.content  # type: ignore[attr-defined]
        stored = Passage.objects.get()
        assert stored.source == "self" and stored.persons == 2
        assert set(SelfRegistration.objects.values_list("passage", flat=True)) == {stored.pk}
        # The reply was lost and the phone sends it again: the same passage.
        assert post(client, data).status_code == 200  # type: ignore[attr-defined]
        # Shown again in another car, a confirmed receipt is refused; nothing is stored.
        again = post(client, {**data, "client_id": str(uuid.uuid4())})
        assert again.status_code == 422  # type: ignore[attr-defined]
        refused = {e["msg"] for e in again.json()["detail"]}  # type: ignore[attr-defined]
        assert refused == {f"登记码“{a.code}”已确认过", f"登记码“{b.code}”已确认过"}
        assert Passage.objects.count() == 1

    def test_an_unknown_code_is_refused_by_name(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        r = post(client, {**passage("car", 1), "selfreg_codes": ["ZZZZZZ"]})
        assert r.status_code == 422  # type: ignore[attr-defined]
        assert r.json()["detail"] == [  # type: ignore[attr-defined]
            {"field": "selfreg_codes", "msg": "登记码“ZZZZZZ”不存在、已确认或已过期"}
        ]
        assert not Passage.objects.exists()

    def test_the_seventh_attack_a_code_is_never_repeated_unless_a_short_word(
        self, posts: Posts
    ) -> None:
        client = posts.world.client("checkpoint")
        codes = ["\u202e", "x" * 60, "<b>"]
        r = post(client, {**passage("car", 1), "selfreg_codes": codes})
        assert r.status_code == 422  # type: ignore[attr-defined]
        said = [e["msg"] for e in r.json()["detail"]]  # type: ignore[attr-defined]
        assert sorted(said) == sorted(
            f"登记码（第{n}项）不存在、已确认或已过期" for n in (1, 2, 3)
        ), said
        assert not any("\u202e" in m or "xxxxxxxxxx" in m or "<" in m for m in said)
