"""Returnees at scale (core/scale.py): cases with their transitions, referral, four-to-one
team, twice-daily follow-ups and alerts, as the quarantine services would have left them on
the scale's last day. Each case is opened by the services' rule (case_opening), its first
transition and its referral are theirs (opening_transition, referral_row); only the writing
differs (COPY, a chunk an audit entry).

Cases are opened on every day from 2020-01-10 to the last day (most around the Spring
Festival, the rest spread over the days since); most are verified at home the same morning and quarantined from their arrival
for 14 days, released on day 15; a few are persuaded back, not in the county, not found
or sent to hospital; the newest still wait to be verified. Each case carries the local
days the figures count by (opened_on, start_date, ended_on; FollowUp.day, Alert.day).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fangkong.core.clock import SHANGHAI
from fangkong.core.demo import mobile, person_name
from fangkong.core.regions import region_name
from fangkong.core.scale import ScaleContext
from fangkong.core.symptoms import Symptom
from fangkong.org.models import Township
from fangkong.quarantine.models import (
    Alert,
    CaseReferral,
    CaseStatus,
    CaseTransition,
    FollowUp,
    QuarantineCase,
    TeamMember,
)
from fangkong.quarantine.schedule import slot_of
from fangkong.quarantine.services import DEFAULT_RELEASE_REASON, quarantine_days
from fangkong.quarantine.services.followups import followup_alerts
from fangkong.quarantine.services.referrals import (
    CASE_FIELDS,
    REFERRAL_FIELDS,
    TRANSITION_FIELDS,
    case_opening,
    opening_transition,
    referral_row,
    transition_row,
)

FIRST_ARRIVAL = datetime.date(2020, 1, 10)
SOURCES = ["pushed_list"] * 5 + ["checkpoint"] * 3 + ["station", "self_report"]
# (status, finding, measure, reason, share of the verified)
ELSEWHERE = [
    (CaseStatus.TURNED_BACK, "turned_back", "turned_back", "已劝返原籍", 0.008),
    (CaseStatus.NOT_IN_COUNTY, "not_in_county", "", "人在外地，已通报", 0.011),
    (CaseStatus.NOT_FOUND, "not_found", "", "查无此人，已上报", 0.0015),
    (CaseStatus.HOSPITAL, "hospital", "hospital", "发热，已送县人民医院", 0.001),
]
FEVER, ABSENT, SYMPTOM = 0.0005, 0.0002, 0.0002
RESOLUTION = {
    "fever": "卫生院医生上门复测，体温已正常，继续居家观察",
    "absent": "已联系本人返回家中，进行批评教育",
    "symptom": "已由村医上门诊视，继续居家观察",
}


@dataclass
class Plan:
    case_id: int
    person: int  # position in ctx.data["persons"]
    opened: datetime.date
    opened_at: datetime.datetime
    status: str
    start: datetime.date | None = None
    end: datetime.date | None = None  # ended_on
    ended_at: datetime.datetime | None = None
    last_visit: datetime.date | None = None
    overdue: bool = False


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def build(ctx: ScaleContext) -> None:
    persons = ctx.data.get("persons")
    if not persons or not persons["returnees"]:
        return
    rng = ctx.rng
    w = ctx.writer
    last = ctx.last
    days = quarantine_days()
    stations = dict(Township.objects.values_list("pk", "station_id"))
    span = (last - FIRST_ARRIVAL).days
    first_case = w.next_id(QuarantineCase)
    plans: list[Plan] = []
    for i in range(persons["returnees"]):
        # Most around the Spring Festival, the rest on any day since.
        offset = (
            rng.triangular(0, span, span * 0.15) if rng.random() < 0.7 else rng.uniform(0, span)
        )
        opened = FIRST_ARRIVAL + datetime.timedelta(days=min(span, int(offset + 0.5)))
        plan = Plan(
            case_id=first_case + i,
            person=i,
            opened=opened,
            opened_at=_local(opened, rng.randint(7, 9), rng.randrange(60)),
            status=CaseStatus.QUARANTINED,
        )
        r = rng.random()
        if (opened == last and r < 0.6) or (
            opened == last - datetime.timedelta(days=1) and r < 0.05
        ):
            plan.status = CaseStatus.PENDING
        elif opened == last and r < 0.62:
            plan.status = CaseStatus.VERIFIED
        else:
            r = rng.random()
            for status, _f, _m, _reason, share in ELSEWHERE:
                if r < share:
                    plan.status = status
                    plan.end = opened
                    plan.ended_at = plan.opened_at + datetime.timedelta(hours=1)
                    break
                r -= share
        if plan.status == CaseStatus.QUARANTINED:
            arrival = max(FIRST_ARRIVAL, opened - datetime.timedelta(days=rng.choice([0, 0, 1, 2])))
            plan.start = arrival
            planned_end = arrival + datetime.timedelta(days=days)
            hospital = rng.random() < 0.002
            if hospital:
                gone = arrival + datetime.timedelta(days=rng.randint(1, days - 1))
                if gone <= last and gone >= opened:
                    plan.status = CaseStatus.HOSPITAL
                    plan.end = gone
                    plan.ended_at = _local(gone, rng.randint(9, 20), rng.randrange(60))
                    plan.last_visit = gone - datetime.timedelta(days=1)
            if plan.status == CaseStatus.QUARANTINED:
                if planned_end < last or (planned_end == last and rng.random() < 0.6):
                    plan.status = CaseStatus.RELEASED
                    plan.end = planned_end
                    plan.ended_at = _local(planned_end, rng.randint(9, 11), rng.randrange(60))
                    plan.last_visit = planned_end - datetime.timedelta(days=1)
                else:
                    plan.last_visit = last
                    plan.overdue = rng.random() < 0.003
        plans.append(plan)

    _cases(ctx, plans, persons, stations, days)
    _transitions(ctx, plans)
    _referrals(ctx, plans)
    _teams(ctx, plans, persons)
    _followups(ctx, plans)
    ctx.data["cases"] = {"first": first_case, "count": len(plans)}


def _cases(
    ctx: ScaleContext,
    plans: list[Plan],
    persons: dict[str, Any],
    stations: dict[int, Any],
    days: int,
) -> None:
    rng = ctx.rng
    stamp = ctx.writer.stamp
    # What case_opening gives, then what verifying, quarantining and ending the case set.
    columns = (
        "id", *CASE_FIELDS, "start_date", "planned_end", "ended_at", "ended_on", "verified_at"
    )  # fmt: skip
    names: dict[str, str] = {}
    elsewhere: dict[str, tuple[str, str, str]] = {
        s: (f, m, reason) for s, f, m, reason, _share in ELSEWHERE
    }

    def rows() -> Iterator[tuple[Any, ...]]:
        for p in plans:
            i = p.person
            came = persons["regions"][persons["region"][i]]
            if came[:2] != "42":  # registered here, back from Hubei all the same
                came = rng.choice(persons["hubei_codes"])
            if came not in names:
                names[came] = region_name(came)
            township = persons["township"][i]
            v = case_opening(
                person_id=persons["first"] + i,
                source=SOURCES[p.case_id % len(SOURCES)],
                at=p.opened_at,
                by_id=None,
                came_from_code=came,
                came_from=names[came],
                arrival_date=p.start or p.opened,
                township_id=township,
                village_id=persons["village"][i],
                station_id=stations.get(township),
                address_detail=persons["address"][i],
            )
            verified = None
            if p.status in elsewhere and p.start is None:
                v["finding"], v["measure"], v["verification_note"] = elsewhere[p.status]
                verified = p.opened_at + datetime.timedelta(hours=1)
                v["version"] = 2
            elif p.status != CaseStatus.PENDING:
                v["finding"], v["verification_note"] = "at_home", "在家，信息属实"
                verified = p.opened_at + datetime.timedelta(hours=1)
                v["version"] = 2 if p.start is None else 3 if p.end is None else 4
                v["measure"] = "home" if p.start else ""
            v["status"] = p.status
            v["created_at"] = stamp(p.opened_at)
            v["updated_at"] = stamp(p.ended_at or verified or p.opened_at)
            v["needs_review"] = json.dumps(v["needs_review"])
            yield (
                p.case_id,
                *(v[name] for name in CASE_FIELDS),
                p.start.isoformat() if p.start else None,
                (p.start + datetime.timedelta(days=days)).isoformat() if p.start else None,
                stamp(p.ended_at) if p.ended_at else None,
                p.end.isoformat() if p.end else None,
                stamp(verified) if verified else None,
            )

    ctx.writer.write(QuarantineCase, columns, rows(), label="隔离管控对象")


def _transitions(ctx: ScaleContext, plans: list[Plan]) -> None:
    stamp = ctx.writer.stamp
    columns = ("id", *TRANSITION_FIELDS)
    first = ctx.writer.next_id(CaseTransition)
    elsewhere: dict[str, str] = {s: reason for s, _f, _m, reason, _share in ELSEWHERE}

    def steps(p: Plan) -> Iterator[tuple[str, str, str, datetime.datetime]]:
        # After the first (opening_transition's): as the services would have moved it on.
        if p.status == CaseStatus.PENDING:
            return
        verified = p.opened_at + datetime.timedelta(hours=1)
        if p.start is None and p.status in elsewhere:
            yield CaseStatus.PENDING, p.status, elsewhere[p.status], verified
            return
        yield CaseStatus.PENDING, CaseStatus.VERIFIED, "在家，信息属实", verified
        if p.start is None:
            return
        yield CaseStatus.VERIFIED, CaseStatus.QUARANTINED, "居家隔离", verified
        if p.status == CaseStatus.RELEASED:
            yield CaseStatus.QUARANTINED, p.status, DEFAULT_RELEASE_REASON, p.ended_at  # type: ignore[misc]
        elif p.status == CaseStatus.HOSPITAL:
            yield CaseStatus.QUARANTINED, p.status, "发热，已送县人民医院", p.ended_at  # type: ignore[misc]

    def rows() -> Iterator[tuple[Any, ...]]:
        n = first
        for p in plans:
            opened = {
                "source": SOURCES[p.case_id % len(SOURCES)],
                "created_at": stamp(p.opened_at),
                "created_by_id": None,
            }
            yield n, *opening_transition(p.case_id, opened)
            n += 1
            for before, after, reason, at in steps(p):
                yield n, *transition_row(p.case_id, before, after, stamp(at), None, reason)
                n += 1

    ctx.writer.write(CaseTransition, columns, rows(), label="状态变更")


def _referrals(ctx: ScaleContext, plans: list[Plan]) -> None:
    stamp = ctx.writer.stamp
    first = ctx.writer.next_id(CaseReferral)
    rows = (
        (
            first + n,
            *referral_row(
                p.case_id, SOURCES[p.case_id % len(SOURCES)], stamp(p.opened_at), "", "", "", None
            ),
        )
        for n, p in enumerate(plans)
    )
    ctx.writer.write(CaseReferral, ("id", *REFERRAL_FIELDS), rows, label="移交记录")


def _teams(ctx: ScaleContext, plans: list[Plan], persons: dict[str, Any]) -> None:
    rng = ctx.rng
    columns = ("id", "case_id", "kind", "name", "phone", "user_id")
    first = ctx.writer.next_id(TeamMember)
    cadres: dict[int, list[tuple[str, str]]] = {}
    village_people: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}

    def person() -> tuple[str, str]:
        return person_name(rng, rng.choice("MF")), mobile(rng)

    def rows() -> Iterator[tuple[Any, ...]]:
        n = first
        for p in plans:
            if p.start is None:
                continue
            township = persons["township"][p.person]
            village = persons["village"][p.person]
            if township not in cadres:
                cadres[township] = [person() for _ in range(6)]
            if village not in village_people:
                village_people[village] = (person(), person())
            members = (
                ("township_cadre", rng.choice(cadres[township])),
                ("village_cadre", village_people[village][0]),
                ("doctor", village_people[village][1]),
            )
            for kind, (name, phone) in members:
                yield n, p.case_id, kind, name, phone, None
                n += 1

    ctx.writer.write(TeamMember, columns, rows(), label="“四包一”成员")


def _followups(ctx: ScaleContext, plans: list[Plan]) -> None:
    rng = ctx.rng
    stamp = ctx.writer.stamp
    columns = (
        "id",
        "client_id",
        "visited_at",
        "day",
        "slot",
        "temperature",
        "symptoms",
        "at_home",
        "note",
        "recorded_at",
        "by_id",
        "case_id",
        "request_digest",  # none: generated rows are never retried
    )
    first = ctx.writer.next_id(FollowUp)
    uuid_base = rng.getrandbits(64) << 64
    alerts: list[tuple[Any, ...]] = []
    alert_id = ctx.writer.next_id(Alert)
    last = ctx.last

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal alert_id
        n = first
        for p in plans:
            if p.start is None or p.last_visit is None:
                continue
            day = p.start
            while day <= p.last_visit:
                if p.overdue and day == last:
                    break
                iso = day.isoformat()
                for hour in (rng.randint(8, 11), rng.randint(15, 19)):
                    at = _local(day, hour, rng.randrange(60))
                    when = stamp(at)
                    _day, slot = slot_of(at)  # the follow-up windows' one rule
                    temperature = Decimal(f"{rng.uniform(36.0, 37.1):.1f}")
                    symptoms: list[str] = []
                    at_home = True
                    r = rng.random()
                    if r < FEVER:
                        temperature = Decimal(f"{rng.uniform(37.3, 38.6):.1f}")
                    elif r < FEVER + ABSENT:
                        at_home = False
                    elif r < FEVER + ABSENT + SYMPTOM:
                        symptoms = [Symptom.COUGH]
                    yield (
                        n,
                        uuid.UUID(int=uuid_base + n).hex,
                        when,
                        iso,
                        slot,
                        str(temperature),
                        json.dumps(symptoms),
                        at_home,
                        "",
                        when,
                        None,
                        p.case_id,
                        None,
                    )
                    # Which alerts, and their words: the services' rule, as a page's would.
                    done = day < last
                    for kind, detail in followup_alerts(
                        temperature=temperature, symptoms=symptoms, at_home=at_home
                    ):
                        alerts.append(
                            (
                                alert_id,
                                kind,
                                detail,
                                when,
                                stamp(at + datetime.timedelta(hours=1)) if done else None,
                                RESOLUTION[kind] if done else "",
                                None,
                                n,
                                p.case_id,
                                iso,
                            )
                        )
                        alert_id += 1
                    n += 1
                day += datetime.timedelta(days=1)

    ctx.writer.write(FollowUp, columns, rows(), label="随访记录")
    ctx.writer.write(
        Alert,
        (
            "id",
            "kind",
            "detail",
            "raised_at",
            "resolved_at",
            "resolution",
            "resolved_by_id",
            "followup_id",
            "case_id",
            "day",
        ),
        alerts,
        label="预警",
    )
