"""POST /api/v1/passages: 201, idempotent 200, 422 in Chinese, token scope; the lists."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.checkpoints.models import DeviceToken, Passage
from fangkong.core.idnumber import make_id_number
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import LOCAL, WUHAN

FEVER = make_id_number("370911", datetime.date(1990, 8, 8), 51, "M")


# A new car's queries (79 before the bulk path; 38 and 36 before the passage's INSERT took
# ON CONFLICT in place of its savepoint), by database: PostgreSQL reserves the
# people's ids with one query instead of two and begins its transaction without one.
# 36 and 34 while a look-up of the client id came before every car (the INSERT finds it).
NEW_CAR_QUERIES = {"sqlite": 35, "postgresql": 33}


def body(code: str = "G104N", **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "client_id": str(uuid.uuid4()),
        "checkpoint": code,
        "direction": "in",
        "occurred_at": "2020-01-28T10:15:00+08:00",
        "plate": "鄂A12345",
        "vehicle_type": "car",
        "occupants": [
            {"name": "赵敏", "id_number": WUHAN, "phone": "13900001111", "temperature": 36.6,
             "origin": "武汉", "destination": "堽城镇东王庄村", "travel_history": ["武汉"], "symptoms": []},
            {"name": "刘洋", "id_number": LOCAL, "temperature": 36.4, "decision": "pass"},
            {"name": "陈刚", "id_number": FEVER, "temperature": 38.1, "symptoms": ["咳嗽"]},
        ],
    }  # fmt: skip
    data.update(kw)
    return data


def token_for(posts: Posts, code: str = "G104N") -> str:
    import io

    out = io.StringIO()
    call_command(
        "token",
        "create",
        "--checkpoint",
        code,
        "--user",
        "checkpoint",
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue().strip()


def post(client: Client, data: dict[str, object], token: str = "") -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        "/api/v1/passages", json.dumps(data), content_type="application/json", **headers
    )


@pytest.mark.django_db
class TestCreate:
    def test_201_then_idempotent_200(self, posts: Posts) -> None:
        token = token_for(posts)
        data = body()
        # A device has no cookie and no CSRF token: the bearer token is enough.
        r = post(Client(enforce_csrf_checks=True), data, token)
        assert r.status_code == 201, r.content
        got = r.json()
        assert (
            got["checkpoint"] == "G104N" and got["shift"] == "08–16" and got["day"] == "2020-01-28"
        )
        first, second, third = got["occupants"]
        assert {f["code"] for f in first["flags"]} == {"household", "plate", "origin", "travel"}
        assert all(f["reason"] for f in first["flags"])
        # No case id either: a device may open no case (the decision says it was referred).
        assert first["decision"] == "quarantine" and first["case_id"] is None
        assert second["decision"] == "pass" and second["case_id"] is None
        assert {"fever", "symptoms", "plate"} <= {f["code"] for f in third["flags"]}
        assert third["decision"] == "medical"
        # No record ids: a device may open no person's record (an old id would say the
        # number was on file already).
        assert [o["person_id"] for o in got["occupants"]] == [None, None, None]
        again = post(Client(), data, token)
        assert again.status_code == 200 and again.json() == got
        assert Passage.objects.count() == 1

    def test_422_names_each_bad_field_in_chinese(self, posts: Posts) -> None:
        data = body(plate="鲁O12345", direction="sideways")
        data["occupants"][1]["id_number"] = "370921198005011230"  # type: ignore[index]
        data["occupants"][2]["decision"] = "shoot"  # type: ignore[index]
        r = post(posts.world.client("checkpoint"), data)
        assert r.status_code == 422
        detail = {d["field"]: d["msg"] for d in r.json()["detail"]}
        assert set(detail) == {
            "plate",
            "direction",
            "occupants.1.id_number",
            "occupants.2.decision",
        }
        assert "车牌号" in detail["plate"] and "方向" in detail["direction"]
        assert detail["occupants.1.id_number"].startswith("第2位乘车人身份证号")
        assert Passage.objects.count() == 0

    def test_schema_error_is_422(self, posts: Posts) -> None:
        r = post(posts.world.client("checkpoint"), {"checkpoint": "G104N"})
        assert r.status_code == 422 and r.json()["detail"][0]["msg"]

    def test_token_is_scoped_to_its_checkpoint(self, posts: Posts) -> None:
        token = token_for(posts)
        assert post(Client(), body("S244"), token).status_code == 403
        assert (
            Client()
            .get("/api/v1/passages?checkpoint=S244", HTTP_AUTHORIZATION=f"Bearer {token}")
            .status_code
            == 403
        )
        assert post(Client(), body(), "fk_wrong").status_code == 401
        stored = DeviceToken.objects.get()
        assert stored.token_hash != token and token not in stored.token_hash

    def test_session_user_only_at_own_checkpoint(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        assert post(client, body("S244")).status_code == 403
        assert post(posts.world.client("station_a"), body()).status_code == 403
        assert post(Client(), body()).status_code == 401


@pytest.mark.django_db
class TestSameClientId:
    """Issue 14, finding 8: a client_id sent again with other content was answered 200 with
    the first record; the device never learnt its second car was dropped."""

    def test_other_content_is_409_naming_what_differs(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        data = body()
        first = post(client, data)
        assert first.status_code == 201
        changed = json.loads(json.dumps(data))
        changed["plate"] = "鄂A54321"
        changed["occupants"][1]["temperature"] = 37.9
        r = post(client, changed)
        assert r.status_code == 409, r.content
        detail = r.json()["detail"]
        assert detail == [
            {"field": "plate", "msg": "车牌号与先前以同一编号（client_id）保存的记录不同"},
            {
                "field": "occupants.1",
                "msg": "第2位乘车人与先前以同一编号（client_id）保存的记录不同",
            },
            {
                "field": "client_id",
                "msg": "该编号（client_id）已用于另一条记录，本次提交未保存；"
                "核对后再次提交将另存为新记录",
            },
        ]
        # Nothing stored, nothing changed.
        assert Passage.objects.count() == 1
        assert Passage.objects.get().plate == "鄂A12345"
        # One occupant fewer is another car too.
        fewer = json.loads(json.dumps(data))
        fewer["occupants"] = fewer["occupants"][:2]
        r = post(client, fewer)
        assert r.status_code == 409
        assert [d["field"] for d in r.json()["detail"]] == ["occupants", "client_id"]

    def test_the_same_content_written_otherwise_is_the_same_record(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        data = body()
        first = post(client, data)
        assert first.status_code == 201
        same = json.loads(json.dumps(data))
        same["occurred_at"] = "2020-01-28T02:15:00Z"  # the same instant in UTC
        same["occupants"][0]["temperature"] = 36.60
        same["occupants"][0]["id_number"] = " " + same["occupants"][0]["id_number"].lower()
        same["occupants"][1]["decision"] = "pass"
        same["occupants"][2]["phone"] = ""
        again = post(client, same)
        assert again.status_code == 200, again.content
        assert again.json() == first.json()

    def test_a_retry_writes_nothing_and_refused_content_is_still_409(self, posts: Posts) -> None:
        """The stored client id is found by the passage's INSERT, not looked up before every
        car: a retry still stores nothing (no count, no audit entry), and a retry whose new
        content is also invalid is answered 409 naming what differs, not 422."""
        from fangkong.checkpoints.models import PassageCount
        from fangkong.core.models import AuditEntry

        client = posts.world.client("checkpoint")
        data = body()
        first = post(client, data)
        assert first.status_code == 201
        counts = list(PassageCount.objects.values_list("vehicles", "persons"))
        entries = AuditEntry.objects.count()
        again = post(client, data)
        assert again.status_code == 200 and again.json() == first.json()
        assert list(PassageCount.objects.values_list("vehicles", "persons")) == counts
        assert AuditEntry.objects.count() == entries
        bad = json.loads(json.dumps(data))
        bad["plate"] = "不是车牌"
        r = post(client, bad)
        assert r.status_code == 409, r.content
        assert [d["field"] for d in r.json()["detail"]] == ["plate", "client_id"]
        # A new client id with the same bad plate is refused as invalid.
        bad["client_id"] = str(uuid.uuid4())
        r = post(client, bad)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "plate"
        assert Passage.objects.count() == 1

    def test_page_form_then_device_copy_of_the_same_car(self, posts: Posts) -> None:
        """The page posts without a time (the server takes its own); when the answer is
        lost the phone sends the JSON of the same car with its time: the same record."""
        from tests.checkpoints.test_pages import form

        client = posts.world.client("checkpoint")
        cid = str(uuid.uuid4())
        page = client.post(
            "/checkpoints/register/",
            {**form(), "client_id": cid, "action": "save", "occ-0-decision": "quarantine"},
        )
        assert page.status_code == 302
        device = {
            "client_id": cid,
            "checkpoint": "G104N",
            "direction": "in",
            "vehicle_type": "car",
            "plate": "鄂A12345",
            "occurred_at": "2020-02-03T10:00:00+08:00",
            "occupants": [
                {"name": "赵敏", "id_number": WUHAN, "phone": "13900001111", "temperature": 36.5,
                 "origin": "武汉", "destination": "堽城镇", "travel_history": [], "symptoms": [],
                 "decision": "quarantine"},
            ],
        }  # fmt: skip
        r = post(client, device)
        assert r.status_code == 200, r.content
        assert Passage.objects.count() == 1

    def test_purge_clears_the_digest_of_what_was_sent(self, posts: Posts) -> None:
        from fangkong.checkpoints import purge

        assert post(posts.world.client("checkpoint"), body()).status_code == 201
        assert Passage.objects.get().request_digest
        purge.purge(datetime.date(2020, 2, 1), set())
        assert Passage.objects.get().request_digest is None

    def test_page_says_what_differs_and_takes_a_new_id(self, posts: Posts) -> None:
        from tests.checkpoints.test_pages import form

        client = posts.world.client("checkpoint")
        cid = str(uuid.uuid4())
        saved = {**form(), "client_id": cid, "action": "save", "occ-0-decision": "quarantine"}
        assert client.post("/checkpoints/register/", saved).status_code == 302
        other = {**saved, "plate_rest": "B99999"}
        page = client.post("/checkpoints/register/", other)
        html = page.content.decode()
        assert page.status_code == 200
        assert "车牌号与先前以同一编号（client_id）保存的记录不同" in html
        assert cid not in html  # the form now carries a new client_id
        assert Passage.objects.count() == 1


@pytest.mark.django_db
class TestBounds:
    """Issue 14, finding 4: every field bounded before any work that grows with it."""

    def test_longest_name_is_refused_by_its_length(self, posts: Posts) -> None:
        # 10,000 characters that pinyin segments (中…): minutes of CPU before the fix.
        data = body()
        data["occupants"][0]["name"] = "中" * 10_000  # type: ignore[index]
        r = post(posts.world.client("checkpoint"), data)
        assert r.status_code == 422
        assert r.json()["detail"] == [
            {"field": "occupants.0.name", "msg": "第1位乘车人姓名：过长，最多50个字符"}
        ]
        assert Passage.objects.count() == 0

    def test_every_text_field_has_its_limit(self, posts: Posts) -> None:
        data = body(plate="鄂" * 5000, checkpoint="G" * 5000)
        data["occupants"][0].update(  # type: ignore[index]
            {"origin": "武" * 5000, "travel_history": ["武汉"] * 5000, "phone": "1" * 5000}
        )
        r = post(posts.world.client("checkpoint"), data)
        assert r.status_code == 422
        assert {d["field"] for d in r.json()["detail"]} == {
            "plate",
            "checkpoint",
            "occupants.0.origin",
            "occupants.0.travel_history",
            "occupants.0.phone",
        }

    def test_too_many_occupants(self, posts: Posts) -> None:
        data = body()
        data["occupants"] = data["occupants"] * 21  # type: ignore[operator]  # 63
        r = post(posts.world.client("checkpoint"), data)
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "occupants"
        assert "最多60项" in r.json()["detail"][0]["msg"]

    @pytest.mark.parametrize(
        "when",
        [
            "0001-01-01T00:00:00+08:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59+08:00",
            "9999-12-31T23:59:59-12:00",
            "1899-12-31T23:00:00+08:00",
        ],
    )
    def test_times_in_year_1_or_9999(self, posts: Posts, when: str) -> None:
        r = post(posts.world.client("checkpoint"), body(occurred_at=when))
        assert r.status_code == 422, r.content
        assert r.json()["detail"] == [
            {"field": "occurred_at", "msg": "通行时间：须在1900-01-01至2100-12-31之间"}
        ]

    @pytest.mark.parametrize("value", ["1e400", "-1e400", "NaN", "1e999999999"])
    def test_temperature_that_is_no_number(self, posts: Posts, value: str) -> None:
        text = json.dumps(body()).replace("36.6", value, 1)
        r = posts.world.client("checkpoint").post(
            "/api/v1/passages", text, content_type="application/json"
        )
        assert r.status_code == 422, r.content
        assert r.json()["detail"][0]["field"] == "occupants.0.temperature"

    def test_list_parameters_past_64_bits(self, posts: Posts) -> None:
        client = posts.world.client("command")
        for name in ("limit", "offset", "shift"):
            for value in (2**63, 2**64, 10**30):
                r = client.get("/api/v1/passages", {name: value})
                assert r.status_code == 422 and r.json()["detail"][0]["field"] == name
        for day in ("0001-01-01", "9999-12-31"):
            r = client.get("/api/v1/passages", {"date": day})
            assert r.status_code == 422 and r.json()["detail"][0]["field"] == "date"
            r = client.get("/api/v1/roster", {"date": day})
            assert r.status_code == 422 and r.json()["detail"][0]["field"] == "date"


@pytest.mark.django_db
def test_lists(posts: Posts) -> None:
    token = token_for(posts)
    assert post(Client(), body(), token).status_code == 201
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = Client().get("/api/v1/passages?date=2020-01-28&flagged=true", **auth)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert Client().get("/api/v1/passages?date=2020-01-29", **auth).json()["count"] == 0
    assert Client().get("/api/v1/passages?decision=medical", **auth).json()["count"] == 1
    cps = Client().get("/api/v1/checkpoints", **auth).json()
    assert [c["code"] for c in cps["items"]] == ["G104N"]
    assert cps["items"][0]["shifts"] == ["08–16", "16–24", "00–08"]
    roster = Client().get("/api/v1/roster?date=2020-01-28", **auth).json()
    assert roster["count"] == 1 and roster["items"][0]["shift"] == "08–16"
    command = posts.world.client("command")
    assert command.get("/api/v1/checkpoints").json()["count"] == 2
    # The people it registered are not the device's to look up: it reads its passages.
    assert Client().get(f"/api/v1/persons?q={WUHAN}", **auth).status_code == 403


@pytest.mark.django_db
def test_list_counts_stop_at_the_cap(posts: Posts) -> None:
    """A list's count reads at most 10,001 rows: a province's passages are not counted
    one by one to answer fifty (past the cap, count_capped is true)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    command = posts.world.client("command")
    for path in ("/api/v1/passages", "/api/v1/persons", "/api/v1/cases"):
        with CaptureQueriesContext(connection) as queries:
            body = command.get(path).json()
        assert body["count_capped"] is False
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1 and "LIMIT 10001" in counts[0], counts


@pytest.mark.django_db
def test_registering_a_known_car_takes_a_fixed_number_of_queries(
    posts: Posts, django_assert_num_queries: object
) -> None:
    """A car of three already seen once, two of them referred again: the queries do not
    grow with what is stored (the token, the checks, the writes, one audit append), nor
    with the referrals (their open cases read with one query, the referrals stored with
    one INSERT, the occupants' cases with one UPDATE); the townships, villages and key
    areas are not read again while unchanged (one read of their version)."""
    token = token_for(posts)
    client = Client()
    assert post(client, body(), token).status_code == 201  # type: ignore[attr-defined]
    again = body(occurred_at="2020-01-28T10:45:00+08:00")  # the same hour: its count row exists
    # 18 until the passage's INSERT took ON CONFLICT (client_id) in place of its savepoint;
    # 16 until that INSERT found a stored client id in place of a look-up before every car.
    with django_assert_num_queries(15):  # type: ignore[operator]
        r = post(client, again, token)
    assert r.status_code == 201  # type: ignore[attr-defined]
    assert len(r.json()["occupants"]) == 3  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_registering_a_car_of_new_people_takes_a_fixed_number_of_queries(
    posts: Posts, django_assert_num_queries: object
) -> None:
    """A car of three people never seen, two of them referred (a new case each): the new
    people are written together (validated before, their uniqueness left to the
    database: no look-up or check query per person), the new cases and their first
    transitions with one INSERT each — the queries do not grow with the people."""
    from django.db import connection

    from fangkong.core.audit import audit_verify
    from fangkong.core.models import AuditEntry
    from fangkong.people.models import Person
    from fangkong.quarantine.models import QuarantineCase

    token = token_for(posts)
    client = Client()
    with django_assert_num_queries(NEW_CAR_QUERIES[connection.vendor]):  # type: ignore[operator]
        r = post(client, body(), token)
    assert r.status_code == 201  # type: ignore[attr-defined]
    occupants = r.json()["occupants"]  # type: ignore[attr-defined]
    assert len(occupants) == 3
    assert Person.objects.filter(id_number__in=[WUHAN, LOCAL, FEVER]).count() == 3
    assert QuarantineCase.objects.filter(person__id_number__in=[WUHAN, FEVER]).count() == 2
    # Each new person and case has its audit entry, in the one chain, which still verifies.
    people = Person.objects.filter(id_number__in=[WUHAN, LOCAL, FEVER])
    entries = AuditEntry.objects.filter(action="create", object_type="people.person")
    assert set(entries.values_list("object_id", flat=True)) >= {str(p.pk) for p in people}
    assert audit_verify().broken_at is None


@pytest.mark.django_db
class TestJurisdictionOfWrites:
    """A device registering an ID number that belongs to another station's person records
    what it saw on the passage; the person's record stays as its station keeps it, and the
    device reads back only what it recorded."""

    def _b(self, posts: Posts) -> tuple[str, str, int | None, int | None, int]:
        from fangkong.people.models import Person

        p = Person.objects.get(pk=posts.world.person_b.pk)
        return (p.name, p.phone, p.township_id, p.village_id, p.version)

    def test_a_passage_never_rewrites_the_person_or_widens_what_the_device_reads(
        self, posts: Posts
    ) -> None:
        from fangkong.checkpoints.models import Occupant

        world = posts.world
        b = world.person_b
        before = self._b(posts)
        token = token_for(posts)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        data = body()
        data["occupants"] = [  # type: ignore[index]
            {"name": "赵莉", "id_number": b.id_number, "phone": "13700000009",
             "temperature": 36.5, "origin": "武汉", "destination": "堽城镇东王庄村"},
        ]  # fmt: skip
        r = post(Client(), data, token)
        assert r.status_code == 201, r.content
        # What the device sent is what it gets back: not the name on file.
        assert r.json()["occupants"][0]["name"] == "赵*"
        assert self._b(posts) == before
        occupant = Occupant.objects.get()
        assert (occupant.person_id, occupant.name, occupant.phone) == (b.pk, "赵莉", "13700000009")
        # The person's record is not the device's to read, by id or by search.
        assert Client().get(f"/api/v1/persons/{b.pk}", **auth).status_code in (403, 404)
        listing = Client().get(f"/api/v1/persons?q={b.id_number}", **auth)
        assert listing.status_code == 403 or listing.json()["count"] == 0
        page = world.client("checkpoint")
        assert page.get(f"/people/{b.pk}/").status_code in (403, 404)
        search = page.get("/people/", {"q": b.id_number})
        assert search.status_code == 403 or "赵丽" not in search.content.decode()
        # Its own registration it reads as recorded.
        mine = Client().get("/api/v1/passages", **auth).json()
        assert mine["count"] == 1 and mine["items"][0]["occupants"][0]["name"] == "赵*"
        detail = page.get(f"/checkpoints/passages/{r.json()['id']}/").content.decode()
        assert "赵莉" in detail and "赵丽" not in detail
        assert page.get(f"/checkpoints/trajectory/person/{b.pk}/").status_code == 404
        trail = page.get(f"/checkpoints/passages/{r.json()['id']}/trajectory/0/")
        assert trail.status_code == 200
        assert "赵莉" in trail.content.decode() and "赵丽" not in trail.content.decode()

    def test_the_register_export_shows_the_phone_recorded_at_the_checkpoint(
        self, posts: Posts
    ) -> None:
        import io

        from openpyxl import load_workbook

        b = posts.world.person_b
        data = body()
        data["occupants"] = [  # type: ignore[index]
            {"name": "赵丽", "id_number": b.id_number, "phone": "13700000009", "temperature": 36.5,
             "destination": "泗店镇"},
        ]  # fmt: skip
        assert post(posts.world.client("checkpoint"), data).status_code == 201
        # The full register (people.reveal, audited): the phone as recorded here.
        x = posts.world.client("checkpoint").get("/checkpoints/passages/?format=xlsx&full=1")
        sheet = load_workbook(io.BytesIO(b"".join(x.streaming_content))).active  # type: ignore[attr-defined]
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
        assert "13700000009" in cells and "13953805678" not in cells

    def test_the_passage_search_finds_what_was_recorded_not_the_record(self, posts: Posts) -> None:
        """Found by the attack of issue 19: the checkpoint registered another station's
        person's ID number under a made-up name, then searched its own passages by guessed
        names, pinyin and phones; the search matched the person's record, so each hit told
        the record's name (one character or its pinyin at a time) and phone."""
        world = posts.world
        b = world.person_b  # on file as 赵丽, 13953805678, with 泗店派出所
        data = body()
        data["occupants"] = [  # type: ignore[index]
            {"name": "钱七", "id_number": b.id_number, "phone": "13700000009",
             "temperature": 36.5, "origin": "武汉", "destination": "堽城镇东王庄村"},
        ]  # fmt: skip
        r = post(Client(), data, token_for(posts))
        assert r.status_code == 201, r.content
        page = world.client("checkpoint")

        def found(q: str) -> bool:
            answer = page.get("/checkpoints/passages/", {"q": q})
            assert answer.status_code == 200
            return "钱七" in answer.content.decode()

        # The record's name, its first character, its pinyin and initials, its phone: nothing.
        for guess in ("赵丽", "赵", "丽", "zhaoli", "zl", "zhao", b.phone):
            assert not found(guess), guess
        # What the checkpoint itself recorded is found.
        for recorded in ("钱七", "钱", "13700000009", b.id_number):
            assert found(recorded), recorded

    def test_the_id_check_offers_only_what_this_checkpoint_recorded(self, posts: Posts) -> None:
        from fangkong.core.models import AuditEntry

        b = posts.world.person_b
        client = posts.world.client("checkpoint")
        html = client.get(
            "/checkpoints/check-id/", {"i": "0", "occ-0-id_number": b.id_number}
        ).content.decode()
        assert "赵丽" not in html and "13953805678" not in html and "赵*" not in html
        assert not AuditEntry.objects.filter(action="reveal").exists()

    def test_qr_confirmation_and_bulk_registration_keep_the_record_too(self, posts: Posts) -> None:
        from fangkong.checkpoints import services
        from fangkong.checkpoints.models import Occupant
        from fangkong.checkpoints.services import OccupantInput, PassageInput

        b = posts.world.person_b
        before = self._b(posts)
        seen = OccupantInput(
            name="赵丽", id_number=str(b.id_number), phone="13700000008", destination="堽城镇"
        )
        reg = services.selfreg_submit(
            data=PassageInput(
                checkpoint=posts.g104, direction="in", vehicle_type="car", plate="鄂A54321",
                occupants=[seen],
            )
        )  # fmt: skip
        data = services.selfreg_input(reg)
        data.occupants[0].temperature = "36.6"
        services.selfreg_confirm(reg=reg, data=data, by=posts.world.users["checkpoint"])
        services.passages_register_bulk(
            items=[
                PassageInput(
                    checkpoint=posts.other, direction="in", vehicle_type="car", plate="鄂A54322",
                    occupants=[OccupantInput(**{**seen.__dict__, "phone": "13700000007"})],
                )
            ],
            by=None,
        )  # fmt: skip
        assert self._b(posts) == before
        phones = sorted(Occupant.objects.values_list("phone", flat=True))
        assert phones == ["13700000007", "13700000008"]


@pytest.mark.django_db
def test_the_seventh_attack_a_key_given_twice_is_refused_naming_it(posts: Posts) -> None:
    """`{"direction":"in","direction":"out"}` stored out (json.loads keeps the last): a
    JSON object holding a key twice is refused naming it (core.api.BodyParser)."""
    text = json.dumps(body())
    twice = text.replace('"direction": "in"', '"direction": "in", "direction": "out"')
    assert twice != text
    r = Client().post(
        "/api/v1/passages",
        twice,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(posts)}",
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"] == [
        {"field": "direction", "msg": "方向：重复给出，同一字段只能给出一次"}
    ]
    assert not Passage.objects.exists()


@pytest.mark.django_db
def test_the_seventh_attack_a_passage_time_without_its_offset_is_refused(posts: Posts) -> None:
    """Stored as +08:00 while a follow-up refused it: one rule (core.bounds.Moment)."""
    r = post(Client(), body(occurred_at="2020-01-28T10:15:00"), token_for(posts))
    assert r.status_code == 422, r.content  # type: ignore[attr-defined]
    assert r.json()["detail"] == [  # type: ignore[attr-defined]
        {"field": "occurred_at", "msg": "通行时间：须带时区，如 2020-02-03T08:30:00+08:00"}
    ]
    assert not Passage.objects.exists()
