"""The county's townships and subdistricts (public administrative facts, FACTS.md).

Loaded by `fangkong init` for the default county (宁阳县, 370921). Codes follow the
township-level pattern of GB/T 10114 (county code + 3 digits: 0xx 街道, 1xx 镇, 2xx 乡);
a bureau elsewhere enters its own townships in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from fangkong.org.models import Township

NINGYANG_TOWNSHIPS: list[tuple[str, str, str]] = [
    ("370921001", "文庙街道", Township.Kind.SUBDISTRICT),
    ("370921002", "八仙桥街道", Township.Kind.SUBDISTRICT),
    ("370921101", "泗店镇", Township.Kind.TOWN),
    ("370921102", "东疏镇", Township.Kind.TOWN),
    ("370921103", "伏山镇", Township.Kind.TOWN),
    ("370921104", "堽城镇", Township.Kind.TOWN),
    ("370921105", "蒋集镇", Township.Kind.TOWN),
    ("370921106", "磁窑镇", Township.Kind.TOWN),
    ("370921107", "华丰镇", Township.Kind.TOWN),
    ("370921108", "葛石镇", Township.Kind.TOWN),
    ("370921109", "东庄镇", Township.Kind.TOWN),
    ("370921110", "鹤山镇", Township.Kind.TOWN),
    ("370921201", "乡饮乡", Township.Kind.TOWNSHIP),
]


@transaction.atomic
def load_county() -> int:
    if settings.FANGKONG["COUNTY_CODE"] != "370921":
        return 0
    created = 0
    for code, name, kind in NINGYANG_TOWNSHIPS:
        _obj, was_created = Township.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
        created += int(was_created)
    return created


# What `fangkong init` loads of this app: the county's townships and villages (core/reference.py).
load_reference = load_county
