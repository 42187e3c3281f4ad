from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import bounds
from fangkong.core.filters import filter_form
from fangkong.core.forms import MomentField
from fangkong.org.filters import OfficerFilter
from fangkong.org.models import Officer, Unit

OfficerFilterForm = filter_form(OfficerFilter, "OfficerFilterForm")


class OfficerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=30)
    badge_number = forms.CharField(label=_("警号"), max_length=12)
    kind = forms.ChoiceField(label=_("类别"), choices=Officer.Kind.choices)
    unit = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Unit.objects.all(), empty_label=_("请选择")
    )
    position = forms.CharField(label=_("职务"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    party_member = forms.BooleanField(label=_("党员"), required=False)


class WartimeOrderForm(forms.Form):
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


class ReportBackForm(forms.Form):
    reported_at = MomentField(
        label=_("报到时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
