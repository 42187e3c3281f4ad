"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fangkong.core import bounds


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
    """A date and time between 1900 and 2100 (core/bounds.py)."""

    default_validators = [bounds.check_day]
