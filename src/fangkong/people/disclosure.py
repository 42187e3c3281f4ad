"""What a page or the API shows of a person, by the disclosure rule (core/disclosure.py):
masked unless revealed by an audited action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fangkong.core.disclosure import shown

if TYPE_CHECKING:
    from fangkong.people.models import Person


@dataclass(frozen=True)
class PersonShown:
    """What a page or the API shows of a person: masked unless `revealed`."""

    pk: int
    name: str
    doc_type: str
    doc_type_label: str
    document: str
    id_unverified: bool
    sex: str
    sex_label: str
    birth_date: datetime.date | None  # only after an audited reveal
    phone: str
    household_region: str
    township: str
    village: str
    address_detail: str
    revealed: bool


def person_shown(person: Person, *, revealed: bool = False) -> PersonShown:
    return PersonShown(
        pk=person.pk,
        name=person.name,
        doc_type=person.doc_type,
        doc_type_label=str(person.get_doc_type_display()),
        document=shown("document", person.document_label, revealed=revealed),
        id_unverified=person.id_unverified,
        # The sex is the parity of the ID number's 17th digit, which the mask shows.
        sex=person.sex,
        sex_label=str(person.get_sex_display()) if person.sex else "",
        birth_date=person.birth_date if revealed else None,
        phone=shown("phone", person.phone, revealed=revealed),
        household_region=person.household_region,
        township=person.township.name if person.township else "",
        village=person.village.name if person.village else "",
        address_detail=shown("address_detail", person.address_detail, revealed=revealed),
        revealed=revealed,
    )
