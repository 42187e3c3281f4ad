from __future__ import annotations

from django import template

from fangkong.checkpoints.rules import FLAG_LABELS

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
