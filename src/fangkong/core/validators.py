"""Django validators for model and form fields; each runs the matching parser for its errors."""

from __future__ import annotations

from fangkong.core.idnumber import parse_id_number
from fangkong.core.phones import parse_phone
from fangkong.core.plates import parse_plate

__all__ = ["validate_id_number", "validate_phone", "validate_plate"]


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless ``value`` is a valid resident identity card number."""
    parse_id_number(value)


def validate_phone(value: str) -> None:
    """Raise ValidationError unless ``value`` is a mainland mobile or landline number."""
    parse_phone(value)


def validate_plate(value: str) -> None:
    """Raise ValidationError unless ``value`` is a mainland vehicle number plate."""
    parse_plate(value)
