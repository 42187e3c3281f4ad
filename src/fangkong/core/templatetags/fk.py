"""Template filters for personal data: masked unless the page was asked to reveal it."""

from __future__ import annotations

from django import template

from fangkong.core import masking

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_id_number(value or "")


@register.filter
def mask_phone(value: str | None) -> str:
    return masking.mask_phone(value or "")


@register.filter
def mask_address(value: str | None) -> str:
    return masking.mask_address(value or "")
