"""Model fields for the shared vocabulary."""

from __future__ import annotations

from typing import Any

from django.db import models

from fangkong.core import clock, validators


class PhoneField(models.CharField):
    """A mainland mobile or landline number, stored normalised by the service that writes it."""

    default_validators = [validators.validate_phone]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)


class UpdatedAtField(models.DateTimeField):
    """When the row was last saved: `auto_now`, read from the platform's clock (core.clock),
    so a record changed in the demo county carries the demo's day."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", clock.now)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = clock.now()
        setattr(model_instance, self.attname, value)
        return value


def model_field(model: type[models.Model] | models.Model, name: str) -> models.Field[Any, Any]:
    """A model's own field by name, with its column, label and choices (`_meta.get_field`
    may also answer a relation's reverse side or a generic key, which have none)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is no field of its own")
    return field
