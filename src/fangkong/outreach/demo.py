"""Demo party work and publicity: a branch per unit, 40+ pledge ceremonies, 3 commando teams,
20+ central/provincial/municipal media reports, self-media posts with 300+ likes or comments,
role models, and a protection guide with read receipts."""

from __future__ import annotations

import datetime

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.core.demo import DemoContext
from fangkong.org.models import Officer, Unit
from fangkong.outreach import services
from fangkong.outreach.models import Activity, CommandoTeam, MediaReport, Notice

MEDIA = [
    ("central", "人民网", "山东宁阳：党旗飘扬在一线 党员冲锋在前"),
    ("central", "新华网", "宁阳公安9个联合检查站筑牢入宁第一道防线"),
    ("central", "法制网", "宁阳县公安局战时表彰激励民警辅警"),
    ("provincial", "大众日报", "宁阳公安：不漏一车、不漏一人"),
    ("provincial", "山东广播电视台", "寒风中的坚守：104国道检查站的七天七夜"),
    ("provincial", "齐鲁晚报", "“疫情不灭，警察不退”泗店派出所民警集体宣誓"),
    ("provincial", "大众网", "宁阳公安“四包一”随访落实居家隔离"),
    ("provincial", "山东法制报", "宁阳县公安局全警停休投入疫情防控"),
    ("provincial", "齐鲁壹点", "爱心企业为宁阳执勤民警捐赠防护用品"),
    ("provincial", "山东警方", "宁阳公安党员突击队冲锋在一线"),
    ("municipal", "泰安日报", "宁阳公安全力以赴抗击疫情"),
    ("municipal", "泰安广播电视台", "宁阳县联合检查站三班执勤记"),
    ("municipal", "泰安晚报", "群众自发为执勤民警送来慰问品"),
    ("municipal", "泰安警方", "宁阳公安战时暖警解民警后顾之忧"),
    ("municipal", "泰山晚报", "检查站里的临时党小组"),
    ("municipal", "泰安日报", "宁阳公安发布防护知识提醒"),
    ("municipal", "泰安广播电视台", "宁阳：社会治安大局平稳有序"),
    ("municipal", "泰安晚报", "返乡人员全部落实居家隔离"),
    ("municipal", "泰山网", "宁阳公安快报快审快批快奖"),
    ("municipal", "泰安警方", "一线民警的春节"),
    ("municipal", "泰山晚报", "宁阳交警坚守高速出口检查站"),
    ("municipal", "泰安日报", "宁阳公安志愿突击队进村入户"),
    ("county", "宁阳电视台", "县公安局召开疫情防控专题会议"),
    ("county", "宁阳县融媒体中心", "公安民警坚守检查站"),
]
POSTS = [
    ("战“疫”一线：他们是最美逆行者", "微信公众号", 1260, 318),
    ("致敬！7天7夜坚守104国道检查站", "微信公众号", 2150, 466),
    ("“疫情不灭，警察不退”泗店所民警宣誓", "抖音", 3400, 520),
    ("宁阳公安防护知识十问十答", "微信公众号", 860, 302),
    ("检查站的夜", "微博", 210, 45),
    ("致全县人民的一封信", "微信公众号", 640, 120),
]


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    political = User.objects.get(username="zhenggong")
    bureau: Unit = ctx.data["bureau"]
    units = list(Unit.objects.exclude(pk=bureau.pk).order_by("path"))
    officers: dict[int, list[Officer]] = {}
    for o in Officer.objects.order_by("badge_number"):
        officers.setdefault(o.unit_id, []).append(o)
    branches = {}
    for unit in units:
        staff = officers.get(unit.pk, [])
        branches[unit.pk] = services.branch_create(
            unit=unit,
            name=f"{unit.name}党支部",
            secretary=staff[0] if staff else None,
            by=political,
        )
    sidian = Unit.objects.get(name="泗店派出所")
    services.activity_record(
        kind=Activity.Kind.PLEDGE,
        title="我宣誓，疫情不灭，警察不退！",
        day=datetime.date(2020, 1, 27),
        unit=sidian,
        branch=branches[sidian.pk],
        participants=officers[sidian.pk],
        note="泗店派出所民警在所内向党旗郑重宣誓。",
        by=political,
    )
    # 40余次宣誓: every unit at least once, several twice, between 01-26 and 02-03.
    pledges = 1
    for i in range(42):
        unit = units[i % len(units)]
        day = datetime.date(2020, 1, 26) + datetime.timedelta(days=rng.randrange(9))
        staff = officers.get(unit.pk, [])
        services.activity_record(
            kind=Activity.Kind.PLEDGE,
            title="向党旗宣誓：党旗飘扬在一线、党员冲锋在前",
            day=day,
            unit=unit,
            branch=branches[unit.pk],
            participants=[o for o in staff if o.party_member] or staff[:1],
            participant_count=len(staff) or 1,
            by=political,
        )
        pledges += 1
    for i, unit in enumerate(units[:6]):
        services.activity_record(
            kind=Activity.Kind.THEME_DAY if i % 2 else Activity.Kind.VOLUNTEER,
            title="主题党日：学习疫情防控要求" if i % 2 else "志愿服务：进村入户宣传防护知识",
            day=datetime.date(2020, 1, 30) + datetime.timedelta(days=i % 4),
            unit=unit,
            branch=branches[unit.pk],
            participant_count=len(officers.get(unit.pk, [])) or 1,
            by=political,
        )
    teams = [
        (CommandoTeam.Kind.VOLUNTEER, "泗店派出所党员疫情防控志愿突击队", sidian),
        (CommandoTeam.Kind.PARTY, "特巡警大队党员突击队", Unit.objects.get(name="特巡警大队")),
        (
            CommandoTeam.Kind.PARTY_GROUP,
            "交警大队党小组突击队",
            Unit.objects.get(name="交通警察大队"),
        ),
    ]
    tasks = [
        "协助村居排查武汉返乡人员",
        "104国道检查站夜间勤务",
        "为居家隔离人员代购生活物资",
        "高速出口检查站增援",
        "宣传防护知识进村入户",
    ]
    for n, (kind, name, unit) in enumerate(teams):
        staff = officers[unit.pk]
        team = services.team_create(
            data=services.CommandoTeamInput(
                kind=kind,
                name=name,
                unit=unit,
                leader=staff[0],
                members=[o for o in staff if o.party_member][:8] or staff[:5],
                formed_on=datetime.date(2020, 1, 27),
            ),
            by=political,
        )
        for j in range(3):
            services.team_task_add(
                team=team,
                day=datetime.date(2020, 1, 28) + datetime.timedelta(days=j * 2),
                title=tasks[(n + j) % len(tasks)],
                by=political,
            )
    reports = []
    for i, (level, outlet, title) in enumerate(MEDIA):
        reports.append(
            services.media_report_record(
                title=title,
                outlet=outlet,
                level=level,
                day=datetime.date(2020, 1, 27) + datetime.timedelta(days=i % 8),
                unit=sidian if "泗店" in title else None,
                by=political,
            )
        )
    services.media_report_record(
        title="宁阳县公安局：战“疫”一线党旗红 警徽闪耀护平安",
        outlet="鲁网",
        level=MediaReport.Level.PROVINCIAL,
        day=ctx.today,  # the article ran a day later; the demo county ends on its day
        by=political,
    )
    for i, (title, platform, likes, comments) in enumerate(POSTS):
        services.post_record(
            title=title,
            platform=platform,
            day=datetime.date(2020, 1, 27) + datetime.timedelta(days=i),
            likes=likes,
            comments=comments,
            by=political,
            unit=political.unit,
        )
    hero = officers[Unit.objects.get(name="特巡警大队").pk][3]
    services.role_model_record(
        title="7天7夜坚守104国道检查站",
        story="自1月26日起，他在104国道联合检查站连续坚守7天7夜，吃住在卡点，"
        "带领三班执勤民警做到不漏一车、不漏一人。",
        day=datetime.date(2020, 2, 2),
        officers=[hero],
        unit=hero.unit,
        reports=[reports[1], reports[4]],
        by=political,
    )
    services.role_model_record(
        title="泗店派出所：疫情不灭，警察不退",
        story="泗店派出所全体民警向党旗宣誓，成立党员志愿突击队，辖区返乡人员全部落实居家隔离。",
        day=datetime.date(2020, 1, 29),
        officers=officers[sidian.pk][:2],
        unit=sidian,
        reports=[reports[5]],
        by=political,
    )
    notice = services.notice_publish(
        kind=Notice.Kind.GUIDE,
        title="民警辅警执勤防护知识（第一期）",
        body="一、执勤时全程规范佩戴医用外科口罩或N95口罩，每4小时更换。\n"
        "二、检查人员和车辆后及时用75%酒精或免洗消毒液清洁双手。\n"
        "三、下班回家先洗手、更换衣物，外衣放置通风处。\n"
        "四、出现发热、干咳等症状立即报告，不带病上岗。",
        to_all=True,
        by=political,
        at=ctx.at(datetime.date(2020, 1, 28), 9),
    )
    readers = list(
        User.objects.filter(
            username__in=["zhihui", "gangcheng", "sidian", "baozhang", "jianchazhan", "zhenggong"]
        )
    )
    for k, user in enumerate(readers):
        services.notice_confirm(
            notice=notice, user=user, at=ctx.at(datetime.date(2020, 1, 28), 10 + k)
        )
    ctx.data["pledges"] = pledges
