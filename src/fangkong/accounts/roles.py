"""Roles and what each may do: the one written table of who may do what.

Views and API handlers ask `user_can(user, "perm")`; docs/roles.md is checked against this
table by the test suite, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User


class Role(models.TextChoices):
    COMMAND = "command", _("局领导/指挥中心")
    WORKGROUP = "workgroup", _("工作组成员")
    STATION = "station", _("派出所")
    CHECKPOINT = "checkpoint", _("检查站")
    FOLLOWUP = "followup", _("随访人员")
    POLITICAL = "political", _("政工")
    LOGISTICS = "logistics", _("警务保障")
    ADMIN = "admin", _("系统管理员")


# Permission code → what it lets a user do (shown in docs/roles.md).
PERMISSIONS: dict[str, str] = {
    "people.view": "查看人员信息（默认脱敏）",
    "people.edit": "登记和修改人员信息",
    "people.reveal": "查看完整身份证号、电话和住址（每次查看均留痕）",
    "org.view": "查看单位、警力、工作组和战时命令",
    "org.edit": "维护单位、警力和工作组",
    "org.wartime": "发布战时命令、登记民警归队",
    "audit.view": "查看审计日志",
    "checkpoints.view": "查看检查站、通行登记台账和在岗情况",
    "checkpoints.register": "在检查站登记通行车辆和人员、确认扫码登记",
    "checkpoints.roster": "检查站排班（联合查控组）：安排班次、带班负责人和临时党小组",
    "checkpoints.manage": "维护检查站和设备令牌",
    "admin.site": "使用后台管理维护基础数据和账号",
}

# Which users' records a role sees (see accounts/jurisdiction.py).
COUNTY = "county"
UNIT = "unit"
TOWNSHIP = "township"
CHECKPOINT = "checkpoint"
OWN = "own"

ROLE_TABLE: dict[str, dict[str, object]] = {
    Role.COMMAND: {
        "scope": COUNTY,
        "perms": {
            "people.view",
            "people.edit",
            "people.reveal",
            "org.view",
            "org.wartime",
            "checkpoints.view",
            "checkpoints.roster",
        },
    },
    Role.WORKGROUP: {
        "scope": COUNTY,
        "perms": {"people.view", "org.view", "checkpoints.view", "checkpoints.roster"},
    },
    Role.STATION: {
        "scope": UNIT,
        "perms": {"people.view", "people.edit", "people.reveal", "org.view"},
    },
    Role.CHECKPOINT: {
        "scope": CHECKPOINT,
        "perms": {"people.view", "people.reveal", "checkpoints.view", "checkpoints.register"},
    },
    Role.FOLLOWUP: {"scope": OWN, "perms": {"people.view"}},
    Role.POLITICAL: {"scope": COUNTY, "perms": {"org.view", "org.edit", "org.wartime"}},
    Role.LOGISTICS: {"scope": COUNTY, "perms": {"org.view"}},
    Role.ADMIN: {
        "scope": COUNTY,
        "perms": {
            "org.view",
            "org.edit",
            "audit.view",
            "admin.site",
            "checkpoints.view",
            "checkpoints.manage",
        },
    },
}

SCOPE_LABELS: dict[str, str] = {
    COUNTY: "全县",
    UNIT: "本单位及下属单位辖区",
    TOWNSHIP: "本乡镇街道",
    CHECKPOINT: "本检查站",
    OWN: "本人负责的对象",
}


def role_perms(role: str) -> frozenset[str]:
    entry = ROLE_TABLE.get(role)
    return frozenset(entry["perms"]) if entry else frozenset()  # type: ignore[call-overload]


def role_scope(role: str) -> str | None:
    entry = ROLE_TABLE.get(role)
    return str(entry["scope"]) if entry else None


def user_can(user: User | AnonymousUser, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    if not user.is_authenticated or not user.is_active:
        return False
    return perm in role_perms(user.role)
