"""Body temperature: the one home of its rules (issue 15).

- **Plausible range** 34.0–43.0 ℃, both ends included: a reading outside it is a mistake
  (a typo, a thermometer not on the skin) and is refused, naming the field. 43.0 is the
  top of the range of the thermometers in use; a reading of 42.8 is a high fever to act
  on, never a value to refuse.
- **Fever** at or above `FANGKONG["FEVER_THRESHOLD"]` (37.3 by default; env
  FANGKONG_FEVER_THRESHOLD).
- A value is read as a number with one decimal (Decimal, half to even); "37，5" and
  "37。5" (a Chinese keyboard's comma or full stop) read as 37.5.

Callers: a checkpoint registration (`checkpoints.services.passage_assess`: page, API, QR
self-registration, bulk), a follow-up (`quarantine.services._followup_build`: page, API,
bulk), the flags (`checkpoints.rules.occupant_flags`), the follow-up's fever alert and the
offline rules table devices flag by (`checkpoints.roadside.device_rules` serves
`device_rules()` below; static/checkpoints/roadside.js applies it).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
TEMPERATURE_RANGE = (TEMPERATURE_MIN, TEMPERATURE_MAX)
_TENTH = Decimal("0.1")

# The words, with the field's label as %(f)s ("体温", "第1位乘车人体温"): served to devices
# as they are (checkpoints.roadside), so a refusal reads the same on- and offline.
MESSAGES = {
    "temperature_number": gettext_lazy("%(f)s：须为数字，如 36.5"),
    "temperature_range": gettext_lazy("%(f)s：须在%(min)s至%(max)s℃之间"),
}


def fever_threshold() -> Decimal:
    return Decimal(str(settings.FANGKONG["FEVER_THRESHOLD"]))


def is_fever(value: Decimal | None) -> bool:
    """A temperature at or above the fever threshold (the threshold itself is a fever)."""
    return value is not None and value >= fever_threshold()


def parse_temperature(raw: Any, *, label: str | Promise) -> Decimal | None:
    """The temperature a person wrote or a device sent, to one decimal; None when empty.
    Raises ValidationError naming `label` when it is not a number or outside the range."""
    if raw is None:
        return None
    text = str(raw).strip().replace("，", ".").replace("。", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():  # "NaN", "Infinity": not a reading
            raise InvalidOperation(text)
        value = value.quantize(_TENTH)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(str(MESSAGES["temperature_number"]) % {"f": label}) from exc
    if not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        raise ValidationError(
            str(MESSAGES["temperature_range"])
            % {"f": label, "min": TEMPERATURE_MIN, "max": TEMPERATURE_MAX}
        )
    return value


def device_rules() -> dict[str, Any]:
    """The temperature rules as data, for a device that checks without a network."""
    return {
        "fever_threshold": str(fever_threshold()),
        "temperature_range": [str(t) for t in TEMPERATURE_RANGE],
    }
