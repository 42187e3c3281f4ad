"""Numbers in tables of figures, written as core.figures writes every figure."""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.core.figures import format_number

register = template.Library()


@register.filter
def number(value: Any) -> Any:
    """1700 → "1,700", 12.0 → "12"; text (a name, an hour "08") is left as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return format_number(value)
