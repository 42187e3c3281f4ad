"""Roles and what each may do: the one written table of who may do what.

Views and API handlers ask `user_can(user, "perm")`; docs/roles.md is checked against this
table by the test suite, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class Role(models.TextChoices):
    COMMAND = "command", _("局领导/指挥中心")
    WORKGROUP = "workgroup", _("工作组成员")
    STATION = "station", _("派出所")
    CHECKPOINT = "checkpoint", _("检查站")
    FOLLOWUP = "followup", _("随访人员")
    POLITICAL = "political", _("政工")
    LOGISTICS = "logistics", _("警务保障")
    ADMIN = "admin", _("系统管理员")
    MEDICAL = "medical", _("定点医疗机构")
    AUDITOR = "auditor", _("审计管理员")
    SECURITY = "security", _("安全管理员")


# Permission code → what it lets a user do (shown in docs/roles.md).
PERMISSIONS: dict[str, str] = {
    "people.view": "查看人员信息（默认脱敏）",
    "people.edit": "登记和修改人员信息",
    "people.reveal": "查看人员的完整身份证号、电话和住址，及本辖区警力的完整电话（每次查看均留痕）",
    "people.viewers": "查看谁看过本辖区人员的完整信息（人员档案的查看记录）",
    "people.merge": "合并同一人员的重复记录（疑似重复人员队列；限本辖区，当日可撤销，留痕）",
    "org.view": "查看单位、警力、工作组和战时命令",
    "org.edit": "维护单位、警力和工作组",
    "org.wartime": "发布战时命令、登记民警归队",
    "org.jurisdiction": "变更决定谁能看到哪些人员的基础数据：乡镇街道的辖区派出所、单位的上级单位和所属区划、检查站的责任单位、定点医疗机构的医务人员账号（每次变更留痕）",
    "quarantine.view": "查看隔离管控对象、随访记录和预警（个人信息默认脱敏）",
    "quarantine.verify": "核查待核查对象、分配“四包一”、变更状态、处置预警",
    "quarantine.followup": "录入随访（体温、症状、是否在家）",
    "quarantine.release": "确认解除隔离、打印解除居家隔离告知书",
    "audit.view": "查看审计日志",
    "accounts.mfa_reset": "重置用户的二次验证（手机丢失或更换时；须填写原因，留痕；不含本人和管理员的账号）",
    "accounts.manage": "新建账号（新账号待安全管理员分配角色），修改姓名、类别和启用状态，设置临时密码（本人下次登录须先改为自己的密码）",
    "accounts.roles": "设定和变更账号的角色及所属单位、乡镇街道、对应警力（每次变更留痕）",
    "quarantine.import": "导入上级推送名单，确认疑似重复人员，为未分配对象指定乡镇",
    "checkpoints.view": "查看检查站、班次和在岗情况",
    "checkpoints.passages": "查看卡口台账：通行记录、旅客和车辆轨迹（个人信息）",
    "checkpoints.register": "在检查站登记通行车辆和人员、确认扫码登记",
    "checkpoints.roster": "检查站排班（联合查控组）：安排班次、带班负责人和临时党小组",
    "checkpoints.manage": "维护检查站（新建、修改名称、道路、车道和班次；责任单位只在新建时指定）和设备令牌",
    "admin.site": "使用后台管理（系统管理员：基础数据和账号；安全管理员：账号的角色和基础数据的辖区归属）",
    "logistics.view": "查看防护物资库存、台账、采购、捐赠和发放",
    "logistics.edit": "登记采购、捐赠、发放和库存调整，维护物资目录和仓库",
    "honors.view": "查看战时表彰和表扬通报",
    "honors.report": "上报战时表彰（快报）",
    "honors.review": "审核战时表彰（快审）、退回修改或不予表彰",
    "honors.approve": "批准战时表彰（快批）",
    "honors.award": "颁奖（快奖）、印发表扬通报",
    "welfare.view": "查看和跟进民警家庭困难（暖警）；本单位负责人（三个管理员角色除外）另可查看本单位民警的记录",
    "outreach.view": "查看党建、突击队和宣传舆情",
    "outreach.edit": "登记党建活动、突击队、媒体报道、自媒体作品和典型",
    "notices.publish": "发布通知和防护知识，查看阅读回执",
    "command.dashboard": "查看指挥中心看板、大屏和疫情防控工作日报",
    "command.task.assign": "向工作组和单位交办任务",
    "command.task.work": "签收交办任务，反馈进展和办理结果",
    "command.inspect": "登记实地检查指导及发现的问题",
    "command.rectify": "查看检查发现的问题并登记整改情况",
    "command.incident.view": "查看涉疫警情及处置结果",
    "command.incident.edit": "登记涉疫警情及处置结果",
    "medical.view": "查看移交医疗、交接单和诊断结果（个人信息默认脱敏）",
    "medical.handoff": "移交医疗（检查站处置、发热预警、随访发现），打印交接单",
    "medical.receive": "接收移交医疗，登记诊断结果（排除、疑似、确诊、留观）",
    "contacts.view": "查看人员的同车、同住密切接触者及传播链",
    "contacts.refer": "将密切接触者转派出所核查（建档或并入已有对象）",
}

_COMMAND_ALL = {
    "command.dashboard",
    "command.task.assign",
    "command.task.work",
    "command.inspect",
    "command.rectify",
    "command.incident.view",
    "command.incident.edit",
}
_COMMAND_WORK = {
    "command.task.work",
    "command.rectify",
    "command.incident.view",
    "command.incident.edit",
}

# Which users' records a role sees (see accounts/jurisdiction.py).
COUNTY = "county"
UNIT = "unit"
TOWNSHIP = "township"
CHECKPOINT = "checkpoint"
OWN = "own"

QUARANTINE_ALL = {
    "quarantine.view",
    "quarantine.verify",
    "quarantine.followup",
    "quarantine.release",
}
# 移交医疗 and contacts: the command centre and stations hand over, see and refer contacts;
# the outcome (排除, 疑似, 确诊, 留观) is a diagnosis, the receiving institution's alone
# (medical.receive, Role.MEDICAL: its staff see only the hand-offs addressed to it).
MEDICAL_ALL = {
    "medical.view",
    "medical.handoff",
    "contacts.view",
    "contacts.refer",
}

ROLE_TABLE: dict[str, dict[str, object]] = {
    Role.COMMAND: {
        "scope": COUNTY,
        "perms": {
            "people.view",
            "people.edit",
            "people.reveal",
            "people.viewers",
            "org.view",
            "org.wartime",
            "logistics.view",
            "honors.view",
            "honors.report",
            "honors.approve",
            "outreach.view",
            "notices.publish",
            "quarantine.import",
            "checkpoints.view",
            "checkpoints.passages",
            "checkpoints.roster",
            # The command centre opens and closes checkpoints (the admin keeps the device
            # tokens and the admin site).
            "checkpoints.manage",
        }
        | _COMMAND_ALL
        | QUARANTINE_ALL
        | MEDICAL_ALL,
    },
    Role.WORKGROUP: {
        "scope": COUNTY,
        "perms": {
            "people.view",
            "org.view",
            "honors.view",
            "outreach.view",
            "quarantine.view",
            "checkpoints.view",
            "checkpoints.passages",
            "checkpoints.roster",
            "medical.view",
            "contacts.view",
        }
        | _COMMAND_WORK,
    },
    Role.STATION: {
        "scope": UNIT,
        "perms": {
            "people.view",
            "people.edit",
            "people.reveal",
            # Whose eyes were on its own people's full data (the person file's part).
            "people.viewers",
            # Household registration is the station's: it merges two records of one person
            # when both are in its area (people/merge.py).
            "people.merge",
            "org.view",
            "honors.view",
            "honors.report",
            "quarantine.import",
        }
        | _COMMAND_WORK
        | QUARANTINE_ALL
        | MEDICAL_ALL,
    },
    Role.CHECKPOINT: {
        "scope": CHECKPOINT,
        # No people.view: a checkpoint reads its own registrations, not people's records;
        # people.reveal shows those registrations unmasked (the register export, the ID
        # check's reminder of its own last registration), each time audited.
        "perms": {
            "people.reveal",
            "checkpoints.view",
            "checkpoints.passages",
            "checkpoints.register",
            "medical.view",
            "medical.handoff",
        },
    },
    Role.FOLLOWUP: {
        "scope": OWN,
        "perms": {
            "people.view",
            "quarantine.view",
            "quarantine.followup",
            "medical.view",
            "medical.handoff",
        },
    },
    Role.POLITICAL: {
        "scope": COUNTY,
        "perms": {
            "org.view",
            "org.edit",
            "org.wartime",
            "honors.view",
            "honors.report",
            "honors.review",
            "honors.award",
            "welfare.view",
            "outreach.view",
            "outreach.edit",
            "notices.publish",
        },
    },
    Role.LOGISTICS: {"scope": COUNTY, "perms": {"org.view", "logistics.view", "logistics.edit"}},
    Role.ADMIN: {
        "scope": COUNTY,
        "perms": {
            "org.view",
            "org.edit",
            "accounts.manage",
            "admin.site",
            "checkpoints.view",
            "checkpoints.manage",
        },
    },
    # The designated clinic or hospital: the hand-offs addressed to it, and their outcome.
    Role.MEDICAL: {"scope": OWN, "perms": {"medical.view", "medical.receive"}},
    # Separation of administrative duties (三权分立): the system administrator manages
    # accounts and reference data but does not read the audit trail; the audit
    # administrator reads it (every sign-in, view of personal data, write and role change,
    # the administrator's own included) and manages nothing.
    Role.AUDITOR: {"scope": COUNTY, "perms": {"audit.view"}},
    # The third of 三权分立: the security administrator alone sets an account's role and what
    # places it (unit, township, officer), in the admin site's account form, and resets
    # second factors; the system administrator makes accounts (with no role until this one
    # gives it), sets temporary passwords and keeps the reference data — but not what in it
    # decides who sees whom (a township's station, a unit's place in the tree, an
    # institution's staff: org.jurisdiction), which is this one's too. Taking over an account
    # thus needs both: the password from one, the second factor from the other. Neither
    # reads personal data or the trail.
    Role.SECURITY: {
        "scope": COUNTY,
        "perms": {"admin.site", "accounts.roles", "accounts.mfa_reset", "org.jurisdiction"},
    },
}

SCOPE_LABELS: dict[str, str] = {
    COUNTY: "全县",
    UNIT: "本单位及下属单位辖区",
    TOWNSHIP: "本乡镇街道",
    CHECKPOINT: "本检查站登记的记录",
    OWN: "本人负责的对象（定点医疗机构：移交本机构的人员）",
}


def role_perms(role: str) -> frozenset[str]:
    entry = ROLE_TABLE.get(role)
    return frozenset(entry["perms"]) if entry else frozenset()  # type: ignore[call-overload]


def role_scope(role: str) -> str | None:
    entry = ROLE_TABLE.get(role)
    return str(entry["scope"]) if entry else None


def user_can(user: AbstractBaseUser | AnonymousUser, perm: str) -> bool:
    # Typed by Django's base user, not accounts.models.User: models imports this module.
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    if not user.is_authenticated or not user.is_active:
        return False
    return perm in role_perms(getattr(user, "role", ""))


# The three administrators of 三权分立: they keep accounts, reference data and the trail, and
# write no business data (people, cases, checkpoints, hand-offs, welfare, supplies, …).
ADMINISTRATOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
# Roles whose accounts no administrator reaches inside the application (may_manage_account,
# may_set_role): the three administrators', made and repaired on the command line.
UNMANAGED_ROLES = ADMINISTRATOR_ROLES


def is_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user holds one of the three administrator roles. A right that comes from
    something other than the role table — the post of the account's officer (a unit's head,
    org/welfare.py) — is never theirs: an administrator's account is one of the bureau's IT,
    whatever officer it names, and what it may do is the role table's alone."""
    return getattr(user, "role", "") in ADMINISTRATOR_ROLES


def assignable_roles() -> list[tuple[str, Any]]:
    """The roles the security administrator may give an account inside the application
    (see may_set_role): every role but the three administrators'."""
    return [(value, label) for value, label in Role.choices if value not in UNMANAGED_ROLES]
