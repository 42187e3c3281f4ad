"""Menu entry and home cards of pushed-list imports, declared as data (the quarantine app's
navigation.py adds them to its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.accounts.navigation import HomeCard, NavItem
from fangkong.accounts.roles import Role

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _pending_duplicates(user: User) -> int:
    from fangkong.quarantine.imports.selectors import duplicate_list

    return duplicate_list(user=user).count()


def _unrouted(user: User) -> int:
    from fangkong.quarantine.imports.selectors import unrouted_cases

    return unrouted_cases(user=user).count()


ROLES = frozenset({Role.STATION, Role.COMMAND})
MENU = [
    NavItem(_("名单导入"), "import_list", perm="quarantine.import", order=35),
]
CARDS = [
    HomeCard(
        title=_("导入推送名单"),
        text=_("上传上级推送的返乡人员名单，逐行校验并分配到派出所"),
        url_name="import_upload",
        roles=ROLES,
        order=40,
    ),
    HomeCard(
        title=_("疑似重复人员"),
        text=_("名单中姓名和电话与已登记人员相同的行，待确认"),
        url_name="import_duplicates",
        roles=ROLES,
        order=41,
        count=_pending_duplicates,
        tone="warn",
    ),
    HomeCard(
        title=_("待分配乡镇"),
        text=_("住址未能匹配乡镇街道的对象，待指定"),
        url_name="import_unrouted",
        roles=ROLES,
        order=42,
        count=_unrouted,
        tone="warn",
    ),
]
