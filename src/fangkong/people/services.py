"""Every write to people: registering (find-or-create, never a second row), editing,
revealing the full personal data (audited)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts.audit import audit_record
from fangkong.core.idnumber import parse_id_number
from fangkong.core.phones import parse_phone
from fangkong.core.pinyin import name_pinyin
from fangkong.core.services import model_create, model_update
from fangkong.core.text import normalize_text
from fangkong.people.models import Person

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Township, Village


@dataclass
class PersonInput:
    """What a form, an API call or an import row says about a person, before validation."""

    name: str
    id_number: str = ""
    doc_type: str = Person.DocType.ID_CARD
    doc_number: str = ""
    phone: str = ""
    township: Township | None = None
    village: Village | None = None
    address_detail: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    note: str = ""


def person_clean(data: PersonInput) -> dict[str, Any]:
    """Validate and normalise; raise one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    name = normalize_text(data.name)
    if not name:
        errors["name"] = [_("姓名不能为空")]
    elif len(name) > 50:
        errors["name"] = [_("姓名过长：最多50个字符")]
    values["name"] = name
    full, initials = name_pinyin(name) if name else ("", "")
    values["name_pinyin"], values["name_initials"] = full[:200], initials[:50]

    doc_type = data.doc_type or Person.DocType.ID_CARD
    values["doc_type"] = doc_type
    values["sex"] = data.sex
    values["birth_date"] = data.birth_date
    values["household_region"] = ""
    if doc_type == Person.DocType.ID_CARD:
        try:
            parsed = parse_id_number(data.id_number, field=_("身份证号"))
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            values["id_number"] = parsed.number
            values["sex"] = parsed.sex
            values["birth_date"] = parsed.birth_date
            values["household_region"] = parsed.region_code
        values["doc_number"] = ""
    else:
        values["id_number"] = None
        doc_number = normalize_text(data.doc_number).upper()
        if doc_type != Person.DocType.NONE and not doc_number:
            errors["doc_number"] = [_("证件号码不能为空")]
        values["doc_number"] = doc_number[:40]

    values["phone"] = ""
    if data.phone and data.phone.strip():
        try:
            values["phone"] = parse_phone(data.phone, field=_("联系电话"))
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if (
        data.village is not None
        and data.township is not None
        and (data.village.township_id != data.township.pk)
    ):
        errors["village"] = [_("村居不属于所选乡镇街道")]
    values["township"] = data.township or (data.village.township if data.village else None)
    values["village"] = data.village
    values["address_detail"] = normalize_text(data.address_detail)[:200]
    values["note"] = normalize_text(data.note)[:200]
    if errors:
        raise ValidationError(errors)
    return values


def find_existing(values: dict[str, Any]) -> Person | None:
    if values.get("id_number"):
        return Person.objects.filter(id_number=values["id_number"]).first()
    if values.get("doc_number"):
        return Person.objects.filter(
            doc_type=values["doc_type"], doc_number=values["doc_number"]
        ).first()
    return None


@transaction.atomic
def person_register(*, data: PersonInput, by: User | None) -> tuple[Person, bool]:
    """Find the person by document, or create them. Returns (person, created).

    A known person keeps their row: blanks are filled from the new data, and a newer phone
    or address replaces the old (people move and change numbers; both versions stay in
    the audit trail).
    """
    values = person_clean(data)
    existing = find_existing(values)
    if existing is None:
        try:
            with transaction.atomic():
                return model_create(model=Person, by=by, **values), True
        except IntegrityError:
            # Someone registered the same document a moment ago: join their row.
            existing = find_existing(values)
            if existing is None:
                raise
    updates = {
        key: value
        for key, value in values.items()
        if value not in (None, "")
        and (
            getattr(existing, key) in (None, "")
            or key in {"phone", "township", "village", "address_detail"}
        )
    }
    person, _changes = model_update(instance=existing, by=by, data=updates)
    return person, False


@transaction.atomic
def person_update(
    *, person: Person, data: PersonInput, by: User, expected_version: int | None = None
) -> Person:
    """Edit a person from a form. With `expected_version`, refuse to overwrite a newer save."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _(
                "该人员信息已被他人修改（当前版本%(current)s，您编辑的是版本%(yours)s），请刷新后重新编辑"
            )
            % {"current": locked.version, "yours": expected_version},
            code="conflict",
        )
    values = person_clean(data)
    other = find_existing(values)
    if other is not None and other.pk != locked.pk:
        field = "id_number" if values.get("id_number") else "doc_number"
        raise ValidationError(
            {field: [_("该证件号码已登记为另一人员（编号%(pk)s）") % {"pk": other.pk}]}
        )
    locked, _changes = model_update(instance=locked, by=by, data=values)
    return locked


REVEALED_FIELDS = ["id_number", "doc_number", "phone", "address_detail"]


def person_reveal(
    *, person: Person, by: User, fields: list[str] | None = None, purpose: str = ""
) -> Person:
    """Record that `by` saw these fields of this person unmasked (by default the full ID
    number, phone and address), and what for when the view is not the person's page."""
    changes: dict[str, object] = {"fields": fields or REVEALED_FIELDS}
    if purpose:
        changes["purpose"] = purpose
    audit_record(actor=by, action="reveal", obj=person, changes=changes)
    return person
