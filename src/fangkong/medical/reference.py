"""The designated medical institutions (定点医疗机构) of the default county, one per
township, loaded with the county's townships (core/reference.py).

宁阳县人民医院 is the county's designated hospital for fever patients; four township
health centres run fever clinics (发热门诊) for their own and neighbouring townships. The
designations are the demo's: a bureau enters its own in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from fangkong.medical.models import Designation, MedicalInstitution
from fangkong.org.models import Township

if TYPE_CHECKING:
    from fangkong.checkpoints.models import Occupant
    from fangkong.quarantine.models import QuarantineCase

COUNTY_HOSPITAL = "宁阳县人民医院"
# (name, kind, address, the townships it is designated for)
NINGYANG_INSTITUTIONS: list[tuple[str, str, str, list[str]]] = [
    (
        COUNTY_HOSPITAL,
        MedicalInstitution.Kind.HOSPITAL,
        "宁阳县文庙街道",
        ["文庙街道", "八仙桥街道", "东疏镇", "伏山镇", "蒋集镇", "乡饮乡"],
    ),
    ("堽城镇卫生院", MedicalInstitution.Kind.CLINIC, "宁阳县堽城镇", ["堽城镇"]),
    ("泗店镇卫生院", MedicalInstitution.Kind.CLINIC, "宁阳县泗店镇", ["泗店镇", "葛石镇"]),
    ("磁窑镇卫生院", MedicalInstitution.Kind.CLINIC, "宁阳县磁窑镇", ["磁窑镇", "华丰镇"]),
    ("鹤山镇卫生院", MedicalInstitution.Kind.CLINIC, "宁阳县鹤山镇", ["鹤山镇", "东庄镇"]),
]


@transaction.atomic
def load_institutions() -> int:
    """The default county's institutions and designations; nothing for another county,
    nothing already there."""
    if settings.FANGKONG["COUNTY_CODE"] != "370921":
        return 0
    townships = {t.name: t for t in Township.objects.all()}
    created = 0
    for name, kind, address, served in NINGYANG_INSTITUTIONS:
        institution, was_created = MedicalInstitution.objects.get_or_create(
            name=name, defaults={"kind": kind, "address": address}
        )
        created += int(was_created)
        for township_name in served:
            township = townships.get(township_name)
            if township is not None:
                Designation.objects.get_or_create(
                    township=township, defaults={"institution": institution}
                )
    return created


def institution_for(township_id: int | None) -> MedicalInstitution | None:
    """The township's designated institution; without one, the county's hospital."""
    if township_id is not None:
        designation = (
            Designation.objects.select_related("institution")
            .filter(township_id=township_id)
            .first()
        )
        if designation is not None:
            return designation.institution
    return (
        MedicalInstitution.objects.filter(kind=MedicalInstitution.Kind.HOSPITAL)
        .order_by("name")
        .first()
    )


def handoff_institution(
    *, case: QuarantineCase, occupant: Occupant | None = None
) -> MedicalInstitution | None:
    """Where a hand-over goes. A checkpoint's (from an occupant it registered): to the
    institution of the destination it recorded (that township's, else the county's
    hospital) — what the checkpoint knows, never the township on the person's file, whose
    clinic would tell the checkpoint where someone it may not see lives. Any other: to the
    institution of the case's township."""
    if occupant is not None:
        return institution_for(occupant.destination_township_id)
    return institution_for(case.township_id)


# What `fangkong init` loads of this app: the designated institutions (core/reference.py).
load_reference = load_institutions
