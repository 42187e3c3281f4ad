from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.jurisdiction import area_choices
from fangkong.core import bounds, clock
from fangkong.core.forms import DayField, NamedErrorsForm, field_of
from fangkong.honors.models import Commendation
from fangkong.org.models import Officer, Unit


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.short_name or obj.unit.name} {obj.name}（{obj.badge_number}）"


class ReportForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("表彰对象"), choices=Commendation.Kind.choices)
    officer = OfficerChoice(
        Officer.objects.select_related("unit").order_by("unit__path", "badge_number"),
        label=_("民警（个人）"),
        required=False,
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("单位（集体）"), required=False)
    level = forms.ChoiceField(label=_("表彰等级"), choices=Commendation.Level.choices)
    tier = forms.ChoiceField(label=_("表彰层级"), choices=Commendation.Tier.choices)
    deeds = forms.CharField(
        max_length=bounds.TEXT, label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        """Only the officers and units of the user's area (a county's inside a city)."""
        super().__init__(*args, **kwargs)
        area_choices(self, user)


class ActionForm(NamedErrorsForm):
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[(a, a) for a in ("review", "approve", "award", "return", "reject", "resubmit")],
    )
    note = forms.CharField(label=_("意见"), max_length=200, required=False)
    deeds = forms.CharField(
        max_length=bounds.TEXT, label=_("主要事迹"), required=False, widget=forms.Textarea
    )


class CircularForm(NamedErrorsForm):
    number = forms.CharField(label=_("文号"), max_length=30, help_text=_("例如：宁公政〔2020〕3号"))
    title = forms.CharField(
        label=_("标题"), max_length=80, initial=_("关于表扬疫情防控工作中先进集体和先进个人的通报")
    )
    day = DayField(
        label=_("印发日期"),
        initial=clock.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    commendations = forms.ModelMultipleChoiceField(
        Commendation.objects.none(), label=_("通报的表彰"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "commendations", forms.ModelChoiceField).queryset = choices
