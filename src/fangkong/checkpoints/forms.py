"""Forms of the checkpoint pages. The passage form is parsed by hand (any number of
occupants, added with a button, no script) into the same PassageInput the API builds."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.models import (
    VEHICLE_SEATS,
    Checkpoint,
    Decision,
    Direction,
    VehicleType,
    seats_for,
)
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core import bounds
from fangkong.core.filters import filter_form
from fangkong.core.forms import DayField, NamedErrorsForm, repeated_keys
from fangkong.core.idempotency import ClientIdConflict
from fangkong.core.plates import PROVINCE_ABBREVIATIONS
from fangkong.core.symptoms import word_choices
from fangkong.org.models import Officer, Unit

MAX_ROWS = bounds.MAX_OCCUPANTS  # what a post may carry; each vehicle type's own is less


@dataclass
class OccupantRow:
    index: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    assessed: Any = None

    def v(self, name: str) -> Any:
        return self.values.get(name, "")


@dataclass
class PassageForm:
    """What the register page (and the public QR page) posts, and its errors by field."""

    province: str = "鲁"
    plate_rest: str = ""
    vehicle_type: str = VehicleType.CAR
    direction: str = Direction.IN
    rows: list[OccupantRow] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    code: str = ""
    # One id per registration shown: a double tap, or the device sending again what the
    # server may already have stored, is one passage (the API's rule too).
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    provinces = PROVINCE_ABBREVIATIONS
    vehicle_types = VehicleType.choices
    directions = Direction.choices
    decisions = Decision.choices
    seats = VEHICLE_SEATS

    @property
    def symptom_choices(self) -> list[tuple[str, str]]:
        """The one vocabulary (core/symptoms.py): the word a passage stores, by its label."""
        return word_choices()

    @property
    def max_rows(self) -> int:
        return seats_for(self.vehicle_type)

    @property
    def plate(self) -> str:
        rest = self.plate_rest.strip()
        if rest[:1] in PROVINCE_ABBREVIATIONS:
            return rest  # the whole plate typed in the field, province first
        return f"{self.province}{rest}" if rest else ""

    @staticmethod
    def repeated(post: QueryDict) -> str | None:
        """The refusal of a post holding a field of one value twice (`occ-0-name` twice: the
        last one was read, the seventh attack's second round), as core.forms'
        NamedErrorsForm refuses it on every other page; None when each is sent once. A
        row's symptoms are several values."""
        twice = repeated_keys(post, sorted(k for k in post if not k.endswith("-symptoms")))
        if not twice:
            return None
        return _("同一栏只能填写一个值，却提交了多个（%(n)d栏），未保存：请重新打开此页面填写") % {
            "n": len(twice)
        }

    @classmethod
    def from_post(cls, post: QueryDict) -> PassageForm:
        try:
            n = max(1, min(MAX_ROWS, int(post.get("n", "1"))))
        except ValueError:
            n = 1
        form = cls(
            province=post.get("province", "鲁")[:1],
            plate_rest=post.get("plate_rest", "")[:10],
            vehicle_type=post.get("vehicle_type", VehicleType.CAR),
            direction=post.get("direction", Direction.IN),
            code=post.get("code", "")[:9],  # one past a code: a longer one finds none
            client_id=_client_id(post.get("client_id", "")),
        )
        for i in range(n):
            p = f"occ-{i}-"
            form.rows.append(
                OccupantRow(
                    i,
                    {
                        # One past each bound: a longer text is refused naming its field
                        # (passage_assess), never cut to fit and saved.
                        "name": post.get(p + "name", "")[: bounds.NAME + 1],
                        "id_number": post.get(p + "id_number", "")[: bounds.ID_NUMBER + 1],
                        "phone": post.get(p + "phone", "")[: bounds.PHONE + 1],
                        "temperature": post.get(p + "temperature", "")[: bounds.SHORT + 1],
                        "origin": post.get(p + "origin", "")[: bounds.PLACE + 1],
                        "destination": post.get(p + "destination", "")[: bounds.PLACE + 1],
                        "travel": post.get(p + "travel", "")[: bounds.LINE + 1],
                        "symptoms": post.getlist(p + "symptoms")[: bounds.MAX_CODES + 1],
                        "decision": post.get(p + "decision", ""),
                    },
                )
            )
        return form

    @classmethod
    def from_data(cls, body: dict[str, Any], code: str = "") -> PassageForm:
        plate = body.get("plate") or ""
        form = cls(
            province=plate[:1] or "鲁",
            plate_rest=plate[1:],
            vehicle_type=body.get("vehicle_type", VehicleType.CAR),
            direction=body.get("direction", Direction.IN),
            code=code,
        )
        for i, o in enumerate(body.get("occupants", [])):
            form.rows.append(
                OccupantRow(
                    i,
                    {
                        "name": o.get("name", ""),
                        "id_number": o.get("id_number", ""),
                        "phone": o.get("phone", ""),
                        "temperature": "",
                        "origin": o.get("origin", ""),
                        "destination": o.get("destination", ""),
                        "travel": "、".join(o.get("travel_history", [])),
                        "symptoms": list(o.get("symptoms", [])),
                        "decision": "",
                    },
                )
            )
        return form

    def add_row(self) -> None:
        if len(self.rows) < self.max_rows:
            self.rows.append(OccupantRow(len(self.rows), {"symptoms": []}))
        else:
            self.errors["occupants"] = [
                _("乘车人员：%(type)s最多登记%(n)s人，已到上限")
                % {"type": dict(VehicleType.choices).get(self.vehicle_type, ""), "n": self.max_rows}
            ]

    def to_input(self, checkpoint: Checkpoint, *, decisions: bool = True) -> PassageInput:
        return PassageInput(
            checkpoint=checkpoint,
            client_id=uuid.UUID(self.client_id),
            direction=self.direction,
            vehicle_type=self.vehicle_type,
            plate=self.plate,
            occupants=[
                OccupantInput(
                    name=r.v("name"),
                    id_number=r.v("id_number"),
                    phone=r.v("phone"),
                    temperature=r.v("temperature") or None,
                    origin=r.v("origin"),
                    destination=r.v("destination"),
                    travel_history=r.v("travel"),
                    symptoms=r.values.get("symptoms") or [],
                    decision=r.v("decision") if decisions else "",
                )
                for r in self.rows
                if any(r.v(k) for k in ("name", "id_number", "phone"))
            ],
        )

    def add_validation_error(self, exc: ValidationError) -> None:
        if isinstance(exc, ClientIdConflict):
            # Sent again after reading what differs, it is a new car, not the same refusal.
            self.client_id = str(uuid.uuid4())
        if hasattr(exc, "error_dict"):
            self.set_errors(exc.message_dict)
        else:
            self.errors["__all__"] = exc.messages

    def set_errors(self, errors: dict[str, list[str]]) -> None:
        """Spread "occupants.1.id_number"-style errors onto the rows."""
        kept = [r for r in self.rows if any(r.v(k) for k in ("name", "id_number", "phone"))]
        for key, msgs in errors.items():
            parts = key.split(".")
            if parts[0] == "occupants" and len(parts) == 3 and int(parts[1]) < len(kept):
                kept[int(parts[1])].errors[parts[2]] = msgs
            else:
                self.errors[key] = msgs


def _client_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid4())


# The passage list's page and export: its form from the one declaration
# (checkpoints/filters.py).
PassageFilterForm = filter_form(PassageFilter, "PassageFilterForm")


class ShiftForm(NamedErrorsForm):
    officers = forms.ModelMultipleChoiceField(
        label=_("执勤人员（民警、辅警）"),
        queryset=Officer.objects.select_related("unit").order_by("unit__path", "badge_number"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 14}),
        help_text=_("按住Ctrl多选"),
    )
    leader = forms.ModelChoiceField(
        label=_("带班负责人"), queryset=Officer.objects.all(), required=False
    )
    party_leader = forms.ModelChoiceField(
        label=_("临时党小组组长"),
        queryset=Officer.objects.all(),
        required=False,
        help_text=_("须为本班执勤的党员"),
    )


class TallyForm(NamedErrorsForm):
    counted_vehicles = forms.IntegerField(
        max_value=bounds.MAX_COUNT, label=_("人工清点车辆数"), min_value=0
    )
    counted_persons = forms.IntegerField(
        max_value=bounds.MAX_COUNT, label=_("人工清点人数"), min_value=0, required=False
    )


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class CheckpointForm(NamedErrorsForm):
    """A checkpoint's reference data, new or edited (checkpoint_create / checkpoint_update)."""

    name = forms.CharField(label=_("名称"), max_length=40)
    code = forms.CharField(
        label=_("代码"), max_length=16, help_text=_("2到16位大写字母、数字或-，如 G104N")
    )
    road = forms.CharField(label=_("道路"), max_length=30, required=False)
    location = forms.CharField(label=_("位置"), max_length=100, required=False)
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("责任单位"), required=False)
    lanes = forms.IntegerField(label=_("车道数"), min_value=1, max_value=20, initial=2)
    opened_on = DayField(
        label=_("启用日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closed_on = DayField(
        label=_("撤除日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    shift_starts = forms.CharField(
        label=_("班次起始时刻"),
        max_length=20,
        initial="8,16,0",
        help_text=_("每班开始的整点，用逗号分隔，如 8,16,0 表示 08–16、16–24、00–08"),
    )

    def __init__(
        self,
        *args: Any,
        checkpoint: Checkpoint | None = None,
        unit_fixed: bool = False,
        **kwargs: Any,
    ) -> None:
        if checkpoint is not None:
            kwargs["initial"] = {
                "name": checkpoint.name,
                "code": checkpoint.code,
                "road": checkpoint.road,
                "location": checkpoint.location,
                "unit": checkpoint.unit_id,
                "lanes": checkpoint.lanes,
                "opened_on": checkpoint.opened_on,
                "closed_on": checkpoint.closed_on,
                "shift_starts": ",".join(str(h) for h in checkpoint.shift_starts),
            }
        super().__init__(*args, **kwargs)
        if checkpoint is not None and unit_fixed:
            # Who reads its registrations: the security administrator's to change (a value
            # posted for a disabled field is ignored; checkpoint_update refuses it too).
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = _(
                "责任单位决定哪个单位能看到本检查站的登记记录，只能由安全管理员变更"
            )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_shift_starts(self) -> list[int]:
        raw = str(self.cleaned_data["shift_starts"])
        parts = [p for p in re.split(r"[\s,，、;；]+", raw) if p]
        if not parts or any(not p.isdecimal() for p in parts):
            raise ValidationError(_("班次起始时刻须为1到4个不重复的0–23整点，用逗号分隔"))
        return [int(p) for p in parts]
