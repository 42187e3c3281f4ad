"""Reads of shared reference data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from fangkong.core.models import KeyArea
from fangkong.core.refcache import kept


def key_areas() -> list[KeyArea]:
    """All key areas, longest prefix first, so the most specific one wins (kept in memory
    until they change: core/refcache.py; the list is the caller's, the areas are shared)."""
    return list(
        kept(
            "key_areas",
            lambda: tuple(
                sorted(KeyArea.objects.all(), key=lambda k: (-len(k.prefix), k.valid_from))
            ),
        )
    )


def key_area_for(
    region_code: str, on: datetime.date, areas: Iterable[KeyArea] | None = None
) -> KeyArea | None:
    """The key area a region code lies in on a day, or None.

    Pass `areas` (from key_areas()) when checking many codes, to read the table once.
    """
    if not region_code:
        return None
    for area in areas if areas is not None else key_areas():
        if area.covers(region_code, on):
            return area
    return None
