from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import bounds, clock
from fangkong.core.forms import DayField
from fangkong.org.models import Unit
from fangkong.outreach.models import Activity, MediaReport, Notice


def _day() -> forms.DateField:
    return DayField(
        label=_("日期"),
        initial=clock.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("主题"), max_length=80)
    day = _day()
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("单位"))
    participant_count = forms.IntegerField(
        max_value=bounds.MAX_COUNT, label=_("参加人数"), min_value=1
    )
    note = forms.CharField(
        max_length=bounds.NOTE,
        label=_("内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MediaReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    outlet = forms.CharField(label=_("媒体"), max_length=40)
    level = forms.ChoiceField(label=_("级别"), choices=MediaReport.Level.choices)
    day = _day()
    link = forms.URLField(
        max_length=bounds.URL, label=_("链接"), required=False, assume_scheme="https"
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("相关单位"), required=False)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=80)
    body = forms.CharField(
        max_length=bounds.TEXT, label=_("正文"), widget=forms.Textarea(attrs={"rows": 6})
    )
    to_all = forms.BooleanField(label=_("发全体民警"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        Unit.objects.all(), label=_("接收单位"), required=False, widget=forms.CheckboxSelectMultiple
    )
