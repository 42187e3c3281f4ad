"""The case list's filters (the 台账), declared once for its page, its export and the API,
and the alert list's (core/filters.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.api import Choice
from fangkong.core.bounds import DayCount, Id
from fangkong.core.filters import by, choice, flag, pk, search, text
from fangkong.core.forms import DayField
from fangkong.org.models import Township, Unit
from fangkong.quarantine.models import Alert, CaseStatus


def _day_count(value: int | None) -> int | None:
    return value if value and value > 0 else None


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


@dataclass
class CaseFilter:
    """What a user filters the case list by."""

    q: str = search(_("姓名、完整的身份证号或电话"))
    township_id: int | None = by(
        None,
        page="township",
        form=lambda: forms.ModelChoiceField(
            label=_("乡镇街道"), queryset=Township.objects.all(), required=False
        ),
        value=pk,
        api=Id | None,
    )
    station_id: int | None = by(
        None,
        page="station",
        form=lambda: forms.ModelChoiceField(
            label=_("责任派出所"),
            queryset=Unit.objects.filter(kind=Unit.Kind.STATION),
            required=False,
        ),
        value=pk,
        api=Id | None,
    )
    status: str = by(
        "",
        form=lambda: forms.ChoiceField(
            label=_("状态"), required=False, choices=[("", _("全部")), *CaseStatus.choices]
        ),
        value=text,
        api=Choice(CaseStatus.values),
    )
    # Day N of the quarantine (start date = day 1).
    qday: int | None = by(
        None,
        form=lambda: forms.IntegerField(
            label=_("隔离第几天"),
            required=False,
            min_value=1,
            max_value=60,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        ),
        api=DayCount | None,
        api_value=_day_count,
    )
    overdue: bool = by(
        False,
        form=lambda: forms.BooleanField(label=_("随访逾期"), required=False),
        value=flag,
        api=bool,
    )
    fever: bool = by(
        False,
        form=lambda: forms.BooleanField(label=_("发热未处置"), required=False),
        value=flag,
        api=bool,
    )
    # Any alert awaiting action.
    alert: bool = by(
        False, form=lambda: forms.BooleanField(label=_("有待处置预警"), required=False), value=flag
    )
    # Due for release (day 15 or later).
    proposed: bool = by(
        False, form=lambda: forms.BooleanField(label=_("应解除"), required=False), value=flag
    )
    # Found (case opened) on that day.
    opened: datetime.date | None = by(
        None, form=lambda: DayField(label=_("建档日期"), required=False, widget=_date_input())
    )
    # Closed on that day.
    ended: datetime.date | None = by(
        None, form=lambda: DayField(label=_("结案日期"), required=False, widget=_date_input())
    )

    def is_empty(self) -> bool:
        return self == CaseFilter()


def _open_only(show: str) -> bool:
    # "open" (or nothing chosen): awaiting action; "all": resolved ones too.
    return show != "all"


@dataclass
class AlertFilter:
    """What a user filters the alert list by (/alerts/; its home card counts the default,
    the dashboard's figures link to a kind): the page only, alerts have no API or export."""

    kind: str = choice(_("类型"), Alert.Kind.choices)
    open_only: bool = by(
        True,
        page="show",
        form=lambda: forms.ChoiceField(
            label=_("范围"),
            required=False,
            choices=[("open", _("待处置")), ("all", _("全部"))],
        ),
        value=_open_only,
    )
