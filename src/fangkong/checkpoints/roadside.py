"""What a checkpoint device needs to check and flag a registration without a network, by
the server's own rules: the region table with names (ID numbers, plates and places), the
key areas, plate prefixes, the county's code, townships and villages (is a destination in
the county? org/places.py), the temperature's range and fever threshold (core/temperature.py),
the one vocabulary of symptoms (core/symptoms.py) by the words a checkpoint records, what a
name may hold (core.text.name_error), and the words of every
flag and message, in the caller's
language. static/checkpoints/roadside.js applies them; a browser test compares its verdicts
with passage_assess(). Nothing personal is in it: it is served to anyone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fangkong.checkpoints.models import VEHICLE_SEATS, Decision, VehicleType
from fangkong.checkpoints.rules import FLAG_LABELS, REASONS
from fangkong.checkpoints.services import MESSAGES
from fangkong.core.bounds import NAME
from fangkong.core.plates import PLATE_CITY_CODES, PROVINCE_CODES, SEPARATORS
from fangkong.core.regions import region_table
from fangkong.core.selectors import key_areas
from fangkong.core.symptoms import UNKNOWN as UNKNOWN_SYMPTOM
from fangkong.core.symptoms import WORDS as SYMPTOM_WORDS
from fangkong.core.symptoms import word_choices
from fangkong.core.temperature import device_rules as temperature_rules
from fangkong.core.text import NAME_SEPARATORS, TYPED_MAX, name_messages
from fangkong.org.places import CountyPlaces


def device_rules() -> dict[str, Any]:
    return {
        "timezone": "Asia/Shanghai",
        "regions": region_table(),
        "key_areas": [
            {
                "prefix": a.prefix,
                "name": a.name,
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
            }
            for a in key_areas()  # longest prefix first: the most specific one wins
        ],
        "plates": {
            "separators": SEPARATORS,
            "provinces": PROVINCE_CODES,
            "cities": PLATE_CITY_CODES,
        },
        # county_code, townships, township_short_names, villages (org/places.py)
        "places": CountyPlaces.load().device_rules(),
        **temperature_rules(),  # fever_threshold, temperature_range
        "flag_labels": {code: str(label) for code, label in FLAG_LABELS.items()},
        "reasons": {code: str(text) for code, text in REASONS.items()},
        "messages": {
            **{key: str(text) for key, text in MESSAGES.items()},
            "id_field": _("身份证号"),
            "name_required": _("姓名不能为空"),
            **name_messages(),  # core.text.name_error's refusals, said as it says them
            "unknown_symptom": str(UNKNOWN_SYMPTOM),  # core.symptoms.known_symptoms
            # core.text.typed: a value not a short word is named by its place
            "typed_item": _("（第%(n)s项）"),
            "typed_max": TYPED_MAX,
        },
        # What a name may hold besides letters (core.text.name_error), and how long it is.
        "names": {"separators": "".join(sorted(NAME_SEPARATORS)), "max_length": NAME},
        # The one vocabulary of symptoms (core/symptoms.py) by the words a passage records:
        # any other is refused. Each word's label in the caller's language beside it.
        "symptoms": list(SYMPTOM_WORDS),
        "symptom_labels": dict(word_choices()),
        "decisions": [[value, str(label)] for value, label in Decision.choices],
        # How many one registration of each vehicle type may hold (models.VEHICLE_SEATS).
        "seats": dict(VEHICLE_SEATS),
        "vehicle_types": {value: str(label) for value, label in VehicleType.choices},
    }
