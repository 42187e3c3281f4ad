from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.conflicts import VersionedForm, shown
from fangkong.core.filters import filter_form
from fangkong.core.forms import DayField, KeptValuesForm, MomentField, NamedErrorsForm, field_of
from fangkong.core.symptoms import Symptom
from fangkong.quarantine.filters import AlertFilter, CaseFilter
from fangkong.quarantine.models import TRANSITIONS, CaseStatus, QuarantineCase
from fangkong.quarantine.services import FOLLOWUP_PARTS, MemberInput

# The case list's page and export: its form from the one declaration (quarantine/filters.py).
CaseFilterForm = filter_form(CaseFilter, "CaseFilterForm")


# What a case's pages show of it: a save from a page drawn before another one changed any
# of these is refused, naming what changed (core/conflicts.py).
CASE_SHOWN = ["status", "measure", "start_date", "planned_end", "township", "village", "station"]


def case_shown(case: QuarantineCase) -> dict[str, str]:
    team = "；".join(
        f"{m.get_kind_display()}{m.name}"
        for m in sorted(case.team_members.all(), key=lambda m: KIND_ORDER.get(m.kind, 9))
    )
    return {**shown(case, CASE_SHOWN), str(_("“四包一”人员")): team or "—"}


class CaseForm(VersionedForm):
    """A form that changes a case; a new one is drawn from the case as it is now."""

    def __init__(self, *args: Any, case: QuarantineCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.stamp(case.version, case_shown(case))


class TransitionForm(CaseForm):
    to = forms.ChoiceField(label=_("变更为"))
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args: Any, case: QuarantineCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        allowed = [s for s in TRANSITIONS.get(case.status, ()) if s != CaseStatus.RELEASED]
        field_of(self, "to", forms.ChoiceField).choices = [
            (s, CaseStatus(s).label) for s in allowed
        ]


class ReleaseForm(CaseForm):
    reason = forms.CharField(
        label=_("解除原因"),
        max_length=200,
        required=False,
        help_text=_("期满解除可不填；提前解除须说明原因"),
    )


KIND_FIELDS = [
    ("township_cadre", _("乡镇干部")),
    ("village_cadre", _("村居干部")),
    ("police", _("民警")),
    ("doctor", _("医生")),
]
KIND_ORDER = {kind: i for i, (kind, _label) in enumerate(KIND_FIELDS)}


class VerifyForm(CaseForm, KeptValuesForm):
    """核查 and the 四包一 team. A member's phone is drawn masked, never in full (the page
    is no audited reveal): left empty it stays, one typed replaces it (core.forms)."""

    finding = forms.ChoiceField(
        label=_("核查结果"), choices=QuarantineCase.Finding.choices, widget=forms.RadioSelect
    )
    measure = forms.ChoiceField(
        label=_("管控措施"),
        required=False,
        choices=[("", _("按核查结果")), *QuarantineCase.Measure.choices],
        initial=QuarantineCase.Measure.HOME,
    )
    start_date = DayField(
        label=_("隔离开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则从抵达日期算起"),
    )
    note = forms.CharField(label=_("核查情况说明"), required=False, max_length=200)

    def __init__(self, *args: Any, case: QuarantineCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.status != CaseStatus.PENDING:
            # Verified already: the page edits the team only (it used to refuse every save
            # for want of a finding it does not show).
            for name in ("finding", "measure", "start_date", "note"):
                del self.fields[name]
        users = User.objects.filter(is_active=True, role__in=[Role.FOLLOWUP, Role.STATION])
        if case.station_id or case.township_id:
            users = users.filter(unit_id=case.station_id or 0) | users.filter(
                township_id=case.township_id or 0
            )
        current = {m.kind: m for m in case.team_members.all()}
        for kind, label in KIND_FIELDS:
            m = current.get(kind)
            self.fields[f"{kind}_user"] = forms.ModelChoiceField(
                label=_("%(kind)s（账号）") % {"kind": label},
                queryset=users.order_by("username"),
                required=False,
                initial=m.user_id if m else None,
            )
            self.fields[f"{kind}_name"] = forms.CharField(
                label=_("%(kind)s姓名") % {"kind": label},
                required=False,
                max_length=30,
                initial=m.name if m else "",
            )
            self.fields[f"{kind}_phone"] = forms.CharField(
                label=_("%(kind)s电话") % {"kind": label},
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "tel"}),
            )
            if m is not None:
                self.keep(f"{kind}_phone", m.phone, kind="phone")

    def team_fields(self) -> list[tuple[Any, list[Any]]]:
        return [
            (
                label,
                [
                    self[name]
                    for name in (
                        f"{kind}_user",
                        f"{kind}_name",
                        f"{kind}_phone",
                        f"{kind}_phone_clear",
                    )
                    if name in self.fields
                ],
            )
            for kind, label in KIND_FIELDS
        ]

    def members(self) -> list[MemberInput]:
        d = self.cleaned_data
        out = []
        for kind, _label in KIND_FIELDS:
            user, name, phone = d.get(f"{kind}_user"), d.get(f"{kind}_name"), d.get(f"{kind}_phone")
            # A duty left wholly empty keeps its member (team_assign), whatever phone is kept.
            typed = str(self.data.get(self.add_prefix(f"{kind}_phone"), "")).strip()
            if user or name or typed:
                out.append(MemberInput(kind=kind, user=user, name=name or "", phone=phone or ""))
        return out


class FollowUpForm(NamedErrorsForm):
    temperature = forms.CharField(
        label=_("体温（℃）"),
        required=False,
        max_length=5,
        widget=forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "placeholder": "36.5",
                "class": "fk-temp-input",
                "pattern": "[0-9]{2}([.][0-9])?",
            }
        ),
    )
    at_home = forms.TypedChoiceField(
        label=FOLLOWUP_PARTS["at_home"],
        choices=[("1", _("在家")), ("0", _("不在家"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
        # Said beside the choice, naming it and the two answers (never the value posted).
        error_messages={
            "required": _("是否在家：须选“在家”或“不在家”"),
            "invalid_choice": _("是否在家：须选“在家”或“不在家”"),
        },
    )
    symptoms = forms.MultipleChoiceField(
        label=_("症状（无症状不选）"),
        required=False,
        choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    visited_at = MomentField(
        label=_("随访时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
    # A new id per form shown: a double tap or a retry after a lost reply is one visit.
    client_id = forms.UUIDField(
        label=_("提交编号"),
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("提交编号：须为UUID")},
    )

    def __init__(self, *args: Any, visited_at: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("client_id", uuid.uuid4())
        self.initial.setdefault("visited_at", visited_at.strftime("%Y-%m-%dT%H:%M"))


class ResolveForm(NamedErrorsForm):
    resolution = forms.CharField(
        label=_("处置情况"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：已复测体温正常；已通知卫生院")}),
    )


AlertFilterForm = filter_form(AlertFilter, "AlertFilterForm")
