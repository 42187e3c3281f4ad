"""Demo commendations: 3 praise circulars (宁公政〔2020〕1–3号) praising 1 collective and 10
individuals at county or city level, each through 快报、快审、快批、快奖 within hours, plus a
few cases still on their way."""

from __future__ import annotations

import datetime

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.core.demo import DemoContext
from fangkong.honors import services
from fangkong.honors.models import Commendation
from fangkong.org.models import Officer, Unit

DEEDS = [
    "在104国道联合检查站连续坚守7天7夜，不漏一车、不漏一人。",
    "带队排查武汉返乡人员，一天内核实到人、落实居家隔离。",
    "在检查站发现一名隐瞒行程的湖北返乡人员，及时移交卫生防疫部门。",
    "主动放弃春节休假，第一时间返岗，承担“四包一”随访任务。",
    "带病坚持执勤，三班倒连续在岗，确保检查站勤务不断档。",
    "妥善处置一起涉疫情矛盾纠纷，维护了社会稳定。",
    "组织党员突击队深入村居宣传防护知识，群众满意度高。",
    "连夜协调防护物资，保障一线执勤民警防护装备及时到位。",
    "发现并查处一起编造传播疫情谣言案件，及时澄清事实。",
    "在检查站劝返外地车辆，耐心解释政策，零投诉。",
]
PLAN = [
    # (circular number, day, individuals in it, the collective?)
    ("宁公政〔2020〕1号", datetime.date(2020, 1, 28), 3, False),
    ("宁公政〔2020〕2号", datetime.date(2020, 1, 31), 4, True),
    ("宁公政〔2020〕3号", datetime.date(2020, 2, 3), 3, False),
]


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["gangcheng", "sidian", "juzhang", "zhenggong", "zhihui"]
        )
    }
    reviewer, approver, awarder = users["zhenggong"], users["zhihui"], users["zhenggong"]
    reporters = [users["gangcheng"], users["sidian"], users["juzhang"]]
    special = Unit.objects.get(name="特巡警大队")
    candidates = list(
        Officer.objects.filter(kind=Officer.Kind.POLICE).exclude(position__in=["局长", "政委"])
    )
    chosen = [Officer.objects.filter(unit=special).order_by("badge_number")[3]]
    chosen += rng.sample([o for o in candidates if o.pk != chosen[0].pk], 9)
    collective = Unit.objects.get(name="泗店派出所")
    n = 0
    for number, day, count, with_collective in PLAN:
        batch = []
        todo: list[tuple[str, Officer | None]] = [("individual", o) for o in chosen[n : n + count]]
        n += count
        if with_collective:
            todo.append(("collective", None))
        for i, (kind, officer) in enumerate(todo):
            start = ctx.at(day - datetime.timedelta(days=1), 9 + i)
            c = services.commendation_report(
                by=reporters[i % len(reporters)],
                kind=kind,
                officer=officer,
                unit=collective if officer is None else None,
                level=Commendation.Level.ORDER
                if officer is None
                else rng.choice(
                    [
                        Commendation.Level.CIRCULAR,
                        Commendation.Level.CIRCULAR,
                        Commendation.Level.ORDER,
                    ]
                ),
                tier=Commendation.Tier.CITY
                if officer is None or i == 0
                else Commendation.Tier.COUNTY,
                deeds=(
                    "1月27日全所民警郑重宣誓“疫情不灭，警察不退”，成立党员突击队，"
                    "辖区返乡人员全部落实居家隔离。"
                    if officer is None
                    else DEEDS[(n - count + i) % len(DEEDS)]
                ),
                at=start,
            )
            # Reviewed, approved, awarded: each step only once its hour has come.
            steps = []
            t = start
            for step, who, hours in (
                (services.commendation_review, reviewer, (1, 3)),
                (services.commendation_approve, approver, (1, 4)),
                (services.commendation_award, awarder, (2, 8)),
            ):
                t += datetime.timedelta(hours=rng.randint(*hours))
                steps.append((step, who, t))
            for step, who, t in steps:
                if not ctx.happened(t):
                    break
                step(commendation=c, by=who, at=t)
            batch.append(c)
        if not ctx.happened(ctx.at(day, 17)):
            continue
        services.circular_issue(
            number=number,
            title="关于表扬疫情防控工作中先进集体和先进个人的通报",
            day=day,
            commendations=batch,
            by=awarder,
            at=ctx.at(day, 17),
        )
    # On their way: two awaiting review, one awaiting approval.
    pending = rng.sample([o for o in candidates if o not in chosen], 3)
    for i, officer in enumerate(pending):
        if not ctx.happened(ctx.at(ctx.today, 9 + i)):
            break
        c = services.commendation_report(
            by=reporters[i % 2],
            kind=Commendation.Kind.INDIVIDUAL,
            officer=officer,
            level=Commendation.Level.ORAL,
            deeds=DEEDS[(i + 3) % len(DEEDS)],
            at=ctx.at(ctx.today, 9 + i),
        )
        if i == 2 and ctx.happened(ctx.at(ctx.today, 14)):
            services.commendation_review(commendation=c, by=reviewer, at=ctx.at(ctx.today, 14))
