from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.command.filters import TaskFilter
from fangkong.command.models import Disposition, Incident, Problem, Task
from fangkong.core import bounds
from fangkong.core.filters import filter_form
from fangkong.core.forms import DayField, MomentField, NamedErrorsForm
from fangkong.org.models import Officer, Unit, WorkingGroup

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _officers() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Officer.objects.select_related("unit").order_by("unit__path", "badge_number")
    )


class DashboardDateForm(NamedErrorsForm):
    date = DayField(label=_("日期"), required=False, widget=DATE)


TaskFilterForm = filter_form(TaskFilter, "TaskFilterForm")


class TaskForm(NamedErrorsForm):
    title = forms.CharField(label=_("任务"), max_length=100)
    detail = forms.CharField(
        max_length=bounds.NOTE,
        label=_("要求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    group = forms.ModelChoiceField(
        label=_("承办工作组"),
        queryset=WorkingGroup.objects.all(),
        required=False,
        help_text=_("工作组和单位二选一"),
    )
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.all(), required=False)
    lead = forms.ModelChoiceField(
        label=_("牵头人"),
        queryset=Officer.objects.select_related("unit").order_by("unit__path", "badge_number"),
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("紧急程度"), choices=Task.Priority.choices, initial=Task.Priority.NORMAL
    )
    deadline = MomentField(label=_("完成时限"), widget=DATETIME)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("group")) == bool(data.get("unit")):
            self.add_error("group", _("承办工作组和承办单位须填写且只填写一个"))
        return data


class NoteForm(NamedErrorsForm):
    note = forms.CharField(
        max_length=bounds.NOTE, label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultForm(NamedErrorsForm):
    result = forms.CharField(
        max_length=bounds.NOTE, label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionForm(NamedErrorsForm):
    unit = forms.ModelChoiceField(label=_("被检查单位"), queryset=Unit.objects.all())
    place = forms.CharField(
        label=_("检查地点"),
        max_length=100,
        required=False,
        help_text=_("如：104国道联合检查站"),
    )
    inspector = forms.ModelChoiceField(
        label=_("带队领导"),
        queryset=Officer.objects.select_related("unit")
        .exclude(position="")
        .order_by("unit__path", "badge_number"),
    )
    at = MomentField(label=_("检查时间"), widget=DATETIME)
    summary = forms.CharField(
        max_length=bounds.NOTE,
        label=_("检查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InspectionFilterForm(NamedErrorsForm):
    day = DayField(label=_("检查日期"), required=False, widget=DATE)


class ProblemForm(NamedErrorsForm):
    # A blank first choice: a row the officer left alone posts "" and is not a problem.
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "---------"), *Problem.Kind.choices])
    description = forms.CharField(label=_("问题描述"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("整改责任人"),
        queryset=Officer.objects.select_related("unit").order_by("unit__path", "badge_number"),
    )
    deadline = DayField(label=_("整改时限"), widget=DATE)


ProblemFormSet = forms.formset_factory(ProblemForm, extra=3, max_num=20)


class ProblemFilterForm(NamedErrorsForm):
    open = DayField(label=_("截至该日未整改"), required=False, widget=DATE)
    found = DayField(label=_("发现日期"), required=False, widget=DATE)
    rectified = DayField(label=_("截至该日已整改"), required=False, widget=DATE)


class RectifyForm(NamedErrorsForm):
    rectification = forms.CharField(
        max_length=bounds.NOTE, label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2})
    )


class IncidentFilterForm(NamedErrorsForm):
    day = DayField(label=_("日期"), required=False, widget=DATE)
    until = DayField(label=_("截至日期"), required=False, widget=DATE)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *Incident.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Incident.Status.choices]
    )


class IncidentForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Incident.Kind.choices)
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.all())
    occurred_at = MomentField(label=_("发生时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=100)
    summary = forms.CharField(
        max_length=bounds.NOTE, label=_("简要案情"), widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("状态"), choices=Incident.Status.choices)


class DispositionForm(NamedErrorsForm):
    # A blank first choice: a row the officer left alone posts "" and is not a disposition.
    kind = forms.ChoiceField(
        label=_("处置"), choices=[("", "---------"), *Disposition.Kind.choices]
    )
    persons = forms.IntegerField(label=_("人数"), min_value=1, max_value=999, initial=1)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


DispositionFormSet = forms.formset_factory(DispositionForm, extra=2, max_num=10)


class IncidentStatusForm(NamedErrorsForm):
    status = forms.ChoiceField(label=_("状态"), choices=Incident.Status.choices)
