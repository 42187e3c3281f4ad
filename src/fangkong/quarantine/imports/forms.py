from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.filters import filter_form
from fangkong.core.forms import NamedErrorsForm
from fangkong.org.models import Township, Village
from fangkong.quarantine.imports.filters import EntryFilter
from fangkong.quarantine.imports.layout import FIELD_LABELS

EntryFilterForm = filter_form(EntryFilter, "EntryFilterForm")

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv", ".xlsm")


def upload_max_bytes() -> int:
    return int(settings.FANGKONG["UPLOAD_MAX_MB"]) * 1024 * 1024


def check_upload(upload: Any) -> None:
    """Size and kind of an uploaded list, with a message naming the rule."""
    if upload.size > upload_max_bytes():
        raise forms.ValidationError(
            _("文件过大：%(size).1f MB，上限为 %(max)d MB（可分成几个文件上传）")
            % {"size": upload.size / 1024 / 1024, "max": settings.FANGKONG["UPLOAD_MAX_MB"]}
        )
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的"))
    if Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        raise forms.ValidationError(_("不支持的文件类型：请上传.xlsx、.xls、.ods或.csv文件"))


class UploadForm(NamedErrorsForm):
    file = forms.FileField(
        label=gettext_lazy("名单文件"),
        help_text=gettext_lazy("支持.xlsx、.xls、.ods、.csv（UTF-8或GBK编码）"),
        error_messages={"required": gettext_lazy("请选择要上传的名单文件")},
    )
    all_or_nothing = forms.BooleanField(
        label=gettext_lazy("全部无误才入库（任何一行有问题则不导入）"), required=False
    )
    dry_run = forms.BooleanField(label=gettext_lazy("仅校验，不入库"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


FIELD_CHOICES = [("", gettext_lazy("（不导入）"))] + [
    (key, label) for key, label in FIELD_LABELS.items()
]


class MappingForm(NamedErrorsForm):
    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str], **kw: Any):
        super().__init__(*args, **kw)
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("第%(n)d列") % {"n": index + 1},
                choices=FIELD_CHOICES,
                required=False,
                initial=mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[int, str]:
        return {int(name[4:]): value for name, value in self.cleaned_data.items() if value}


class RouteForm(NamedErrorsForm):
    township = forms.ModelChoiceField(
        label=gettext_lazy("乡镇街道"),
        queryset=Township.objects.all(),
        error_messages={"required": gettext_lazy("请选择乡镇街道")},
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("村居"),
        queryset=Village.objects.select_related("township"),
        required=False,
    )
