"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


class NamedErrorsForm(forms.Form):
    """A form whose messages name their field ("请填写名称", "车道数须不大于20"), so they read
    on their own: above a long form, read out by a screen reader, in a phone's narrow column."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            named = {"label": field.label}
            field.error_messages = {
                **field.error_messages,
                "required": _("请填写%(label)s") % named,
                "invalid": _("%(label)s格式不正确") % named,
                "invalid_choice": _("%(label)s须从列表中选择") % named,
                "invalid_list": _("%(label)s须从列表中选择") % named,
                "invalid_pk_value": _("%(label)s须从列表中选择") % named,
                "min_value": _("%(label)s须不小于%%(limit_value)s") % named,
                "max_value": _("%(label)s须不大于%%(limit_value)s") % named,
                "max_length": _("%(label)s最多%%(limit_value)d个字（现有%%(show_value)d个）")
                % named,
            }


class KeptValuesForm(forms.Form):
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
