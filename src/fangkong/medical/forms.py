from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import bounds
from fangkong.core.forms import NamedErrorsForm
from fangkong.medical.models import Outcome

# A contact window: at most this many days back (an incubation period is 14).
MAX_CONTACT_DAYS = 60


class HandoffForm(NamedErrorsForm):
    reason = forms.CharField(
        label=_("移交原因"),
        max_length=bounds.LINE,
        required=False,
        help_text=_("留空：按预警、体温自动填写"),
    )


class OutcomeForm(NamedErrorsForm):
    outcome = forms.ChoiceField(label=_("诊断结果"), choices=[("", "---------"), *Outcome.choices])
    note = forms.CharField(label=_("接收方意见"), max_length=bounds.LINE, required=False)
    version = forms.IntegerField(
        label=_("版本号"), widget=forms.HiddenInput, min_value=1, max_value=bounds.MAX_VERSION
    )


class ContactDaysForm(NamedErrorsForm):
    days = forms.IntegerField(
        label=_("查找天数"),
        min_value=1,
        max_value=MAX_CONTACT_DAYS,
        required=False,
        error_messages={
            "min_value": _("查找天数：须在1至%(n)s之间") % {"n": MAX_CONTACT_DAYS},
            "max_value": _("查找天数：须在1至%(n)s之间") % {"n": MAX_CONTACT_DAYS},
            "invalid": _("查找天数：须为整数"),
        },
    )
