"""Demo returnees: 4000+ people back from Hubei (most from Wuhan), arriving 2020-01-10 to
2020-02-02, each found, verified, put under 14-day home quarantine with a 四包一 team and
followed up twice a day up to 2020-02-03; released from day 15 on. A few fevers (some
resolved), a few people not at home, a few overdue follow-ups, a few persuaded back,
hospitalised, not in the county or not found, and the newest still 待核查 — so that on
2020-02-03 every one is accounted for.

Built through the bulk forms of the quarantine services (same rules, same audit), so the
whole demo stays quick. The follow-up worker `suifang` (李秀英, 堽城镇) answers for 20 people
whose 2020-02-03 follow-ups are still to do: log in as suifang with FANGKONG_TODAY=2020-02-03
(`make demo` sets it) to record them.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.core.demo import DemoContext, mobile, person_name
from fangkong.core.idnumber import make_id_number
from fangkong.core.symptoms import Symptom
from fangkong.org.models import Officer, Township, Village
from fangkong.people.services import PersonInput, persons_register_bulk
from fangkong.quarantine import services
from fangkong.quarantine.models import Alert, CaseStatus, QuarantineCase
from fangkong.quarantine.services import (
    CaseOpenInput,
    FollowUpInput,
    MemberInput,
)

RETURNEES = 4100
FIRST_ARRIVAL = datetime.date(2020, 1, 10)
LAST_ARRIVAL = datetime.date(2020, 2, 2)
WUHAN = ["420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112"]
WUHAN += ["420113", "420114", "420115", "420116", "420117"]
HUBEI = ["420202", "420302", "420502", "420602", "420703", "420802", "420902", "420984"]
HUBEI += ["421002", "421003", "421102", "421202", "421302", "422801"]
# Where returnees live: townships weighted roughly by population.
TOWNSHIP_WEIGHT = {"文庙街道": 14, "八仙桥街道": 10, "堽城镇": 9, "泗店镇": 9, "东疏镇": 8}
SUIFANG_CASES = 20
OVERDUE_CASES = 8

# The symptoms a demo follow-up draws from: the follow-up's seven before the vocabulary
# became one (core/symptoms.py), in their order, so the demo county stays the same county.
DEMO_SYMPTOMS = [
    Symptom.COUGH,
    Symptom.SORE_THROAT,
    Symptom.FATIGUE,
    Symptom.SHORT_BREATH,
    Symptom.DIARRHOEA,
    Symptom.MUSCLE_ACHE,
    Symptom.SMELL_TASTE,
]


def _arrival(rng: Any) -> datetime.date:
    # Most came home for the Spring Festival (25 January) before Wuhan closed on the 23rd.
    span = (LAST_ARRIVAL - FIRST_ARRIVAL).days
    offset = min(span, max(0, int(rng.triangular(0, span, 12))))
    return FIRST_ARRIVAL + datetime.timedelta(days=offset)


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    townships = list(Township.objects.order_by("code"))
    villages: dict[int, list[Village]] = {}
    for v in Village.objects.order_by("id"):
        villages.setdefault(v.township_id, []).append(v)
    weights = [TOWNSHIP_WEIGHT.get(t.name, 6) for t in townships]
    officers: dict[int, list[Officer]] = ctx.data.get("officers_by_unit", {})
    suifang = User.objects.filter(username="suifang").first()
    station_user = {
        u.unit_id or (u.officer.unit_id if u.officer else None): u
        for u in User.objects.filter(role="station").select_related("officer")
    }

    # People: 4100 returnees, numbers from Hubei (most Wuhan), some registered locally.
    seen: set[str] = set()
    inputs: list[PersonInput] = []
    plans: list[dict[str, Any]] = []
    while len(inputs) < RETURNEES:
        sex = "M" if rng.random() < 0.52 else "F"
        came_from = rng.choice(WUHAN) if rng.random() < 0.7 else rng.choice(HUBEI)
        household = came_from if rng.random() < 0.8 else "370921"
        born = datetime.date(1945, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 65))
        number = make_id_number(household, born, rng.randrange(100), sex)
        if number in seen:
            continue
        seen.add(number)
        township = rng.choices(townships, weights)[0]
        village = rng.choice(villages[township.pk])
        detail = (
            f"{rng.randint(1, 200)}号"
            if village.kind == "community"
            else f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        )
        inputs.append(
            PersonInput(
                name=person_name(rng, sex),
                id_number=number,
                phone=mobile(rng),
                township=township,
                village=village,
                address_detail=detail,
            )
        )
        plans.append(
            {
                "came_from": came_from,
                "arrival": _arrival(rng),
                "township": township,
                "village": village,
            }
        )
    people = persons_register_bulk(data=inputs, by=None)
    # The newest: came on the last day, found by a pushed list yesterday or this morning.
    newest = sorted(range(len(plans)), key=lambda i: plans[i]["arrival"])[-25:]
    for n, i in enumerate(newest):
        plans[i]["arrival"] = LAST_ARRIVAL
        plans[i]["found"] = today if n % 2 else LAST_ARRIVAL

    # Found: referred by a checkpoint, a pushed list or a station on the day they arrived.
    sources = ["pushed_list"] * 5 + ["checkpoint"] * 3 + ["station", "self_report"]
    entries = []
    for person, plan in zip(people, plans, strict=True):
        at = ctx.at(plan.get("found", plan["arrival"]), rng.randint(7, 8), rng.randrange(60))
        at = min(at, ctx.now)  # found this morning, or — before dawn — just now
        plan["at"] = at
        entries.append(
            CaseOpenInput(
                person=person,
                source=rng.choice(sources),
                at=at,
                came_from_code=plan["came_from"],
                arrival_date=plan["arrival"],
                township=plan["township"],
                village=plan["village"],
                address_detail=person.address_detail,
            )
        )
    cases = services.cases_open_bulk(entries=entries, by=None)
    by_case = {c.pk: plan for c, plan in zip(cases, plans, strict=True)}

    # Verification, the same morning: most at home; the newest still pending; a few others.
    verified_at = {c.pk: by_case[c.pk]["at"] + datetime.timedelta(hours=1) for c in cases}
    pending_ids = {c.pk for c in cases if "found" in by_case[c.pk]}
    rest = [c for c in cases if c.pk not in pending_ids]
    rng.shuffle(rest)
    outcomes = [
        (CaseStatus.TURNED_BACK, QuarantineCase.Finding.TURNED_BACK, "已劝返原籍", 30),
        (CaseStatus.NOT_IN_COUNTY, QuarantineCase.Finding.NOT_IN_COUNTY, "人在外地，已通报", 45),
        (CaseStatus.NOT_FOUND, QuarantineCase.Finding.NOT_FOUND, "查无此人，已上报", 6),
        (CaseStatus.HOSPITAL, QuarantineCase.Finding.HOSPITAL, "发热，已送县人民医院", 4),
    ]
    for status, finding, reason, n in outcomes:
        group, rest = rest[:n], rest[n:]
        services.cases_transition_bulk(
            cases=group,
            to=status,
            by=_station(group, station_user),
            reason=reason,
            at=verified_at,
            finding=finding,
        )
    # Verified yesterday, centralised quarantine starts today: a handful waiting.
    waiting = sorted(rest, key=lambda c: (by_case[c.pk]["arrival"], c.pk))[-5:]
    rest = [c for c in rest if c not in waiting]
    services.cases_transition_bulk(
        cases=[*rest, *waiting],
        to=CaseStatus.VERIFIED,
        by=None,
        reason="在家，信息属实",
        at=verified_at,
        finding=QuarantineCase.Finding.AT_HOME,
    )
    services.cases_transition_bulk(
        cases=rest,
        to=CaseStatus.QUARANTINED,
        by=None,
        reason="居家隔离",
        at=verified_at,
        measure=QuarantineCase.Measure.HOME,
        start_dates={c.pk: by_case[c.pk]["arrival"] for c in rest},
    )

    # 四包一 teams: township and village cadres and the village doctor by name, the station's
    # officers as police; suifang answers for 20 people in 堽城镇 as their village cadre.
    cadres = {t.pk: [(person_name(rng, "M"), mobile(rng)) for _ in range(6)] for t in townships}
    village_people: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}
    gangcheng = next(t for t in townships if t.name == "堽城镇")
    mine = [
        c
        for c in rest
        if c.township_id == gangcheng.pk
        and c.planned_end
        and c.planned_end > today + datetime.timedelta(days=1)
    ][:SUIFANG_CASES]
    mine_ids = {c.pk for c in mine}
    teams = []
    for case in [*rest, *waiting]:
        plan = by_case[case.pk]
        v = plan["village"]
        if v.pk not in village_people:
            village_people[v.pk] = (
                (person_name(rng, rng.choice("MF")), mobile(rng)),
                (person_name(rng, rng.choice("MF")), mobile(rng)),
            )
        (vc_name, vc_phone), (doc_name, doc_phone) = village_people[v.pk]
        tc_name, tc_phone = rng.choice(cadres[plan["township"].pk])
        police = rng.choice(
            [o for o in officers.get(plan["township"].station_id, []) if o.kind == "police"]
            or [None]
        )
        members = [
            MemberInput(kind="township_cadre", name=tc_name, phone=tc_phone),
            (
                MemberInput(kind="village_cadre", user=suifang, name="李秀英", phone=vc_phone)
                if case.pk in mine_ids and suifang is not None
                else MemberInput(kind="village_cadre", name=vc_name, phone=vc_phone)
            ),
            MemberInput(kind="doctor", name=doc_name, phone=doc_phone),
        ]
        if police is not None:
            members.append(MemberInput(kind="police", name=police.name, phone=police.phone))
        teams.append((case, members))
    services.teams_assign_bulk(teams=teams, by=None)

    # Follow-ups, twice a day from the first day to the last day of quarantine (or today).
    # Releases on day 15 (planned end), decided here: some of today's are still to confirm.
    due = [c for c in rest if c.planned_end and c.planned_end <= today]
    to_release = [c for c in due if c.planned_end < today or rng.random() < 0.6]  # type: ignore[operator]
    released_ids = {c.pk for c in to_release}
    overdue = [c for c in rest if c.pk not in mine_ids and c.planned_end and c.planned_end > today]
    overdue_ids = {c.pk for c in rng.sample(overdue, min(OVERDUE_CASES, len(overdue)))}
    fever_cases = set(rng.sample([c.pk for c in rest], 18))
    absent_cases = set(rng.sample([c.pk for c in rest], 10))
    symptom_cases = set(rng.sample([c.pk for c in rest], 6))
    followups: list[FollowUpInput] = []
    for case in rest:
        assert case.start_date is not None
        # Day 14 is the last day of follow-ups; those not yet released go on.
        last = today
        if case.pk in released_ids:
            last = case.planned_end - datetime.timedelta(days=1)  # type: ignore[operator,assignment]
        n_days = (last - case.start_date).days + 1
        special = rng.randrange(max(n_days * 2, 1))
        for i in range(n_days * 2):
            day = case.start_date + datetime.timedelta(days=i // 2)
            if day == today and case.pk in mine_ids:
                continue  # suifang's work for today
            if case.pk in overdue_ids and (
                day == today or (day == last - datetime.timedelta(days=1) and i % 2)
            ):
                continue  # missed yesterday evening and today
            hour = rng.randint(10, 11) if i % 2 == 0 else rng.randint(16, 19)
            temperature = Decimal(str(round(rng.uniform(36.0, 37.1), 1)))
            symptoms: list[str] = []
            at_home = True
            if i == special:
                if case.pk in fever_cases:
                    temperature = Decimal(str(round(rng.uniform(37.3, 38.6), 1)))
                if case.pk in symptom_cases:
                    symptoms = [rng.choice(DEMO_SYMPTOMS)]
                if case.pk in absent_cases:
                    at_home = False
            followups.append(
                FollowUpInput(
                    case=case,
                    temperature=temperature,
                    symptoms=symptoms,
                    at_home=at_home,
                    visited_at=ctx.at(day, hour, rng.randrange(60)),
                    client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
            if not ctx.happened(followups[-1].visited_at):
                followups.pop()  # later today: still to do (its random draws are made)
    _fus, alerts = services.followups_record_bulk(entries=followups, by=None)
    # Releases: on day 15, in the morning, confirmed by the station.
    release_at = {
        c.pk: ctx.at(c.planned_end, rng.randint(9, 11), rng.randrange(60))  # type: ignore[arg-type]
        for c in to_release
    }
    to_release = [c for c in to_release if ctx.happened(release_at[c.pk])]  # later: to confirm
    for station_id in sorted({c.station_id or 0 for c in to_release}):
        group = [c for c in to_release if (c.station_id or 0) == station_id]
        services.cases_transition_bulk(
            cases=group,
            to=CaseStatus.RELEASED,
            by=station_user.get(station_id),
            reason=services.DEFAULT_RELEASE_REASON,
            at=release_at,
        )

    # Most alerts were dealt with the same day; the latest few still await the station.
    for alert in sorted(alerts, key=lambda a: a.raised_at)[:-6]:
        resolved_at = alert.raised_at + datetime.timedelta(minutes=rng.randint(20, 90))
        if not ctx.happened(resolved_at):
            continue
        services.alert_resolve(
            alert=alert,
            by=station_user.get(alert.case.station_id) or ctx.data.get("commander"),  # type: ignore[arg-type]
            resolution=_RESOLUTION[alert.kind],
            at=resolved_at,
        )
    ctx.data["quarantine_cases"] = len(cases)


_RESOLUTION: dict[str, str] = {
    Alert.Kind.FEVER: "卫生院医生上门复测，体温已正常，继续居家观察",
    Alert.Kind.SYMPTOM: "已由村医上门诊视，继续居家观察",
    Alert.Kind.ABSENT: "已联系本人返回家中，进行批评教育",
    Alert.Kind.OVERDUE: "已补充随访",
}


def _station(cases: list[QuarantineCase], station_user: dict[Any, User]) -> User | None:
    return station_user.get(cases[0].station_id) if cases else None
