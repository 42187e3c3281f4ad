"""The sixth attack: the three administrators (system, security, audit) write no business
data, whatever officer their account names.

The attack: 审计员 (shenji, whose account names 法制大队's first officer, a 大队长) opened
/org/welfare/new/, saw 法制大队's officers and recorded a family difficulty; 安全员 (anquan)
did the same for 网络安全保卫大队. The welfare rule counted them as their unit's heads
(org/welfare.py `led_unit_id`), a right from the officer's post rather than the role table.

Here each administrator's account names a unit head of 堽城 or 泗店 (所长, 教导员,
大队长), and every page of the business apps is walked with real objects on both sides
(tests/test_route_matrix.py's county): each write page answers 403 to a GET and to a POST
(405 to a GET of an action that only takes a POST), and nothing is stored — no business
row more, none changed (no create, update or delete on the audit trail by that account).
The system administrator's reference data (officers, checkpoints) is its own: those four
pages are the only ones it may write, and the other two administrators may not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver, reverse

from fangkong.accounts.models import User
from fangkong.accounts.roles import ADMINISTRATOR_ROLES, Role, is_administrator
from fangkong.core.models import AuditEntry
from fangkong.org import services as org_services
from fangkong.org import welfare
from fangkong.org.models import WelfareCase
from tests.conftest import World, numbered, signed_in
from tests.test_route_matrix import TARGETS, Objects, _walk, build

pytestmark = pytest.mark.django_db

ADMINISTRATORS = ["admin", "auditor", "security"]

# Every page that writes business data (or issues a document from it), by URL name.
WRITE_PAGES = {
    # people
    "person_create", "person_edit", "person_reveal", "duplicate_compare", "merge_undo",
    "transfer_create", "transfer_decide",
    # medical hand-offs and contacts
    "handoff_create", "handoff_outcome", "person_contacts_refer",
    # quarantine and its list imports
    "case_verify", "case_transition", "case_release", "case_notice", "followup_create",
    "alert_resolve", "case_home_document",
    "import_upload", "import_mapping", "import_duplicate_decide", "import_case_route",
    # checkpoints: the roadside, the roster, the tallies
    "checkpoint_register", "checkpoint_scan_check", "roster_copy", "shift_edit", "shift_tally",
    # org: the wartime order's recalls, officers' welfare, an officer's phone in full
    "recall_report_back", "welfare_create", "welfare_act", "officer_reveal",
    # supplies
    "logistics_item_edit", "logistics_stock_count", "logistics_store_create",
    "logistics_store_edit", "logistics_donation_create", "logistics_purchase_create",
    "logistics_distribution_create",
    # commendations
    "honors_report", "honors_act", "honors_circular_create",
    # publicity and party work, notices
    "outreach_activity_create", "outreach_media_create", "outreach_team_create",
    "outreach_team_edit", "outreach_role_model_create", "outreach_role_model_edit",
    "outreach_post_create", "outreach_post_edit", "outreach_notice_create",
    # tasks, inspections, incidents
    "task_create", "task_act", "inspection_create", "problem_rectify", "incident_create",
}  # fmt: skip

# Reference data the system administrator keeps (README: officers, checkpoints); written by
# it, refused to the other two administrators.
REFERENCE_PAGES = {"officer_create", "officer_edit", "checkpoint_create", "checkpoint_edit"}

# Pages of the business apps that store nothing of the business: lists, details, exports,
# look-ups, and the user's own reading receipt of a notice sent to them.
READ_PAGES = {
    "handoff_list", "handoff_detail", "handoff_receipt", "contact_list", "person_contacts",
    "contact_chain", "person_list", "person_detail", "duplicate_list", "transfer_list",
    "transfer_detail", "unit_list", "officer_list", "working_group_list", "wartime",
    "officer_detail", "welfare_list", "welfare_detail", "logistics_stock",
    "logistics_low_stock", "logistics_stores", "logistics_ledger", "logistics_donations",
    "logistics_donation_letter", "logistics_purchases", "logistics_distributions",
    "honors_list", "honors_to_review", "honors_to_approve", "honors_detail", "honors_circulars",
    "honors_circular_docx", "outreach_overview", "outreach_activities", "outreach_media",
    "outreach_teams", "outreach_role_models", "outreach_posts", "outreach_notices",
    "outreach_notice", "outreach_notice_confirm", "dashboard", "bigscreen", "report_docx",
    "report_xlsx", "task_list", "task_detail", "inspection_list", "inspection_detail",
    "problem_list", "incident_list", "incident_detail", "import_list", "import_template",
    "import_duplicates", "import_routed", "import_unrouted", "import_detail",
    "import_progress", "import_report", "case_list", "case_export", "verify_queue",
    "followup_today", "alert_list", "overdue_list", "release_list", "case_detail",
    "checkpoint_list", "checkpoint_check_id", "passage_list", "passage_detail",
    "passage_trajectory", "person_trajectory", "plate_trajectory", "roster_week",
    "tally_list", "on_duty", "checkpoint_poster",
}  # fmt: skip

BUSINESS_MODULES = (
    "fangkong.people.", "fangkong.medical.", "fangkong.quarantine.", "fangkong.checkpoints.",
    "fangkong.org.", "fangkong.logistics.", "fangkong.honors.", "fangkong.outreach.",
    "fangkong.command.",
)  # fmt: skip
BUSINESS_APPS = (
    "people", "medical", "quarantine", "checkpoints", "org", "logistics", "honors", "outreach",
    "command",
)  # fmt: skip
WRITES = ("create", "update", "delete")


def business_pages() -> dict[str, str]:
    """Every named page of the business apps (not the API, not the traveller's public
    pages, which take no login): name → route."""
    return {
        p.name: route
        for route, p in _walk(get_resolver().url_patterns)
        if p.name
        and p.callback.__module__.startswith(BUSINESS_MODULES)
        and not route.startswith(("api/", "q/", "q-check-id/"))
    }


def test_every_business_page_is_classified() -> None:
    pages = set(business_pages())
    listed = WRITE_PAGES | REFERENCE_PAGES | READ_PAGES
    assert sorted(pages - listed) == [], "a page of a business app is in no list here"
    assert sorted(listed - pages) == [], "a listed page is gone"
    assert not WRITE_PAGES & READ_PAGES and not REFERENCE_PAGES & (WRITE_PAGES | READ_PAGES)


def _heads(world: World) -> dict[str, User]:
    """Each administrator's account names a head of 堽城 or 泗店: the attack's shape."""
    posts = {
        "admin": (world.station_a, "所长", "371150"),
        "auditor": (world.station_a, "教导员", "371151"),
        "security": (world.station_b, "大队长", "371250"),
    }
    for who, (unit, position, badge) in posts.items():
        officer = org_services.officer_create(
            name=numbered(position, int(badge[-2:])), badge_number=badge, kind="police", unit=unit,
            position=position, by=None,
        )  # fmt: skip
        User.objects.filter(pk=world.users[who].pk).update(officer=officer)
        world.users[who].refresh_from_db()
    return world.users


def _url(o: Objects, name: str) -> str:
    if name in TARGETS:
        return TARGETS[name].url(o, "a")
    return reverse(name)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in BUSINESS_APPS
    }


@pytest.fixture
def objects(world: World, tmp_path: Path, settings: Any) -> Objects:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _heads(world)
    return build(world, tmp_path)


@pytest.mark.parametrize("who", ADMINISTRATORS)
def test_an_administrator_heading_a_unit_writes_no_business_data(
    objects: Objects, who: str
) -> None:
    user = objects.world.users[who]
    assert user.officer is not None and user.officer.position
    client = signed_in(user)
    before = _counts()
    wrong: list[tuple[str, str, str, int]] = []
    refused = 0
    for name in sorted(WRITE_PAGES | (REFERENCE_PAGES if who != "admin" else set())):
        url = _url(objects, name)
        got = client.get(url).status_code
        if got not in (403, 405):
            wrong.append((name, url, "GET", got))
        posted = client.post(url, {"title": "测试", "text": "审计员登记测试"}).status_code
        if posted != 403:
            wrong.append((name, url, "POST", posted))
        refused += 1
    # A POST to the pages that store nothing stores nothing either.
    for name in sorted(READ_PAGES):
        url = _url(objects, name)
        status = client.post(url, {"title": "测试"}).status_code
        if status >= 500:
            wrong.append((name, url, "POST", status))
    assert wrong == [], "\n".join(map(str, wrong))
    assert refused >= len(WRITE_PAGES)
    assert _counts() == before
    # Their own reading receipt of a notice sent to their officer's unit is theirs to
    # confirm (it records that they read it, nothing of the business).
    written = AuditEntry.objects.filter(actor=user, action__in=WRITES).exclude(
        object_type="outreach.noticereceipt"
    )
    assert list(written.values_list("action", "object_type")) == []


@pytest.mark.parametrize("who", ADMINISTRATORS)
def test_the_attack_a_unit_heads_welfare_form_refused_to_an_administrator(
    world: World, who: str
) -> None:
    """POST /org/welfare/new/ (title, officer of their unit, urgency, detail) → 403, no
    case; the list, a case of their unit and its actions → 403 too."""
    users = _heads(world)
    user = users[who]
    assert is_administrator(user) and user.role in ADMINISTRATOR_ROLES
    officer = user.officer
    assert officer is not None
    case = welfare.welfare_case_open(
        officer=officer, title="家属住院", by=users["political"], detail="需要帮扶"
    )
    client = signed_in(user)
    page = client.get("/org/welfare/new/")
    assert page.status_code == 403
    assert "您的角色无权访问此页面" in page.content.decode()
    answer = client.post(
        "/org/welfare/new/",
        {"title": "测试困难", "officer": officer.pk, "urgency": "low", "detail": "审计员登记测试"},
    )
    assert answer.status_code == 403
    assert not WelfareCase.objects.filter(title="测试困难").exists()
    assert client.get("/org/welfare/").status_code == 403
    assert client.get(f"/org/welfare/{case.pk}/").status_code == 403
    assert client.post(f"/org/welfare/{case.pk}/act/", {"action": "solve"}).status_code == 403
    case.refresh_from_db()
    assert case.solved_at is None and not case.helps.exists()
    # The rule's home: the services refuse them too, whatever calls them.
    assert welfare.led_unit_id(user) is None
    assert not welfare.welfare_cases_for(user).exists()
    assert not welfare.officers_for(user).exists()


def test_a_unit_head_of_a_business_role_still_records_their_units_difficulties(
    world: World,
) -> None:
    """The rule that was narrowed still holds for whom it is meant: a station's head."""
    chief = org_services.officer_create(
        name="孙所长", badge_number="371160", kind="police", unit=world.station_a,
        position="所长", by=None,
    )  # fmt: skip
    User.objects.filter(pk=world.users["station_a"].pk).update(officer=chief)
    user = User.objects.get(pk=world.users["station_a"].pk)
    client: Client = signed_in(user)
    answer = client.post(
        "/org/welfare/new/",
        {"title": "子女入学", "officer": world.officer_a.pk, "urgency": "low", "detail": "登记"},
    )
    assert answer.status_code == 302
    case = WelfareCase.objects.get(title="子女入学")
    assert case.officer == world.officer_a and case.created_by == user
    assert user.role == Role.STATION
