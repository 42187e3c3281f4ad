"""The list import as an oracle, attacked as a station of another county of the city
(FANGKONG_AREA_CODE=3709): a list of ID numbers asks "on file elsewhere?" of each, which
counts against the search limits and is audited like the person form; a real import tells
the uploader nothing of another jurisdiction's person's quarantine (docs/security.md)."""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import pytest

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.disclosure import SearchRateExceeded, search_counted
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import AuditEntry
from fangkong.core.reference import load_reference_data
from fangkong.org import services as org_services
from fangkong.org.models import Township, Unit
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.models import ListEntry, ListImport, QuarantineCase
from tests.conftest import numbered, signed_in
from tests.quarantine.import_files import write_csv
from tests.quarantine.test_import_pages import body as content
from tests.quarantine.test_import_pages import read_xlsx
from tests.quarantine.test_imports_city import _county

pytestmark = pytest.mark.django_db
PASSWORD = "Oracle#Push2020ok"
ELSEWHERE = "该证件号码已在其他单位辖区登记"
LIMIT = "查询次数已达上限"
DAY = datetime.date(2020, 1, 28)


def _user(username: str, role: str, unit: Unit) -> User:
    return user_create(
        username=username, password=PASSWORD, role=role, unit=unit, by=None, check_password=False
    )


def _station(bureau: Unit) -> Unit:
    return Unit.objects.get(parent=bureau, kind=Unit.Kind.STATION)


def _ningyang_id(n: int) -> str:
    return make_id_number(
        "370921", datetime.date(1960, 1, 1) + datetime.timedelta(days=n), n % 100, "F"
    )


def _run(li: ListImport) -> ListImport:
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    li.refresh_from_db()
    return li


def _import(path: Path, by: User, **kw: Any) -> ListImport:
    with path.open("rb") as fh:
        return _run(list_import_start(upload=fh, name=path.name, by=by, enqueue=False, **kw))


@pytest.fixture
def city(db: None, settings: Any, tmp_path: Path, clock_at: Any) -> dict[str, Any]:
    """宁阳县 holds 60 people: 30 in home quarantine (imported by its station), 30 on file
    without a case. 东平县's station is the attacker."""
    clock_at("10:00")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FANGKONG = {
        **settings.FANGKONG,
        "AREA_CODE": "3709",
        "SEARCH_RATE": 30,
        "SEARCH_DAILY": 2000,
    }
    load_reference_data()
    org_services.unit_create(
        name="泰安市公安局", kind=Unit.Kind.BUREAU, parent=None, by=None, area_code="3709"
    )
    ny_station = _station(_county("370921", "宁阳县", Township.objects.get(name="堽城镇")))
    dp_bureau = _county("370923", "东平县", None)
    dp_station = _station(dp_bureau)
    users = {
        "ningyang": _user("ningyang_pcs", Role.STATION, ny_station),
        "attacker": _user("dongping_pcs", Role.STATION, dp_station),
        "dongping": _user("dongping_cmd", Role.COMMAND, dp_bureau),
    }
    real = [_ningyang_id(n) for n in range(1, 61)]
    rows = [
        [
            n,
            numbered("宁阳人", n),
            number,
            f"138538{n:05d}",
            "宁阳县堽城镇东王庄村",
            "武汉",
            DAY,
            "",
        ]
        for n, number in enumerate(real[:30], start=1)
    ]
    li = _import(write_csv(tmp_path / "宁阳名单.csv", rows), users["ningyang"])
    assert li.counts["new_cases"] == 30, li.counts
    township = Township.objects.get(name="堽城镇")
    for n, number in enumerate(real[30:], start=31):
        person_register(
            data=PersonInput(name=numbered("宁阳人", n), id_number=number, township=township),
            by=None,
        )
    assert Person.objects.filter(id_number__in=real).count() == 60
    # The search limits count in windows of the machine's seconds (core.ratelimit), which
    # clock_at sets: each test starts at the beginning of its minute, whatever this took.
    clock_at("10:00")
    return {"users": users, "real": real}


def _probe_rows(real: list[str], total: int = 2100) -> tuple[list[list[Any]], list[str]]:
    """`total` valid ID numbers, the real ones spread among them (every 35th row)."""
    rnd = random.Random(18)
    numbers: list[str] = []
    reals = iter(real)
    for n in range(1, total + 1):
        number = next(reals, "") if n % 35 == 0 else ""
        while not number or number in numbers:
            number = _random_id(rnd)
        numbers.append(number)
    rows = [
        [n, numbered("某", n), number, "", "东平县城关街道", "", "", ""]
        for n, number in enumerate(numbers, start=1)
    ]
    return rows, numbers


def _number_of(name: str) -> int:
    """n of a probe row's name (numbered("某", n))."""
    return int("".join(str("〇一二三四五六七八九".index(c)) for c in name[1:]))


def _random_id(rnd: random.Random) -> str:
    region = rnd.choice(["420106", "110101", "310104", "440305"])
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randrange(20000))
    return make_id_number(region, birth, rnd.randrange(100), rnd.choice("MF"))


def _said(entry: ListEntry) -> str:
    return " ".join(m for msgs in entry.messages.values() for m in msgs)


def test_a_dry_run_is_no_bulk_oracle_past_the_search_limit(
    city: dict[str, Any], tmp_path: Path
) -> None:
    attacker, real = city["users"]["attacker"], city["real"]
    rows, numbers = _probe_rows(real)
    path = write_csv(tmp_path / "probe.csv", rows)
    client = signed_in(attacker)
    with path.open("rb") as fh:
        response = client.post("/imports/upload/", {"file": fh, "dry_run": "on"})
    assert response.status_code in (200, 302)
    li = _run(ListImport.objects.get(created_by=attacker))
    assert li.status == ListImport.Status.DONE and li.dry_run
    body = client.get(f"/api/v1/imports/{li.pk}", {"limit": 1}).json()
    # 30 answers a minute, as the search box: the 31st number on file elsewhere stops it.
    assert body["counts"]["elsewhere"] == 30
    entries = {_number_of(e.name): e for e in ListEntry.objects.filter(list_import=li)}
    answered = sorted(n for n, e in entries.items() if ELSEWHERE in _said(e))
    assert answered == [35 * k for k in range(1, 31)]  # the first 30 real numbers
    cut = 35 * 31  # the 31st real number: it and every row after it are not looked up
    for n, entry in entries.items():
        if n < cut:
            assert LIMIT not in _said(entry), n
        else:
            assert entry.outcome == ListEntry.Outcome.REFUSED, n
            assert LIMIT in _said(entry) and ELSEWHERE not in _said(entry), n
            assert entry.level == ListEntry.Level.ERROR
    assert li.counts["refused"] == len(numbers) - cut + 1
    # Each answer is audited as the person form audits it: a lookup naming the record only.
    lookups = AuditEntry.objects.filter(actor=attacker, action="lookup")
    looked_up = set(Person.objects.filter(id_number__in=real[:30]).values_list("pk", flat=True))
    assert {int(e.object_id) for e in lookups} == looked_up and lookups.count() == 30
    assert all(e.object_type == "people.person" for e in lookups)
    assert not any(n in str(e.changes) + e.object_repr for e in lookups for n in real)
    # The search box's limit is the same one: used up.
    with pytest.raises(SearchRateExceeded):
        search_counted(attacker)
    # Uploading again past the limit looks nothing up: not one row answered.
    li2 = _import(path, attacker, dry_run=True)
    assert li2.counts["elsewhere"] == 0
    again = ListEntry.objects.filter(list_import=li2)
    assert again.filter(outcome=ListEntry.Outcome.REFUSED).count() == len(numbers)
    assert not any(ELSEWHERE in _said(e) for e in again)
    assert AuditEntry.objects.filter(actor=attacker, action="lookup").count() == 30


def test_every_elsewhere_row_counts_against_the_limit_and_is_audited(
    city: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "SEARCH_RATE": 100}
    attacker, real = city["users"]["attacker"], city["real"]
    rows, _numbers = _probe_rows(real)
    li = _import(write_csv(tmp_path / "probe.csv", rows), attacker, dry_run=True)
    assert li.counts["elsewhere"] == 60 and li.counts["refused"] == 0
    assert AuditEntry.objects.filter(actor=attacker, action="lookup").count() == 60
    for _ in range(40):  # 60 of the minute's 100 were the import's
        search_counted(attacker)
    with pytest.raises(SearchRateExceeded):
        search_counted(attacker)


def test_a_real_import_says_nothing_of_another_countys_quarantine(
    city: dict[str, Any], tmp_path: Path
) -> None:
    attacker, real = city["users"]["attacker"], city["real"]
    with_case, without_case, new = real[0], real[40], _ningyang_id(500)
    rows = [
        [1, "甲", with_case, "13853811111", "东平县城关街道某小区", "武汉", DAY, ""],
        [2, "乙", without_case, "13853822222", "东平县城关街道某小区", "武汉", DAY, ""],
        [3, "丙", new, "13853833333", "东平县城关街道某小区", "武汉", DAY, ""],
    ]
    path = write_csv(tmp_path / "东平名单.csv", rows)
    client = signed_in(attacker)
    with path.open("rb") as fh:
        client.post("/imports/upload/", {"file": fh})
    li = _run(ListImport.objects.get(created_by=attacker))
    assert li.status == ListImport.Status.DONE and not li.dry_run
    body = client.get(f"/api/v1/imports/{li.pk}").json()
    items = {"甲乙丙".index(i["name"]) + 1: i for i in body["report"]["items"]}
    one, two = ({k: v for k, v in items[n].items() if k not in ("row", "name")} for n in (1, 2))
    assert one == two  # one outcome and message, whether a case is open or not
    assert one["outcome"] not in ("joined", "new_case")
    assert "已转其所在辖区核实" in one["outcome_display"]
    text = str(body)
    for leak in ("宁阳", "隔离管控", "未移交", "并入已有对象"):
        assert leak not in text, leak
    # The counts tell nothing either: the new person's case only.
    assert body["counts"]["new_cases"] == 1 and body["counts"]["joined"] == 0
    assert body["counts"]["elsewhere"] == 2
    page = client.get(f"/imports/{li.pk}/").content.decode()
    assert "宁阳" not in page and "已转其所在辖区核实" in page
    routed = client.get("/imports/routed/").content.decode()
    # 东平县's own list of the rows routed to it says the same; the only case it links is
    # the one it may open (丙's, a new person placed in 东平县).
    routed = signed_in(city["users"]["dongping"]).get("/imports/routed/").content.decode()
    table = routed.split('data-testid="routed-table"')[1].split("</table>")[0]
    assert "甲" in table and "已转其所在辖区核实" in table and "宁阳" not in table
    third = QuarantineCase.objects.get(person__id_number=new)
    assert table.count("/cases/") == 1 and f"/cases/{third.pk}/" in table
    cells = [
        [c for c in r if c] for r in read_xlsx(content(client.get(f"/imports/{li.pk}/report.xlsx")))
    ]
    first, second = (next(r for r in cells if r[2] == name) for name in ("甲", "乙"))
    assert first[-2:] == second[-2:]  # 处理结果, 问题说明
    assert "宁阳" not in str(cells)
    # What the list does is unchanged (issue 18): each goes to where they are on file.
    ny = signed_in(city["users"]["ningyang"])
    open_case = QuarantineCase.objects.get(person__id_number=with_case)
    assert open_case.township.name == "堽城镇"
    assert "名单现住址属东平县，案件未移交" in ny.get(f"/cases/{open_case.pk}/").content.decode()
    pending = QuarantineCase.objects.get(person__id_number=without_case)
    assert pending.township.name == "堽城镇" and pending.station.name == "宁阳县城关派出所"
    assert ny.get(f"/cases/{pending.pk}/").status_code == 200
    assert client.get(f"/cases/{pending.pk}/").status_code == 404


def test_whoever_holds_the_whole_city_imports_past_the_search_limit(
    city: dict[str, Any], tmp_path: Path
) -> None:
    """Nothing is elsewhere for the city's command: its lists ask nothing, and its searches
    used up do not stop them."""
    command = _user("taian_cmd", Role.COMMAND, Unit.objects.get(name="泰安市公安局"))
    for _ in range(30):
        search_counted(command)
    with pytest.raises(SearchRateExceeded):
        search_counted(command)
    rows, numbers = _probe_rows(city["real"], total=100)
    li = _import(write_csv(tmp_path / "city.csv", rows), command, dry_run=True)
    assert li.counts["refused"] == 0 and li.counts["elsewhere"] == 0
    assert not AuditEntry.objects.filter(actor=command, action="lookup").exists()
    said = " ".join(_said(e) for e in ListEntry.objects.filter(list_import=li))
    assert LIMIT not in said and len(numbers) == 100


def test_an_all_or_nothing_import_counts_each_lookup_once(
    city: dict[str, Any], tmp_path: Path
) -> None:
    """Its check pass and its storing pass read the same rows: one lookup each."""
    attacker, real = city["users"]["attacker"], city["real"]
    rows = [
        [n, numbered("丁", n), real[n], f"1385384000{n}", "东平县城关街道某小区", "武汉", DAY, ""]
        for n in (1, 2)
    ]
    li = _import(write_csv(tmp_path / "全部.csv", rows), attacker, all_or_nothing=True)
    assert li.status == ListImport.Status.DONE and li.counts["elsewhere"] == 2, li.message
    assert AuditEntry.objects.filter(actor=attacker, action="lookup").count() == 2
    for _ in range(28):
        search_counted(attacker)
    with pytest.raises(SearchRateExceeded):
        search_counted(attacker)
