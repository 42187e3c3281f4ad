"""The passage list's filters, declared once for its page (/checkpoints/passages/), its
export (卡口登记台账) and the API (GET /api/v1/passages): core/filters.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.models import Checkpoint, Decision
from fangkong.core.api import Choice
from fangkong.core.bounds import Day, Short, Slot
from fangkong.core.filters import by, pk, search, text
from fangkong.core.forms import DayField

FLAGS = [
    ("", _("全部")),
    ("any", _("有预警")),
    ("household", _("户籍地重点地区")),
    ("plate", _("重点地区车牌")),
    ("origin", _("来自重点地区")),
    ("travel", _("14天内到过重点地区")),
    ("fever", _("发热")),
    ("symptoms", _("有症状")),
]


def _flagged(value: bool | None) -> str:
    # The API's `flagged`: true → any flag, false → none (not asked of the page), unset → all.
    return "" if value is None else ("any" if value else "none")


@dataclass
class PassageFilter:
    q: str = search(
        _("车牌、完整的身份证号或电话、姓名、拼音首字母"), in_api=False, input_type="search"
    )
    # The page picks a checkpoint (its id); the API names it by code, which the API view
    # looks up among the user's checkpoints (or the device's own).
    checkpoint: int | None = by(
        None,
        form=lambda: forms.ModelChoiceField(
            label=_("检查站"),
            queryset=Checkpoint.objects.all(),
            required=False,
            empty_label=_("全部检查站"),
        ),
        value=pk,
        api=Short,
        api_default="",
        api_value=None,
    )
    day: datetime.date | None = by(
        None,
        form=lambda: DayField(
            label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        api=Day | None,
        api_name="date",
    )
    slot: int | None = by(
        None,
        form=lambda: forms.TypedChoiceField(
            label=_("班次"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("全部班次")), (0, "08–16"), (1, "16–24"), (2, "00–08")],
        ),
        api=Slot | None,
        api_name="shift",
    )
    decision: str = by(
        "",
        form=lambda: forms.ChoiceField(
            label=_("处置"), required=False, choices=[("", _("全部处置")), *Decision.choices]
        ),
        value=text,
        api=Choice(Decision.values),
    )
    # "" all, "any" flagged, "none" not flagged (the API's), or a flag code.
    flag: str = by(
        "",
        form=lambda: forms.ChoiceField(label=_("预警"), required=False, choices=FLAGS),
        value=text,
        api=bool | None,
        api_name="flagged",
        api_default=None,
        api_value=_flagged,
    )
