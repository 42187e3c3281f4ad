"""The task list's filters, declared once for its page (/command/tasks/), its home cards
(command/navigation.py) and the dashboard's figures that link to it (command/stats.py):
core/filters.py. Tasks have no API and no export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.command.models import Task
from fangkong.core.filters import by, choice, day
from fangkong.org.models import WorkingGroup


@dataclass
class TaskFilter:
    # "open": not done yet; else one status.
    status: str = choice(_("状态"), [("open", _("未办结")), *Task.Status.choices])
    # The page offers the working groups of the user's area (accounts.jurisdiction.area_choices).
    group: WorkingGroup | None = by(
        None,
        form=lambda: forms.ModelChoiceField(
            label=_("承办工作组"),
            queryset=WorkingGroup.objects.all(),
            required=False,
            empty_label=_("全部"),
        ),
    )
    # Past its deadline and not done by the end of that day.
    overdue: datetime.date | None = by(None, form=lambda: day(_("截至该日逾期")))
    issued: datetime.date | None = by(None, form=lambda: day(_("交办日期")))
    done: datetime.date | None = by(None, form=lambda: day(_("办结日期")))
    until: datetime.date | None = by(None, form=lambda: day(_("截至该日已交办")))
