"""The demo bureau: 宁阳县公安局 with its HQ departments, 13 police stations, the traffic
brigade, 270-odd officers, the leadership group, five working groups, the wartime order of
2020-01-26 afternoon, villages of each township, and one login for each role."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, DemoContext, mobile, person_name
from fangkong.org import services
from fangkong.org.models import Officer, Recall, Township, Unit, WorkingGroup

DEPARTMENTS = [
    # (name, short name, officers, auxiliaries)
    ("局办公室", "办公室", 8, 4),
    ("指挥中心", "指挥中心", 10, 6),
    ("政治处", "政治处", 7, 2),
    ("警务保障室", "警务保障室", 5, 4),
    ("法制大队", "法制大队", 6, 2),
    ("治安管理大队", "治安大队", 12, 8),
    ("刑事侦查大队", "刑侦大队", 16, 8),
    ("经济犯罪侦查大队", "经侦大队", 7, 2),
    ("网络安全保卫大队", "网安大队", 6, 3),
    ("特巡警大队", "特巡警大队", 14, 16),
    ("看守所", "看守所", 8, 6),
]
STATION_SIZE = {"文庙街道": (10, 8), "八仙桥街道": (9, 7)}

VILLAGE_PARTS = "东西南北前后大小上下新老王李张刘陈杨赵孙马胡高郭何朱黄周吴徐林官庄屯店桥集河山岭泉"
VILLAGE_SUFFIX = ["村", "庄", "屯", "店村", "家村", "营村", "楼村", "集村"]

GROUP_DUTIES = {
    WorkingGroup.Code.LEADERSHIP: "统一领导全局疫情防控工作，召开专题会议研究部署，实地检查指导，现场研究解决问题。",
    WorkingGroup.Code.SUPPORT: "防护物资采购、接收捐赠和发放，民警后勤保障，困难帮扶。",
    WorkingGroup.Code.MONITORING: "重点地区返乡人员排查核实、居家隔离和“四包一”社会随访。",
    WorkingGroup.Code.CONTROL: "涉疫情警情和案件处置，维护社会治安大局平稳有序。",
    WorkingGroup.Code.PUBLICITY: "对外宣传、舆情监测引导，典型选树和防护知识宣传。",
    WorkingGroup.Code.JOINT_CONTROL: "9个联合检查站三班执勤，不漏一车、不漏一人。",
}


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    bureau = services.unit_create(name="宁阳县公安局", kind=Unit.Kind.BUREAU, parent=None, by=None)
    units: list[tuple[Unit, int, int]] = []
    for i, (name, short, police, aux) in enumerate(DEPARTMENTS):
        unit = services.unit_create(
            name=name,
            short_name=short,
            kind=Unit.Kind.DEPARTMENT,
            parent=bureau,
            by=None,
            sort_order=i,
        )
        units.append((unit, police, aux))
    traffic = services.unit_create(
        name="交通警察大队",
        short_name="交警大队",
        kind=Unit.Kind.TRAFFIC,
        parent=bureau,
        by=None,
        sort_order=50,
    )
    units.append((traffic, 16, 20))
    stations: dict[str, Unit] = {}
    for township in Township.objects.order_by("code"):
        short = township.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        station = services.unit_create(
            name=f"{short}派出所",
            short_name=f"{short}所",
            kind=Unit.Kind.STATION,
            parent=bureau,
            by=None,
            sort_order=100 + len(stations),
        )
        township.station = station
        township.save(update_fields=["station"])
        stations[township.name] = station
        police, aux = STATION_SIZE.get(township.name, (6, 5))
        units.append((station, police, aux))
        names: set[str] = set()
        while len(names) < rng.randint(14, 24):
            names.add("".join(rng.sample(VILLAGE_PARTS, 2)) + rng.choice(VILLAGE_SUFFIX))
        villages = [(n, "village") for n in sorted(names)]
        if township.kind == Township.Kind.SUBDISTRICT:
            villages += [
                (f"{p}社区", "community")
                for p in ("府前", "文化", "东关", "西关", "复圣", "金阳")[: rng.randint(3, 6)]
            ]
        services.villages_create(township=township, names=villages, by=None)

    badge = 371001
    officers_by_unit: dict[int, list[Officer]] = {}
    for unit, police, aux in units:
        for kind, count in ((Officer.Kind.POLICE, police), (Officer.Kind.AUXILIARY, aux)):
            for j in range(count):
                sex = "M" if rng.random() < 0.86 else "F"
                position = ""
                if kind == Officer.Kind.POLICE and j == 0:
                    position = (
                        "所长"
                        if unit.kind == Unit.Kind.STATION
                        else "大队长"
                        if "大队" in unit.name
                        else "主任"
                    )
                elif kind == Officer.Kind.POLICE and j == 1:
                    position = "教导员" if unit.kind == Unit.Kind.STATION else "副职"
                officer = services.officer_create(
                    name=person_name(rng, sex),
                    badge_number=str(badge) if kind == Officer.Kind.POLICE else f"F{badge}",
                    kind=kind,
                    unit=unit,
                    by=None,
                    phone=mobile(rng),
                    position=position,
                    party_member=kind == Officer.Kind.POLICE and rng.random() < 0.7,
                    # Spring Festival leave: about one in eight was away when the order came.
                    status=Officer.Status.ON_LEAVE
                    if rng.random() < 0.12
                    else (Officer.Status.SICK if rng.random() < 0.01 else Officer.Status.ON_POST),
                )
                badge += 1
                officers_by_unit.setdefault(unit.pk, []).append(officer)

    chief = services.officer_create(
        name="张建军",
        badge_number="370001",
        kind=Officer.Kind.POLICE,
        unit=bureau,
        by=None,
        phone=mobile(rng),
        position="局长",
        party_member=True,
    )
    deputies = [
        services.officer_create(
            name=person_name(rng, "M"),
            badge_number=f"37000{i + 2}",
            kind=Officer.Kind.POLICE,
            unit=bureau,
            by=None,
            phone=mobile(rng),
            position=pos,
            party_member=True,
        )
        for i, pos in enumerate(["政委", "副局长", "副局长", "副局长", "政治处主任"])
    ]
    ctx.data["bureau"] = bureau
    ctx.data["stations"] = stations
    ctx.data["officers_by_unit"] = officers_by_unit

    # Logins, one for each role.
    def login(username: str, role: str, note: str, **kw: Any) -> User:
        return demo_login(ctx, username, role, note, **kw)

    def first_officer(unit: Unit, offset: int = 0) -> Officer:
        return officers_by_unit[unit.pk][offset]

    dept = {u.name: u for u, _p, _a in units}
    commander = login("zhihui", Role.COMMAND, "指挥中心", officer=first_officer(dept["指挥中心"]))
    login("juzhang", Role.COMMAND, "局长（领导小组组长）", officer=chief)
    login("gongzuozu", Role.WORKGROUP, "监测核查组", officer=first_officer(dept["治安管理大队"], 1))
    login("gangcheng", Role.STATION, "堽城派出所", officer=first_officer(stations["堽城镇"]))
    login("sidian", Role.STATION, "泗店派出所", officer=first_officer(stations["泗店镇"]))
    login(
        "jianchazhan",
        Role.CHECKPOINT,
        "检查站执勤民警",
        officer=first_officer(dept["特巡警大队"], 2),
    )
    login(
        "suifang",
        Role.FOLLOWUP,
        "堽城镇“四包一”随访（村干部）",
        kind=User.Kind.CADRE,
        display_name="李秀英",
        township=Township.objects.get(name="堽城镇"),
    )
    login("zhenggong", Role.POLITICAL, "政治处", officer=first_officer(dept["政治处"]))
    login("baozhang", Role.LOGISTICS, "警务保障室", officer=first_officer(dept["警务保障室"]))
    login("admin", Role.ADMIN, "系统管理员", officer=first_officer(dept["局办公室"], 1))
    login("shenji", Role.AUDITOR, "审计管理员", officer=first_officer(dept["法制大队"]))
    login("anquan", Role.SECURITY, "安全管理员", officer=first_officer(dept["网络安全保卫大队"]))
    ctx.data["commander"] = commander

    # The leadership group and the task force's five working groups.
    everyone = [o for group in officers_by_unit.values() for o in group]
    police_on_staff = [o for o in everyone if o.kind == Officer.Kind.POLICE]
    services.working_group_set(
        code=WorkingGroup.Code.LEADERSHIP,
        leader=chief,
        members=deputies,
        duties=GROUP_DUTIES[WorkingGroup.Code.LEADERSHIP],
        by=None,
    )
    plan = [
        (WorkingGroup.Code.SUPPORT, dept["警务保障室"], deputies[4]),
        (WorkingGroup.Code.MONITORING, dept["治安管理大队"], deputies[2]),
        (WorkingGroup.Code.CONTROL, dept["刑事侦查大队"], deputies[3]),
        (WorkingGroup.Code.PUBLICITY, dept["政治处"], deputies[0]),
        (WorkingGroup.Code.JOINT_CONTROL, dept["特巡警大队"], deputies[1]),
    ]
    for code, home_unit, leader in plan:
        members = officers_by_unit[home_unit.pk][:6] + rng.sample(police_on_staff, 4)
        services.working_group_set(
            code=code, leader=leader, members=members, duties=GROUP_DUTIES[code], by=None
        )

    # 2020-01-26 afternoon: 全警停休. Most came back within a day; two are still on the way.
    order = services.wartime_order_issue(
        title="全警停休",
        text="自即日起全局民警、辅警一律停止休假，立即返岗，全局进入战时状态。",
        effective_at=ctx.wartime,
        by=commander,
    )
    recalls = list(Recall.objects.filter(order=order).select_related("officer", "order"))
    for recall in recalls[:-2]:
        hours = rng.choice([1, 2, 2, 3, 4, 5, 6, 8, 12, 18, 20, 26])
        at = ctx.wartime.replace(minute=rng.randrange(60)) + datetime.timedelta(hours=hours)
        services.recall_report_back(recall=recall, at=at, by=commander)
    _welfare(ctx, officers_by_unit, stations)


WELFARE = [
    (
        "父亲住院无人照料",
        "父亲脑梗住院，本人在检查站执勤无法陪护。",
        "high",
        "协调县人民医院安排护工，所里安排同事轮流探望。",
    ),
    (
        "孩子在家无人看护",
        "夫妻均为一线民警，孩子放寒假在家。",
        "medium",
        "协调社区志愿者每日上门照看。",
    ),
    (
        "家中老人独居需送生活物资",
        "母亲独居农村，封村后购物不便。",
        "medium",
        "村党支部代购生活物资并每日电话报平安。",
    ),
    ("妻子临产", "妻子预产期2月上旬，本人在卡点执勤。", "high", ""),
]


def _welfare(
    ctx: DemoContext, officers_by_unit: dict[int, list[Officer]], stations: dict[str, Unit]
) -> None:
    """暖警: a few family difficulties, most solved, one still open."""
    from fangkong.org import welfare

    political = User.objects.get(username="zhenggong")
    units = [
        stations["堽城镇"],
        stations["泗店镇"],
        Unit.objects.get(name="特巡警大队"),
        stations["磁窑镇"],
    ]
    for i, (title, detail, urgency, help_text) in enumerate(WELFARE):
        officer = officers_by_unit[units[i].pk][3]
        opened = ctx.at(datetime.date(2020, 1, 27) + datetime.timedelta(days=i * 2), 10)
        case = welfare.welfare_case_open(
            officer=officer,
            title=title,
            detail=detail,
            urgency=urgency,
            follow_up_by=political,
            by=political,
            at=opened,
        )
        helped, solved = opened + datetime.timedelta(hours=5), opened + datetime.timedelta(days=1)
        if help_text and ctx.happened(helped):
            welfare.welfare_help_record(case=case, text=help_text, by=political, at=helped)
        if help_text and ctx.happened(solved):
            welfare.welfare_case_solve(case=case, by=political, at=solved)


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def demo_login(ctx: DemoContext, username: str, role: str, note: str, **kw: Any) -> User:
    """A demo account (password DEMO_PASSWORD; the demo authenticator key when the role
    needs a second factor), listed in the logins `fangkong demo` prints. One hash of the
    password serves every account (a province's demo has hundreds)."""
    user = user_create(
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        by=None,
        check_password=False,
        password_hash=_demo_password_hash(),
        **kw,
    )
    if mfa.mfa_required(user):
        mfa.mfa_enrol_demo(user=user, key=DEMO_TOTP_KEY)
        note = f"{note}（须二次验证）"
        how = mfa.demo_secret_note(DEMO_TOTP_KEY)
        if how not in ctx.notes:
            ctx.notes.append(how)
    ctx.logins.append((username, str(Role(role).label), note))
    return user
