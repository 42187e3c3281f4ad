"""The ledger's filters (防护物资台账), declared once for its page (/logistics/ledger/) and
its export (the same page's `export=xlsx`): core/filters.py. The ledger has no API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import by, choice, day
from fangkong.logistics.models import Item, Movement


@dataclass
class LedgerFilter:
    item: Item | None = by(
        None,
        form=lambda: forms.ModelChoiceField(Item.objects.all(), label=_("物资"), required=False),
    )
    kind: str = choice(_("类型"), Movement.Kind.choices)
    # The days the movements were booked on, both included.
    start: datetime.date | None = by(None, form=lambda: day(_("起")))
    end: datetime.date | None = by(None, form=lambda: day(_("止")))
