"""Why a person at a checkpoint is flagged, and what the officer is advised to do.

Every flag carries its reason in words, so the officer can tell the traveller and the
station can check it: the household region from the ID number, the plate's region, the
declared origin and 14-day travel history (each against the key areas of the day), a
temperature at or above the fever threshold, and declared symptoms.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from fangkong.checkpoints.models import Decision
from fangkong.core.models import KeyArea
from fangkong.core.regions import region_name, resolve_place
from fangkong.core.selectors import key_area_for
from fangkong.core.temperature import fever_threshold, is_fever
from fangkong.core.text import translated


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason}


FLAG_LABELS = {
    "household": gettext_lazy("户籍地重点地区"),
    "plate": gettext_lazy("重点地区车牌"),
    "origin": gettext_lazy("来自重点地区"),
    "travel": gettext_lazy("14天内到过重点地区"),
    "fever": gettext_lazy("发热"),
    "symptoms": gettext_lazy("有症状"),
}


# The words of each flag's reason: one table for the server and for devices that flag
# offline (checkpoints.roadside serves it to them).
REASONS = {
    "area": gettext_lazy("%(name)s为重点地区"),
    "household": gettext_lazy("户籍地%(place)s（身份证号前六位%(code)s），%(why)s"),
    "plate": gettext_lazy("车牌%(plate)s属%(place)s，%(why)s"),
    "origin": gettext_lazy("自述从%(origin)s来，%(why)s"),
    "travel": gettext_lazy("14天内到过%(places)s，属重点地区"),
    "fever": gettext_lazy("体温%(t)s℃，达到发热标准%(limit)s℃"),
    "symptoms": gettext_lazy("自述症状：%(s)s"),
}


def _area_reason(area: KeyArea, reasons: Mapping[str, str]) -> str:
    return reasons["area"] % {"name": area.name}


def occupant_flags(
    *,
    day: datetime.date,
    areas: Sequence[KeyArea],
    household_region: str = "",
    plate: str = "",
    plate_region: str = "",
    origin: str = "",
    origin_code: str = "",
    travel_history: Iterable[str] = (),
    temperature: Decimal | None = None,
    symptoms: Iterable[str] = (),
) -> list[Flag]:
    household = key_area_for(household_region, day, areas)
    by_plate = key_area_for(plate_region, day, areas)
    by_origin = key_area_for(origin_code, day, areas)
    visited = [place for place in travel_history if key_area_for(resolve_place(place), day, areas)]
    fever = is_fever(temperature)
    symptoms = [s for s in symptoms if s]
    flags: list[Flag] = []
    if not (household or by_plate or by_origin or visited or fever or symptoms):
        return flags  # most people: no reason to word
    reasons = translated(REASONS)  # in the active language, translated once per language
    if household:
        flags.append(
            Flag(
                "household",
                reasons["household"]
                % {
                    "place": region_name(household_region),
                    "code": household_region,
                    "why": _area_reason(household, reasons),
                },
            )
        )
    if by_plate:
        flags.append(
            Flag(
                "plate",
                reasons["plate"]
                % {
                    "plate": plate[:2],
                    "place": region_name(plate_region),
                    "why": _area_reason(by_plate, reasons),
                },
            )
        )
    if by_origin:
        flags.append(
            Flag(
                "origin",
                reasons["origin"] % {"origin": origin, "why": _area_reason(by_origin, reasons)},
            )
        )
    if visited:
        flags.append(Flag("travel", reasons["travel"] % {"places": "、".join(visited)}))
    if fever:
        flags.append(
            Flag(
                "fever",
                reasons["fever"] % {"t": temperature, "limit": fever_threshold()},
            )
        )
    if symptoms:
        flags.append(Flag("symptoms", reasons["symptoms"] % {"s": "、".join(symptoms)}))
    return flags


def came_from_code(
    *,
    flags: Sequence[Flag],
    origin_code: str = "",
    travel_history: Iterable[str] = (),
    household_region: str = "",
) -> str:
    """The region a referred traveller came from, for their case: the declared origin,
    else the first place of their travel history that names a region, else their household
    region when it lies in a key area of the day — what the "household" flag of
    occupant_flags says, by the key areas administrators keep (default 湖北 42…;
    core.selectors.key_area_for): a resident of a key area who declares nothing comes from
    there."""
    if origin_code:
        return origin_code
    for place in travel_history:
        code = resolve_place(place)
        if code:
            return code
    if any(f.code == "household" for f in flags):
        return household_region
    return ""


def recommend(flags: Sequence[Flag], *, destination_in_county: bool) -> str:
    """Fever or symptoms → hand to medical; a key-area link → home quarantine if they are
    going somewhere in the county, else persuade them back; nothing → pass."""
    codes = {f.code for f in flags}
    if codes & {"fever", "symptoms"}:
        return Decision.MEDICAL
    if codes:
        return Decision.QUARANTINE if destination_in_county else Decision.TURN_BACK
    return Decision.PASS
