"""The person list's filters, declared once for its page (/people/) and the API (GET
/api/v1/persons): core/filters.py."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.filters import by, pk, search
from fangkong.org.models import Township


@dataclass
class PersonListFilter:
    q: str = search(_("完整的身份证号或电话、姓名、拼音首字母"), input_type="search")
    # The page's only (the API has never filtered people by township).
    township_id: int | None = by(
        None,
        page="township",
        form=lambda: forms.ModelChoiceField(
            label=_("乡镇街道"),
            queryset=Township.objects.all(),
            required=False,
            empty_label=_("全部乡镇街道"),
        ),
        value=pk,
    )
