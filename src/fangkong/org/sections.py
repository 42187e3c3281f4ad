"""What other apps show on an officer's record. org sits below them and imports none of
them: each registers its section in its AppConfig.ready (honors: the commendations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# name → function of the officer's id giving the section's rows; the name is the template's.
_SECTIONS: dict[str, Callable[[int], Any]] = {}


def register_officer_section(name: str, rows: Callable[[int], Any]) -> None:
    _SECTIONS[name] = rows


def officer_sections(officer_id: int) -> dict[str, Any]:
    return {name: rows(officer_id) for name, rows in _SECTIONS.items()}
