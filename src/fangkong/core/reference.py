"""Reference data every installation starts with: the default key area.

The county's townships and villages are loaded from settings' county (Ningyang by default)
by org.reference, which `fangkong init` calls through here.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction

from fangkong.core.models import KeyArea, ReferenceVersion


@transaction.atomic
def load_reference_data() -> int:
    created = 0
    # The row core/refcache.py reads (a flushed database has none, and keeps nothing).
    ReferenceVersion.objects.get_or_create(pk=1, defaults={"version": secrets.randbits(62)})
    if not KeyArea.objects.exists():
        KeyArea.objects.create(
            prefix="42",
            name="湖北省",
            valid_from=datetime.date(2020, 1, 1),
            note="默认重点地区",
        )
        created += 1
    from fangkong.org.reference import load_county

    created += load_county()
    from fangkong.medical.reference import load_institutions

    created += load_institutions()
    return created
