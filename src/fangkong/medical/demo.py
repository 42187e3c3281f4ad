"""Demo hand-offs: travellers the checkpoints handed to medical care on the last days, the
designated institutions' findings — three confirmed, whose co-travellers are found and
mostly referred (the chain view and the counts are not empty), some excluded or kept under
observation, a few still awaited — and an account for the county hospital."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Count, Q

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.checkpoints.models import Decision, Occupant
from fangkong.core.demo import DEMO_PASSWORD, DemoContext
from fangkong.medical import services
from fangkong.medical.models import ContactLink, Handoff, MedicalInstitution, Outcome
from fangkong.medical.reference import COUNTY_HOSPITAL, load_institutions
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import OPEN_STATUSES, CaseStatus, QuarantineCase, TeamMember
from fangkong.quarantine.services import MemberInput

# The findings, in order, of the hand-offs made (the rest stay awaited).
FINDINGS = [
    Outcome.CONFIRMED,
    Outcome.EXCLUDED,
    Outcome.CONFIRMED,
    Outcome.OBSERVATION,
    Outcome.EXCLUDED,
    Outcome.CONFIRMED,
    Outcome.SUSPECTED,
    Outcome.EXCLUDED,
]
HANDOFFS = 11


@transaction.atomic
def build(ctx: DemoContext) -> None:
    load_institutions()
    hospital = MedicalInstitution.objects.get(name=COUNTY_HOSPITAL)
    staff = user_create(
        username="yiliao",
        password=DEMO_PASSWORD,
        role=Role.MEDICAL,
        by=None,
        check_password=False,
        display_name="县人民医院发热门诊",
        kind=User.Kind.DOCTOR,
    )
    hospital.staff.add(staff)
    ctx.logins.append(("yiliao", str(Role.MEDICAL.label), COUNTY_HOSPITAL))
    station = User.objects.filter(role=Role.STATION).order_by("username").first()
    # Travellers a checkpoint sent to medical care on the last days, who rode with others.
    shared = Counter(
        Occupant.objects.filter(day__gte=ctx.today - datetime.timedelta(days=3)).values_list(
            "passage_id", flat=True
        )
    )
    chosen = [
        occ
        for occ in Occupant.objects.filter(
            decision=Decision.MEDICAL,
            day__gte=ctx.today - datetime.timedelta(days=3),
            day__lt=ctx.today,
            case__status__in=OPEN_STATUSES,
        )
        .select_related("case", "passage")
        .order_by("passage__occurred_at", "pk")
        if shared[occ.passage_id] > 1
    ]
    made: list[Handoff] = []
    for occ in chosen:
        if len(made) >= HANDOFFS:
            break
        if occ.case is None or any(h.case_id == occ.case_id for h in made):
            continue
        handoff, created = services.handoff_create(
            case=occ.case,
            by=None,
            origin=Handoff.Origin.CHECKPOINT,
            occupant=occ,
            at=occ.passage.occurred_at + datetime.timedelta(minutes=40),
        )
        if created:
            made.append(handoff)
    confirmed = 0
    for handoff, finding in zip(made, FINDINGS, strict=False):
        at = min(
            handoff.handed_at + datetime.timedelta(hours=20),
            ctx.at(ctx.today, 11),
        )
        services.handoff_outcome(
            handoff=handoff,
            by=staff if handoff.institution_id == hospital.pk else None,
            outcome=finding,
            note="核酸检测阳性" if finding == Outcome.CONFIRMED else "",
            at=at,
        )
        if finding == Outcome.CONFIRMED:
            confirmed += 1
            # The first two confirmed: their co-travellers referred by the station an hour
            # later; the last one's still to refer (the dashboard's 尚未落实).
            if confirmed < 3:
                referred = services.contacts_refer(
                    source=handoff.person, by=station, at=at + datetime.timedelta(hours=1)
                )
                if confirmed == 1 and station is not None:
                    # The first one's contacts reached by their stations the same day.
                    _reach(referred, by=station, at=at + datetime.timedelta(hours=3))
    ctx.data["medical_handoffs"] = made
    _teams(fallback=station)


def _reach(links: list[ContactLink], *, by: User, at: datetime.datetime) -> None:
    for link in links:
        case = link.case
        if case is not None and case.status == CaseStatus.PENDING:
            quarantine.case_verify(
                case=case,
                by=by,
                finding=QuarantineCase.Finding.AT_HOME,
                measure=QuarantineCase.Measure.HOME,
                note="密切接触者，已落实居家隔离",
                at=at,
            )


def _teams(*, fallback: User | None) -> None:
    """Contacts put under home quarantine and hand-offs sent home (排除) get their 四包一
    team as every case does, through the station's team assignment (quarantine's
    team_assign): the cadres, doctor and police of a case in the same village (else
    township, else the county) who already answer for one there."""
    quarantined = QuarantineCase.objects.filter(status=CaseStatus.QUARANTINED)
    lacking = list(
        quarantined.annotate(
            duties=Count(
                "team_members",
                filter=Q(team_members__kind__in=["village_cadre", "doctor"]),
                distinct=True,
            )
        )
        .filter(duties__lt=2)
        .order_by("pk")
    )
    if not lacking:
        return
    teams: dict[tuple[str, int | None], list[TeamMember]] = {}
    for member in (
        TeamMember.objects.filter(case__status=CaseStatus.QUARANTINED)
        .exclude(case__in=lacking)
        .select_related("case")
        .order_by("case_id", "kind")
    ):
        for key in (
            ("village", member.case.village_id),
            ("township", member.case.township_id),
            ("county", None),
        ):
            team = teams.setdefault(key, [])
            if not team or team[0].case_id == member.case_id:
                team.append(member)
    stations = {u.unit_id: u for u in User.objects.filter(role=Role.STATION).order_by("pk")}
    for case in lacking:
        found = (
            teams.get(("village", case.village_id))
            or teams.get(("township", case.township_id))
            or teams.get(("county", None))
        )
        by = stations.get(case.station_id) or fallback
        if not found or by is None:
            continue
        quarantine.team_assign(
            case=case,
            by=by,
            # Named as on the other case's team; an account (the demo's suifang) answers
            # only for the people it was given.
            members=[MemberInput(kind=m.kind, name=m.name, phone=m.phone) for m in found],
        )
