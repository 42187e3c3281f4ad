"""Text normalisation shared by every form, import and search box.

People type IDs, phone numbers and names with Chinese input methods, which happily produce
full-width digits, letters and the ideographic space; NFKC folds them to their ASCII forms so
that "１２３" and "123" are stored and searched as the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.signals import setting_changed
from django.utils.translation import get_language

__all__ = ["clean_prose", "clean_prose_lines", "normalize_text", "strip_all_spaces", "translated"]

_WHITESPACE_RUN = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """NFKC-fold ``value``, trim it and collapse every inner whitespace run to one space."""
    if not value:
        return ""
    folded = value if value.isascii() else unicodedata.normalize("NFKC", value)
    # str.split() splits on exactly the characters re's \s matches (str.isspace()).
    return " ".join(folded.split())


def strip_all_spaces(value: str) -> str:
    """NFKC-fold ``value`` and drop all whitespace, for codes that users split for readability."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value)
    # NFKC again: dropping a space can bring a letter next to a mark it composes with
    # ("C¸" folds to "C \u0327"), and stored keys must not change when normalised twice.
    return unicodedata.normalize("NFKC", _WHITESPACE_RUN.sub("", folded))


# Full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ) and the ideographic space: what a
# Chinese input method types by mistake in "３７.５" or "Ｇ１０４". Punctuation is not here.
_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0
    for first, last in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(first), ord(last) + 1)
}
_FULLWIDTH_ALNUM[0x3000] = ord(" ")


def clean_prose(value: str) -> str:
    """Free text (titles, notes, problems, resolutions): full-width digits and letters become
    ASCII, whitespace runs one space, and nothing else changes. Unlike normalize_text there
    is no NFKC, so Chinese punctuation (，。：；！？（）“”…) stays as written: official
    documents and the daily report need it, and "…" must not become "..."."""
    if not value:
        return ""
    return _WHITESPACE_RUN.sub(" ", value.translate(_FULLWIDTH_ALNUM)).strip()


def clean_prose_lines(value: str) -> str:
    """clean_prose for text of several lines (a summary, a rectification): each line cleaned,
    the line breaks kept, blank lines at either end dropped."""
    if not value:
        return ""
    return "\n".join(clean_prose(line) for line in value.strip().splitlines()).strip()


_TRANSLATED: dict[tuple[str | None, int], dict[str, str]] = {}


def translated(table: Mapping[str, Any]) -> Mapping[str, str]:
    """A module's table of lazily translated texts (gettext_lazy), in the active language:
    translated once per language, not looked up on every use — str() of a lazy text reads
    the active language and walks the catalogs and their fallbacks each time, two dozen
    times for a car's flags and referral notes. `table` must live as long as the process
    (a module-level constant: it is known by its id)."""
    key = (get_language(), id(table))
    hit = _TRANSLATED.get(key)
    if hit is None:
        hit = {name: str(text) for name, text in table.items()}
        _TRANSLATED[key] = hit
    return hit


def _forget_translations(*, setting: str, **_kw: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _TRANSLATED.clear()


setting_changed.connect(_forget_translations)
