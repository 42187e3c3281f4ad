"""Registering passages (one at a time and in bulk): validation and flags
(passage_assess), the occupants' people, referrals to quarantine, the hour's counts."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.jurisdiction import unit_area
from fangkong.checkpoints import rules
from fangkong.checkpoints.models import (
    Checkpoint,
    Decision,
    Direction,
    DutyShift,
    Occupant,
    Passage,
    PassageCount,
    Source,
    VehicleType,
    seats_for,
)
from fangkong.checkpoints.selectors import COUNT_FIELDS
from fangkong.core import bounds, clock, idempotency, refcache, statements
from fangkong.core.audit import audit_deferred, audit_record
from fangkong.core.clock import SHANGHAI
from fangkong.core.idnumber import normalize_id_number
from fangkong.core.moments import is_future
from fangkong.core.phones import parse_phone
from fangkong.core.plates import normalize_plate, parse_plate
from fangkong.core.regions import resolve_place
from fangkong.core.selectors import key_areas
from fangkong.core.symptoms import WORDS, known_symptoms
from fangkong.core.temperature import MESSAGES as TEMPERATURE_MESSAGES
from fangkong.core.temperature import parse_temperature
from fangkong.core.text import (
    hidden_char,
    length_error,
    normalize_text,
    plain_text_error,
    strip_all_spaces,
    translated,
)
from fangkong.core.transactions import retrying
from fangkong.org.models import Township, Village
from fangkong.org.places import CountyPlaces
from fangkong.people.models import Person
from fangkong.people.services import (
    PersonInput,
    person_clean,
    person_find_or_create,
    persons_add_cleaned,
    persons_insert_cleaned,
)
from fangkong.quarantine.services import Referral, cases_refer

if TYPE_CHECKING:
    from fangkong.accounts.models import User

MAX_OCCUPANTS = bounds.MAX_OCCUPANTS
REFERRING = (Decision.QUARANTINE, Decision.MEDICAL)
# What passage_assess says about occupants; checkpoints.roadside serves the same words to
# devices that check a registration offline. The temperature's own words are its rule's
# (core/temperature.py).
MESSAGES = {
    "who": gettext_lazy("第%(n)s位乘车人"),
    "temperature": gettext_lazy("体温"),
    **TEMPERATURE_MESSAGES,
    "temperature_required": gettext_lazy("%(who)s体温：请测量后填写"),
    "duplicate_id": gettext_lazy("%(who)s身份证号与第%(n)s位相同"),
    "no_occupants": gettext_lazy("乘车人员：至少登记一人"),
    "too_many": gettext_lazy("乘车人员：%(type)s最多登记%(n)s人"),
    "too_many_places": gettext_lazy("%(who)s%(field)s：最多%(n)s个地名"),
}

# The names of an occupant's place fields in their refusals, as the register page labels them.
PLACE_LABELS = {
    "origin": gettext_lazy("从何处来"),
    "destination": gettext_lazy("到县内何处"),
    "travel_history": gettext_lazy("14天内到过"),
}

# The choices' values, once: `Choices.values` builds its list on every use.
_DIRECTIONS = frozenset(Direction.values)
_VEHICLE_TYPES = frozenset(VehicleType.values)
_DECISIONS = frozenset(Decision.values)
_SOURCES = frozenset(Source.values)
# The symptoms a passage records, by their words (core/symptoms.py: the one vocabulary).
_SYMPTOMS = frozenset(WORDS)


# ---------------------------------------------------------------- passages


@dataclass
class OccupantInput:
    name: str
    id_number: str
    phone: str = ""
    temperature: Any = None
    origin: str = ""
    destination: str = ""
    travel_history: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    decision: str = ""  # "" = take the recommendation


@dataclass
class PassageInput:
    checkpoint: Checkpoint
    direction: str
    vehicle_type: str
    occupants: list[OccupantInput]
    plate: str = ""
    occurred_at: datetime.datetime | None = None
    client_id: uuid.UUID | None = None
    source: str = Source.OFFICER


@dataclass
class Assessed:
    """One occupant, validated and assessed: what the register page shows before saving."""

    values: dict[str, Any]  # person_clean() output
    temperature: Decimal | None
    origin: str
    origin_code: str
    destination: str
    township: Township | None
    village: Village | None
    travel_history: list[str]
    symptoms: list[str]
    flags: list[rules.Flag]
    recommended: str
    decision: str
    known: Person | None = None


@dataclass
class AssessedPassage:
    data: PassageInput
    occurred_at: datetime.datetime
    day: datetime.date
    plate: str
    plate_region: str
    occupants: list[Assessed]

    @property
    def flagged(self) -> bool:
        return any(o.flags for o in self.occupants)


def _reference(read: dict[int, int] | None = None) -> tuple[CountyPlaces, list[Any]]:
    """The county's places (org/places.py) and the key areas: what assessing a passage
    reads, kept in memory until one of them changes (core/refcache.py; shared by the
    process's requests, read only but for the places' memo of texts matched). `read`: the
    versions just read (refcache.versions)."""
    return refcache.kept("passage_reference", lambda: (CountyPlaces.load(), key_areas()), read=read)


_who = lazy(lambda n: str(MESSAGES["who"]) % {"n": n}, str)


def checkpoint_area(checkpoint: Checkpoint, memo: dict[Any, Any] | None) -> str:
    """The area "in the county" means at this checkpoint (org/places.py): its unit's county
    in a city installation, read once per unit in a batch."""
    key = ("area", checkpoint.unit_id)
    if memo is not None and key in memo:
        return str(memo[key])
    area = unit_area(checkpoint.unit if checkpoint.unit_id else None)
    if memo is not None:
        memo[key] = area
    return area


def _text_list(values: Sequence[str] | str | None) -> list[str]:
    """The places (or symptoms) typed in one field or sent as a list, cleaned, none cut:
    passage_assess refuses a list or an item past its bound naming the field."""
    if isinstance(values, str):
        values = [p for p in values.replace("，", ",").replace("、", ",").split(",")]
    return [t for t in (normalize_text(v) for v in (values or [])) if t]


def occupant_assess(
    *,
    values: dict[str, Any],
    temperature: Decimal | None,
    origin: str,
    destination: str,
    travel_history: list[str],
    symptoms: list[str],
    decision: str,
    day: datetime.date,
    plate: str,
    plate_region: str,
    places: CountyPlaces,
    areas: Sequence[Any],
    county: str,
) -> Assessed:
    """One occupant's flags and recommended decision, from what was given, already valid
    and normalised (`values` as person_clean gives them: the name and phone as given, the
    household region of the ID number): where they came from (`core.regions.resolve_place`),
    where they go (`CountyPlaces.match` in the checkpoint's `county`), the flags of the day
    (`rules.occupant_flags`) and the recommendation (`rules.recommend`, "in the county" by
    `CountyPlaces.in_county`). The one assessment of an occupant: a registration's
    (passage_assess, one car or a batch) and the scale generator's (checkpoints/scale.py)."""
    origin_code = resolve_place(origin)
    place = places.match(address=destination, area=county)
    household_region = values.get("household_region", "")
    flags = rules.occupant_flags(
        day=day,
        areas=areas,
        household_region=household_region,
        plate=plate,
        plate_region=plate_region,
        origin=origin,
        origin_code=origin_code,
        travel_history=travel_history,
        temperature=temperature,
        symptoms=symptoms,
    )
    recommended = rules.recommend(
        flags,
        destination_in_county=places.in_county(
            place, text=destination, household_region=household_region, area=county
        ),
    )
    return Assessed(
        values=values,
        temperature=temperature,
        origin=origin,
        origin_code=origin_code,
        destination=destination,
        township=place.township,
        village=place.village,
        travel_history=travel_history,
        symptoms=symptoms,
        flags=flags,
        recommended=recommended,
        decision=decision or recommended,
    )


def _too_long_ago(occurred_at: datetime.datetime, checkpoint: Checkpoint) -> str:
    """Why a passage's time lies too far back to be registered ("" when it does not): before
    its checkpoint's 启用日期, or more than PASSAGE_LATE_DAYS before now (settings.py: how
    long a phone's outbox may hold what it registered offline, docs/offline.md). The window
    is never off, so no time before 1901 (Shanghai's LMT, +08:05:43) is ever stored."""
    if occurred_at.astimezone(SHANGHAI).date() < checkpoint.opened_on:
        return _("通行时间不能早于本检查站启用日期（%(day)s）") % {
            "day": formats.date_format(checkpoint.opened_on, "DATE_FORMAT")
        }
    days = settings.FANGKONG["PASSAGE_LATE_DAYS"]
    earliest = clock.now() - datetime.timedelta(days=days)
    if occurred_at < earliest:
        return _("通行时间距今不能超过%(days)s天（最早%(earliest)s）：更早的通行不再补登") % {
            "days": days,
            "earliest": formats.date_format(
                earliest.astimezone(SHANGHAI).replace(tzinfo=None), "DATETIME_FORMAT"
            ),
        }
    return ""


def passage_assess(
    *,
    data: PassageInput,
    places: CountyPlaces | None = None,
    areas: Sequence[Any] | None = None,
    require_temperature: bool = False,
    memo: dict[Any, Any] | None = None,
) -> AssessedPassage:
    """Validate a passage and work out each occupant's flags and recommended decision.

    Raises one ValidationError naming every bad field (field names like
    "occupants.1.id_number", messages in Chinese saying which occupant and which rule).
    """
    errors: dict[str, list[str]] = {}
    if data.direction not in _DIRECTIONS:
        errors["direction"] = [_("方向：取值须为 in（进入）或 out（离开）")]
    if data.vehicle_type not in _VEHICLE_TYPES:
        errors["vehicle_type"] = [_("车辆类型：取值不在允许范围内")]
    if data.source not in _SOURCES:
        errors["source"] = [_("登记方式：取值不在允许范围内")]
    plate, plate_region = "", ""
    if data.plate and data.plate.strip():
        try:
            parsed = parse_plate(data.plate, field=PART_LABELS["plate"])
        except ValidationError as exc:
            errors["plate"] = exc.messages
        else:
            plate, plate_region = parsed.number, parsed.region_code
    elif data.vehicle_type not in (VehicleType.PEDESTRIAN, VehicleType.OTHER, ""):
        errors["plate"] = [_("车牌号不能为空（步行或其他方式可不填）")]
    occurred_at = data.occurred_at or clock.now()
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, SHANGHAI)
    if is_future(occurred_at, clock.now()):
        errors["occurred_at"] = [_("通行时间不能晚于现在")]
    elif too_long_ago := _too_long_ago(occurred_at, data.checkpoint):
        errors["occurred_at"] = [too_long_ago]
    day = occurred_at.astimezone(SHANGHAI).date()
    if not data.occupants:
        errors["occupants"] = [str(MESSAGES["no_occupants"])]
    elif len(data.occupants) > seats_for(data.vehicle_type):
        label = VehicleType(data.vehicle_type).label if data.vehicle_type in _VEHICLE_TYPES else ""
        errors["occupants"] = [
            str(MESSAGES["too_many"]) % {"type": label, "n": seats_for(data.vehicle_type)}
        ]
    if places is None or areas is None:
        kept_places, kept_areas = _reference()
        places = places if places is not None else kept_places
        areas = areas if areas is not None else kept_areas
    county = checkpoint_area(data.checkpoint, memo)
    assessed: list[Assessed] = []
    seen: dict[str, int] = {}
    for i, occ in enumerate(data.occupants[:MAX_OCCUPANTS]):
        # Said only in messages: translated when one is shown, not for every occupant.
        who = _who(i + 1)
        prefix = f"occupants.{i}."
        key = ("person", occ.name, occ.id_number, occ.phone)
        try:
            if memo is not None and key in memo:
                values = dict(memo[key])
            else:
                values = person_clean(
                    PersonInput(name=occ.name, id_number=occ.id_number, phone=occ.phone)
                )
                if memo is not None:
                    memo[key] = dict(values)
        except ValidationError as exc:
            for field_name, msgs in exc.message_dict.items():
                errors[prefix + field_name] = [f"{who}{m}" for m in msgs]
            values = {}
        number = values.get("id_number")
        if number:
            if number in seen:
                errors[prefix + "id_number"] = [
                    str(MESSAGES["duplicate_id"]) % {"who": who, "n": seen[number] + 1}
                ]
            seen[number] = i
        measured = None
        try:
            measured = parse_temperature(
                occ.temperature, label=format_lazy("{}{}", who, MESSAGES["temperature"])
            )
        except ValidationError as exc:
            errors[prefix + "temperature"] = exc.messages
        if require_temperature and measured is None and prefix + "temperature" not in errors:
            errors[prefix + "temperature"] = [str(MESSAGES["temperature_required"]) % {"who": who}]
        if occ.decision and occ.decision not in _DECISIONS:
            errors[prefix + "decision"] = [_("%(who)s处置：取值不在允许范围内") % {"who": who}]
        origin = normalize_text(occ.origin)
        destination = normalize_text(occ.destination)
        travel_history = _text_list(occ.travel_history)
        if isinstance(occ.travel_history, str) and len(occ.travel_history) > bounds.LINE:
            # The pages' one field of places, typed: as long as its input lets one type.
            label = format_lazy("{}{}", who, PLACE_LABELS["travel_history"])
            errors[prefix + "travel_history"] = [
                length_error(occ.travel_history, label, bounds.LINE) or ""
            ]
        elif len(travel_history) > bounds.MAX_PLACES:
            errors[prefix + "travel_history"] = [
                str(MESSAGES["too_many_places"])
                % {"who": who, "field": PLACE_LABELS["travel_history"], "n": bounds.MAX_PLACES}
            ]
        for part, text, limit in (
            ("origin", origin, bounds.PLACE),
            ("destination", destination, bounds.PLACE),
            *(("travel_history", place, bounds.PLACE_NAME) for place in travel_history),
        ):
            # The label made only for a refusal: the checks alone are one pass in C each.
            if prefix + part not in errors and (len(text) > limit or hidden_char(text) is not None):
                label = format_lazy("{}{}", who, PLACE_LABELS[part])
                refused = length_error(text, label, limit) or plain_text_error(text, label)
                errors[prefix + part] = [refused or ""]
        # Known words, each kept once: a list longer than the words are is only repeats.
        symptoms, unknown = known_symptoms(_text_list(occ.symptoms), _SYMPTOMS)
        if unknown:
            errors[prefix + "symptoms"] = [f"{who}{m}" for m in unknown]
        assessed.append(
            occupant_assess(
                values=values,
                temperature=measured,
                origin=origin,
                destination=destination,
                travel_history=travel_history,
                symptoms=symptoms,
                decision=occ.decision,
                day=day,
                plate=plate,
                plate_region=plate_region,
                places=places,
                areas=areas,
                county=county,
            )
        )
    if errors:
        raise ValidationError(errors)
    return AssessedPassage(
        data=data,
        occurred_at=occurred_at,
        day=day,
        plate=plate,
        plate_region=plate_region,
        occupants=assessed,
    )


def shift_for(
    checkpoint: Checkpoint, at: datetime.datetime, *, kept_ids: dict[Any, int] | None = None
) -> DutyShift:
    """The duty shift a moment at a checkpoint falls in (made when no roster exists yet).

    `kept_ids`: the shifts' ids by (checkpoint, day, slot), kept for the version of the
    shifts' keys read before (core/refcache.py, SHIFTS; database triggers change it when a
    shift is made, removed or moved): a shift found there is not looked up again. It holds
    only shifts found by the look-up, never one made here — a shift made in a transaction
    that rolls back must not outlive it under the version read before it. The shift given
    from it has its key loaded and its other fields (leader, hand counts, times: changed
    without the version moving) read from the database when used."""
    day, slot = checkpoint.shift_at(at)
    key = (checkpoint.pk, day, slot)
    known = kept_ids.get(key) if kept_ids is not None else None
    if known is not None:
        return statements.loaded(
            DutyShift,
            {"id": known, "checkpoint_id": checkpoint.pk, "day": day, "slot": slot},
            {"checkpoint": checkpoint},  # its label reads the checkpoint: no query for it
            alias=statements.current().alias,
        )
    # Found by its unique key, with the SQL written out (core/statements.py): `.first()`
    # brought DutyShift's default ordering (a join to the checkpoints and a sort for one
    # row) and compiling the query cost more than running it.
    found = statements.fetch(
        DutyShift,
        "WHERE checkpoint_id = %s AND day = %s AND slot = %s",
        [checkpoint.pk, statements.current().ops.adapt_datefield_value(day), slot],
    )
    shift = found[0] if found else None
    if shift is not None and kept_ids is not None:
        kept_ids[key] = shift.pk
    if shift is None:
        begin, end = checkpoint.shift_window(day, slot)
        try:
            with transaction.atomic():
                shift = DutyShift.objects.create(
                    checkpoint=checkpoint, day=day, slot=slot, starts_at=begin, ends_at=end
                )
        except IntegrityError:
            shift = DutyShift.objects.get(checkpoint=checkpoint, day=day, slot=slot)
    shift.checkpoint = checkpoint  # its label reads the checkpoint: no query for it
    return shift


# Names of a passage's parts in a client_id conflict (core/idempotency.py).
PART_LABELS = {
    "checkpoint": gettext_lazy("检查站"),
    "direction": gettext_lazy("方向"),
    "vehicle_type": gettext_lazy("车辆类型"),
    "plate": gettext_lazy("车牌号"),
    "occurred_at": gettext_lazy("通行时间"),
    "occupants": gettext_lazy("乘车人数"),
}


def passage_digest(data: PassageInput) -> dict[str, str]:
    """What a passage's sender said, part by part, as digests (core/idempotency.py): each
    part normalised the way passage_assess reads it, so the page form and the device's JSON
    of one car compare equal."""
    parts: dict[str, Any] = {
        "checkpoint": data.checkpoint.code,
        "direction": data.direction,
        "vehicle_type": data.vehicle_type,
        "plate": normalize_plate(data.plate or ""),
        "occurred_at": idempotency.moment_key(data.occurred_at),
        "occupants": len(data.occupants),
    }
    for i, occ in enumerate(data.occupants):
        parts[f"occupants.{i}"] = [
            normalize_text(occ.name),
            normalize_id_number(occ.id_number),
            _phone_key(occ.phone),
            idempotency.number_key(occ.temperature),
            normalize_text(occ.origin),
            normalize_text(occ.destination),
            _text_list(occ.travel_history),
            sorted(_text_list(occ.symptoms)),
            occ.decision or "",
        ]
    return idempotency.digests(parts)


def _phone_key(raw: str) -> str:
    try:
        return parse_phone(raw) if raw and raw.strip() else ""
    except ValidationError:
        return strip_all_spaces(raw)


def _passage_by_client_id(client_id: uuid.UUID) -> Passage | None:
    """The passage stored under a client id, if any (written-out SQL: core/statements.py)."""
    value = Passage._meta.get_field("client_id").get_db_prep_value(client_id, statements.current())
    found = statements.fetch(Passage, "WHERE client_id = %s", [value])
    return found[0] if found else None


def _same_passage(existing: Passage, data: PassageInput, by: User | None) -> None:
    """A known client_id: refuse it when it says something else. Compared only with the
    sender's own car at the same checkpoint (core/idempotency.py refuse_retry): another
    checkpoint's, or another officer's, is refused naming the client_id only."""
    sent = passage_digest(data)
    labels = {name: str(label) for name, label in PART_LABELS.items()}
    for name in sent:
        if name.startswith("occupants."):
            labels[name] = str(MESSAGES["who"]) % {"n": int(name.split(".")[1]) + 1}
    idempotency.refuse_retry(
        existing.request_digest,
        sent,
        labels,
        own=existing.checkpoint_id == data.checkpoint.pk
        and existing.registered_by_id == (by.pk if by else None),
    )


# The columns of a passage its registration derives from what was assessed, in the order
# passage_row gives them; the rest (ids, client id, shift, who registered, the request's
# digest, when stored) are the writer's.
PASSAGE_FIELDS = (
    "occurred_at",
    "day",
    "hour",
    "direction",
    "plate",
    "plate_region",
    "vehicle_type",
    "persons",
    "flagged",
    "source",
)


def passage_row(assessed: AssessedPassage, *, at: Any) -> tuple[Any, ...]:
    """A passage's values in the order of PASSAGE_FIELDS: its local day and hour
    (Asia/Shanghai), the plate and its region as parsed, how many occupants and whether any
    is flagged; `at` is the moment as the writer stores it (the datetime, or the scale
    generator's text). The one row rule for passages: passage_register,
    passages_register_bulk and the scale generator."""
    local = assessed.occurred_at.astimezone(SHANGHAI)
    data = assessed.data
    return (
        at,
        local.date(),
        local.hour,
        data.direction,
        assessed.plate,
        assessed.plate_region,
        data.vehicle_type,
        len(assessed.occupants),
        assessed.flagged,
        data.source,
    )


def _new_passage(
    data: PassageInput, assessed: AssessedPassage, shift: DutyShift, by: User | None
) -> Passage:
    registered_by = by if by is not None and by.pk else None
    values = dict(zip(PASSAGE_FIELDS, passage_row(assessed, at=assessed.occurred_at), strict=True))
    values.update(
        request_digest=passage_digest(data),
        client_id=data.client_id or uuid.uuid4(),
        checkpoint_id=data.checkpoint.pk,
        shift_id=shift.pk,
        registered_by_id=registered_by.pk if registered_by is not None else None,
    )
    return statements.new(
        Passage,
        values,
        {"checkpoint": data.checkpoint, "shift": shift, "registered_by": registered_by},
    )


# What an occupant's row holds of its assessment, in the order occupant_row gives it; the
# passage, seat, person, checkpoint, day and case are the writer's.
OCCUPANT_FIELDS = (
    "name",
    "phone",
    "temperature",
    "origin",
    "origin_code",
    "destination",
    "destination_township_id",
    "travel_history",
    "symptoms",
    "flags",
    "flagged",
    "flag_codes",
    "recommended",
    "decision",
)


def occupant_row(item: Assessed) -> tuple[Any, ...]:
    """An assessed occupant's values in the order of OCCUPANT_FIELDS: the name and phone as
    given, what was seen, the flags with their reasons and codes (",household,fever," for
    the list's filter), the recommendation and the decision. The one row rule for
    occupants: passage_register, passages_register_bulk and the scale generator (which
    writes the JSON columns as text)."""
    flags = item.flags
    return (
        item.values["name"],
        item.values["phone"],
        item.temperature,
        item.origin,
        item.origin_code,
        item.destination,
        item.township.pk if item.township is not None else None,
        item.travel_history,
        item.symptoms,
        [f.as_dict() for f in flags],
        bool(flags),
        f",{','.join(f.code for f in flags)}," if flags else "",
        item.recommended,
        item.decision,
    )


def _new_occupant(passage: Passage, position: int, person: Person, item: Assessed) -> Occupant:
    values = dict(zip(OCCUPANT_FIELDS, occupant_row(item), strict=True))
    values.update(
        passage_id=passage.pk,
        position=position,
        person_id=person.pk,
        checkpoint_id=passage.checkpoint_id,
        day=passage.day,
    )
    return statements.new(
        Occupant,
        values,
        {
            "passage": passage,
            "person": person,
            "checkpoint": passage.checkpoint,
            "destination_township": item.township,
        },
    )


def passage_tally(occupants: Sequence[Assessed]) -> dict[str, int]:
    """What one passage adds to its hour's count (PassageCount, COUNT_FIELDS): one vehicle,
    its occupants, the flagged ones and each decision that counts. The one rule for the
    counts: passage_register, passages_register_bulk and the scale generator."""
    return {
        "vehicles": 1,
        "persons": len(occupants),
        "flagged": sum(1 for o in occupants if o.flags),
        "turned_back": sum(1 for o in occupants if o.decision == Decision.TURN_BACK),
        "referred": sum(1 for o in occupants if o.decision == Decision.QUARANTINE),
        "medical": sum(1 for o in occupants if o.decision == Decision.MEDICAL),
    }


def _count_key(passage: Passage) -> tuple[int, datetime.date, int, int]:
    return (passage.checkpoint_id, passage.day, passage.shift.slot, passage.hour)


# _counts_add's UPDATE, by vendor and counted columns: written once.
_COUNT_UPDATES: dict[tuple[str, tuple[str, ...]], str] = {}


def _counts_add(key: tuple[int, datetime.date, int, int], tally: dict[str, int]) -> None:
    """Add to the count row, creating it on first use; `n = n + x` keeps concurrent adds
    exact. The UPDATE is written out: built through F() expressions it cost a registration
    more CPU than everything else it does inside the write lock but the inserts."""
    checkpoint_id, day, slot, hour = key
    db = statements.current()
    sql_key = (db.vendor, tuple(tally))
    sql = _COUNT_UPDATES.get(sql_key)
    if sql is None:
        quote = db.ops.quote_name
        sets = ", ".join(f"{quote(name)} = {quote(name)} + %s" for name in tally)
        sql = _COUNT_UPDATES[sql_key] = (
            f"UPDATE {quote(PassageCount._meta.db_table)} SET {sets} "
            "WHERE checkpoint_id = %s AND day = %s AND slot = %s AND hour = %s"
        )
    cursor = statements.cursor(db)
    cursor.execute(
        sql, [*tally.values(), checkpoint_id, db.ops.adapt_datefield_value(day), slot, hour]
    )
    if cursor.rowcount:
        return
    lookup = {"checkpoint_id": checkpoint_id, "day": day, "slot": slot, "hour": hour}
    try:
        with transaction.atomic():
            PassageCount.objects.create(**lookup, **tally)
    except IntegrityError:
        PassageCount.objects.filter(**lookup).update(
            **{name: F(name) + value for name, value in tally.items()}
        )


# A referral's note, in the words of the active language (core.text.translated).
_REFERRAL_WORDS = {
    "note": gettext_lazy("%(cp)s：%(decision)s；%(flags)s"),
    "none": gettext_lazy("无预警"),
}
_DECISION_LABELS = dict(Decision.choices)


def _referral(
    occ: Occupant,
    assessed: Assessed,
    passage: Passage,
    words: Mapping[str, str],
    decisions: Mapping[str, str],
) -> Referral:
    """What a checkpoint knows of an occupant it refers for verification: its note in
    `words` and `decisions` (_REFERRAL_WORDS and _DECISION_LABELS, translated once a car)."""
    note = words["note"] % {
        "cp": passage.checkpoint.name,
        "decision": decisions[occ.decision],
        "flags": "；".join(f.reason for f in assessed.flags) or words["none"],
    }
    return Referral(
        person=occ.person,
        came_from_code=rules.came_from_code(
            flags=assessed.flags,
            origin_code=assessed.origin_code,
            travel_history=assessed.travel_history,
            household_region=occ.person.household_region,
        ),
        came_from=assessed.origin,
        arrival_date=passage.day,
        township=assessed.township,
        village=assessed.village,
        note=note,
        ref_type="checkpoints.occupant",
        ref_id=str(occ.pk),
    )


_OCCUPANT_CASE: Any = Occupant._meta.get_field("case")  # its cache of the case


def _refer(
    passage: Passage, referred: Sequence[tuple[Occupant, Assessed]], by: User | None
) -> None:
    """Refer a passage's occupants whose decision asks for it (open or join their cases)
    in one go: one query for their open cases, one INSERT of the referrals, one UPDATE of
    the occupants' case."""
    if not referred:
        return
    if any(occ.pk is None for occ, _a in referred):  # backends that do not return ids
        ids = dict(Occupant.objects.filter(passage=passage).values_list("position", "pk"))
        for occ, _a in referred:
            occ.pk = ids[occ.position]
    words, decisions = translated(_REFERRAL_WORDS), translated(_DECISION_LABELS)
    cases = cases_refer(
        [_referral(occ, a, passage, words, decisions) for occ, a in referred],
        source="checkpoint",
        by=by,
        at=passage.occurred_at,
        whole_cases=False,  # the occupants take the cases' ids
    )
    pairs: list[int] = []
    for (occ, _a), (case, _opened) in zip(referred, cases, strict=True):
        # What `occ.case = case` leaves, without its checks of a case just read on this
        # connection (the database router's, for every occupant).
        occ.case_id = case.pk
        _OCCUPANT_CASE.set_cached_value(occ, case)
        pairs += [occ.pk, case.pk]
    # Written out, as _counts_add: bulk_update's CASE built through expressions cost more
    # CPU inside the write lock than finding and referring the cases.
    db = statements.current()
    quote = db.ops.quote_name
    whens = " ".join(["WHEN %s THEN %s"] * len(referred))
    statements.cursor(db).execute(
        f"UPDATE {quote(Occupant._meta.db_table)} SET case_id = CASE id {whens} END "
        f"WHERE id IN ({', '.join(['%s'] * len(referred))})",
        [*pairs, *pairs[::2]],
    )


def passage_register(*, data: PassageInput, by: User | None) -> tuple[Passage, bool]:
    """Register a passage: find each occupant's person (or create one, when none exists),
    store what was seen on the occupant — name and phone as given, temperature, origin,
    destination, flags and decisions — refer to quarantine (open or join the case) and add
    to the day's counts, all in one transaction. A known person's record is never changed
    here. Returns (passage, created); a known client id returns the passage stored the
    first time and stores nothing — unless it says something else than the first time:
    then ClientIdConflict names what differs (core/idempotency.py)."""
    # Validation and flags need no lock: done before the transaction takes the write lock
    # (SQLite has one writer; PostgreSQL holds row locks on the counts). A client id stored
    # already is found by the passage's INSERT (ON CONFLICT DO NOTHING, _passage_store), not
    # looked up first for every car: only when the car is refused is it looked up here, so
    # that a retry of a stored car is answered as that car (or refused as different) as it
    # was when the look-up came first.
    # The versions of the kept reference data and shifts, read once for the car.
    read = refcache.versions()
    places, areas = _reference(read)
    try:
        assessed = passage_assess(data=data, places=places, areas=areas)
    except ValidationError:
        existing = _passage_by_client_id(data.client_id) if data.client_id else None
        if existing is None:
            raise
        _same_passage(existing, data, by)
        return existing, False
    # Reads that need no lock either: the shift, and who is known already (someone
    # registered meanwhile is found again by person_find_or_create).
    shift = shift_for(
        data.checkpoint,
        assessed.occurred_at,
        kept_ids=refcache.kept("shift_ids", dict, row=refcache.SHIFTS, read=read),
    )

    def store() -> tuple[Passage, bool]:
        numbers = [a.values["id_number"] for a in assessed.occupants]
        known: dict[str | None, Person] = {
            p.id_number: p
            for p in statements.fetch(
                Person, f"WHERE id_number IN ({', '.join(['%s'] * len(numbers))})", numbers
            )
        }
        return _passage_store(data=data, assessed=assessed, shift=shift, known=known, by=by)

    # A deadlock the lock order did not foresee ends one of two cars' transactions on
    # PostgreSQL; that car is stored again, with who is known read anew (core/transactions.py).
    return retrying(store)


# What a passage's full_clean leaves out before it is stored: the related rows just read
# (no existence queries for them), what passage_assess validated (time, direction, vehicle
# type, plate, source) or derived from it (day, hour, the plate's region, how many,
# flagged) — each validated once — and the writer's own values (client id, when stored,
# the digests).
_STORE_UNCLEANED = [
    "checkpoint",
    "shift",
    "registered_by",
    *PASSAGE_FIELDS,
    "client_id",
    "created_at",
    "request_digest",
]
# Whether full_clean has anything left to check: nothing, today; a field or a clean() added
# to Passage later is checked there until passage_assess or the writer owns it.
_STORE_CLEANS = Passage.clean is not Model.clean or any(
    f.name not in _STORE_UNCLEANED for f in Passage._meta.concrete_fields if not f.primary_key
)


@transaction.atomic
def _passage_store(
    *,
    data: PassageInput,
    assessed: AssessedPassage,
    shift: DutyShift,
    known: dict[str | None, Person],
    by: User | None,
) -> tuple[Passage, bool]:
    # Audit entries are appended together at the end: the chain head stays locked only
    # from there to the commit, not through the whole registration.
    with audit_deferred():
        passage = _new_passage(data, assessed, shift, by)
        if _STORE_CLEANS:
            passage.full_clean(exclude=_STORE_UNCLEANED, validate_unique=False)
        # One written-out INSERT (core/statements.py): a client id stored meanwhile (the
        # same car sent twice at once) writes nothing, and the first one is answered.
        if not statements.insert([passage], conflict="client_id"):
            existing = _passage_by_client_id(passage.client_id)
            if existing is None:
                raise IntegrityError("passage client_id conflict without a passage")
            _same_passage(existing, data, by)
            return existing, False
        # New people are written in the order of their ID numbers, whatever their seats:
        # two cars with the same new people lock their rows in the same order. A person
        # already known is not written at all: what the checkpoint saw (phone, origin,
        # destination, temperature) is the occupant's, and the person's record stays as
        # the station in charge of them keeps it (people/ownership.py).
        people = [known.get(a.values["id_number"]) for a in assessed.occupants]
        seats = sorted(
            range(len(people)), key=lambda i: assessed.occupants[i].values["id_number"] or ""
        )
        new = [i for i in seats if people[i] is None]
        made = _people_new([assessed.occupants[i] for i in new], by)
        for i, person in zip(new, made, strict=True):
            people[i] = person
        occupants = [
            _new_occupant(passage, i, person, item)  # type: ignore[arg-type]
            for i, (person, item) in enumerate(zip(people, assessed.occupants, strict=True))
        ]
        statements.insert(occupants)
        _refer(
            passage,
            [
                (occ, item)
                for occ, item in zip(occupants, assessed.occupants, strict=True)
                if occ.decision in REFERRING
            ],
            by,
        )
        _counts_add(_count_key(passage), passage_tally(assessed.occupants))
        audit_record(
            actor=by,
            action="create",
            obj=passage,
            changes={
                "checkpoint": [None, data.checkpoint.code],
                "plate": [None, passage.plate],
                "occupants": [None, [f"{o.person_id}:{o.decision}" for o in occupants]],
            },
        )
        # The caller shows what was stored: the occupants come with the passage as the list
        # they are (Passage.occupants_shown; a queryset made to hold them, as prefetch_related
        # leaves one, cost a known car 3–4 % of its CPU).
        passage.stored_occupants = occupants
        return passage, True


def _person_input(item: Assessed) -> PersonInput:
    v = item.values
    return PersonInput(
        name=v["name"],
        id_number=v["id_number"],
        phone=v["phone"],
        township=item.township,
        village=item.village,
    )


def _person_values(item: Assessed) -> dict[str, Any]:
    """A new person's values: person_clean's, from passage_assess (validated once), with the
    township and village the occupant's destination named (places.match gives a village
    only with its township) — what person_clean makes of them. The single and the bulk
    registration write people from these alike."""
    return {**item.values, "township": item.township, "village": item.village}


def _people_new(items: Sequence[Assessed], by: User | None) -> list[Person]:
    """A car's new people (none known when the car was read), in the order given: validated
    in Python by person_clean in passage_assess — the rule's home, no query, not run twice —
    and written together by the bulk path (`persons_insert_cleaned`: one INSERT, their audit
    entries), uniqueness left to the database. When someone registered one of them a moment
    ago, the INSERT fails inside its savepoint and each is found or created one by one
    (person_find_or_create)."""
    if not items:
        return []
    cleaned = [_person_values(item) for item in items]
    try:
        with transaction.atomic():
            return persons_insert_cleaned(cleaned=cleaned, by=by)
    except IntegrityError:
        return [person_find_or_create(data=_person_input(item), by=by)[0] for item in items]


@transaction.atomic
def passages_register_bulk(
    *, items: Sequence[PassageInput], by: User | None, refer: bool = True
) -> list[Passage]:
    """The bulk form of passage_register for imports and the demo: the same validation,
    flags and decisions, persons found or created, referrals through case_refer, and the
    counts kept — with a handful of queries per batch instead of per row."""
    places, areas = _reference()
    memo: dict[Any, Any] = {}
    assessed_all = [
        passage_assess(data=item, places=places, areas=areas, memo=memo) for item in items
    ]
    # Persons: found by ID number, the missing ones created by people's one bulk path
    # (their values are person_clean's, from passage_assess).
    people = iter(
        persons_add_cleaned(
            cleaned=[_person_values(o) for a in assessed_all for o in a.occupants],
            by=by,
        )
    )
    shifts: dict[tuple[int, datetime.date, int], DutyShift] = {}
    passages: list[Passage] = []
    for item, a in zip(items, assessed_all, strict=True):
        day, slot = item.checkpoint.shift_at(a.occurred_at)
        key = (item.checkpoint.pk, day, slot)
        if key not in shifts:
            shifts[key] = shift_for(item.checkpoint, a.occurred_at)
        passages.append(_new_passage(item, a, shifts[key], by))
    Passage.objects.bulk_create(passages, batch_size=500)
    if passages and passages[0].pk is None:  # backends that do not return ids
        ids = dict(
            Passage.objects.filter(client_id__in=[p.client_id for p in passages]).values_list(
                "client_id", "pk"
            )
        )
        for p in passages:
            p.pk = ids[p.client_id]
    occupants: list[tuple[Occupant, Assessed, Passage]] = []
    counts: dict[tuple[int, datetime.date, int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNT_FIELDS, 0)
    )
    for passage, a in zip(passages, assessed_all, strict=True):
        for i, o in enumerate(a.occupants):
            occupants.append((_new_occupant(passage, i, next(people), o), o, passage))
        for name, value in passage_tally(a.occupants).items():
            counts[_count_key(passage)][name] += value
    Occupant.objects.bulk_create([o for o, _a, _p in occupants], batch_size=1000)
    if refer:
        by_passage: dict[int, list[tuple[Occupant, Assessed]]] = defaultdict(list)
        for occ, o, passage in occupants:
            if occ.decision in REFERRING:
                by_passage[passage.pk].append((occ, o))
        for passage in passages:
            _refer(passage, by_passage.get(passage.pk, []), by)
    for count_key, tally in counts.items():
        _counts_add(count_key, tally)
    audit_record(
        actor=by,
        action="create",
        object_type="checkpoints.passage",
        object_repr=_("批量登记%(n)s条通行记录") % {"n": len(passages)},
        changes={"passages": len(passages), "occupants": len(occupants)},
    )
    return passages
