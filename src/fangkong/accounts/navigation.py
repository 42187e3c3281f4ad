"""The menu and each role's home page, assembled from what every app declares.

One style for every app (as NetBox's navigation/menu.py): the app's `navigation.py` declares
`MENU` (its NavItems) and `CARDS` (its HomeCards, for the home page of the roles whose daily
work it is, with the functions that count them) as data, and its AppConfig.ready() hands
both to `register_navigation`. This module is accounts' own `navigation.py` too (MENU below).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role, user_can

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    perm: str | None = None
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)

    def visible_to(self, user: User) -> bool:
        if self.roles and user.role not in self.roles:
            return False
        return self.perm is None or user_can(user, self.perm)


@dataclass(frozen=True)
class HomeCard:
    """A piece of a role's daily work on their home page, with a count when it has one."""

    title: Any
    text: Any
    url_name: str
    roles: frozenset[str]
    order: int = 100
    count: Callable[[User], int] | None = None
    tone: str = ""


_NAV: list[NavItem] = []
_CARDS: list[HomeCard] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _NAV):
        _NAV.append(item)
        _NAV.sort(key=lambda i: i.order)


def register_card(card: HomeCard) -> None:
    if all((c.url_name, c.roles) != (card.url_name, card.roles) for c in _CARDS):
        _CARDS.append(card)
        _CARDS.sort(key=lambda c: c.order)


def register_navigation(menu: Iterable[NavItem], cards: Iterable[HomeCard] = ()) -> None:
    """Add an app's declared menu entries and home cards (its navigation.py's MENU, CARDS)."""
    for item in menu:
        register_nav(item)
    for card in cards:
        register_card(card)


def nav_for(user: User, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in _NAV:
        if item.visible_to(user):
            items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # The item whose address is the longest prefix of the page's is the one we are in
    # (/cases/today/ is 今日随访, not also 隔离管控 at /cases/).
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def cards_for(user: User) -> list[dict[str, Any]]:
    out = []
    for card in _CARDS:
        if user.role in card.roles:
            out.append(
                {
                    "title": card.title,
                    "text": card.text,
                    "url": reverse(card.url_name),
                    "count": card.count(user) if card.count else None,
                    "tone": card.tone,
                }
            )
    return out


# accounts' own entries: the home page, the audit trail, second-factor resets, the admin site.
MENU = [
    NavItem(_("首页"), "home", order=0),
    NavItem(_("审计日志"), "audit_list", perm="audit.view", order=900),
    NavItem(_("二次验证重置"), "mfa_reset_list", perm="accounts.mfa_reset", order=940),
    NavItem(_("后台管理"), "admin:index", perm="admin.site", order=950),
]
CARDS: list[HomeCard] = [
    HomeCard(
        title=_("审计日志"),
        text=_("登录、查看完整个人信息、数据修改和账号角色变更的留痕记录，系统管理员的操作在内"),
        url_name="audit_list",
        roles=frozenset({Role.AUDITOR}),
        order=10,
    ),
    HomeCard(
        title=_("账号角色"),
        text=_(
            "为新建账号分配角色，变更账号的角色和所属单位（三权分立：只由安全管理员设定，留痕）"
        ),
        url_name="admin:accounts_user_changelist",
        roles=frozenset({Role.SECURITY}),
        order=10,
    ),
    HomeCard(
        title=_("二次验证重置"),
        text=_("手机丢失或更换时重置账号的二次验证，须填写原因（只由安全管理员重置，留痕）"),
        url_name="mfa_reset_list",
        roles=frozenset({Role.SECURITY}),
        order=20,
    ),
]
