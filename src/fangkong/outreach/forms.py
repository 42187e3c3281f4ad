from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import bounds, clock
from fangkong.core.forms import DayField, NamedErrorsForm
from fangkong.org.models import Officer, Unit
from fangkong.outreach.models import (
    Activity,
    CommandoTeam,
    MediaReport,
    Notice,
)


def _day(label: Any = None) -> forms.DateField:
    return DayField(
        label=label or _("日期"),
        initial=clock.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ActivityForm(NamedErrorsForm):
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


class MediaReportForm(NamedErrorsForm):
    title = forms.CharField(label=_("标题"), max_length=120)
    outlet = forms.CharField(label=_("媒体"), max_length=40)
    level = forms.ChoiceField(label=_("级别"), choices=MediaReport.Level.choices)
    day = _day()
    link = forms.URLField(
        max_length=bounds.URL, label=_("链接"), required=False, assume_scheme="https"
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("相关单位"), required=False)


class NoticeForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=80)
    body = forms.CharField(
        max_length=bounds.TEXT, label=_("正文"), widget=forms.Textarea(attrs={"rows": 6})
    )
    to_all = forms.BooleanField(label=_("发全体民警"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        Unit.objects.all(), label=_("接收单位"), required=False, widget=forms.CheckboxSelectMultiple
    )


def _officers() -> Any:
    return Officer.objects.select_related("unit").order_by("unit__path", "name")


class _Edit(NamedErrorsForm):
    """A form that, for an existing row, starts from the row's values (`instance`)."""

    many: tuple[str, ...] = ()

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None:
            initial = {}
            for name in self.base_fields:
                if name in self.many:
                    initial[name] = [o.pk for o in getattr(instance, name).all()]
                else:
                    value = getattr(instance, name)
                    initial[name] = value.pk if hasattr(value, "pk") else value
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)


class CommandoTeamForm(_Edit):
    """突击队, new or edited (team_create / team_update): its cleaned data is a
    CommandoTeamInput's fields."""

    many = ("members",)

    kind = forms.ChoiceField(label=_("类型"), choices=CommandoTeam.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=50)
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("单位"))
    leader = forms.ModelChoiceField(_officers(), label=_("队长"))
    members = forms.ModelMultipleChoiceField(
        _officers(),
        label=_("队员"),
        help_text=_("按住Ctrl多选；队长自动列为队员"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    formed_on = _day(_("成立日期"))


class SelfMediaPostForm(_Edit):
    """自媒体作品, new or edited (post_record / post_update)."""

    title = forms.CharField(label=_("标题"), max_length=120)
    platform = forms.CharField(label=_("平台"), max_length=30, help_text=_("如 微信公众号、抖音"))
    day = _day(_("发布日期"))
    link = forms.URLField(
        max_length=bounds.URL, label=_("链接"), required=False, assume_scheme="https"
    )
    likes = forms.IntegerField(label=_("点赞"), min_value=0, max_value=bounds.MAX_COUNT, initial=0)
    comments = forms.IntegerField(
        label=_("留言"), min_value=0, max_value=bounds.MAX_COUNT, initial=0
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("发布单位"), required=False)


class RoleModelForm(_Edit):
    """典型, new or edited (role_model_record / role_model_update)."""

    many = ("officers", "reports")

    title = forms.CharField(label=_("标题"), max_length=120)
    story = forms.CharField(
        label=_("事迹"), max_length=bounds.TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    day = _day(_("日期"))
    officers = forms.ModelMultipleChoiceField(
        _officers(),
        label=_("民警"),
        help_text=_("按住Ctrl多选"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("单位"), required=False)
    reports = forms.ModelMultipleChoiceField(
        MediaReport.objects.order_by("-day"),
        label=_("相关报道"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
