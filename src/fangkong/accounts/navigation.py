"""The menu and each role's home page, assembled from what every app registers.

An app adds its pages in its AppConfig.ready(): `register_nav(...)` for the menu,
`register_card(...)` for the home page of the roles whose daily work it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from fangkong.accounts.roles import user_can

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


NAV: list[NavItem] = []
CARDS: list[HomeCard] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def register_card(card: HomeCard) -> None:
    if all((c.url_name, c.roles) != (card.url_name, card.roles) for c in CARDS):
        CARDS.append(card)
        CARDS.sort(key=lambda c: c.order)


def nav_for(user: User, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV:
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
    for card in CARDS:
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
