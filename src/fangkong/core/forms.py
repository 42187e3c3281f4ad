"""Form helpers shared by every app's views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import bounds

F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """A form's field as the kind it was declared (`form.fields` holds plain Fields), to set
    its choices or queryset for the user at hand."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is no {kind.__name__}")
    return field


def add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field, else on the form."""
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, msgs in items:
        # A hidden field shows no errors of its own (a client_id): said above the form.
        shown = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if shown else None, msgs)


class DayField(forms.DateField):
    """A date between 1900 and 2100 (core/bounds.py): year 1 or 9999 overflowed the date
    arithmetic of the pages that filter or plan by day."""

    default_validators = [bounds.check_day]


class MomentField(forms.DateTimeField):
    """A date and time between 1900 and 2100, at an offset the world uses (UTC−12:00 to
    UTC+14:00; PostgreSQL refused +20:00 with a 500): core/bounds.py."""

    default_validators = [bounds.check_day]

    def validate(self, value: Any) -> None:
        super().validate(value)
        bounds.check_offset(value, label=str(self.label) if self.label else None)


# A field's messages by error code, each naming the field (`label`) and its rule, none
# echoing the value typed: Django's defaults name neither ("这个字段是必填项。", "确保该变量
# 包含不超过 5 字符") and its choice error repeats what was posted, NUL and U+202E included.
# "%%(...)s": the error's own parameters, filled in when it is raised.
_NAMED: dict[str, str] = {
    "required": gettext_noop("请填写%(label)s"),
    "invalid": gettext_noop("%(label)s格式不正确"),
    "invalid_date": gettext_noop("%(label)s格式不正确"),
    "invalid_time": gettext_noop("%(label)s格式不正确"),
    "incomplete": gettext_noop("请填写完整的%(label)s"),
    "invalid_choice": gettext_noop("%(label)s须从列表中选择"),
    "invalid_list": gettext_noop("%(label)s须从列表中选择"),
    "invalid_pk_value": gettext_noop("%(label)s须从列表中选择"),
    "min_value": gettext_noop("%(label)s须不小于%%(limit_value)s"),
    "max_value": gettext_noop("%(label)s须不大于%%(limit_value)s"),
    "step_size": gettext_noop("%(label)s须为%%(limit_value)s的整数倍"),
    "max_length": gettext_noop("%(label)s最多%%(limit_value)d个字（现有%%(show_value)d个）"),
    "min_length": gettext_noop("%(label)s至少%%(limit_value)d个字（现有%%(show_value)d个）"),
    "max_digits": gettext_noop("%(label)s最多%%(max)s位数字"),
    "max_decimal_places": gettext_noop("%(label)s最多%%(max)s位小数"),
    "max_whole_digits": gettext_noop("%(label)s的整数部分最多%%(max)s位"),
    "null_characters_not_allowed": gettext_noop("%(label)s含有非法字符：“U+0000”"),
    "hidden_character": gettext_noop("%(label)s含有非法字符：“%%(char)s”"),
    "date_out_of_range": gettext_noop("%(label)s须在%(earliest)s至%(latest)s之间"),
    "ambiguous_timezone": gettext_noop("%(label)s在北京时间中不存在或有歧义"),
    "overflow": gettext_noop("%(label)s超出范围"),
    "missing": gettext_noop("%(label)s：未收到文件"),
    "empty": gettext_noop("%(label)s：上传的文件是空的"),
    "contradiction": gettext_noop("%(label)s：请上传新文件或勾选清除，不要同时进行"),
    "invalid_image": gettext_noop("%(label)s：不是可识别的图片"),
}


def _default_messages(kind: type[forms.Field]) -> dict[str, Any]:
    """The messages Django gives a field of this kind by default (Field.__init__'s merge)."""
    messages: dict[str, Any] = {}
    for cls in reversed(kind.__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _own_message_codes(validators: Iterable[Any]) -> set[str]:
    """The codes of validators written with a message of their own ("地区码前缀须为2到6位
    数字"): kept, not replaced by the generic one."""
    own = set()
    for validator in validators:
        code, message = getattr(validator, "code", None), getattr(validator, "message", None)
        if code and message is not None and not _stock_message(validator, message):
            own.add(code)
    return own


def _stock_message(validator: Any, message: Any) -> bool:
    """Whether `message` is the one Django's own validator class says: not given to this
    validator, nor written by a class of ours (accounts.models.UsernameValidator's rule)."""
    if "message" in vars(validator):
        return False
    for klass in type(validator).__mro__:
        if "message" in vars(klass):
            return klass.__module__.startswith("django.")
    return True


def name_errors(
    fields: Mapping[str, forms.Field], *, validators: Mapping[str, Iterable[Any]] | None = None
) -> None:
    """Give each field messages that name it by its label and say its rule (_NAMED), never
    echoing the value: the one place every page form (NamedErrorsForm) and the admin site's
    forms (core/admin.py) get them from. A message the form's author wrote for a field, or a
    validator's own (also `validators` of a model field, for the admin site's forms), is
    kept."""
    earliest, latest = bounds.EARLIEST_DAY.isoformat(), bounds.LATEST_DAY.isoformat()
    for name, field in fields.items():
        defaults = _default_messages(type(field))
        kept = _own_message_codes([*field.validators, *(validators or {}).get(name, ())])
        # A label may hold "%" (a list's column header, "完成率%"): Django fills an error's
        # parameters into its message with %, so the label's is the full-width ％.
        label = str(field.label or pretty_name(name)).replace("%", "％")
        named = {"label": label, "earliest": earliest, "latest": latest}
        messages = dict(field.error_messages)
        for code, text in _NAMED.items():
            current = messages.get(code)
            if code in kept or (current is not None and current is not defaults.get(code)):
                continue  # written for this field
            messages[code] = _(text) % named
        field.error_messages = messages


class NamedErrorsForm(forms.Form):
    """The base of every page form: its messages name their field ("请填写名称", "车道数须
    不大于20", "是否在家须从列表中选择"), so they read on their own — above a long form,
    read out by a screen reader, in a phone's narrow column — and never repeat what was
    typed (name_errors). tests/core/test_form_messages.py fails on a form not built on it."""

    def full_clean(self) -> None:
        # When it is checked, not when it is made: a form's __init__ adds fields and sets
        # labels after Django's (a list of supply lines, a kept phone's clear box).
        name_errors(self.fields)
        super().full_clean()
        if self.is_bound and self.cleaned_data is not None:
            self._refuse_repeated_fields()

    def _refuse_repeated_fields(self) -> None:
        """A field that holds one value, sent twice (`decision=accept&decision=decline`), is
        refused naming it: Django reads the last and silently drops the first, so what was
        stored was not what the page showed (the seventh attack)."""
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False) or isinstance(
                field.widget, forms.MultipleHiddenInput
            ):
                continue  # a field of several values: each is its own
            key = self.add_prefix(name)
            sent = [*_values(self.data, key), *_values(self.files, key)]
            if len(sent) > 1:
                # Said above the form: a field sent by buttons (a decision) has no box of
                # its own to show it under.
                message = _("%(label)s只能填写一个值，却提交了%(n)d个") % {
                    "label": str(field.label or pretty_name(name)),
                    "n": len(sent),
                }
                self.add_error(None, message)
                self.cleaned_data.pop(name, None)


def repeated_keys(data: Any, keys: Iterable[str]) -> list[str]:
    """Which of `keys` a post (a QueryDict) holds more than once: the one rule of a field
    of one value sent twice, refused wherever a page reads a post (NamedErrorsForm, and the
    register pages' PassageForm, which is not a Django form)."""
    return [key for key in keys if len(_values(data, key)) > 1]


def _values(data: Any, key: str) -> list[Any]:
    getlist = getattr(data, "getlist", None)
    return list(getlist(key)) if getlist is not None else []


class KeptValuesForm(NamedErrorsForm):
    """A form that edits a stored value of personal data (an officer's phone) for users who
    may not see it in full: the page never holds it (core/disclosure.py: in full only
    through an audited reveal). `keep` draws the field empty, its help naming the stored
    value masked; left empty, the stored value stays; the box `<name>_clear` deletes it."""

    def keep(self, name: str, stored: str, *, kind: str = "") -> None:
        """Keep `stored` in field `name` unless another value is typed; `kind`: the
        disclosure rule's name of the value (core.disclosure.HIDDEN), `name` by default."""
        from fangkong.core.disclosure import shown

        kept: dict[str, str] = self.__dict__.setdefault("_kept", {})
        kept[name] = stored
        self.initial.pop(name, None)
        field = self.fields[name]
        field.initial = ""
        if not stored:
            return
        field.help_text = _("现为 %(masked)s；不填则保持不变，填写新号码即替换") % {
            "masked": shown(kind or name, stored)
        }
        # The box right after its field: the order the page draws them in.
        clear = forms.BooleanField(
            label=_("删除现有%(label)s") % {"label": field.label}, required=False
        )
        self.fields = dict(
            item
            for key, value in self.fields.items()
            for item in ((key, value), *([(f"{name}_clear", clear)] if key == name else []))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, stored in self.__dict__.get("_kept", {}).items():
            if data.pop(f"{name}_clear", False):
                data[name] = ""
            elif not data.get(name) and name not in self.errors:
                data[name] = stored
        return data
