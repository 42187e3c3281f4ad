"""The one vocabulary of symptoms, and the one rule of declared ones.

A traveller declares symptoms at a checkpoint, a follow-up records them in the village: both
offer this list (`Symptom`), and anything else is refused, not stored ("foo" raised a flag
"自述症状：foo" and recommended medical care, docs/security.md, 2026-12-04). Each record
keeps the spelling it always stored, so every stored value stays valid: a follow-up stores
the code ("cough"); a checkpoint's passage stores the Chinese word ("咳嗽"), as the
traveller's QR code, the device API and a phone's queued records carry it (`WORDS`). The
roadside device's rules (checkpoints/roadside.py) carry the words and the refusal, so a
phone offline refuses what the server refuses.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

from fangkong.core.text import typed


class Symptom(models.TextChoices):
    """症状: what a person declares or a follow-up finds; any of them raises a flag or an
    alert. The checkpoint's six first, in the order its page always offered them."""

    FEVER = "fever", gettext_lazy("发热")
    COUGH = "cough", gettext_lazy("咳嗽")
    FATIGUE = "fatigue", gettext_lazy("乏力")
    SORE_THROAT = "sore_throat", gettext_lazy("咽痛")
    SHORT_BREATH = "short_breath", gettext_lazy("呼吸困难")
    DIARRHOEA = "diarrhoea", gettext_lazy("腹泻")
    MUSCLE_ACHE = "muscle_ache", gettext_lazy("肌肉酸痛")
    SMELL_TASTE = "smell_taste", gettext_lazy("嗅觉味觉减退")


def _words() -> dict[str, str]:
    """Each symptom's Chinese word: its label untranslated (the source text)."""
    with translation.override(None):
        return {s.value: str(s.label) for s in Symptom}


# code → the word a checkpoint stores ("cough" → "咳嗽").
WORD_OF: dict[str, str] = _words()
# The words, in the list's order: what a checkpoint records and its device checks.
WORDS: tuple[str, ...] = tuple(WORD_OF.values())
# The codes: what a follow-up records.
CODES: frozenset[str] = frozenset(WORD_OF)
_LABEL_OF_WORD = {word: Symptom(code).label for code, word in WORD_OF.items()}

# The refusal of one symptom not on the list; the roadside device's rules carry the same
# words (checkpoints/roadside.py), so a phone offline refuses it as the server does.
UNKNOWN = gettext_lazy("症状：未知症状%(code)s")


def known_symptoms(given: Iterable[object], known: Collection[str]) -> tuple[list[str], list[str]]:
    """The symptoms given that are in `known` (CODES or WORDS: the spelling the record
    stores), each once in the order given, and a refusal ("症状：未知症状“foo”") for each
    that is not."""
    symptoms: list[str] = []
    refused: list[str] = []
    for n, code in enumerate(given, 1):
        if not isinstance(code, str) or code not in known:
            # named as typed only when it is a short word (core.text.typed), else by place
            refused.append(str(UNKNOWN) % {"code": typed(code, n)})
        elif code not in symptoms:
            symptoms.append(code)
    return symptoms, refused


def word_choices() -> list[tuple[str, str]]:
    """A checkpoint's boxes: the word it stores, shown by its label in the page's language."""
    return [(word, str(label)) for word, label in _LABEL_OF_WORD.items()]


def symptoms_label(codes: Iterable[str]) -> str:
    """A follow-up's symptoms by name: "咳嗽、乏力" (an unknown code is left out)."""
    return "、".join(str(Symptom(c).label) for c in codes if c in CODES)
