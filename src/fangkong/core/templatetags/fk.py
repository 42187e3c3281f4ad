"""Template filters for personal data: each value as the disclosure rule shows it."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.core import disclosure

register = template.Library()


@register.filter
def shown(value: Any, field: str) -> Any:
    """`{{ person.phone|shown:"phone" }}`: masked by the rule of core.disclosure. A page
    that has just audited a reveal renders the full value itself (core.disclosure.
    person_shown), never through this filter."""
    return disclosure.shown(field, value)
