"""The sixth attack: hidden characters in the texts one station writes for another, and a
silent refusal of a page without its version.

堽城 asked for 泗店's 赵丽 with the reason "迁入\u202e" (stored, shown to 泗店), and 泗店
declined with "不同意\u202e测试\x07" (stored, shown to 堽城), while 姓名 and 详细住址 refuse
the same characters. Both reasons now go through core.text's one rule (plain_text_error), as
do the free texts of the quarantine app's forms: a status change's and a release's reason,
the verification note, an alert's resolution, a 四包一 member's name.

A person's edit posted without the hidden `version` answered 200, saved nothing, and said
"这个字段是必填项。" in a hidden block under "Version": now the page says, visibly and in
Chinese, that it is out of date and must be reopened.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fangkong.core import clock
from fangkong.core.conflicts import VersionedForm
from fangkong.people.forms import PersonEditForm
from fangkong.people.models import Person, TransferRequest
from fangkong.people.services import TransferInput, transfer_request
from fangkong.quarantine.models import Alert, CaseStatus, QuarantineCase
from fangkong.quarantine.services import (
    MemberInput,
    alert_resolve,
    case_transition,
    case_verify,
    followup_record,
    team_assign,
)
from tests.conftest import World
from tests.pages import form_data
from tests.quarantine.conftest import Cases, cases

pytestmark = pytest.mark.django_db
__all__ = ["cases"]  # the fixture, imported

TRANSFER = "/people/transfers/new/"
STALE = "页面已过期或不完整，修改未保存：请重新打开此页面，核对后再修改。"


def _ask_for_b(world: World, reason: str) -> Any:
    client = world.client("station_a")
    page = client.post(
        "/people/new/",
        {"name": "赵丽", "doc_type": "id_card", "id_number": world.person_b.id_number,
         "township": world.township_a.pk, "village": world.village_a.pk},
    ).content.decode()  # fmt: skip
    return client.post(TRANSFER, {**form_data(page, TRANSFER), "reason": reason})


@pytest.mark.parametrize(
    ("reason", "shown"),
    [("迁入\u202e", "U+202E"), ("迁入\x07", "U+0007"), ("已\u200b迁入", "U+200B")],
)
def test_the_attack_a_transfer_reason_with_a_hidden_character(
    world: World, reason: str, shown: str
) -> None:
    answer = _ask_for_b(world, reason)
    assert answer.status_code == 200
    assert f"申请理由含有非法字符：“{shown}”" in answer.content.decode()
    assert not TransferRequest.objects.exists()
    # The same request, written plainly, is made.
    assert _ask_for_b(world, "迁入").status_code == 302
    assert TransferRequest.objects.get().reason == "迁入"


def test_the_attack_a_declines_reason_with_hidden_characters(world: World) -> None:
    request = transfer_request(
        data=TransferInput(
            name="赵丽", id_number=str(world.person_b.id_number), township=world.township_a,
            reason="已迁入堽城镇居住",
        ),
        by=world.users["station_a"],
    )  # fmt: skip
    client = world.client("station_b")
    url = f"/people/transfers/{request.pk}/decide/"
    answer = client.post(url, {"decision": "decline", "reason": "不同意\u202e测试\x07"})
    assert answer.status_code == 200
    assert "处理意见含有非法字符：“U+202E”" in answer.content.decode()
    request.refresh_from_db()
    assert request.status == TransferRequest.Status.PENDING and request.decision_note == ""
    assert client.post(url, {"decision": "decline", "reason": "本人仍住泗店"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("declined", "本人仍住泗店")


def test_the_quarantine_apps_free_texts_refuse_hidden_characters(
    world: World, cases: Cases
) -> None:
    station = world.users["station_a"]
    case = cases.a
    with pytest.raises(ValidationError) as refused:
        case_transition(case=case, to="hospital", by=station, reason="送医\u202e")
    assert refused.value.message_dict == {"reason": ["原因含有非法字符：“U+202E”"]}
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED
    # An alert's resolution.
    followup, _ = followup_record(
        case=case,
        by=station,
        temperature="38.5",
        symptoms=[],
        at_home=True,
        visited_at=clock.now() - datetime.timedelta(minutes=5),
    )
    alert = Alert.objects.get(followup=followup)
    with pytest.raises(ValidationError) as refused:
        alert_resolve(alert=alert, by=station, resolution="已送医\x1b[2J")
    assert refused.value.message_dict == {"resolution": ["处置情况含有非法字符：“U+001B”"]}
    alert.refresh_from_db()
    assert alert.resolved_at is None
    # A 四包一 member's name.
    with pytest.raises(ValidationError) as refused:
        team_assign(
            case=case, by=station,
            members=[MemberInput(kind="doctor", name="刘\u202e医生", phone="13800000003")],
        )  # fmt: skip
    assert "姓名含有非法字符：“U+202E”" in refused.value.messages[0]


def test_the_verification_note_refuses_hidden_characters(world: World) -> None:
    from fangkong.quarantine.services import case_refer

    case, _ = case_refer(
        person=world.person_b,
        source=QuarantineCase.Source.CHECKPOINT,
        by=world.users["command"],
    )
    with pytest.raises(ValidationError) as refused:
        case_verify(
            case=case,
            by=world.users["station_b"],
            finding="at_home",
            note="在家\u202e",
            measure=QuarantineCase.Measure.HOME,
        )
    assert refused.value.message_dict == {"note": ["核查情况说明含有非法字符：“U+202E”"]}
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING and case.verification_note == ""


def _edit_data(world: World, person: Person) -> dict[str, Any]:
    page = world.client("station_a").get(f"/people/{person.pk}/edit/")
    return {
        k: v for k, v in page.context["form"].initial.items() if v is not None and not callable(v)
    }


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "9223372036854775808"])
def test_the_attack_an_edit_without_its_version_says_the_page_is_out_of_date(
    world: World, version: str | None
) -> None:
    person = world.person_a
    data = {**_edit_data(world, person), "address_detail": "新地址1号"}
    data.pop("version", None)
    if version is not None:
        data["version"] = version
    answer = world.client("station_a").post(f"/people/{person.pk}/edit/", data)
    assert answer.status_code == 200
    page = answer.content.decode()
    # On top of the form, in the visible error block, naming no hidden field.
    head = page.split('<div class="fk-form-errors" role="alert">', 1)[1].split("</div>", 1)[0]
    assert STALE in head
    assert "这个字段是必填项" not in page and "Version" not in page and "Seen" not in page
    person.refresh_from_db()
    assert person.address_detail == "3组12号"


def test_a_status_change_or_release_without_its_version_is_said_too(
    world: World, cases: Cases
) -> None:
    """The case page's forms: refused with a visible message (the stale case's, or the
    page's), never a hidden field's error."""
    client = world.client("station_a")
    for path, data in (
        ("transition", {"to": "hospital", "reason": "送医"}),
        ("release", {"reason": "提前解除"}),
    ):
        answer = client.post(f"/cases/{cases.a.pk}/{path}/", data)
        assert answer.status_code == 422, path
        page = answer.content.decode()
        assert "保存未成功" in page or STALE in page, path
        assert "Version" not in page and "Seen" not in page, path
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.QUARANTINED


def test_the_hidden_fields_labels_are_translated() -> None:
    with translation.override("zh-hans"):
        labels = {str(VersionedForm.base_fields[n].label) for n in ("version", "seen")}
        assert labels == {"版本", "页面内容记录"}
    with translation.override("en"):
        assert str(VersionedForm.base_fields["version"].label) == "Version"
        assert str(VersionedForm.base_fields["seen"].label) == "Page record"
    with translation.override("en"):
        form = PersonEditForm({"name": "x"}, person=Person(version=0), user=None)
        assert not form.is_valid()
        assert form.non_field_errors() == [
            "The page is out of date or incomplete and nothing was saved: open it again, "
            "check it and make your change again."
        ]
