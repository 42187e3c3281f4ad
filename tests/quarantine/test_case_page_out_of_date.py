"""A status change (变更状态) or a release (解除隔离) posted without its page's hidden
`version` (missing, empty, not a number, out of range): the sixth attack saw the stale
case's message ("保存未成功：…") and the form drawn again with "这个字段是必填项。" under 原因
— the reason typed, lost. Such a page is not stale (no one else saved) but out of date or
incomplete, and says so as every edit does (core.conflicts.VersionedForm): one message on
top of the form, the reason kept as typed. A page drawn before someone else's change is
still told who changed what."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditEntry
from fangkong.quarantine.models import CaseStatus
from fangkong.quarantine.services import case_transition
from tests.conftest import World
from tests.pages import form_data
from tests.quarantine.conftest import Cases, cases

pytestmark = pytest.mark.django_db
__all__ = ["cases"]  # the fixture, imported

STALE = "页面已过期或不完整，修改未保存：请重新打开此页面，核对后再修改。"
REQUIRED = "这个字段是必填项"
SPOILT = [None, "", "abc", "-1", str(2**63)]


def _errors_on_top(page: str) -> str:
    """The visible error block of the form in error (includes/form_errors.html)."""
    assert page.count('<div class="fk-form-errors" role="alert">') == 1, page
    return page.split('<div class="fk-form-errors" role="alert">', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("version", SPOILT)
@pytest.mark.parametrize(
    ("path", "typed"),
    [("transition", {"to": "hospital", "reason": "送县医院"}), ("release", {"reason": "提前解除"})],
)
def test_the_attack_a_case_form_without_its_version_says_the_page_is_out_of_date(
    world: World, cases: Cases, path: str, typed: dict[str, str], version: str | None
) -> None:
    client = world.client("station_a")
    url = f"/cases/{cases.a.pk}/{path}/"
    data = {**form_data(client.get(f"/cases/{cases.a.pk}/").content.decode(), url), **typed}
    data.pop("version")
    if version is not None:
        data["version"] = version
    entries = AuditEntry.objects.count()
    answer = client.post(url, data)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert STALE in _errors_on_top(page)
    assert "保存未成功" not in page and REQUIRED not in page
    assert "Version" not in page and "Seen" not in page
    # What the user typed is drawn again, to be sent from a fresh page.
    assert typed["reason"] in page
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.QUARANTINED
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("path", "typed"),
    [("transition", {"to": "hospital", "reason": "送县医院"}), ("release", {"reason": "提前解除"})],
)
def test_a_page_drawn_before_anothers_change_is_still_told_who_changed_what(
    world: World, cases: Cases, path: str, typed: dict[str, str]
) -> None:
    client = world.client("station_a")
    url = f"/cases/{cases.a.pk}/{path}/"
    data = {**form_data(client.get(f"/cases/{cases.a.pk}/").content.decode(), url), **typed}
    case_transition(
        case=cases.a, to=CaseStatus.HOSPITAL, by=world.users["station_a"], reason="送医"
    )
    answer = client.post(url, data, follow=True)
    page = answer.content.decode()
    assert "保存未成功" in page and "状态由“隔离中”改为“已送医”" in page
    assert STALE not in page and REQUIRED not in page
    cases.a.refresh_from_db()
    assert cases.a.status == CaseStatus.HOSPITAL
