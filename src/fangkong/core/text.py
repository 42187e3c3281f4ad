"""Text normalisation shared by every form, import and search box.

People type IDs, phone numbers and names with Chinese input methods, which happily produce
full-width digits, letters and the ideographic space; NFKC folds them to their ASCII forms so
that "１２３" and "123" are stored and searched as the same thing.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "strip_all_spaces"]

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


def clean_prose(value: str) -> str:
    """Trim ``value`` and collapse whitespace runs, without NFKC: titles and narratives keep
    their full-width punctuation (，：“”), which official documents require."""
    return _WHITESPACE_RUN.sub(" ", value).strip()
