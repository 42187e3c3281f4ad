"""Three cross-county leaks found by an attacker review (w21-trust), attacked in the province
installation of test_levels (泰安 with 宁阳 and 东平, 济南 with 历下), with real records of
each county made through the services users call:

1. a pushed list's row without an ID number answered "与已登记人员姓名和电话相同" for a
   person of another county — an oracle of who is on file there, by name and phone;
2. a row another county had imported answered "此行已导入过" (and was skipped);
3. a county's audit administrator read every county's audit trail."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.roles import Role
from fangkong.core.audit import audit_record
from fangkong.core.disclosure import SearchRateExceeded, search_counted
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.org.models import Unit
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.models import ListEntry, ListImport, PossibleDuplicate, QuarantineCase
from tests.conftest import numbered
from tests.org.test_levels import Province, _user
from tests.org.test_levels import province as province
from tests.quarantine.import_files import ident, write_csv

pytestmark = pytest.mark.django_db

NY, DP, LX = "370921", "370923", "370102"
DAY = datetime.date(2020, 1, 28)
NAME_PHONE = "与已登记人员姓名和电话相同"
FORWARDED = "已转其所在辖区核实"
LIMIT = "查询次数已达上限"
# A list's first row with an ID number: the header finder takes a first row without one
# whose address names a 街道 for a second header row (imports/layout.py find_layout).
FIRST = [0, "带证人", ident(5), "13853805555", "东平县城关街道某小区", "武汉", DAY, ""]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _import(province: Province, who: str, rows: list[list[Any]], path: Path) -> ListImport:
    with write_csv(path, rows).open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=province.users[who], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    li.refresh_from_db()
    return li


def _entries(li: ListImport) -> dict[str, ListEntry]:
    return {e.name: e for e in ListEntry.objects.filter(list_import=li)}


def _said(entry: ListEntry) -> str:
    return " ".join(m for msgs in entry.messages.values() for m in msgs)


def _phone(person: Person) -> str:
    return str(person.phone)


# ---------------------------------------------------------------- 1. name and phone


def _name_phone_rows(province: Province) -> list[list[Any]]:
    ny, dp = province.counties[NY].resident, province.counties[DP].resident
    where = "东平县城关街道某小区"
    return [
        FIRST,
        [1, ny.name, "", _phone(ny), where, "武汉", DAY, ""],  # 宁阳's person
        [2, dp.name, "", _phone(dp), where, "武汉", DAY, ""],  # 东平's own
        [3, "陌生人", "", "13853809999", where, "武汉", DAY, ""],  # nobody's
    ]


def test_a_name_and_phone_of_another_county_answer_nothing_of_that_person(
    province: Province, tmp_path: Path
) -> None:
    ny = province.counties[NY].resident
    dp = province.counties[DP].resident
    people_before = Person.objects.count()
    li = _import(province, "dongping", _name_phone_rows(province), tmp_path / "东平名单.csv")
    assert li.status == ListImport.Status.DONE, li.message
    rows = _entries(li)
    theirs, own, nobody = rows[ny.name], rows[dp.name], rows["陌生人"]
    # 东平's own person is a possible duplicate, for 东平 to decide, as before.
    assert own.outcome == ListEntry.Outcome.DUPLICATE and NAME_PHONE in _said(own)
    assert nobody.outcome == ListEntry.Outcome.NEW_CASE
    assert rows["带证人"].outcome == ListEntry.Outcome.NEW_CASE
    # 宁阳's person: not "duplicate", not a new record of them in 东平 either — forwarded
    # to the station in charge of them, as a row with their ID number would be.
    assert theirs.outcome == ListEntry.Outcome.FORWARDED, _said(theirs)
    assert NAME_PHONE not in _said(theirs) and "宁阳县" not in _said(theirs)
    assert theirs.person_id is None and theirs.case_id is None
    assert Person.objects.filter(name=ny.name).count() == 1
    assert Person.objects.count() == people_before + 2  # 带证人 and 陌生人 only
    assert li.counts["duplicates"] == 1 and li.counts["elsewhere"] == 1
    assert li.counts["new_cases"] == 2 and li.counts["new_persons"] == 2
    # The answer is a lookup, counted and audited as the ID path's (the record's id only).
    lookup = AuditEntry.objects.get(actor=province.users["dongping"], action="lookup")
    assert (lookup.object_type, lookup.object_id) == ("people.person", str(ny.pk))
    assert ny.name not in str(lookup.changes) + lookup.object_repr
    assert _phone(ny) not in str(lookup.changes) + lookup.object_repr

    # The possible-duplicates page shows 东平 its own match only; 宁阳's is not listed,
    # nor may 东平 decide it by its id.
    held = PossibleDuplicate.objects.get(person=ny)
    mine = PossibleDuplicate.objects.get(person=dp)
    dongping = province.client("dongping")
    page = dongping.get("/imports/duplicates/").content.decode()
    assert f"/imports/duplicates/{mine.pk}/" in page and dp.name in page
    assert f"/imports/duplicates/{held.pk}/" not in page and ny.name not in page
    assert "其他单位辖区" not in page
    assert dongping.post(f"/imports/duplicates/{held.pk}/", {"decision": "same"}).status_code == (
        404
    )
    body = dongping.get(f"/api/v1/imports/{li.pk}").json()
    assert "宁阳县" not in str(body) and "堽城" not in str(body)
    assert NAME_PHONE not in str([i for i in body["report"]["items"] if i["name"] == ny.name])
    # 宁阳's station, in charge of the person, sees and decides it; the row stays forwarded
    # for 东平 whatever the decision (it tells nothing of that person's case).
    station = province.client("ningyang_station")
    listed = station.get("/imports/duplicates/").content.decode()
    assert (
        f"/imports/duplicates/{held.pk}/" in listed
        and f"/imports/duplicates/{mine.pk}/" not in listed
    )
    assert station.post(f"/imports/duplicates/{held.pk}/", {"decision": "same"}).status_code == 302
    held.refresh_from_db()
    assert held.status == PossibleDuplicate.Status.CONFIRMED
    case = QuarantineCase.objects.get(person=ny)
    assert case.township == province.counties[NY].township  # where the person is on file
    theirs.refresh_from_db()
    assert theirs.outcome == ListEntry.Outcome.FORWARDED and theirs.case_id == case.pk
    assert dongping.get(f"/cases/{case.pk}/").status_code == 404


def test_whoever_holds_the_person_is_told_duplicate(province: Province, tmp_path: Path) -> None:
    """In scope, the answer is what it was: 宁阳's command and the city's are in charge of
    宁阳's person."""
    ny = province.counties[NY].resident
    for who in ("ningyang", "taian"):  # (a note of each: not the same row twice)
        row = [FIRST, [1, ny.name, "", _phone(ny), "宁阳县堽城镇东王庄村", "武汉", DAY, who]]
        li = _import(province, who, row, tmp_path / f"{who}.csv")
        entry = ListEntry.objects.get(list_import=li, name=ny.name)
        assert entry.outcome == ListEntry.Outcome.DUPLICATE, (who, _said(entry))
        assert NAME_PHONE in _said(entry)
        assert li.counts["duplicates"] == 1 and li.counts["elsewhere"] == 0
        assert not AuditEntry.objects.filter(actor=province.users[who], action="lookup").exists()


def test_name_and_phone_lookups_stop_at_the_search_limit(
    province: Province, settings: Any, tmp_path: Path, clock_at: Any
) -> None:
    """Past the per-user limit no row is looked up — those with a phone and no ID number
    included — so a list past it says nothing, not even "not on file elsewhere"."""
    settings.FANGKONG = {**settings.FANGKONG, "SEARCH_RATE": 2}
    township = province.counties[NY].township
    theirs = [
        person_register(
            data=PersonInput(
                name=numbered("宁阳人", n),
                id_number=make_id_number(NY, datetime.date(1970, 1, n), n, "F"),
                phone=f"1385381{n:04d}",
                township=township,
            ),
            by=None,
        )[0]
        for n in range(1, 5)
    ]
    clock_at("10:00")
    where = "东平县城关街道某小区"
    rows = [FIRST] + [
        [n, p.name, "", _phone(p), where, "武汉", DAY, ""] for n, p in enumerate(theirs, 1)
    ]
    rows.append([5, "陌生人", "", "13853809999", where, "武汉", DAY, ""])
    li = _import(province, "dongping", rows, tmp_path / "probe.csv")
    said = {e.name: e for e in ListEntry.objects.filter(list_import=li)}
    for p in theirs[:2]:
        assert said[p.name].outcome == ListEntry.Outcome.FORWARDED, _said(said[p.name])
    for name in (theirs[2].name, theirs[3].name, "陌生人"):
        assert said[name].outcome == ListEntry.Outcome.REFUSED, (name, _said(said[name]))
        assert LIMIT in _said(said[name])
    assert not Person.objects.filter(name="陌生人").exists()
    assert AuditEntry.objects.filter(actor=province.users["dongping"], action="lookup").count() == 2
    with pytest.raises(SearchRateExceeded):
        search_counted(province.users["dongping"])


# ---------------------------------------------------------------- 2. "已导入过"


def test_a_row_imported_by_another_county_is_not_already_imported(
    province: Province, tmp_path: Path
) -> None:
    number = make_id_number(NY, datetime.date(1985, 3, 2), 77, "M")
    row = [[1, "甲回乡", number, "13853877777", "宁阳县堽城镇东王庄村", "武汉", DAY, ""]]
    first = _import(province, "ningyang", row, tmp_path / "宁阳.csv")
    assert ListEntry.objects.get(list_import=first).outcome == ListEntry.Outcome.NEW_CASE
    # 东平 imports the same row: a normal answer (宁阳's person: forwarded, as any row with
    # an ID number on file elsewhere), never "already imported".
    other = _import(province, "dongping", row, tmp_path / "东平.csv")
    entry = ListEntry.objects.get(list_import=other)
    assert entry.outcome == ListEntry.Outcome.FORWARDED, _said(entry)
    assert "已导入过" not in _said(entry) and other.counts["already"] == 0
    # Within 宁阳 it is already imported: its command again, and its station, whose case
    # the row opened.
    for who in ("ningyang", "ningyang_station"):
        again = _import(province, who, row, tmp_path / f"{who}-again.csv")
        entry = ListEntry.objects.get(list_import=again)
        assert entry.outcome == ListEntry.Outcome.ALREADY, (who, _said(entry))
        assert "此行已导入过" in _said(entry)
    # Nor has 历下 (another city) any answer of "already".
    province.users["lixia"] = _user("lixia", Role.COMMAND, unit=province.counties[LX].bureau)
    far = _import(province, "lixia", row, tmp_path / "历下.csv")
    assert ListEntry.objects.get(list_import=far).outcome != ListEntry.Outcome.ALREADY


def test_a_row_the_city_pushed_down_is_already_imported_for_its_county_only(
    province: Province, tmp_path: Path
) -> None:
    by_address = make_id_number("420106", datetime.date(1988, 4, 5), 31, "F")
    by_region = make_id_number(NY, datetime.date(1989, 6, 7), 33, "M")
    rows = [
        [1, "乙回乡", by_address, "13853888881", "宁阳县堽城镇东王庄村", "武汉", DAY, ""],
        [2, "丙回乡", by_region, "13853888882", "不知何处", "武汉", DAY, ""],
    ]
    city = _import(province, "taian", rows, tmp_path / "泰安.csv")
    routed = {e.name: e.county for e in ListEntry.objects.filter(list_import=city)}
    assert routed == {"乙回乡": NY, "丙回乡": NY}
    mine = _import(province, "ningyang", rows, tmp_path / "宁阳.csv")
    assert {e.outcome for e in ListEntry.objects.filter(list_import=mine)} == {
        ListEntry.Outcome.ALREADY
    }
    other = _import(province, "dongping", rows, tmp_path / "东平.csv")
    for entry in ListEntry.objects.filter(list_import=other):
        assert entry.outcome != ListEntry.Outcome.ALREADY, (entry.name, _said(entry))
        assert "已导入过" not in _said(entry)
    # The city itself has imported them already.
    again = _import(province, "taian", rows, tmp_path / "泰安2.csv")
    assert again.counts["already"] == 2


# ---------------------------------------------------------------- 3. the audit trail


def _audit_ids(client: Any, **params: str) -> set[int]:
    page = client.get("/audit/", params)
    assert page.status_code == 200
    assert page.context["page"].paginator.count < 50  # every match on the first page
    return {e.pk for e in page.context["page"].object_list}


@pytest.fixture
def trail(province: Province) -> dict[str, Any]:
    """An auditor at each level, and real writes by users of each county (persons
    registered through the person service), plus an entry of no actor."""
    users = province.users
    users["lixia"] = _user("lixia", Role.COMMAND, unit=province.counties[LX].bureau)
    units = {
        "a_taian": Unit.objects.get(name="泰安市公安局"),
        "a_ningyang": province.counties[NY].bureau,
        "a_dongping": province.counties[DP].bureau,
        # An office below the county's bureau (an auditor is no station's: posting_check),
        # made without an entry of its own on the trail the test reads.
        "a_office": Unit.objects.create(
            name="宁阳县公安局法制大队",
            kind=Unit.Kind.DEPARTMENT,
            parent=province.counties[NY].bureau,
            area_code=NY,
        ),
    }
    for name, unit in units.items():
        users[name] = _user(name, Role.AUDITOR, unit=unit)
    users["a_province"] = _user("a_province", Role.AUDITOR)
    made: dict[str, int] = {}
    for who, code, seq in (("ningyang_station", NY, 41), ("dongping", DP, 42), ("lixia", LX, 43)):
        town = province.counties[code].township
        person, _created = person_register(
            data=PersonInput(
                name=numbered("审计", seq),
                id_number=make_id_number(code, datetime.date(1975, 1, 1), seq, "M"),
                township=town,
            ),
            by=users[who],
        )
        made[who] = AuditEntry.objects.get(
            actor=users[who], object_type="people.person", object_id=str(person.pk)
        ).pk
    made["system"] = audit_record(
        actor=None, action="update", object_type="org.unit", object_repr="泰安市公安局"
    ).pk
    # A wrong password for 东平's account, and for an account nobody has: written with no
    # actor (accounts/signals.py), the username typed.
    # A name no account has is kept as its length only (a password typed in its box).
    for typed, kept in (("dongping", "dongping"), ("nobody_here", "*" * 11)):
        assert authenticate(username=typed, password="wrong-password") is None
        made[f"refused_{typed}"] = (
            AuditEntry.objects.filter(action="login_failed", object_repr=kept).latest("pk").pk
        )
    made["taian"] = audit_record(
        actor=users["taian"], action="update", object_type="org.unit", object_repr="泰安"
    ).pk
    return {"users": users, "made": made}


def test_a_countys_auditor_reads_its_countys_trail_only(
    province: Province, trail: dict[str, Any]
) -> None:
    made = trail["made"]
    everything = set(made.values())

    def seen(who: str, **params: str) -> set[int]:
        return _audit_ids(province.client(who), **params) & everything

    assert seen("a_ningyang") == {made["ningyang_station"]}
    assert seen("a_office") == {made["ningyang_station"]}  # the county's, whatever unit
    # 东平's: what its users did, and the refused sign-in to its account.
    assert seen("a_dongping") == {made["dongping"], made["refused_dongping"]}
    assert seen("a_taian") == {
        made["ningyang_station"],
        made["dongping"],
        made["refused_dongping"],
        made["taian"],
    }
    assert seen("a_province") == everything  # actorless entries: the installation's
    # Every other entry of the page is by a user of the auditor's county too.
    page = province.client("a_ningyang").get("/audit/")
    for entry in page.context["page"].object_list:
        actor = entry.actor or province.users.get(entry.object_repr)
        assert actor is not None and actor.unit.area_code.startswith(NY), entry
    # Filters narrow within the county, never out of it: 东平's entry by its id, by its
    # actor, by its type.
    dp_entry = AuditEntry.objects.get(pk=made["dongping"])
    for params in (
        {"actor": "dongping"},
        {"object_type": "people.person", "object_id": dp_entry.object_id},
        {"action": "login_failed"},
    ):
        assert _audit_ids(province.client("a_ningyang"), **params) == set(), params
    assert seen("a_dongping", actor="dongping") == {made["dongping"]}
    assert seen("a_taian", object_type="people.person") == {
        made["ningyang_station"],
        made["dongping"],
    }


def test_the_audit_pages_queries_do_not_grow_with_its_entries(
    province: Province, trail: dict[str, Any]
) -> None:
    client = province.client("a_taian")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    client.get("/audit/")  # the session's first request
    before = count()
    for n in range(20):
        who = ("ningyang_station", "dongping")[n % 2]
        audit_record(
            actor=trail["users"][who], action="update", object_type="org.unit", object_repr=str(n)
        )
    assert count() == before


def test_the_audit_pages_type_picker_lists_the_types_of_the_auditors_area_only(
    province: Province, trail: dict[str, Any]
) -> None:
    """The third attack (2026-12-04): the trail was narrowed to the county's, but its
    object-type picker still listed the types of the whole installation's trail — what
    kinds of records other counties' users worked on."""
    audit_record(
        actor=trail["users"]["dongping"], action="update", object_type="logistics.donation",
        object_id="1", object_repr="东平的捐赠",
    )  # fmt: skip

    def picker(who: str) -> set[str]:
        page = province.client(who).get("/audit/")
        return {value for value, _label in page.context["form"].fields["object_type"].choices}

    ningyang = picker("a_ningyang")
    assert "people.person" in ningyang  # its county's users' entries
    # 东平's donation, the city's unit: types of entries it may not read.
    assert "logistics.donation" not in ningyang and "org.unit" not in ningyang
    page = province.client("a_ningyang").get("/audit/").content.decode()
    assert 'value="logistics.donation"' not in page and 'value="org.unit"' not in page
    assert "logistics.donation" in picker("a_dongping") and "org.unit" in picker("a_taian")
    # Asked for by hand, it is refused like any choice not offered.
    asked = province.client("a_ningyang").get("/audit/", {"object_type": "logistics.donation"})
    assert asked.context["form"].errors.get("object_type")
