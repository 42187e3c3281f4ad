"""Pages: registration, lists with query counts, jurisdiction, QR self-registration."""

from __future__ import annotations

import datetime

import pytest
import pytest_django.fixtures
from django.test import Client, override_settings

from fangkong.accounts.roles import CHECKPOINT, ROLE_TABLE, Role, role_perms
from fangkong.checkpoints.models import Passage, SelfRegistration
from fangkong.checkpoints.services import selfreg_purge
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.people.models import Person
from tests.checkpoints.conftest import Posts
from tests.checkpoints.test_passages import LOCAL, WUHAN, occ, register
from tests.conftest import ClockAt
from tests.disclosure import assert_discloses_little


def form(**kw: str) -> dict[str, str]:
    data = {
        "n": "1", "province": "鄂", "plate_rest": "A12345", "vehicle_type": "car", "direction": "in",
        "occ-0-name": "赵敏", "occ-0-id_number": WUHAN, "occ-0-phone": "13900001111",
        "occ-0-temperature": "36.5", "occ-0-origin": "武汉", "occ-0-destination": "堽城镇",
    }  # fmt: skip
    data.update(kw)
    return data


@pytest.mark.django_db
class TestRegisterPage:
    def test_check_shows_flags_then_save_refers(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        page = client.get("/checkpoints/register/")
        assert page.status_code == 200 and "G104宁阳北检查站" in page.content.decode()
        checked = client.post(
            "/checkpoints/register/", {**form(), "action": "check"}
        ).content.decode()
        assert "户籍地重点地区" in checked and "登记放行并居家隔离（建议）" in checked
        assert Passage.objects.count() == 0
        r = client.post(
            "/checkpoints/register/", {**form(), "action": "save", "occ-0-decision": "quarantine"}
        )
        passage = Passage.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/checkpoints/passages/{passage.pk}/"
        detail = client.get(r["Location"]).content.decode()
        # Referred, and no more: the case's state is the station's (a known number joins
        # the case on file, whose state would tell the checkpoint about its person).
        assert "已移交隔离管控" in detail and "待核查" not in detail

    def test_errors_in_chinese_nothing_saved(self, posts: Posts) -> None:
        client = posts.world.client("checkpoint")
        html = client.post(
            "/checkpoints/register/",
            {**form(**{"occ-0-id_number": "4201061975"}), "action": "save"},
        ).content.decode()
        assert "第1位乘车人身份证号" in html and Passage.objects.count() == 0

    def test_unposted_officer_refused(self, posts: Posts) -> None:
        posts.world.users["checkpoint"].checkpoint_post.delete()
        client = Client()
        client.force_login(
            posts.world.users["checkpoint"].__class__.objects.get(username="checkpoint")
        )
        page = client.get("/checkpoints/register/")
        assert page.status_code == 200
        assert "您尚未被安排到任何检查站执勤" in page.content.decode()
        assert "确认登记" not in page.content.decode()

    def test_the_seventh_attack_a_nul_in_the_id_check_names_the_field(self, posts: Posts) -> None:
        """A NUL in the ID number answered the middleware's 400 page (which an htmx
        fragment never shows): the check says it as its other refusals, naming 身份证号."""
        client = posts.world.client("checkpoint")
        for typed in (LOCAL[:-1] + "\x00", "\x00", "3709\u202e21199001011234"):
            r = client.get("/checkpoints/check-id/", {"i": "0", "occ-0-id_number": typed})
            assert r.status_code == 200, typed
            html = r.content.decode()
            assert "身份证号含有非法字符" in html, (typed, html)
            assert "\x00" not in html and "\u202e" not in html
        # Every other page still refuses a NUL in its query before its view runs.
        other = client.get("/checkpoints/register/", {"q": "\x00"})
        assert other.status_code == 400

    def test_id_check_fills_known_person_and_audits_the_reveal(self, posts: Posts) -> None:
        register(posts, occ(phone="13853801234"))
        person = Person.objects.get(id_number=LOCAL)
        client = posts.world.client("checkpoint")
        html = client.get(
            "/checkpoints/check-id/", {"i": "0", "occ-0-id_number": LOCAL, "occ-0-name": ""}
        ).content.decode()
        assert "已登记人员：刘洋" in html and 'hx-swap-oob="true"' in html
        assert 'value="刘洋"' in html and 'value="13853801234"' in html
        reveal = AuditEntry.objects.filter(action="reveal").get()
        assert reveal.actor == posts.world.users["checkpoint"]
        assert (reveal.object_type, reveal.object_id) == ("people.person", str(person.pk))
        assert reveal.changes["fields"] == ["name", "phone"]
        assert reveal.path == "/checkpoints/check-id/"
        # A phone already typed is not replaced, so it is not revealed either.
        html = client.get(
            "/checkpoints/check-id/",
            {"i": "0", "occ-0-id_number": LOCAL, "occ-0-name": "刘洋", "occ-0-phone": "139"},
        ).content.decode()
        assert "13853801234" not in html and 'hx-swap-oob="true"' not in html
        assert AuditEntry.objects.filter(action="reveal").latest("pk").changes["fields"] == ["name"]
        bad = client.get(
            "/checkpoints/check-id/", {"i": "0", "occ-0-id_number": LOCAL[:-1] + "0"}
        ).content.decode()
        assert "校验" in bad
        public = Client().get("/q-check-id/", {"i": "0", "occ-0-id_number": LOCAL}).content.decode()
        assert "刘洋" not in public and "✓" in public
        assert AuditEntry.objects.filter(action="reveal").count() == 2

    def test_the_officers_look_ups_of_what_was_recorded_are_bounded(
        self, posts: Posts, settings: pytest_django.fixtures.SettingsWrapper
    ) -> None:
        """An attack: an officer tried the hidden digits of a masked number from their own
        passage list at the ID check, 40 a second, each hit filling in the name and phone.
        Past FANGKONG_CHECK_ID_RATE look-ups in 10 minutes the number is still checked, but
        nothing recorded is looked up, so nothing is filled in or revealed."""
        settings.FANGKONG = {**settings.FANGKONG, "CHECK_ID_RATE": 3}
        register(posts, occ(phone="13853801234"))
        client = posts.world.client("checkpoint")
        miss = make_id_number(LOCAL[:6], datetime.date(1970, 1, 1), 1, "M")
        for _ in range(3):  # three guesses that miss spend the officer's look-ups
            guess = client.get("/checkpoints/check-id/", {"i": "0", "occ-0-id_number": miss})
            assert "✓" in guess.content.decode() and "查询过于频繁" not in guess.content.decode()
        html = client.get(
            "/checkpoints/check-id/", {"i": "0", "occ-0-id_number": LOCAL, "occ-0-name": ""}
        ).content.decode()
        assert "✓" in html and "查询过于频繁：本次未查找本检查站以往的登记" in html
        assert "刘洋" not in html and "13853801234" not in html and "hx-swap-oob" not in html
        assert not AuditEntry.objects.filter(action="reveal").exists()

    def test_id_check_is_masked_for_a_role_without_full_access(
        self, posts: Posts, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        register(posts, occ(phone="13853801234"))
        perms = set(role_perms(Role.CHECKPOINT)) - {"people.reveal"}
        monkeypatch.setitem(ROLE_TABLE, Role.CHECKPOINT, {"scope": CHECKPOINT, "perms": perms})
        html = (
            posts.world.client("checkpoint")
            .get("/checkpoints/check-id/", {"i": "0", "occ-0-id_number": LOCAL})
            .content.decode()
        )
        assert "已登记人员：刘*" in html
        assert "刘洋" not in html and "13853801234" not in html and "hx-swap-oob" not in html
        assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.django_db
class TestListsAndJurisdiction:
    def test_list_filters_search_and_query_count(
        self, posts: Posts, django_assert_num_queries
    ) -> None:  # type: ignore[no-untyped-def]
        for i in range(6):
            register(
                posts,
                occ(),
                occ(id_number=WUHAN, name="赵敏", destination="堽城镇"),
                plate=f"鲁J1234{i}",
            )
        client = posts.world.client("command")
        client.get("/checkpoints/passages/")  # warm the session
        with django_assert_num_queries(12):
            r = client.get("/checkpoints/passages/?flag=household")
        assert r.status_code == 200 and r.content.decode().count("鲁J1234") >= 6
        assert "鲁J12343" in client.get("/checkpoints/passages/?q=鲁J12343").content.decode()
        assert "鲁J12343" not in client.get("/checkpoints/passages/?q=鲁J12344").content.decode()
        assert "赵敏" in client.get("/checkpoints/passages/?q=zm").content.decode()
        x = client.get("/checkpoints/passages/?format=xlsx")
        assert x.status_code == 200

    def test_checkpoint_user_sees_only_own_checkpoint(self, posts: Posts) -> None:
        from fangkong.checkpoints import services
        from fangkong.checkpoints.services import PassageInput

        mine = register(posts, occ())[0]
        theirs, _ = services.passage_register(
            data=PassageInput(checkpoint=posts.other, direction="in", vehicle_type="car", plate="鲁J00001",
                              occurred_at=mine.occurred_at, occupants=[occ(id_number=WUHAN, name="赵敏")]),
            by=None,
        )  # fmt: skip
        client = posts.world.client("checkpoint")
        assert client.get(f"/checkpoints/passages/{mine.pk}/").status_code == 200
        assert client.get(f"/checkpoints/passages/{theirs.pk}/").status_code == 404
        html = client.get("/checkpoints/passages/").content.decode()
        assert "鲁J12345" in html and "鲁J00001" not in html
        assert posts.world.client("outsider").get("/checkpoints/passages/").status_code == 403

    def test_poster_has_qr_to_public_page(self, posts: Posts) -> None:
        html = posts.world.client("command").get("/checkpoints/G104N/poster/").content.decode()
        assert "data:image/svg+xml" in html and "/q/G104N/" in html


@pytest.mark.django_db
class TestSelfRegistration:
    def test_submit_confirm_and_privacy(self, posts: Posts) -> None:
        public = Client()
        data = form()
        del data["occ-0-temperature"]
        r = public.post("/q/G104N/", {**data, "action": "submit"})
        assert r.status_code == 302
        reg = SelfRegistration.objects.get()
        receipt = public.get(r["Location"]).content.decode()
        assert reg.code in receipt and WUHAN not in receipt and "赵敏" not in receipt
        # Another traveller sees nothing of it: no listing, codes are not URLs.
        assert Client().get(f"/q/r/{reg.code}/").status_code == 404
        assert reg.code not in Client().get("/q/G104N/").content.decode()
        officer = posts.world.client("checkpoint")
        html = officer.get(f"/checkpoints/register/?code={reg.code.lower()}").content.decode()
        assert "旅客自助登记" in html, html[html.find("fk-main") : html.find("fk-main") + 800]
        assert "赵敏" in html
        r = officer.post("/checkpoints/register/", {**form(code=reg.code), "action": "save"})
        assert r.status_code == 302
        reg.refresh_from_db()
        assert reg.passage is not None and reg.passage.source == "self"
        assert reg.passage.occupants.get().case is not None

    def test_expiry(self, posts: Posts) -> None:
        public = Client()
        public.post("/q/G104N/", {**form(), "action": "submit"})
        reg = SelfRegistration.objects.get()
        reg.expires_at = clock.now() - datetime.timedelta(minutes=1)
        reg.save()
        html = (
            posts.world.client("checkpoint")
            .get(f"/checkpoints/register/?code={reg.code}")
            .content.decode()
        )
        assert "不存在、已确认或已过期" in html
        assert public.get(f"/q/r/{reg.token}/").status_code == 404
        assert selfreg_purge() == 1 and SelfRegistration.objects.count() == 0

    @override_settings(
        FANGKONG={**__import__("django.conf").conf.settings.FANGKONG, "SELFREG_RATE": 2}
    )
    def test_rate_limited_per_ip(self, posts: Posts) -> None:
        public = Client()
        for _i in range(2):
            assert public.post("/q/G104N/", {**form(), "action": "submit"}).status_code == 302
        html = public.post("/q/G104N/", {**form(), "action": "submit"}).content.decode()
        assert "提交过于频繁" in html and SelfRegistration.objects.count() == 2

    @override_settings(
        FANGKONG={
            **__import__("django.conf").conf.settings.FANGKONG,
            "SELFREG_RATE": 2,
            "TRUSTED_PROXIES": ["127.0.0.1"],
        }
    )
    def test_rate_limited_per_client_behind_the_proxy(self, posts: Posts) -> None:
        """Behind nginx every request comes from 127.0.0.1: the limit is per traveller
        (X-Forwarded-For from the trusted proxy), not one quota for the whole county."""

        def traveller(address: str) -> Client:
            return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)

        for _i in range(2):
            answer = traveller("10.8.0.5").post("/q/G104N/", {**form(), "action": "submit"})
            assert answer.status_code == 302
        html = traveller("10.8.0.5").post("/q/G104N/", {**form(), "action": "submit"})
        assert "提交过于频繁" in html.content.decode()
        other = traveller("10.8.0.6").post("/q/G104N/", {**form(), "action": "submit"})
        assert other.status_code == 302 and SelfRegistration.objects.count() == 3


@pytest.mark.django_db
def test_register_export_is_masked_without_reveal(posts: Posts) -> None:
    import io

    from python_calamine import CalamineWorkbook

    register(posts, occ(id_number=WUHAN, name="赵敏", destination="堽城镇"))

    def rows(who: str, query: str = "") -> list[list[object]]:
        r = posts.world.client(who).get(f"/checkpoints/passages/?format=xlsx{query}")
        data = b"".join(r.streaming_content)  # type: ignore[attr-defined]
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    person = Person.objects.get(id_number=WUHAN)
    for who in ("workgroup", "command", "checkpoint"):
        masked = rows(who)[1]
        assert WUHAN not in masked and "420106**********" + WUHAN[-2:] in masked
        assert "赵*" in masked
        assert_discloses_little(" ".join(str(c) for c in masked), person)
    exports = AuditEntry.objects.filter(action="export", object_type="checkpoints.passage")
    assert [e.changes["rows"] for e in exports] == [1, 1, 1]
    assert not AuditEntry.objects.filter(action="reveal").exists()
    # Full values: asked for, for a user with the reveal right, audited as a reveal.
    full = rows("command", "&full=1")[1]
    assert WUHAN in full and "赵敏" in full
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == posts.world.users["command"]
    assert entry.changes["rows"] == 1 and entry.changes["purpose"] == "导出卡口登记台账"
    refused = posts.world.client("workgroup").get("/checkpoints/passages/?format=xlsx&full=1")
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(action="reveal").count() == 1


@pytest.mark.django_db
def test_a_car_registered_on_the_fixed_working_day_is_on_that_days_dashboard(
    posts: Posts, clock_at: ClockAt
) -> None:
    """FANGKONG_TODAY (the demo county's day): a car registered now is stamped with that day
    and counted on its dashboard, API figures and passage list — not on the machine's day."""
    from django.conf import settings

    clock_at("09:20")
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        r = posts.world.client("checkpoint").post(
            "/checkpoints/register/", {**form(), "action": "save", "occ-0-decision": "quarantine"}
        )
        assert r.status_code == 302
        passage = Passage.objects.get()
        assert passage.day == datetime.date(2020, 2, 3)
        assert clock.now() - datetime.timedelta(minutes=1) <= passage.occurred_at <= clock.now()
        command = posts.world.client("command")
        daily = command.get("/api/v1/stats/daily").json()
        assert daily["date"] == "2020-02-03"
        assert daily["figures"]["checkpoints.vehicles_today"] == 1
        page = command.get("/command/dashboard/").content.decode()
        assert "实时数据，截至 2020-02-03" in page
        listed = command.get("/checkpoints/passages/?day=2020-02-03").content.decode()
        assert "鄂A12345" in listed
