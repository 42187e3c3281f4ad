"""What a checkpoint device needs to check and flag a registration without a network, by
the server's own rules: the region table with names (ID numbers, plates and places), the
key areas, plate prefixes, the county's townships and villages (is a destination in the
county?), the fever threshold, and the words of every flag and message, in the caller's
language. static/checkpoints/roadside.js applies them; a browser test compares its verdicts
with passage_assess(). Nothing personal is in it: it is served to anyone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fangkong.checkpoints.models import VEHICLE_SEATS, Decision, VehicleType
from fangkong.checkpoints.rules import FLAG_LABELS, REASONS, fever_threshold
from fangkong.checkpoints.services import MESSAGES, TEMPERATURE_RANGE
from fangkong.core.plates import PLATE_CITY_CODES, PROVINCE_CODES, SEPARATORS
from fangkong.core.regions import region_table
from fangkong.core.selectors import key_areas
from fangkong.org.models import Township, Village


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
        "places": {
            "townships": list(Township.objects.order_by("pk").values_list("name", flat=True)),
            "villages": sorted(set(Village.objects.values_list("name", flat=True))),
        },
        "fever_threshold": str(fever_threshold()),
        "temperature_range": [str(t) for t in TEMPERATURE_RANGE],
        "flag_labels": {code: str(label) for code, label in FLAG_LABELS.items()},
        "reasons": {code: str(text) for code, text in REASONS.items()},
        "messages": {
            **{key: str(text) for key, text in MESSAGES.items()},
            "id_field": _("身份证号"),
            "name_required": _("姓名不能为空"),
        },
        "decisions": [[value, str(label)] for value, label in Decision.choices],
        # How many one registration of each vehicle type may hold (models.VEHICLE_SEATS).
        "seats": dict(VEHICLE_SEATS),
        "vehicle_types": {value: str(label) for value, label in VehicleType.choices},
    }
