"""The audit log's filters, declared once for its page (/audit/): core/filters.py. The
trail has no list API and no export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from fangkong.accounts.audit_display import object_type_choices
from fangkong.core import bounds
from fangkong.core.filters import by, choice, day, text
from fangkong.core.forms import field_of
from fangkong.core.models import AuditEntry


def object_types_of(form: forms.Form, trail: QuerySet[AuditEntry]) -> None:
    """Offer in the form's type picker the types of `trail`, the entries its user may read
    (accounts.views.audit_trail): read each time the picker is drawn or checked, and a
    type outside them refused as any choice not offered."""
    held = trail.order_by().values_list("object_type", flat=True).distinct()
    field_of(form, "object_type", forms.ChoiceField).choices = [
        ("", _("全部")),
        *object_type_choices(held),
    ]


def _text(label: StrOrPromise) -> forms.Field:
    return forms.CharField(max_length=bounds.SHORT, label=label, required=False)


def _record_number() -> forms.Field:
    return forms.IntegerField(
        label=_("对象编号"),
        required=False,
        min_value=1,
        max_value=bounds.MAX_ID,
        error_messages={"invalid": _("对象编号须为记录的编号（正整数）")},
    )


def _number_text(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass
class AuditFilter:
    # A name the entry was written under, or a username.
    actor: str = by("", form=lambda: _text(_("操作人")), value=text)
    action: str = choice(_("操作"), AuditEntry.Action.choices)
    object_type: str = by(
        "",
        # Its choices: the types of the trail the user reads (object_types_of).
        form=lambda: forms.ChoiceField(label=_("对象类型"), required=False, choices=[]),
        value=text,
    )
    # A record's number, as every entry names its object: anything else is refused naming
    # the filter, not looked for (an empty list, no word why).
    object_id: str = by("", form=_record_number, value=_number_text)
    date_from: datetime.date | None = by(None, form=lambda: day(_("起始日期")))
    date_to: datetime.date | None = by(None, form=lambda: day(_("截止日期")))
