"""The officer list's filters, declared once for its page (/org/officers/) and the
organisation's figures that link to it (org/stats.py): core/filters.py. Officers have no
list API and no export."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import by, choice, search
from fangkong.org.models import Officer, Unit


@dataclass
class OfficerFilter:
    q: str = search(_("姓名、警号或拼音首字母"), in_api=False, input_type="search", max_length=40)
    # A unit and every unit under it.
    unit: Unit | None = by(
        None,
        form=lambda: forms.ModelChoiceField(
            label=_("单位"), queryset=Unit.objects.all(), required=False, empty_label=_("全部单位")
        ),
    )
    status: str = choice(_("状态"), Officer.Status.choices, everything=_("全部状态"))
    kind: str = choice(_("类别"), Officer.Kind.choices, everything=_("民警和辅警"))
