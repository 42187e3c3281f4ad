"""How an audit record's values read on the audit page."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def change_value(value: Any) -> str:
    """[before, after] as "before → after"; any other value as itself (a string joined
    letter by letter with arrows was what the page showed before)."""
    if isinstance(value, list | tuple):
        return " → ".join("—" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None else str(value)
