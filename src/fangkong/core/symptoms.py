"""The one rule of declared symptoms: each must be one of the list the entry point offers
(a follow-up's codes, quarantine.models.Symptom; a checkpoint's words, checkpoints.rules
.SYMPTOMS). An unknown one is refused, not stored: "foo" raised a flag "自述症状：foo" and
recommended medical care (docs/security.md, 2026-12-04)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.utils.translation import gettext_lazy

# The refusal of one symptom not on the list; the roadside device's rules carry the same
# words (checkpoints/roadside.py), so a phone offline refuses it as the server does.
UNKNOWN = gettext_lazy("症状：未知症状“%(code)s”")


def known_symptoms(given: Iterable[object], known: Collection[str]) -> tuple[list[str], list[str]]:
    """The symptoms given that are in `known`, each once in the order given, and a refusal
    ("症状：未知症状“foo”") for each that is not."""
    symptoms: list[str] = []
    refused: list[str] = []
    for code in given:
        if not isinstance(code, str) or code not in known:
            refused.append(str(UNKNOWN) % {"code": str(code)[:20]})
        elif code not in symptoms:
            symptoms.append(code)
    return symptoms, refused
