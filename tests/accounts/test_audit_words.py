"""The audit trail's page says every entry in words (the fifth attack saw "phone" and
"quarantined → released" on it): each key by its field's label (verbose_name) or the page's
word for it, each stored code by its choice's label — in a change, a list, an export's
filters, an object's stored label — in Chinese, and in English on request. The stored
entries are not rewritten (the chain is hashed): the page reads them so
(accounts/audit_display.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client

from fangkong.core.audit import audit_record
from fangkong.core.models import AuditEntry
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.services import case_release, followup_record
from tests.conftest import World
from tests.quarantine.conftest import START, at, quarantined_pair

pytestmark = pytest.mark.django_db


def _text(client: Client, **query: str) -> str:
    page = client.get("/audit/", query).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows))


def _english(world: World) -> Client:
    client = world.client("auditor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_teams_change_names_the_duties_not_their_codes(world: World) -> None:
    quarantined_pair(world)  # station A gives 张三 his four-to-one team
    text = _text(world.client("auditor"), object_type="quarantine.quarantinecase")
    assert "“四包一”人员： 村居干部、乡镇干部、民警、医生" in text
    for raw in ("team", "village_cadre", "township_cadre", "police", "doctor"):
        assert raw not in text
    english = _text(_english(world), object_type="quarantine.quarantinecase")
    assert "Four-to-one team： Village cadre、Township cadre、Police officer、Doctor" in english
    assert "village_cadre" not in english


def test_a_status_change_reads_by_its_labels_in_the_change_and_the_object(world: World) -> None:
    cases = quarantined_pair(world)
    case_release(
        case=cases.a, by=world.users["station_a"], at=at(START + datetime.timedelta(days=14), 9)
    )
    # An entry whose object's label holds the codes, as a status change's label is stored.
    audit_record(
        actor=world.users["station_a"],
        action="create",
        object_type="quarantine.casetransition",
        object_id="1",
        object_repr=f"{CaseStatus.QUARANTINED.value} → {CaseStatus.RELEASED.value}",
        changes={"to_status": [None, "released"]},
    )
    text = _text(world.client("auditor"))
    assert "状态： 隔离中 → 已解除" in text  # the case's change
    assert "隔离中 → 已解除" in text.split("状态变更")[1]  # the transition's stored label
    assert "quarantined" not in text and "released" not in text
    english = _text(_english(world))
    assert "Status： In quarantine → Released" in english
    assert "In quarantine → Released" in english.split("Status changes")[1]
    assert "quarantined" not in english and "released" not in english
    assert AuditEntry.objects.get(object_type="quarantine.casetransition").object_repr == (
        "quarantined → released"  # as stored: read in words, never rewritten
    )


def test_an_exports_fields_and_filters_read_by_their_labels(world: World) -> None:
    quarantined_pair(world)
    world.client("station_a").get("/cases/export.xlsx", {"full": "1", "status": "quarantined"})
    text = _text(world.client("auditor"), action="reveal")
    assert "完整显示的信息： 身份证号、证件号码、联系电话、详细住址" in text
    assert "筛选条件： 状态：隔离中" in text
    for raw in ("phone", "id_number", "status", "quarantined"):
        assert raw not in text


def test_a_refused_second_factor_says_why_in_words(world: World) -> None:
    user = world.users["command"]
    audit_record(actor=user, action="mfa_failed", obj=user, changes={"reason": "wrong_code"})
    audit_record(actor=user, action="mfa_ok", obj=user, changes={"method": "totp"})
    text = _text(world.client("auditor"), object_type="accounts.user")
    assert "原因： 验证码错误" in text and "验证方式： 动态验证码" in text
    assert "wrong_code" not in text and "totp" not in text


def test_a_follow_ups_symptoms_read_by_the_one_vocabulary(world: World) -> None:
    cases = quarantined_pair(world)
    followup_record(
        case=cases.a,
        by=world.users["followup"],
        temperature="36.6",
        symptoms=["fatigue", "short_breath"],
        at_home=True,
        visited_at=at(START + datetime.timedelta(days=1), 9),
    )
    text = _text(world.client("auditor"), object_type="quarantine.followup")
    assert "症状： 乏力、呼吸困难" in text
    assert "fatigue" not in text and "short_breath" not in text
    english = _text(_english(world), object_type="quarantine.followup")
    assert "Weakness、Shortness of breath" in english
