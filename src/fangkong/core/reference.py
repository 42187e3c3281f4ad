"""Reference data every installation starts with: the default key area.

Each app adds its own (org: the county's townships and villages; medical: the designated
institutions) as `load_reference()` in its `reference.py`, found in INSTALLED_APPS order —
dependency order — the way `demo.py`, `scale.py` and `stats.py` are (core.apps.app_modules):
core imports no app.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction

from fangkong.core.apps import app_modules
from fangkong.core.models import KeyArea, ReferenceVersion
from fangkong.core.refcache import REFERENCE, SHIFTS


@transaction.atomic
def load_reference_data() -> int:
    created = 0
    # The rows core/refcache.py reads (a flushed database has none, and keeps nothing).
    for row in (REFERENCE, SHIFTS):
        ReferenceVersion.objects.get_or_create(pk=row, defaults={"version": secrets.randbits(62)})
    if not KeyArea.objects.exists():
        KeyArea.objects.create(
            prefix="42",
            name="湖北省",
            valid_from=datetime.date(2020, 1, 1),
            note="默认重点地区",
        )
        created += 1
    for config, module in app_modules("reference"):
        load = getattr(module, "load_reference", None)
        if config.name != "fangkong.core" and load is not None:
            created += int(load())
    return created
