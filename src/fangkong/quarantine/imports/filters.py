"""The filter of an import's report rows, declared once for its page (/imports/<id>/,
`?problems=1`) and the API (GET /api/v1/imports/{id}, `problems_only`): core/filters.py.
The downloaded report (导入报告) holds every row, as it always has."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import by, flag


def _problems_field() -> forms.Field:
    # The page's link says `problems=1`; anything else shows every row.
    return forms.TypedChoiceField(
        label=_("只看有问题的行"),
        required=False,
        choices=[("", ""), ("1", "1")],
        coerce=lambda value: value == "1",
    )


@dataclass
class EntryFilter:
    # Only the rows refused, stored with a warning or with a note.
    problems_only: bool = by(False, page="problems", form=_problems_field, value=flag, api=bool)
