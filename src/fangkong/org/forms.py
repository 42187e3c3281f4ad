from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import bounds
from fangkong.core.filters import filter_form
from fangkong.core.forms import KeptValuesForm, MomentField, NamedErrorsForm
from fangkong.org.filters import OfficerFilter
from fangkong.org.models import Officer, Unit

OfficerFilterForm = filter_form(OfficerFilter, "OfficerFilterForm")


class OfficerForm(KeptValuesForm, NamedErrorsForm):
    """新增/修改警力. An officer's phone is personal data: the form never holds it in full
    (the officer's page reveals it, audited, to who may see it); left empty, it stays."""

    name = forms.CharField(label=_("姓名"), max_length=30)
    badge_number = forms.CharField(label=_("警号"), max_length=12)
    kind = forms.ChoiceField(label=_("类别"), choices=Officer.Kind.choices)
    unit = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Unit.objects.all(), empty_label=_("请选择")
    )
    position = forms.CharField(label=_("职务"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    party_member = forms.BooleanField(label=_("党员"), required=False)

    def __init__(self, *args: Any, officer: Officer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officer is not None:
            if not self.is_bound:
                self.initial.update(
                    {
                        "name": officer.name,
                        "badge_number": officer.badge_number,
                        "kind": officer.kind,
                        "unit": officer.unit_id,
                        "position": officer.position,
                        "party_member": officer.party_member,
                    }
                )
            self.keep("phone", officer.phone)


class WartimeOrderForm(NamedErrorsForm):
    title = forms.CharField(label=_("标题"), max_length=60, initial=_("全警停休"))
    text = forms.CharField(
        max_length=bounds.TEXT,
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    effective_at = MomentField(
        label=_("生效时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ReportBackForm(NamedErrorsForm):
    reported_at = MomentField(
        label=_("报到时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
