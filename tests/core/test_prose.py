"""Chinese prose stays Chinese: free text (notes, problems, resolutions, titles) keeps its
full-width punctuation, while full-width digits and letters typed by mistake become ASCII;
ID numbers, phones and plates are still folded by normalize_text (tests/core/test_*)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from fangkong.command import services as command
from fangkong.core.documents import month_day, sentence
from fangkong.core.text import clean_prose, clean_prose_lines, normalize_text
from fangkong.org import services as org_services
from fangkong.quarantine.models import Alert
from fangkong.quarantine.services import alert_resolve, followup_record
from tests.conftest import World
from tests.quarantine.conftest import Cases, at, cases  # noqa: F401 (fixture)

PROSE = "照明不足，需加装灯具（２处）：夜间“看不清”…　尽快整改！"
KEPT = "照明不足，需加装灯具（2处）：夜间“看不清”… 尽快整改！"


def test_clean_prose_keeps_chinese_punctuation_and_folds_digits() -> None:
    assert clean_prose(PROSE) == KEPT
    assert clean_prose("  Ｇ１０４　国道  ") == "G104 国道"
    assert clean_prose_lines("第一行，好。\n\n  第二行：ＯＫ  \n") == "第一行，好。\n\n第二行：OK"
    # normalize_text (for codes and names) still folds everything.
    assert normalize_text("（２处）：") == "(2处):"


def test_sentences_are_closed_and_dates_unpadded() -> None:
    assert sentence("京台高速检查站人工清点车辆96辆，登记97辆") == (
        "京台高速检查站人工清点车辆96辆，登记97辆。"
    )
    assert sentence("走访（堽城派出所，1月31日前）") == "走访（堽城派出所，1月31日前）。"
    assert sentence("已整改（见附表。）") == "已整改（见附表。）"
    assert sentence("需补登：") == "需补登。"
    assert month_day(datetime.date(2020, 1, 28)) == "1月28日"


@pytest.mark.django_db
def test_problems_notes_and_resolutions_keep_their_punctuation(
    world: World,
    cases: Cases,  # noqa: F811
) -> None:
    boss = world.users["command"]
    leader = org_services.officer_create(
        name="张建军", badge_number="370001", kind="police", unit=world.bureau, by=None
    )
    day = datetime.date(2020, 2, 3)
    inspection = command.inspection_record(
        unit=world.station_a,
        place="１０４国道（Ｇ１０４）联合检查站",
        inspector=leader,
        at=datetime.datetime(2020, 2, 3, 10, tzinfo=at(day, 0).tzinfo),
        by=boss,
        summary="检查情况：总体良好；\n个别岗位，人员不足。",
        problems=[command.ProblemInput(PROSE, world.officer_a, day)],
    )
    problem = inspection.problems.get()
    assert problem.description == KEPT
    assert inspection.place == "104国道（G104）联合检查站"
    assert inspection.summary == "检查情况：总体良好；\n个别岗位，人员不足。"
    command.problem_rectify(problem=problem, rectification="已加装，２处：均已亮灯。", by=boss)
    problem.refresh_from_db()
    assert problem.rectification == "已加装，2处：均已亮灯。"
    page = world.client("command").get(f"/command/inspections/{inspection.pk}/").content.decode()
    assert KEPT.replace("“", "&ldquo;").replace("”", "&rdquo;") in page or KEPT in page

    task = command.task_assign(
        title="核查：返乡人员（武汉）名单！",
        unit=world.station_a,
        deadline=at(day, 18),
        by=boss,
        at=at(day, 9),
    )
    assert task.title == "核查：返乡人员（武汉）名单！"

    followup, _created = followup_record(
        case=cases.a,
        by=world.users["followup"],
        temperature=Decimal("37.5"),
        symptoms=[],
        at_home=True,
        visited_at=at(day, 9),
        note="体温偏高，已复测：３７.５℃（下午再测）。",
    )
    assert followup.note == "体温偏高，已复测：37.5℃（下午再测）。"
    alert = Alert.objects.filter(case=cases.a).latest("pk")
    resolved = alert_resolve(
        alert=alert, by=world.users["station_a"], resolution="已通知卫生院，医生上门：复测正常。"
    )
    assert resolved.resolution == "已通知卫生院，医生上门：复测正常。"


@pytest.mark.django_db
def test_the_follow_up_form_has_no_ascii_colon(
    world: World,
    cases: Cases,  # noqa: F811
) -> None:
    page = world.client("followup").get(f"/cases/{cases.a.pk}/followup/").content.decode()
    assert 'for="id_temperature"' in page
    labels = [part.split("</label>")[0] for part in page.split("<label")[1:]]
    assert labels and not any(label.rstrip().endswith(":") for label in labels), labels


@pytest.mark.django_db
def test_the_admin_speaks_chinese(world: World, cases: Cases) -> None:  # noqa: F811
    """Django's, django-tasks' and fangkong's own admin labels: none left in English."""
    from fangkong.quarantine.services import MemberInput, team_assign

    team_assign(
        case=cases.b,
        by=world.users["station_b"],
        members=[MemberInput(kind="doctor", name="刘医生", phone="13800000003")],
    )
    admin = world.client("admin")
    index = admin.get("/admin/").content.decode()
    for english in ("Tasks Database Backend", "Task Results", "Model name", "Add link", ">Core<"):
        assert english not in index, english
    units = admin.get("/admin/org/unit/").content.decode()
    assert "层级路径" in units and ">Path<" not in units
