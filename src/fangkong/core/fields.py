"""Model fields for the shared vocabulary."""

from __future__ import annotations

from typing import Any

from django.db import models

from fangkong.core import validators


class PhoneField(models.CharField):
    """A mainland mobile or landline number, stored normalised by the service that writes it."""

    default_validators = [validators.validate_phone]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
