"""The person list's filters, declared once for its page (/people/) and the API (GET
/api/v1/persons): core/filters.py."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.bounds import Short
from fangkong.core.filters import by, pk, text
from fangkong.org.models import Township


@dataclass
class PersonListFilter:
    q: str = by(
        "",
        form=lambda: forms.CharField(
            label=_("查找"),
            required=False,
            max_length=60,
            widget=forms.TextInput(
                attrs={"placeholder": _("完整的身份证号或电话、姓名、拼音首字母"), "type": "search"}
            ),
        ),
        value=text,
        api=Short,
        api_value=lambda q: q[:60],
    )
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
