"""The seventh round: the free texts every app's services write refuse hidden characters.

The sixth attack left them cleaned (core.text.clean_prose: full-width digits, spaces) but
not checked: a hand-over's reason "发热\u202e" or a task's result with BEL was stored and
shown to the other side. Every service's free text now goes through one checked path —
core.text.prose (cleaned, then plain_text_error) — and every row core.services creates or
changes has its texts checked (core.text.model_text_errors), whichever of them a service
cleaned or not: each refusal names its field, in Chinese, and nothing is saved.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from fangkong.checkpoints import services as checkpoint_services
from fangkong.checkpoints.models import Checkpoint, DeviceToken
from fangkong.command import services as command
from fangkong.command.models import Disposition, Incident, Inspection, Problem, Task, TaskUpdate
from fangkong.core import clock
from fangkong.honors import services as honors
from fangkong.honors.models import Circular, Commendation, Step
from fangkong.logistics import services as logistics
from fangkong.logistics.models import Donation, Donor, Item, Movement, Purchase, Store
from fangkong.medical import services as medical
from fangkong.medical.models import Handoff
from fangkong.org import welfare
from fangkong.org.models import WelfareCase, WelfareHelp
from fangkong.outreach import services as outreach
from fangkong.outreach.models import (
    Activity,
    CommandoTask,
    CommandoTeam,
    MediaReport,
    Notice,
    RoleModel,
    SelfMediaPost,
)
from fangkong.quarantine import services as quarantine
from tests.conftest import World

pytestmark = pytest.mark.django_db

HIDDEN = [("\u202e", "U+202E"), ("\u200b", "U+200B"), ("\x07", "U+0007"), ("\x00", "U+0000")]
DAY = datetime.date(2020, 2, 3)


def _case(world: World) -> Any:
    case, _ = quarantine.case_refer(person=world.person_a, source="station", by=None)
    return case


def _handoff(world: World) -> Handoff:
    handoff, _ = medical.handoff_create(
        case=_case(world), by=world.users["station_a"], origin="followup"
    )
    return handoff


def _store(world: World) -> tuple[Store, Item]:
    by = world.users["logistics"]
    item = Item.objects.first() or logistics.item_create(
        name="医用口罩", category="mask", unit_of_measure="只", by=by
    )
    store = Store.objects.first() or logistics.store_create(name="县局仓库", by=by)
    logistics.purchase_record(
        supplier="某公司", amount=Decimal(10), day=DAY, store=store, lines=[(item, 10)], by=by
    )
    return store, item


def _task(world: World) -> Task:
    return command.task_assign(
        title="任务", unit=world.station_a, deadline=clock.now() + datetime.timedelta(days=1),
        by=world.users["command"], at=clock.now() - datetime.timedelta(hours=1),
    )  # fmt: skip


def _inspection(world: World, **texts: Any) -> Inspection:
    return command.inspection_record(
        unit=world.station_a, inspector=world.officer_a, at=clock.now(),
        by=world.users["command"], **texts,
    )  # fmt: skip


def _incident(world: World, place: str = "某地", summary: str = "经过") -> Incident:
    return command.incident_record(
        kind="rumour", unit=world.station_a, occurred_at=clock.now(), place=place,
        summary=summary, by=world.users["command"],
    )  # fmt: skip


def _commendation(world: World, deeds: str = "连续坚守7天7夜。") -> Commendation:
    return honors.commendation_report(
        by=world.users["station_a"], kind="individual", officer=world.officer_a,
        level="circular", deeds=deeds,
    )  # fmt: skip


def _returned(world: World) -> Commendation:
    c = _commendation(world)
    return honors.commendation_return(
        commendation=c, by=world.users["political"], note="请补充具体事迹"
    )


def _approved(world: World) -> Commendation:
    c = _commendation(world)
    c = honors.commendation_review(commendation=c, by=world.users["political"])
    return honors.commendation_approve(commendation=c, by=world.users["command"])


# (what, the write with the text put in one field, the field, its label, the rows that must
# not grow). The write may make what it needs first: only the last step meets the text.
Write = Callable[[World, str], Any]
WRITES: list[tuple[str, Write, str, str, type[models.Model]]] = [
    ("hand-over reason",
     lambda w, t: medical.handoff_create(case=_case(w), by=w.users["station_a"],
                                         origin="followup", reason=f"发热{t}"),
     "reason", "移交原因", Handoff),
    ("hand-over outcome note",
     lambda w, t: medical.handoff_outcome(handoff=_handoff(w), by=w.users["medical"],
                                          outcome="excluded", note=f"排除{t}"),
     "note", "接收方意见", Handoff),
    ("welfare title",
     lambda w, t: welfare.welfare_case_open(officer=w.officer_a, title=f"住院{t}",
                                            by=w.users["political"]),
     "title", "困难事项", WelfareCase),
    ("welfare detail",
     lambda w, t: welfare.welfare_case_open(officer=w.officer_a, title="住院",
                                            detail=f"父亲{t}", by=w.users["political"]),
     "detail", "具体情况", WelfareCase),
    ("welfare help",
     lambda w, t: welfare.welfare_help_record(
         case=welfare.welfare_case_open(officer=w.officer_a, title="住院",
                                        by=w.users["political"]),
         text=f"慰问{t}", by=w.users["political"]),
     "text", "帮扶措施", WelfareHelp),
    ("activity title",
     lambda w, t: outreach.activity_record(kind="pledge", title=f"宣誓{t}", day=DAY,
                                           unit=w.station_a, participant_count=3,
                                           by=w.users["political"]),
     "title", "主题", Activity),
    ("activity note",
     lambda w, t: outreach.activity_record(kind="pledge", title="宣誓", day=DAY,
                                           unit=w.station_a, participant_count=3,
                                           note=f"内容{t}", by=w.users["political"]),
     "note", "内容", Activity),
    ("commando task",
     lambda w, t: outreach.team_task_add(team=_team(w), day=DAY, title=f"任务{t}",
                                         by=w.users["political"]),
     "title", "任务", CommandoTask),
    ("media report outlet",
     lambda w, t: outreach.media_report_record(title="报道", outlet=f"媒体{t}",
                                               level="county", day=DAY,
                                               by=w.users["political"]),
     "outlet", "媒体", MediaReport),
    ("media report title",
     lambda w, t: outreach.media_report_record(title=f"报道{t}", outlet="媒体",
                                               level="county", day=DAY,
                                               by=w.users["political"]),
     "title", "标题", MediaReport),
    ("self-media post",
     lambda w, t: outreach.post_record(title=f"热帖{t}", platform="微博", day=DAY,
                                       by=w.users["political"]),
     "title", "标题", SelfMediaPost),
    ("role model story",
     lambda w, t: outreach.role_model_record(title="典型", story=f"事迹{t}", day=DAY,
                                             officers=[w.officer_a],
                                             by=w.users["political"]),
     "story", "事迹", RoleModel),
    ("notice body",
     lambda w, t: outreach.notice_publish(kind="notice", title="通知", body=f"正文{t}",
                                          by=w.users["political"]),
     "body", "正文", Notice),
    ("notice title",
     lambda w, t: outreach.notice_publish(kind="notice", title=f"通知{t}", body="正文",
                                          by=w.users["political"]),
     "title", "标题", Notice),
    ("stock adjustment reason",
     lambda w, t: logistics.stock_adjust(store=_store(w)[0], item=_item(), delta=-1, reason=f"破损{t}", day=DAY,
                                         by=w.users["logistics"]),
     "reason", "调整原因", Movement),
    ("purchase supplier",
     lambda w, t: logistics.purchase_record(supplier=f"某公司{t}", amount=Decimal(1), day=DAY,
                                            store=_store(w)[0], lines=[(_item(), 1)],
                                            by=w.users["logistics"]),
     "supplier", "供应商", Purchase),
    ("purchase note",
     lambda w, t: logistics.purchase_record(supplier="某公司", amount=Decimal(1), day=DAY,
                                            store=_store(w)[0], lines=[(_item(), 1)],
                                            note=f"备注{t}", by=w.users["logistics"]),
     "note", "备注", Purchase),
    ("donor name",
     lambda w, t: logistics.donor_find_or_create(kind="company", name=f"爱心企业{t}",
                                                 by=w.users["logistics"]),
     "donor_name", "捐赠人", Donor),
    ("donation description",
     lambda w, t: logistics.donation_record(
         donor=logistics.donor_find_or_create(kind="company", name="爱心企业",
                                              by=w.users["logistics"]),
         day=DAY, receiving_unit=w.bureau, money=Decimal(100), description=f"现金{t}",
         by=w.users["logistics"]),
     "description", "捐赠物品说明", Donation),
    ("task title",
     lambda w, t: command.task_assign(title=f"任务{t}", unit=w.station_a,
                                      deadline=clock.now() + datetime.timedelta(days=1),
                                      by=w.users["command"]),
     "title", "任务", Task),
    ("task detail",
     lambda w, t: command.task_assign(title="任务", detail=f"要求\n{t}", unit=w.station_a,
                                      deadline=clock.now() + datetime.timedelta(days=1),
                                      by=w.users["command"]),
     "detail", "要求", Task),
    ("task progress",
     lambda w, t: command.task_report_progress(task=_task(w), note=f"进展{t}",
                                               by=w.users["command"]),
     "note", "进展情况", TaskUpdate),
    ("task result",
     lambda w, t: command.task_complete(task=_task(w), result=f"办结{t}",
                                        by=w.users["command"]),
     "result", "办理结果", TaskUpdate),
    ("inspection place",
     lambda w, t: _inspection(w, place=f"检查站{t}"), "place", "检查地点", Inspection),
    ("inspection summary",
     lambda w, t: _inspection(w, summary=f"情况\n{t}"), "summary", "检查情况", Inspection),
    ("inspection problem",
     lambda w, t: _inspection(w, problems=[command.ProblemInput(f"问题{t}", w.officer_a, _later())]),
     "problems", "第1个问题：问题描述", Inspection),
    ("problem rectification",
     lambda w, t: command.problem_rectify(
         problem=_inspection(w, problems=[command.ProblemInput("问题", w.officer_a, _later())])
         .problems.get(), rectification=f"已整改{t}", by=w.users["command"]),
     "rectification", "整改情况", Problem),
    ("incident place",
     lambda w, t: _incident(w, place=f"某地{t}"), "place", "地点", Incident),
    ("incident summary",
     lambda w, t: _incident(w, summary=f"经过{t}"), "summary", "简要案情", Incident),
    ("disposition note",
     lambda w, t: command.incident_dispose(incident=_incident(w), kind="education", persons=1,
                                           note=f"教育{t}", by=w.users["command"]),
     "note", "备注", Disposition),
    ("commendation deeds",
     lambda w, t: _commendation(w, deeds=f"坚守{t}"), "deeds", "主要事迹", Commendation),
    ("commendation resubmitted deeds",
     lambda w, t: honors.commendation_resubmit(commendation=_returned(w),
                                               by=w.users["station_a"], deeds=f"补充{t}"),
     "deeds", "主要事迹", Commendation),
    ("commendation return note",
     lambda w, t: honors.commendation_return(commendation=_commendation(w),
                                             by=w.users["political"], note=f"补充{t}"),
     "note", "意见", Step),
    ("circular title",
     lambda w, t: honors.circular_issue(number=_number(), title=f"通报{t}", day=DAY,
                                        commendations=[_approved(w)],
                                        by=w.users["political"]),
     "title", "标题", Circular),
    ("checkpoint road",
     lambda w, t: checkpoint_services.checkpoint_create(
         code="G105", name="G105检查站", road=f"G105{t}", opened_on=DAY, unit=w.station_a,
         by=None),
     "road", "道路", Checkpoint),
    ("device token name",
     lambda w, t: checkpoint_services.token_create(
         checkpoint=_checkpoint(w), user=w.users["checkpoint"], by=None, name=f"平板{t}"),
     "name", "设备名称", DeviceToken),
]  # fmt: skip


def _team(world: World) -> CommandoTeam:
    return CommandoTeam.objects.first() or outreach.team_create(
        data=outreach.CommandoTeamInput(
            kind="party",
            name="党员突击队",
            unit=world.station_a,
            leader=world.officer_a,
            members=[world.officer_a],
            formed_on=DAY,
        ),
        by=world.users["political"],
    )


def _item() -> Item:
    return Item.objects.get()


def _later() -> datetime.date:
    return clock.today() + datetime.timedelta(days=7)


def _number() -> str:
    return f"宁公政〔2020〕{Circular.objects.count() + 1}号"


def _checkpoint(world: World) -> Checkpoint:
    found = Checkpoint.objects.filter(code="G104N").first()
    if found is not None:
        return found
    checkpoint = checkpoint_services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104", opened_on=DAY,
        unit=world.station_a, by=None,
    )  # fmt: skip
    checkpoint_services.checkpoint_post(
        user=world.users["checkpoint"], checkpoint=checkpoint, by=None
    )
    return checkpoint


@pytest.mark.parametrize(("char", "shown"), HIDDEN, ids=[s for _c, s in HIDDEN])
@pytest.mark.parametrize(
    ("what", "write", "field", "label", "rows"), WRITES, ids=[w[0] for w in WRITES]
)
def test_every_services_free_text_refuses_hidden_characters(
    world: World,
    what: str,
    write: Write,
    field: str,
    label: str,
    rows: type[models.Model],
    char: str,
    shown: str,
) -> None:
    # The same write, written plainly, is saved (the test reaches the field it names).
    write(world, "")
    before = rows._default_manager.count()
    with pytest.raises(ValidationError) as refused:
        write(world, char)
    assert refused.value.message_dict[field] == [f"{label}含有非法字符：“{shown}”"], what
    # Nothing saved by the refused write beyond what it made first (its own new row).
    written = [
        row
        for row in rows._default_manager.all()
        for value in vars(row).values()
        if isinstance(value, str) and char in value
    ]
    assert written == [], what
    assert rows._default_manager.count() <= before + 1


def test_the_attack_a_hand_over_reason_and_an_outcome_note_on_the_pages(world: World) -> None:
    """The pages: 移交原因 and 接收方意见 with U+202E are refused on their field, nothing
    saved; the same, written plainly, is."""
    case = _case(world)
    client = world.client("station_a")
    page = client.post("/medical/new/", {"case": case.pk, "reason": "发热\u202e咳嗽"})
    assert page.status_code == 422
    assert "移交原因含有非法字符：“U+202E”" in page.content.decode()
    assert not Handoff.objects.exists()
    assert client.post("/medical/new/", {"case": case.pk, "reason": "发热"}).status_code == 302
    handoff = Handoff.objects.get()
    handoff.institution.staff.add(world.users["medical"])
    clinic = world.client("medical")
    answer = clinic.post(
        f"/medical/{handoff.pk}/outcome/",
        {"outcome": "excluded", "note": "排除\u200b", "version": handoff.version},
    )
    assert answer.status_code == 422
    assert "接收方意见含有非法字符：“U+200B”" in answer.content.decode()
    handoff.refresh_from_db()
    assert handoff.outcome == "" and handoff.outcome_note == ""


SRC = Path(__file__).resolve().parents[2] / "src" / "fangkong"


def test_clean_prose_is_called_through_the_one_checked_path_only() -> None:
    """No service cleans a free text without checking it: clean_prose and clean_prose_lines
    are called by core.text alone (prose); everything else calls prose."""
    callers = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "text.py" or path.parent.name != "core"
        if re.search(r"\bclean_prose(_lines)?\b", path.read_text(encoding="utf-8"))
    ]
    assert callers == []
