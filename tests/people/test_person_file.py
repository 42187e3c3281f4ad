"""The person file (人员档案): each kind of record, shown to the roles that may see it and
hidden from the others, at a fixed query count however long the person's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.checkpoints import services as cp_services
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register, person_reveal
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.models import ListImport, QuarantineCase
from fangkong.quarantine.services import case_release, followup_record
from tests.checkpoints.conftest import Posts, registered_as_it_passed
from tests.conftest import ClockAt, World
from tests.quarantine.conftest import START, at, quarantined_pair
from tests.quarantine.import_files import write_csv

pytestmark = pytest.mark.django_db


@dataclass
class History:
    world: World
    case: QuarantineCase
    neighbour: Person  # 李四, in 堽城 like 张三: station_a sees them


def add_history(posts: Posts, case: QuarantineCase, neighbour: Person, n: int) -> None:
    """n passages of 张三 (with 赵丽 of 泗店 and 李四 in the car) the day before his
    quarantine began, and n follow-ups, each recorded as it happened (the platform's clock
    at its time: passage_assess refuses a car registered long after)."""
    world = posts.world
    for i in range(n):
        registered_as_it_passed(
            PassageInput(
                checkpoint=posts.g104,
                direction="in",
                vehicle_type="car",
                plate="鲁J12345",
                occurred_at=at(START - datetime.timedelta(days=1), 8)
                + datetime.timedelta(minutes=i),
                occupants=[
                    OccupantInput(
                        name="张三", id_number=str(world.person_a.id_number), temperature="36.5"
                    ),
                    OccupantInput(
                        name="赵丽", id_number=str(world.person_b.id_number), temperature="36.6"
                    ),
                    OccupantInput(
                        name="李四", id_number=str(neighbour.id_number), temperature="36.4"
                    ),
                ],
            ),
            world.users["checkpoint"],
        )
    for i in range(n):
        day = START + datetime.timedelta(days=i // 2)
        visited_at = at(day, 9 if i % 2 == 0 else 18)
        with clock.held(visited_at):
            followup_record(
                case=case,
                by=world.users["followup"],
                temperature="37.5" if i == 0 else "36.5",
                symptoms=[],
                at_home=True,
                visited_at=visited_at,
            )


def make_history(world: World, posts: Posts, n: int = 1) -> History:
    # The car comes through G104 before 2020-01-26: here it opened earlier.
    posts.g104 = cp_services.checkpoint_update(
        checkpoint=posts.g104, by=None, opened_on=datetime.date(2020, 1, 20)
    )
    cases = quarantined_pair(world)
    neighbour, _ = person_register(
        data=PersonInput(
            name="李四",
            id_number=make_id_number("370921", datetime.date(1979, 4, 5), 15, "M"),
            township=world.township_a,
            village=world.village_a,
        ),
        by=None,
    )
    add_history(posts, cases.a, neighbour, n)
    return History(world, cases.a, neighbour)


@pytest.fixture
def history(world: World, posts: Posts) -> History:
    return make_history(world, posts)


def _import_list(world: World, tmp_path: Path) -> ListImport:
    path = write_csv(
        tmp_path / "推送名单.csv",
        [
            [
                1,
                "张三",
                world.person_a.id_number,
                "13853801234",
                "堽城镇东王庄村",
                "武汉",
                "2020-01-24",
                "",
            ]
        ],
    )
    with path.open("rb") as fh:
        li = list_import_start(upload=fh, name=path.name, by=world.users["command"], enqueue=False)
    if li.status == ListImport.Status.QUEUED:
        li = list_import_run(list_import_id=li.pk)
    return li


def page(world: World, who: str, pk: int) -> Any:
    return world.client(who).get(f"/people/{pk}/")


def test_station_sees_every_kind_of_record(history: History, tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = history.world
    _import_list(world, tmp_path)
    station = world.users["station_a"]
    case_release(
        case=history.case,
        by=station,
        reason="提前解除",
        at=at(START + datetime.timedelta(days=3), 10),
    )
    notice = world.client("station_a").post(f"/cases/{history.case.pk}/notice.docx")
    assert notice.status_code == 200

    response = page(world, "station_a", world.person_a.pk)
    assert response.status_code == 200
    html = response.content.decode()
    file = response.context["file"]
    # Identity masked (no full ID number or phone on the page).
    assert str(world.person_a.id_number) not in html and "13853801234" not in html
    # The case with its status and its 四包一 team.
    assert 'data-testid="person-cases"' in html and "已解除" in html
    assert "孙干部" in html and "刘医生" in html and "随访员" in html
    # The passage: checkpoint, direction, time; 李四 (station_a's) by name with a link,
    # 赵丽 (泗店's) by surname only.
    assert "G104宁阳北检查站" in html and "进" in html
    assert f'href="/people/{history.neighbour.pk}/">李四</a>' in html
    assert "赵*" in html and "赵丽" not in html
    # The list row, the follow-up, the fever alert, the release notice.
    assert "推送名单.csv" in html and "第2行" in html  # row 1 is the header
    assert file.followups.total == 1 and "37.5℃" in html
    assert [a.kind for a in file.alerts.items] == ["fever"]
    assert [d.title for d in file.documents.items] == ["解除居家隔离告知书"]
    # Who viewed the full data: the person's own station sees it (nobody yet).
    assert file.viewers is not None and 'data-testid="person-viewers"' in html
    # The include point other parts are drawn in is on the page.
    assert response.templates and any(
        t.name == "people/_person_more.html" for t in response.templates
    )


def test_followup_worker_reaches_the_people_they_follow(history: History) -> None:
    world = history.world
    client = world.client("followup")
    listing = client.get("/people/")
    assert listing.status_code == 200
    assert [p.pk for p in listing.context["page"]] == [world.person_a.pk]
    response = client.get(f"/people/{world.person_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="person-cases"' in html and 'data-testid="person-followups"' in html
    # Lists are the stations' work; the reveal is not theirs; neither shows.
    assert response.context["file"].list_entries is None
    assert 'data-testid="person-lists"' not in html and 'data-testid="reveal"' not in html
    # Their neighbour in the car is nobody they follow: a surname only, no link.
    assert "李*" in html and f"/people/{history.neighbour.pk}/" not in html
    # Nobody else's file.
    assert client.get(f"/people/{history.neighbour.pk}/").status_code == 404
    assert client.get(f"/people/{world.person_b.pk}/").status_code == 404


def test_other_roles_and_scopes(history: History) -> None:
    world = history.world
    assert page(world, "station_b", world.person_a.pk).status_code == 404
    assert page(world, "checkpoint", world.person_a.pk).status_code == 403
    assert page(world, "admin", world.person_a.pk).status_code == 403
    assert world.client("station_b").get(f"/api/v1/persons/{world.person_a.pk}").status_code == 404


def test_who_viewed_the_full_data_is_shown_to_command_and_the_persons_station(
    history: History,
) -> None:
    world = history.world
    person_reveal(person=world.person_a, by=world.users["station_a"])
    want = [str(world.users["station_a"])]
    for who in ("command", "station_a"):
        html = page(world, who, world.person_a.pk).content.decode()
        assert 'data-testid="person-viewers"' in html, who
        assert "完整信息查看记录" in html and want[0] in html, who
        body = world.client(who).get(f"/api/v1/persons/{world.person_a.pk}").json()
        assert [v["actor"] for v in body["viewers"]] == want, who
    # The working group reads the county's people but answers for none of them; the
    # follow-up worker reaches 张三 through his case only; neither sees who looked.
    for who in ("workgroup", "followup"):
        response = page(world, who, world.person_a.pk)
        assert response.status_code == 200, who
        assert 'data-testid="person-viewers"' not in response.content.decode(), who
        assert response.context["file"].viewers is None, who
    # 泗店派出所 sees who looked at its own 赵丽.
    person_reveal(person=world.person_b, by=world.users["station_b"])
    html = page(world, "station_b", world.person_b.pk).content.decode()
    assert str(world.users["station_b"]) in html and 'data-testid="person-viewers"' in html


def test_api_answers_the_same_file_masked(history: History) -> None:
    world = history.world
    body = world.client("station_a").get(f"/api/v1/persons/{world.person_a.pk}").json()
    assert body["id_number"] != world.person_a.id_number and body["id_number"].startswith("370921")
    assert [c["status"] for c in body["cases"]] == ["quarantined"]
    assert {m["name"] for m in body["cases"][0]["team"]} >= {"孙干部", "刘医生"}
    assert body["passages_total"] == 1
    names = {c["name"] for c in body["passages"][0]["companions"]}
    assert names == {"赵*", "李四"}
    assert body["followups_total"] == 1 and body["alerts"][0]["kind"] == "fever"
    assert body["viewers"] == []  # the person's station; nobody looked yet
    followup = world.client("followup").get(f"/api/v1/persons/{world.person_a.pk}").json()
    assert followup["list_entries"] is None and followup["cases"][0]["id"] == history.case.pk


@pytest.mark.parametrize("who", ["station_a", "followup", "command"])
def test_query_count_does_not_grow_with_history(
    world: World, posts: Posts, who: str, clock_at: ClockAt
) -> None:
    history = make_history(world, posts, n=1)
    # Read the day after the last follow-up of the history below: within 14 days of the car,
    # so the file shows who shared it (possible close contacts) too.
    clock_at(clock.now().time(), datetime.date(2020, 2, 4))
    client = world.client(who)
    url = f"/people/{world.person_a.pk}/"
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_history(posts, history.case, history.neighbour, 19)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["file"].followups.total == 20
    assert response.context["file"].passages.total == 20
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"][:120] for q in many.captured_queries
    ]
    # Pinned: a new part must say what it costs. +1: who viewed; +4: the car's possible
    # close contacts (their occupants, links, people and cases), shown within 14 days of it.
    assert len(few.captured_queries) == {"station_a": 25, "followup": 13, "command": 22}[who]
