"""The demo county's command work, 2020-01-24 … 2020-02-03: tasks to the five working
groups (most done, a few overdue), the bureau leaders' field inspections with rectified and
open problems, and a few epidemic-related incidents a day with their dispositions."""

from __future__ import annotations

import datetime

from django.db import transaction

from fangkong.command import services
from fangkong.command.models import Disposition, Incident, Problem, Task
from fangkong.core.demo import DemoContext
from fangkong.org.models import Officer, Unit, WorkingGroup

TASKS = {
    WorkingGroup.Code.SUPPORT: [
        "为9个联合检查站配发口罩、手套和消毒液",
        "紧急采购红外测温枪20把",
        "接收泰安恒昌劳动防护用品有限公司捐赠物资并登记造册",
        "解决检查站执勤民警夜间就餐和休息问题",
        "统计一线民警家庭困难并逐一帮扶",
    ],
    WorkingGroup.Code.MONITORING: [
        "核查省厅推送的武汉返乡人员名单",
        "对重点地区返乡人员逐一落实居家隔离",
        "排查1月10日以来湖北来宁人员",
        "核实随访中发现的发热人员并移交卫健部门",
        "落实“四包一”社会随访责任人",
    ],
    WorkingGroup.Code.CONTROL: [
        "严厉打击哄抬防护用品价格违法行为",
        "开展涉疫情谣言网上巡查和落地查处",
        "维护定点医院和发热门诊治安秩序",
        "排查非法交易野生动物线索",
        "加强超市、药店周边巡逻防控",
    ],
    WorkingGroup.Code.PUBLICITY: [
        "报送检查站民警抗疫先进事迹",
        "在局微信公众号发布防护知识推文",
        "做好涉疫舆情监测、研判和引导",
        "联系市级媒体报道联合检查站工作",
        "组织党员民警宣誓活动宣传报道",
    ],
    WorkingGroup.Code.JOINT_CONTROL: [
        "104国道联合检查站三班执勤排班",
        "各检查站增设夜间照明和反光警示标志",
        "严格落实不漏一车、不漏一人",
        "与卫健部门在检查站联合设置体温检测点",
        "对鄂籍车辆逐车登记、逐人测温",
    ],
}

CHECKPOINT_PLACES = [
    "104国道联合检查站",
    "京台高速宁阳收费站检查站",
    "S243省道堽城检查站",
    "泗店镇东外环检查站",
    "磁窑镇省界检查站",
    "东疏镇卡口检查站",
]

PROBLEMS = [
    ("problem", "夜间照明不足，车辆登记看不清号牌"),
    ("problem", "执勤人员测温操作不规范，未记录体温数值"),
    ("weakness", "缺少防寒帐篷，夜班民警休息条件差"),
    ("problem", "登记台账有漏项，部分车辆未登记来源地"),
    ("weakness", "与乡镇卫生院交接流程不清"),
    ("problem", "防护口罩储备不足一天用量"),
    ("weakness", "检查站警示标志设置距离过近"),
    ("problem", "辅警对劝返政策掌握不准"),
]

INCIDENTS = [
    (Incident.Kind.RUMOUR, 5, "在微信群发布“县城出现确诊病例”不实信息"),
    (Incident.Kind.PRICE_GOUGING, 4, "药店高价销售口罩，每只售价30元"),
    (Incident.Kind.OBSTRUCT_PREVENTION, 2, "拒不配合居家隔离，擅自外出"),
    (Incident.Kind.FAKE_SUPPLIES, 1, "销售无合格证明的“医用”口罩"),
    (Incident.Kind.WILDLIFE, 1, "非法收购野生斑鸠"),
    (Incident.Kind.OBSTRUCT_DUTY, 1, "驾车冲闯检查站，拒不接受检查"),
    (Incident.Kind.FRAUD, 2, "以代购口罩为名实施网络诈骗"),
    (Incident.Kind.OTHER, 1, "村口设卡处发生纠纷"),
]

DISPOSE = {
    Incident.Kind.RUMOUR: [
        [(Disposition.Kind.ADMIN_DETENTION, 1)],
        [(Disposition.Kind.EDUCATION, 2)],
        [(Disposition.Kind.WARNING, 1), (Disposition.Kind.EDUCATION, 1)],
    ],
    Incident.Kind.PRICE_GOUGING: [[(Disposition.Kind.FINE, 1)], [(Disposition.Kind.WARNING, 1)]],
    Incident.Kind.OBSTRUCT_PREVENTION: [[(Disposition.Kind.EDUCATION, 1)]],
    Incident.Kind.FAKE_SUPPLIES: [[(Disposition.Kind.CRIMINAL_DETENTION, 1)]],
    Incident.Kind.WILDLIFE: [[(Disposition.Kind.FINE, 1), (Disposition.Kind.EDUCATION, 1)]],
    Incident.Kind.OBSTRUCT_DUTY: [[(Disposition.Kind.CRIMINAL_DETENTION, 1)]],
    Incident.Kind.FRAUD: [[(Disposition.Kind.CRIMINAL_DETENTION, 2)]],
    Incident.Kind.OTHER: [[(Disposition.Kind.EDUCATION, 2)]],
}


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    commander = ctx.data["commander"]
    bureau: Unit = ctx.data["bureau"]
    stations: dict[str, Unit] = ctx.data["stations"]
    officers_by_unit: dict[int, list[Officer]] = ctx.data["officers_by_unit"]
    end_of_demo = min(ctx.at(ctx.today, 20), ctx.now)
    days = [ctx.start + datetime.timedelta(days=i) for i in range((ctx.today - ctx.start).days + 1)]

    # Tasks to the five working groups: most done in time, some late, a few still open.
    groups = list(WorkingGroup.objects.exclude(code=WorkingGroup.Code.LEADERSHIP))
    leaders = {g.pk: g.leader for g in groups}
    used: dict[str, int] = {}
    for day in days:
        for group in rng.sample(groups, rng.randint(1, 3)):
            titles = TASKS[WorkingGroup.Code(group.code)]
            title = titles[used.get(group.code, 0) % len(titles)]
            used[group.code] = used.get(group.code, 0) + 1
            issued = ctx.at(day, rng.randint(8, 17), rng.choice([0, 15, 30, 45]))
            deadline = issued + datetime.timedelta(hours=rng.choice([12, 24, 24, 48, 72]))
            if not ctx.happened(issued):
                continue
            task = services.task_assign(
                title=title,
                group=group,
                lead=leaders[group.pk],
                deadline=deadline,
                priority=rng.choice(
                    [Task.Priority.URGENT, Task.Priority.HIGH, Task.Priority.NORMAL]
                ),
                detail="按领导小组部署抓好落实，及时反馈进展。",
                by=commander,
                at=issued,
            )
            ack = issued + datetime.timedelta(minutes=rng.randint(10, 120))
            if ack > end_of_demo:
                continue
            services.task_acknowledge(task=task, by=commander, at=ack)
            fate = rng.random()
            finish = deadline - datetime.timedelta(hours=rng.randint(1, 10))
            if fate < 0.12:
                finish = deadline + datetime.timedelta(hours=rng.randint(3, 20))  # late
            if fate > 0.9 or finish > end_of_demo:
                if ack + datetime.timedelta(hours=3) < end_of_demo:
                    services.task_report_progress(
                        task=task,
                        note="正在推进，已完成部分工作。",
                        by=commander,
                        at=ack + datetime.timedelta(hours=3),
                    )
                continue
            services.task_complete(task=task, result="已按要求落实完毕。", by=commander, at=finish)
    # Two station tasks given directly to units.
    for name in ("堽城镇", "泗店镇"):
        services.task_assign(
            title="辖区返乡人员逐户走访核查",
            unit=stations[name],
            lead=officers_by_unit[stations[name].pk][0],
            deadline=ctx.at(ctx.today, 12),
            priority=Task.Priority.HIGH,
            by=commander,
            at=ctx.at(ctx.today - datetime.timedelta(days=2), 9),
        )

    # The bureau leaders inspect checkpoints in person and solve problems on the spot.
    leaders_on_tour = list(
        Officer.objects.filter(unit=bureau).exclude(position="").order_by("badge_number")
    )
    patrol = Unit.objects.filter(name="特巡警大队").first() or bureau
    traffic = Unit.objects.filter(kind=Unit.Kind.TRAFFIC).first() or bureau
    station_units = list(stations.values())
    for day in days[2:]:
        for _n in range(rng.choice([1, 1, 2])):
            place = rng.choice(CHECKPOINT_PLACES)
            unit = rng.choice([patrol, traffic, rng.choice(station_units)])
            at = ctx.at(day, rng.randint(9, 21), rng.choice([0, 20, 40]))
            owners = officers_by_unit.get(unit.pk) or leaders_on_tour
            found = rng.sample(PROBLEMS, rng.randint(0, 3))
            if not ctx.happened(at):
                continue
            inspection = services.inspection_record(
                unit=unit,
                place=place,
                inspector=rng.choice(leaders_on_tour),
                at=at,
                summary="检查执勤秩序、登记台账和防护措施，看望慰问执勤民警，现场研究解决问题。",
                problems=[
                    services.ProblemInput(
                        kind=kind,
                        description=text,
                        owner=owners[0],
                        deadline=day + datetime.timedelta(days=rng.randint(1, 3)),
                    )
                    for kind, text in found
                ],
                by=commander,
            )
            for problem in Problem.objects.filter(inspection=inspection).order_by("id"):
                fixed_at = at + datetime.timedelta(hours=rng.choice([0.5, 2, 6, 20, 40]))
                if fixed_at > end_of_demo or rng.random() < 0.15:
                    continue  # still open
                services.problem_rectify(
                    problem=problem,
                    rectification="已现场协调解决并落实到位。",
                    by=commander,
                    at=fixed_at,
                )

    # Epidemic-related incidents, a few a day, handled by the stations.
    kinds = [k for k, weight, _t in INCIDENTS for _w in range(weight)]
    texts = {k: t for k, _w, t in INCIDENTS}
    for day in days:
        for _n in range(rng.randint(1, 4)):
            kind = rng.choice(kinds)
            unit = rng.choice(station_units)
            township = next(name for name, st in stations.items() if st == unit)
            occurred = ctx.at(day, rng.randint(7, 22), rng.randint(0, 59))
            if not ctx.happened(occurred):
                continue
            status = (
                Incident.Status.CLOSED
                if day < ctx.today - datetime.timedelta(days=1)
                else Incident.Status.INVESTIGATING
            )
            plan = (
                rng.choice(DISPOSE[kind])
                if status == Incident.Status.CLOSED or rng.random() < 0.5
                else []
            )
            services.incident_record(
                kind=kind,
                unit=unit,
                occurred_at=occurred,
                place=f"{township}{rng.choice(['集市', '某药店', '某超市', '某村', '某小区'])}",
                summary=texts[kind],
                status=status,
                dispositions=[services.DispositionInput(kind=k, persons=n) for k, n in plan],
                by=commander,
            )
