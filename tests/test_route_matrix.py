"""The route-and-role matrix: every URL with an object in it (pages and /api/v1/…), asked by
every role, an anonymous visitor and a checkpoint device, once with a real object inside
the caller's jurisdiction and once with a real object outside it.

Two of everything, one per side of the county: side "a" belongs to 堽城派出所 (张三, his
case, follow-up and fever alert, his passage at the G104 checkpoint, 堽城's task, inspection,
incident, import …), side "b" to 泗店派出所 (赵丽 and hers). The answer each caller must get
is what the role table (accounts/roles.py: the view's declared permissions) and the
jurisdiction (each model's `jurisdiction` paths, accounts/jurisdiction.py, or the rule's own
home where a route has one) say: 200/201/302 with the permission and the object in scope,
403/404 otherwise, never 5xx, and what the caller may not see never in the body (the other
side's names, full ID numbers, phones and titles).

One test per caller walks the whole matrix and reports every mismatch at once. A new object
route fails `test_every_object_route_is_in_the_matrix` until it is given its objects here
(or, with a reason, a place on UNCLASSIFIED).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model, QuerySet
from django.http import Http404
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from fangkong.accounts.jurisdiction import restrict
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role, role_perms, user_can
from fangkong.checkpoints import services as cp_services
from fangkong.checkpoints.models import Checkpoint, DutyShift, Passage
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.command import services as command_services
from fangkong.command.models import Incident, Inspection, Problem
from fangkong.command.selectors import tasks_visible
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from fangkong.core.models import KeyArea
from fangkong.honors import services as honors_services
from fangkong.honors.models import Commendation
from fangkong.logistics import services as logistics_services
from fangkong.logistics.models import Stock
from fangkong.medical import services as medical_services
from fangkong.medical.models import Handoff
from fangkong.org import selectors as org_selectors
from fangkong.org import services as org_services
from fangkong.org import welfare
from fangkong.org.models import Officer, Recall, Township, Unit
from fangkong.outreach import services as outreach_services
from fangkong.outreach.models import CommandoTeam, NoticeReceipt
from fangkong.people import merge
from fangkong.people.models import Person, PersonMerge, TransferRequest
from fangkong.people.ownership import person_in_charge
from fangkong.people.services import (
    PersonInput,
    TransferInput,
    person_register,
    transfer_request,
)
from fangkong.quarantine.imports import list_import_run, list_import_start
from fangkong.quarantine.imports import selectors as import_selectors
from fangkong.quarantine.models import Alert, ListImport, PossibleDuplicate, QuarantineCase
from fangkong.quarantine.services import followup_record
from tests.conftest import World, _user, signed_in
from tests.quarantine.conftest import quarantined_pair
from tests.quarantine.import_files import ident, write_xlsx

pytestmark = pytest.mark.django_db

SIDES = ("a", "b")
OTHER = {"a": "b", "b": "a"}

# ---------------------------------------------------------------- the routes


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    from django.urls import URLPattern, URLResolver

    out: list[tuple[str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p))
    return out


def object_routes() -> dict[str, str]:
    """Every named URL pattern with a parameter in it (pages and the API; not Django's
    admin, whose object pages are limited to reference data and tested in
    tests/accounts/test_admin.py): name → route."""
    return {
        p.name or route: route
        for route, p in _walk(get_resolver().url_patterns)
        if "<" in route and not route.startswith("admin/")
    }


def declared_perms(name: str) -> tuple[str, frozenset[str]] | None:
    """What the view declares (require_perm: all of; require_any_perm: any of)."""
    for _route, p in _walk(get_resolver().url_patterns):
        if p.name != name:
            continue
        if (perms := getattr(p.callback, "required_perms", None)) is not None:
            return "all", frozenset(perms)
        if (perms := getattr(p.callback, "required_any_perms", None)) is not None:
            return "any", frozenset(perms)
    return None


# ---------------------------------------------------------------- the objects


@dataclass
class Objects:
    """Two real objects of each kind, one on each side, and what each side must not leak."""

    world: World
    pk: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → side → pk/key
    secrets: dict[str, list[str]] = field(default_factory=dict)  # side → strings
    token: str = ""  # a checkpoint device's bearer token (G104, side a)
    checkpoint_codes: dict[str, str] = field(default_factory=dict)

    def put(self, kind: str, a: Any, b: Any) -> None:
        self.pk[kind] = {"a": a, "b": b}


def _write(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, rows)


def build(world: World, tmp_path: Path) -> Objects:
    """Every object of the matrix, made through the services as users would."""
    o = Objects(world)
    users = world.users
    command, political = users["command"], users["political"]
    o.put("person", world.person_a.pk, world.person_b.pk)
    o.secrets = {
        "a": ["张三", world.person_a.id_number, world.person_a.phone],
        "b": ["赵丽", world.person_b.id_number, world.person_b.phone],
    }

    # Quarantine: a case each, a follow-up with fever (and so an alert) on each.
    cases = quarantined_pair(world)
    o.put("case", cases.a.pk, cases.b.pk)
    visited = clock.now() - datetime.timedelta(minutes=5)
    fa, _ = followup_record(
        case=cases.a, by=users["followup"], temperature=Decimal("38.6"), symptoms=[],
        at_home=True, visited_at=visited,
    )  # fmt: skip
    fb, _ = followup_record(
        case=cases.b, by=users["station_b"], temperature=Decimal("38.7"), symptoms=[],
        at_home=True, visited_at=visited,
    )  # fmt: skip
    o.put("alert", Alert.objects.get(followup=fa).pk, Alert.objects.get(followup=fb).pk)

    # Imports, one by each station: a row that is maybe a known person (name and phone,
    # no ID number: a possible duplicate) and a row whose address is in no township (an
    # unrouted case of the importer's).
    day = datetime.date(2020, 1, 28)
    imports: dict[str, ListImport] = {}
    for side, who, person, stranger, n in (
        ("a", "station_a", world.person_a, "钱七", 61),
        ("b", "station_b", world.person_b, "冯十二", 62),
    ):
        path = _write(
            tmp_path / f"名单{side}.xlsx",
            [
                [1, person.name, "", person.phone, "宁阳县", "武汉", day, ""],
                [2, stranger, ident(n), f"138000000{n}", "不知道", "武汉", day, ""],
            ],
        )
        with path.open("rb") as fh:
            li = list_import_start(upload=fh, name=path.name, by=users[who], enqueue=False)
        if li.status == ListImport.Status.QUEUED:
            li = list_import_run(list_import_id=li.pk)
        imports[side] = li
        o.secrets[side] += [stranger, ident(n), path.name]
    o.put("import", imports["a"].pk, imports["b"].pk)
    o.put(
        "duplicate",
        PossibleDuplicate.objects.get(entry__list_import=imports["a"]).pk,
        PossibleDuplicate.objects.get(entry__list_import=imports["b"]).pk,
    )
    o.put(
        "unrouted",
        QuarantineCase.objects.get(person__name="钱七").pk,
        QuarantineCase.objects.get(person__name="冯十二").pk,
    )

    # Transfers: a third station asks for each station's person.
    station_c = org_services.unit_create(
        name="磁窑派出所", kind=Unit.Kind.STATION, parent=world.bureau, by=None
    )
    township_c = Township.objects.get(name="磁窑镇")
    township_c.station = station_c
    township_c.save()
    asker = _user("station_c", Role.STATION, unit=station_c)
    transfers = [
        transfer_request(
            data=TransferInput(
                name=p.name, id_number=p.id_number, township=township_c, reason="已迁入磁窑镇居住"
            ),
            by=asker,
        )
        for p in (world.person_a, world.person_b)
    ]
    o.put("transfer", transfers[0].pk, transfers[1].pk)

    # Checkpoints: G104 (堽城's, where the checkpoint user is posted) and S244 (泗店's).
    if not KeyArea.objects.exists():
        KeyArea.objects.create(prefix="42", name="湖北", valid_from=datetime.date(2020, 1, 1))
    g104 = cp_services.checkpoint_create(
        code="G104N", name="G104宁阳北检查站", road="G104", opened_on=datetime.date(2020, 1, 26),
        unit=world.station_a, by=None,
    )  # fmt: skip
    s244 = cp_services.checkpoint_create(
        code="S244", name="S244磁窑检查站", road="S244", opened_on=datetime.date(2020, 1, 26),
        unit=world.station_b, by=None,
    )  # fmt: skip
    cp_services.checkpoint_post(user=users["checkpoint"], checkpoint=g104, by=None)
    o.checkpoint_codes = {"a": g104.code, "b": s244.code}
    passages = {}
    for side, cp, person, plate in (
        ("a", g104, world.person_a, "鲁J11111"),
        ("b", s244, world.person_b, "鲁J22222"),
    ):
        passages[side], _ = cp_services.passage_register(
            data=PassageInput(
                checkpoint=cp, direction="in", vehicle_type="car", plate=plate,
                occurred_at=visited,
                occupants=[OccupantInput(
                    name=person.name, id_number=person.id_number, phone=person.phone,
                    temperature="36.5", origin="宁阳", destination="宁阳",
                )],
            ),
            by=users["checkpoint"] if side == "a" else None,
        )  # fmt: skip
    o.put("passage", passages["a"].pk, passages["b"].pk)
    o.put("plate", "鲁J11111", "鲁J22222")
    local_day = timezone.localdate(visited)
    shifts = {
        side: cp_services.shift_get_or_create(checkpoint=cp, day=local_day, slot=0)
        for side, cp in (("a", g104), ("b", s244))
    }
    o.put("shift", shifts["a"].pk, shifts["b"].pk)
    o.put("shift_key", (g104.code, local_day.isoformat(), 0), (s244.code, local_day.isoformat(), 0))
    _token, o.token = cp_services.token_create(checkpoint=g104, user=users["checkpoint"], by=None)
    regs = [
        cp_services.selfreg_submit(
            data=PassageInput(
                checkpoint=cp, direction="in", vehicle_type="car", plate=plate,
                occupants=[OccupantInput(name=name, id_number=number, phone="13700000000")],
            )
        )
        for cp, plate, name, number in (
            (g104, "鲁J33333", "褚十三", make_id_number("370921", datetime.date(1970, 1, 1), 5, "M")),
            (s244, "鲁J44444", "卫十四", make_id_number("370921", datetime.date(1971, 1, 1), 6, "F")),
        )
    ]  # fmt: skip
    o.put("receipt", regs[0].token, regs[1].token)

    # Command: a task, an inspection with a problem, an incident for each station.
    deadline = clock.now() + datetime.timedelta(days=1)
    tasks = [
        command_services.task_assign(title=title, unit=unit, deadline=deadline, by=command)
        for title, unit in (
            ("堽城所专项任务", world.station_a),
            ("泗店所专项任务", world.station_b),
        )
    ]
    o.put("task", tasks[0].pk, tasks[1].pk)
    inspections = [
        command_services.inspection_record(
            unit=unit, inspector=world.officer_a, at=clock.now(), by=command,
            problems=[command_services.ProblemInput(text, owner, clock.today() + datetime.timedelta(days=7))],
        )
        for unit, owner, text in (
            (world.station_a, world.officer_a, "堽城卡点台账缺页"),
            (world.station_b, world.officer_b, "泗店卡点台账缺页"),
        )
    ]  # fmt: skip
    o.put("inspection", inspections[0].pk, inspections[1].pk)
    o.put(
        "problem",
        Problem.objects.get(inspection=inspections[0]).pk,
        Problem.objects.get(inspection=inspections[1]).pk,
    )
    incidents = [
        command_services.incident_record(
            kind="rumour", unit=unit, occurred_at=clock.now(), place=place, summary="造谣",
            by=command,
        )
        for unit, place in ((world.station_a, "堽城集市"), (world.station_b, "泗店集市"))
    ]  # fmt: skip
    o.put("incident", incidents[0].pk, incidents[1].pk)
    o.secrets["a"] += ["堽城所专项任务", "堽城卡点台账缺页", "堽城集市"]
    o.secrets["b"] += ["泗店所专项任务", "泗店卡点台账缺页", "泗店集市"]

    # Org: the two officers, recalled by a wartime order; a welfare case each.
    o.put("officer", world.officer_a.pk, world.officer_b.pk)
    for officer in (world.officer_a, world.officer_b):
        org_services.officer_set_status(officer=officer, status=Officer.Status.ON_LEAVE, by=None)
    order = org_services.wartime_order_issue(
        title="全警停休", text="全警取消休假", effective_at=clock.now(), by=command
    )
    o.put(
        "recall",
        Recall.objects.get(order=order, officer=world.officer_a).pk,
        Recall.objects.get(order=order, officer=world.officer_b).pk,
    )
    cases_w = [
        welfare.welfare_case_open(officer=officer, title=title, by=political)
        for officer, title in ((world.officer_a, "王伟家属就医"), (world.officer_b, "李娜子女看护"))
    ]
    o.put("welfare", cases_w[0].pk, cases_w[1].pk)
    o.secrets["a"].append("王伟家属就医")
    o.secrets["b"].append("李娜子女看护")

    # Notices: one to each station.
    notices = [
        outreach_services.notice_publish(
            kind="notice", title=title, body="…", by=political, to_all=False, units=[unit]
        )
        for title, unit in (
            ("致堽城所的通知", world.station_a),
            ("致泗店所的通知", world.station_b),
        )
    ]
    o.put("notice", notices[0].pk, notices[1].pk)
    o.secrets["a"].append("致堽城所的通知")
    o.secrets["b"].append("致泗店所的通知")

    # Logistics: two items in stock, a donation each (county-wide: no side is out of scope).
    clerk = users["logistics"]
    store = logistics_services.store_create(name="县局仓库", by=clerk)
    items = [
        logistics_services.item_create(name=n, category="mask", unit_of_measure="只", by=clerk)
        for n in ("N95口罩", "医用外科口罩")
    ]
    logistics_services.purchase_record(
        supplier="甲", amount=Decimal(1), day=datetime.date(2020, 1, 28), store=store,
        lines=[(items[0], 10), (items[1], 10)], by=clerk,
    )  # fmt: skip
    o.put("item", items[0].pk, items[1].pk)
    o.put(
        "stock",
        Stock.objects.get(item=items[0], store=store).pk,
        Stock.objects.get(item=items[1], store=store).pk,
    )
    donations = [
        logistics_services.donation_record(
            donor=logistics_services.donor_find_or_create(kind="company", name=n, by=clerk),
            day=datetime.date(2020, 1, 28), receiving_unit=world.bureau, by=clerk,
            money=Decimal(1000),
        )
        for n in ("宁阳商会", "泗店商会")
    ]  # fmt: skip
    o.put("donation", donations[0].pk, donations[1].pk)

    # Honors: a commendation of each station's officer, each approved and in a circular.
    commendations = []
    circulars = []
    for i, (who, officer) in enumerate(
        (("station_a", world.officer_a), ("station_b", world.officer_b))
    ):
        c = honors_services.commendation_report(
            by=users[who], kind=Commendation.Kind.INDIVIDUAL, level=Commendation.Level.ORAL,
            deeds="坚守卡点", officer=officer,
        )  # fmt: skip
        c = honors_services.commendation_review(commendation=c, by=political)
        c = honors_services.commendation_approve(commendation=c, by=command)
        commendations.append(c.pk)
        circulars.append(
            honors_services.circular_issue(
                number=f"宁公政〔2020〕{i + 1}号", title="表扬通报", day=datetime.date(2020, 2, 3),
                commendations=[c], by=political,
            ).pk
        )  # fmt: skip
    o.put("commendation", *commendations)
    o.put("circular", *circulars)

    # Accounts: each station's user, for an administrator's second-factor reset.
    o.put("user", users["station_a"].pk, users["station_b"].pk)

    # Medical: each case handed to its township's clinic (the medical user is staff of
    # side a's only); the home-quarantine notice of each case; each person's contacts.
    handoffs = [
        medical_services.handoff_create(case=case, by=command, origin=Handoff.Origin.FOLLOWUP)[0]
        for case in (cases.a, cases.b)
    ]
    handoffs[0].institution.staff.add(users["medical"])
    o.put("handoff", handoffs[0].pk, handoffs[1].pk)

    # Merges: a second record of each station's person, to compare (possible duplicates),
    # and a third, merged into the person by the station (to undo).
    twins: dict[str, list[Person]] = {}
    for side, person, n in (("a", world.person_a, 71), ("b", world.person_b, 72)):
        twins[side] = [
            person_register(
                data=PersonInput(
                    name=person.name, phone=person.phone, township=person.township,
                    village=person.village,
                    id_number=make_id_number("370921", datetime.date(1960, 1, 1), n + k, "M"),
                ),
                by=None,
            )[0]
            for k in (0, 10)
        ]  # fmt: skip
    o.put("pair", (world.person_a.pk, twins["a"][0].pk), (world.person_b.pk, twins["b"][0].pk))
    merges = [
        merge.person_merge(keep=person, remove=twins[side][1], by=users[f"station_{side}"])
        for side, person in (("a", world.person_a), ("b", world.person_b))
    ]
    o.put("merge", merges[0].pk, merges[1].pk)

    # Reference data (county-wide, edited by the owning role): checkpoints, stores, and
    # outreach's commando teams, role models and posts.
    o.put("checkpoint", g104.pk, s244.pk)
    o.put("store", store.pk, logistics_services.store_create(name="泗店仓库", by=clerk).pk)
    day = datetime.date(2020, 2, 1)
    o.put(
        "team",
        *[
            outreach_services.team_create(
                data=outreach_services.CommandoTeamInput(
                    kind=CommandoTeam.Kind.values[0], name=f"{unit.name}突击队", unit=unit,
                    leader=officer, members=[officer], formed_on=day,
                ),
                by=None,
            ).pk
            for unit, officer in ((world.station_a, world.officer_a), (world.station_b, world.officer_b))
        ],
    )  # fmt: skip
    o.put(
        "role_model",
        *[
            outreach_services.role_model_record(
                title=f"{officer.name}的事迹", story="坚守", day=day, officers=[officer], by=None
            ).pk
            for officer in (world.officer_a, world.officer_b)
        ],
    )
    o.put(
        "post",
        *[
            outreach_services.post_record(title=t, platform="抖音", day=day, by=None).pk
            for t in ("堽城防疫提醒", "泗店防疫提醒")
        ],
    )
    return o


# ---------------------------------------------------------------- who may see which side


def in_scope(model: type[Model], **lookup: Any) -> Callable[[User, str, Objects], bool]:
    """The object is within the user's jurisdiction by its model's declared paths."""

    def check(user: User, side: str, o: Objects) -> bool:
        qs: QuerySet[Any] = model._default_manager.filter(**_resolve(lookup, side, o))
        return restrict(qs, user).exists()

    return check


def _resolve(lookup: dict[str, Any], side: str, o: Objects) -> dict[str, Any]:
    return {
        k: (o.pk[v][side] if isinstance(v, str) and v in o.pk else v) for k, v in lookup.items()
    }


def county_wide(user: User, side: str, o: Objects) -> bool:
    """Reference and bureau-wide records (officers, stock, honors, accounts): whoever has
    the permission sees them all; there is no out-of-scope object."""
    return True


def public(user: User, side: str, o: Objects) -> bool:
    return True


def trajectory_visible(user: User, side: str, o: Objects) -> bool:
    """A person's trajectory by their record id: for whoever may open that record
    (people.view, in scope); a checkpoint follows a passage instead (passage_trajectory)."""
    pk = o.pk["person"][side]
    return user_can(user, "people.view") and restrict(Person.objects.filter(pk=pk), user).exists()


def task_visible(user: User, side: str, o: Objects) -> bool:
    """A task: on the boards of leaders, its working group and its unit (and units above),
    not the whole county's (command/selectors.py)."""
    return tasks_visible(user).filter(pk=o.pk["task"][side]).exists()


def duplicate_visible(user: User, side: str, o: Objects) -> bool:
    """Decided by the station in charge of the known person (people/ownership.py)."""
    dup = PossibleDuplicate.objects.get(pk=o.pk["duplicate"][side])
    return restrict(PossibleDuplicate.objects.filter(pk=dup.pk), user).exists() and bool(
        person_in_charge(user, dup.person)
    )


def unrouted_visible(user: User, side: str, o: Objects) -> bool:
    """Unrouted cases: the command centre all, a station those its own people imported
    (quarantine/imports/selectors.py)."""
    return import_selectors.unrouted_cases(user=user).filter(pk=o.pk["unrouted"][side]).exists()


def officer_revealable(user: User, side: str, o: Objects) -> bool:
    """An officer's full phone: who may reveal, in their jurisdiction (org/selectors.py)."""
    return org_selectors.officer_revealable(user, Officer.objects.get(pk=o.pk["officer"][side]))


def welfare_visible(user: User, side: str, o: Objects) -> bool:
    """Welfare: the political department, or the officer's own unit leader (org/welfare.py)."""
    return welfare.welfare_cases_for(user).filter(pk=o.pk["welfare"][side]).exists()


def notice_visible(user: User, side: str, o: Objects) -> bool:
    """A notice: its recipients, and whoever may publish notices (outreach/views.py)."""
    pk = o.pk["notice"][side]
    return NoticeReceipt.objects.filter(notice_id=pk, user=user).exists() or user_can(
        user, "notices.publish"
    )


def pair_visible(user: User, side: str, o: Objects) -> bool:
    """Two records to compare: both in the user's charge (people/merge.py)."""
    return all(person_in_charge(user, Person.objects.get(pk=pk)) for pk in o.pk["pair"][side])


def merge_visible(user: User, side: str, o: Objects) -> bool:
    """A merge: its kept person in the user's charge (people/merge.py)."""
    kept = PersonMerge.objects.get(pk=o.pk["merge"][side]).kept_person_id
    return bool(person_in_charge(user, Person.objects.get(pk=kept)))


@dataclass(frozen=True)
class Target:
    """How to fill in a route for a side, and who may see that side's object."""

    url: Callable[[Objects, str], str]
    visible: Callable[[User, str, Objects], bool]
    # Permissions of an API operation (pages declare theirs on the view).
    api_perms: frozenset[str] | None = None
    # POST a body (the API); pages that only take POST are tried with an empty one.
    body: dict[str, Any] | None = None
    # A search by key rather than an object: out of scope it may answer an empty page.
    search: bool = False
    is_public: bool = False


def by_pk(pattern: str, kind: str) -> Callable[[Objects, str], str]:
    return lambda o, side: pattern.format(o.pk[kind][side])


TARGETS: dict[str, Target] = {
    # people
    "person_detail": Target(by_pk("/people/{}/", "person"), in_scope(Person, pk="person")),
    "person_edit": Target(by_pk("/people/{}/edit/", "person"), in_scope(Person, pk="person")),
    "person_reveal": Target(by_pk("/people/{}/reveal/", "person"), in_scope(Person, pk="person")),
    "transfer_detail": Target(
        by_pk("/people/transfers/{}/", "transfer"), in_scope(TransferRequest, pk="transfer")
    ),
    "transfer_decide": Target(
        by_pk("/people/transfers/{}/decide/", "transfer"),
        in_scope(TransferRequest, pk="transfer"),
    ),
    # quarantine
    "case_detail": Target(by_pk("/cases/{}/", "case"), in_scope(QuarantineCase, pk="case")),
    "case_verify": Target(by_pk("/cases/{}/verify/", "case"), in_scope(QuarantineCase, pk="case")),
    "case_transition": Target(
        by_pk("/cases/{}/transition/", "case"), in_scope(QuarantineCase, pk="case")
    ),
    "case_release": Target(
        by_pk("/cases/{}/release/", "case"), in_scope(QuarantineCase, pk="case")
    ),
    "case_notice": Target(
        by_pk("/cases/{}/notice.docx", "case"), in_scope(QuarantineCase, pk="case")
    ),
    "followup_create": Target(
        by_pk("/cases/{}/followup/", "case"), in_scope(QuarantineCase, pk="case")
    ),
    "alert_resolve": Target(
        by_pk("/cases/alerts/{}/resolve/", "alert"), in_scope(Alert, pk="alert")
    ),
    # imports
    "import_detail": Target(by_pk("/imports/{}/", "import"), in_scope(ListImport, pk="import")),
    "import_progress": Target(
        by_pk("/imports/{}/progress/", "import"), in_scope(ListImport, pk="import")
    ),
    "import_report": Target(
        by_pk("/imports/{}/report.xlsx", "import"), in_scope(ListImport, pk="import")
    ),
    "import_mapping": Target(
        by_pk("/imports/{}/mapping/", "import"), in_scope(ListImport, pk="import")
    ),
    "import_duplicate_decide": Target(
        by_pk("/imports/duplicates/{}/", "duplicate"), duplicate_visible
    ),
    "import_case_route": Target(by_pk("/imports/unrouted/{}/", "unrouted"), unrouted_visible),
    # checkpoints
    "passage_detail": Target(
        by_pk("/checkpoints/passages/{}/", "passage"), in_scope(Passage, pk="passage")
    ),
    "passage_trajectory": Target(
        by_pk("/checkpoints/passages/{}/trajectory/0/", "passage"), in_scope(Passage, pk="passage")
    ),
    "person_trajectory": Target(
        by_pk("/checkpoints/trajectory/person/{}/", "person"), trajectory_visible
    ),
    "plate_trajectory": Target(
        by_pk("/checkpoints/trajectory/plate/{}/", "plate"),
        in_scope(Passage, plate="plate"),
        search=True,
    ),
    "shift_edit": Target(
        lambda o, s: "/checkpoints/roster/{}/{}/{}/".format(*o.pk["shift_key"][s]),
        in_scope(DutyShift, pk="shift"),
    ),
    "shift_tally": Target(
        by_pk("/checkpoints/shifts/{}/tally/", "shift"), in_scope(DutyShift, pk="shift")
    ),
    "checkpoint_poster": Target(
        lambda o, s: f"/checkpoints/{o.checkpoint_codes[s]}/poster/",
        lambda u, s, o: restrict(Checkpoint.objects.filter(code=o.checkpoint_codes[s]), u).exists(),
    ),
    # Public by design: a checkpoint's QR page and a traveller's own receipt (whoever holds
    # the link); neither shows anyone else's data.
    "public_register": Target(lambda o, s: f"/q/{o.checkpoint_codes[s]}/", public, is_public=True),
    "public_receipt": Target(by_pk("/q/r/{}/", "receipt"), public, is_public=True),
    # command
    "task_detail": Target(by_pk("/command/tasks/{}/", "task"), task_visible),
    "task_act": Target(by_pk("/command/tasks/{}/acknowledge/", "task"), task_visible),
    "inspection_detail": Target(
        by_pk("/command/inspections/{}/", "inspection"), in_scope(Inspection, pk="inspection")
    ),
    "problem_rectify": Target(
        by_pk("/command/problems/{}/rectify/", "problem"), in_scope(Problem, pk="problem")
    ),
    "incident_detail": Target(
        by_pk("/command/incidents/{}/", "incident"), in_scope(Incident, pk="incident")
    ),
    # org
    "officer_detail": Target(by_pk("/org/officers/{}/", "officer"), county_wide),
    "officer_edit": Target(by_pk("/org/officers/{}/edit/", "officer"), county_wide),
    "officer_reveal": Target(by_pk("/org/officers/{}/reveal/", "officer"), officer_revealable),
    "recall_report_back": Target(by_pk("/org/wartime/recalls/{}/report/", "recall"), county_wide),
    "welfare_detail": Target(by_pk("/org/welfare/{}/", "welfare"), welfare_visible),
    "welfare_act": Target(by_pk("/org/welfare/{}/act/", "welfare"), welfare_visible),
    "outreach_notice": Target(by_pk("/notices/{}/", "notice"), notice_visible),
    "outreach_notice_confirm": Target(by_pk("/notices/{}/confirm/", "notice"), notice_visible),
    # logistics and honors: bureau-wide
    "logistics_item_edit": Target(by_pk("/logistics/items/{}/edit/", "item"), county_wide),
    "logistics_stock_count": Target(by_pk("/logistics/stock/{}/count/", "stock"), county_wide),
    "logistics_donation_letter": Target(
        by_pk("/logistics/donations/{}/letter.docx", "donation"), county_wide
    ),
    "honors_detail": Target(by_pk("/honors/{}/", "commendation"), county_wide),
    "honors_act": Target(by_pk("/honors/{}/act/", "commendation"), county_wide),
    "honors_circular_docx": Target(by_pk("/honors/circulars/{}.docx", "circular"), county_wide),
    # accounts
    "mfa_reset": Target(by_pk("/account/2fa/reset/{}/", "user"), county_wide),
    # medical hand-offs, contacts and the documents of a case
    "handoff_detail": Target(by_pk("/medical/{}/", "handoff"), in_scope(Handoff, pk="handoff")),
    "handoff_outcome": Target(
        by_pk("/medical/{}/outcome/", "handoff"), in_scope(Handoff, pk="handoff")
    ),
    "handoff_receipt": Target(
        by_pk("/medical/{}/receipt.docx", "handoff"), in_scope(Handoff, pk="handoff")
    ),
    "person_contacts": Target(
        by_pk("/people/{}/contacts/", "person"), in_scope(Person, pk="person")
    ),
    "person_contacts_refer": Target(
        by_pk("/people/{}/contacts/refer/", "person"), in_scope(Person, pk="person")
    ),
    "contact_chain": Target(
        by_pk("/people/{}/contacts/chain/", "person"), in_scope(Person, pk="person")
    ),
    "case_home_document": Target(
        by_pk("/cases/{}/home-notice.docx", "case"), in_scope(QuarantineCase, pk="case")
    ),
    # merging two records of one person: both, and the merge's kept person, in the
    # station's charge (people/ownership.py)
    "duplicate_compare": Target(
        lambda o, s: "/people/duplicates/{}/{}/".format(*o.pk["pair"][s]), pair_visible
    ),
    "merge_undo": Target(by_pk("/people/merges/{}/undo/", "merge"), merge_visible),
    # reference data: county-wide, edited by the owning role (checkpoints: in its scope)
    "checkpoint_edit": Target(
        by_pk("/checkpoints/list/{}/edit/", "checkpoint"), in_scope(Checkpoint, pk="checkpoint")
    ),
    "logistics_store_edit": Target(by_pk("/logistics/stores/{}/edit/", "store"), county_wide),
    "outreach_team_edit": Target(by_pk("/outreach/teams/{}/edit/", "team"), county_wide),
    "outreach_role_model_edit": Target(
        by_pk("/outreach/role-models/{}/edit/", "role_model"), county_wide
    ),
    "outreach_post_edit": Target(by_pk("/outreach/posts/{}/edit/", "post"), county_wide),
    # the JSON API
    "get_person": Target(
        by_pk("/api/v1/persons/{}", "person"),
        in_scope(Person, pk="person"),
        api_perms=frozenset({"people.view"}),
    ),
    "get_case": Target(
        by_pk("/api/v1/cases/{}", "case"),
        in_scope(QuarantineCase, pk="case"),
        api_perms=frozenset({"quarantine.view"}),
    ),
    "create_followup": Target(
        by_pk("/api/v1/cases/{}/followups", "case"),
        in_scope(QuarantineCase, pk="case"),
        api_perms=frozenset({"quarantine.followup"}),
        body={"at_home": True, "visited_at": "NOW", "temperature": 36.5},
    ),
    "get_import": Target(
        by_pk("/api/v1/imports/{}", "import"),
        in_scope(ListImport, pk="import"),
        api_perms=frozenset({"quarantine.import"}),
    ),
}

# Object routes the matrix cannot drive, each with the reason (none today). A new object
# route must be added to TARGETS or here, or test_every_object_route_is_in_the_matrix fails.
UNCLASSIFIED: dict[str, str] = {}


def test_every_object_route_is_in_the_matrix() -> None:
    routes = set(object_routes())
    assert sorted(routes - set(TARGETS) - set(UNCLASSIFIED)) == [], "object routes unlisted"
    assert sorted((set(TARGETS) | set(UNCLASSIFIED)) - routes) == [], "listed routes gone"
    assert not set(TARGETS) & set(UNCLASSIFIED)


# ---------------------------------------------------------------- the walk


# Every role (the station role twice, once for each side), a user without a role, an
# anonymous visitor and a checkpoint's device token.
CALLERS = [
    "command", "workgroup", "station_a", "station_b", "checkpoint", "followup", "political",
    "logistics", "admin", "medical", "outsider", "anonymous", "device",
]  # fmt: skip
OK = (200, 201, 302)
REFUSED = (403, 404)


def _caller(o: Objects, who: str) -> tuple[Client, User | None, dict[str, str]]:
    users = o.world.users
    if who == "anonymous":
        return Client(), None, {}
    if who == "device":
        # A device token acts for the checkpoint user, within its own checkpoint only.
        return Client(), None, {"HTTP_AUTHORIZATION": f"Bearer {o.token}"}
    return signed_in(users[who]), users[who], {}


def _text(response: Any) -> str | None:
    """The body as text, or None for a binary file (xlsx, docx) where a plain search for a
    name means nothing; exports and documents have tests of their own contents."""
    kind = response.get("Content-Type", "")
    if not (kind.startswith("text/") or "json" in kind):
        return None
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")  # type: ignore[no-any-return]


def _request(client: Client, target: Target, url: str, headers: dict[str, str]) -> Any:
    # A message the caller earned on the last route (已撤销合并：赵丽…) is theirs to see, but
    # would show on the next route's page and read as that page's leak: dropped.
    client.cookies.pop("messages", None)
    if target.body is not None:
        now = (clock.now() - datetime.timedelta(minutes=1)).isoformat()
        body = {k: (now if v == "NOW" else v) for k, v in target.body.items()}
        return client.post(url, body, content_type="application/json", **headers)
    response = client.get(url, **headers)
    if response.status_code == 405:
        response = client.post(url, **headers)
    return response


def expected(o: Objects, who: str, user: User | None, name: str, side: str) -> str:
    """'ok', 'refused', 'login' (pages: to the sign-in page) or 'unauthenticated' (API)."""
    target = TARGETS[name]
    is_api = target.api_perms is not None
    if target.is_public:
        return "ok"
    if user is None:
        if who == "device" and is_api:
            return "refused"  # a device's user is a checkpoint's: none of these operations
        return "unauthenticated" if is_api else "login"
    perms = role_perms(user.role)
    if is_api:
        allowed = target.api_perms <= perms  # type: ignore[operator]
    else:
        declared = declared_perms(name)
        if declared is None:  # an object-level rule of its own: the visibility says it all
            allowed = True
        elif declared[0] == "all":
            allowed = declared[1] <= perms
        else:
            allowed = bool(declared[1] & perms)
    return "ok" if allowed and target.visible(user, side, o) else "refused"


@pytest.fixture
def objects(world: World, tmp_path: Path, settings: Any) -> Objects:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return build(world, tmp_path)


@pytest.mark.parametrize("who", CALLERS)
def test_the_whole_matrix_answers_as_the_role_table_and_jurisdiction_say(
    objects: Objects, who: str
) -> None:
    o = objects
    client, user, headers = _caller(o, who)
    wrong: list[tuple[Any, ...]] = []
    walked = 0
    for name, target in TARGETS.items():
        answers = {s: expected(o, who, user, name, s) for s in SIDES}
        for side in SIDES:
            url = target.url(o, side)
            response = _request(client, target, url, headers)
            status = response.status_code
            walked += 1
            want = answers[side]
            if status >= 500:
                wrong.append((name, side, url, status, "server error"))
                continue
            if want == "ok":
                # An empty form posted to an object's action: refused as bad input (422)
                # once the object was found, which is the in-scope answer too.
                good = status in OK or (
                    status == 422 and response.wsgi_request.method == "POST" and target.body is None
                )
            elif want == "login":
                good = status == 302 and "/login/" in response["Location"]
            elif want == "unauthenticated":
                good = status == 401
            else:
                good = status in REFUSED or (target.search and status == 200)
            if not good:
                detail = response.content[:300].decode("utf-8", "replace") if status == 422 else ""
                wrong.append((name, side, url, status, f"expected {want}", detail))
            text = _text(response)
            if text is None:
                continue
            # What the caller may not see of this side, or of the other side, never shows.
            hidden = [s for s in SIDES if answers[s] != "ok"]
            if target.is_public:
                hidden = [OTHER[side]]
            for s in hidden:
                leaked = [x for x in o.secrets[s] if x and x in text]
                if leaked:
                    wrong.append((name, side, url, status, f"shows side {s}: {leaked}"))
    assert walked == 2 * len(TARGETS)
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_sides_are_the_two_stations(objects: Objects) -> None:
    """The matrix means something only if jurisdiction separates the two stations: each
    station sees its own side of every scoped route and never the other's."""
    users = objects.world.users
    for name, target in TARGETS.items():
        if target.visible in (county_wide, public):
            continue
        for who, own in (("station_a", "a"), ("station_b", "b")):
            try:
                sees_other = target.visible(users[who], OTHER[own], objects)
            except Http404:
                sees_other = False
            assert not sees_other, (name, who)


@pytest.mark.parametrize("who", ["command", "station_a"])
def test_every_object_route_answers_the_largest_integer_without_an_error(
    world: World, who: str
) -> None:
    """Each object route with every number in it past 64 bits (and every other part the
    longest a URL may carry): refused or not found, never a server error."""
    client = signed_in(world.users[who])
    client.raise_request_exception = False  # the answer a user gets: a 500 page
    import re

    failed = []
    for name, route in sorted(object_routes().items()):
        numbers = iter(range(2**63, 2**63 + 10))  # two numbers in a route differ
        url = "/" + re.sub(
            r"<(\w+):\w+>|<\w+>",
            lambda m, numbers=numbers: (
                str(next(numbers)) if m.group(1) in ("int", "id") else "9" * 200
            ),
            route,
        )
        url = url.replace("^", "").replace("$", "")
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status >= 500:
                failed.append((name, method, url, status))
    assert failed == [], "\n".join(map(str, failed))
