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

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.signals import setting_changed
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from fangkong.core.bounds import NAME

__all__ = [
    "NAME_SEPARATORS",
    "check_plain_text",
    "clean_prose",
    "clean_prose_lines",
    "hidden_char",
    "model_text_errors",
    "name_error",
    "name_messages",
    "normalize_text",
    "plain_text_error",
    "prose",
    "shown_char",
    "strip_all_spaces",
    "translated",
]

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


# ---------------------------------------------------------------- hidden characters

# Characters no person's text holds: controls (Cc: NUL, which PostgreSQL refuses in any
# text, escape codes), format characters (Cf: the direction overrides U+202A–U+202E that
# turn "‮**" around on screen, zero-width spaces and joiners, the BOM) and lone surrogates
# (Cs: a JSON "\ud800", which no database encodes). Whitespace is not among them: the
# cleaning collapses it, and notes keep their line breaks.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


def hidden_char(value: str, *, name: bool = False) -> str | None:
    """The first character of a person's free text (a name, a place, a note, a symptom)
    that must not be stored: a control or format character; in a name (`name`) also a
    combining mark on a Han character ("张\u0301\u0301三" stacks accents over a name that
    has none; a Latin "José" has no mark left once NFKC-folded). None when it is clean."""
    if value.isprintable() and (not name or value.isascii()):
        return None  # the usual case, one pass in C: no control, format or separator
    previous = ""
    for char in value:
        if char.isspace():
            previous = char
            continue
        kind = unicodedata.category(char)
        if kind in _HIDDEN_CATEGORIES:
            return char
        if name and kind[0] == "M" and _is_han(previous):
            return char
        if kind[0] != "M":
            previous = char
    return None


def shown_char(char: str) -> str:
    """A character as a message shows it: itself, or its code point when it cannot be seen
    ("U+202E"; a combining mark too, which would sit on the quote)."""
    visible = char.isprintable() and not char.isspace() and not unicodedata.combining(char)
    return char if visible else f"U+{ord(char):04X}"


# A typed value a message may repeat: a short word of letters and digits (a symptom "foo",
# a self-registration code "ZZZZZZ"). Anything else — a hidden character ("\u202e"),
# markup ("<b>"), sixty x's — is named by its place ("（第2项）"), never repeated.
TYPED_MAX = 20


def typed(value: object, n: int) -> str:
    """How a refusal names a typed value, the one rule of every message that would repeat
    one: the value in quotes ("“foo”") when it is at most TYPED_MAX letters, digits, "-" or
    "_" (no hidden character, no markup, no mark); otherwise its place in what was sent,
    counted from 1 ("（第2项）"). README: messages never repeat what was typed beyond
    that."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= TYPED_MAX
        and value.isprintable()
        and all(c.isalnum() or c in "-_" for c in value)
    ):
        return f"“{value}”"
    return _("（第%(n)s项）") % {"n": n}


def plain_text_error(value: str, label: Any, *, name: bool = False) -> str | None:
    """The refusal of a person's free text holding a hidden character (hidden_char), naming
    its field (`label`): "姓名含有非法字符：“U+202E”" — the message ID numbers, phones and
    plates give. None when the text is clean."""
    bad = hidden_char(value, name=name)
    if bad is None:
        return None
    return _("%(field)s含有非法字符：“%(char)s”") % {"field": label, "char": shown_char(bad)}


def prose(
    value: str,
    *,
    field: str,
    label: Any,
    lines: bool = False,
    errors: dict[str, list[str]] | None = None,
) -> str:
    """A free text a service stores (a title, a note, a reason, a resolution), the one
    checked path: cleaned (clean_prose; clean_prose_lines with `lines`) and refused when it
    holds a hidden character (plain_text_error), naming it: "移交原因含有非法字符：“U+202E”"
    — raised as ValidationError({field: [message]}), or added to `errors` when the service
    gathers its refusals. Services call this, never clean_prose alone: a text only cleaned
    kept U+202E, U+200B, BEL and NUL (the seventh round)."""
    cleaned = clean_prose_lines(value) if lines else clean_prose(value)
    if refused := plain_text_error(cleaned, label):
        if errors is None:
            raise ValidationError({field: [refused]})
        errors.setdefault(field, []).append(refused)
    return cleaned


def model_text_errors(instance: Any, names: Any) -> dict[str, list[str]]:
    """The hidden-character refusals (plain_text_error) of a row's text fields among
    `names`, each naming its field by its verbose name: what core.services checks of every
    row it creates or changes, whichever of its texts a service cleaned or not."""
    errors: dict[str, list[str]] = {}
    for name in names:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and (refused := plain_text_error(value, field.verbose_name)):
            errors[field.name] = [refused]
    return errors


def check_plain_text(value: Any) -> None:
    """Django validator of a text field (the admin site's, core/admin.py): a hidden
    character (hidden_char) refused, by code `hidden_character`, which core.forms.name_errors
    says naming the field: "名称含有非法字符：“U+202E”"."""
    bad = hidden_char(value) if isinstance(value, str) else None
    if bad is not None:
        raise ValidationError(
            _("含有非法字符：“%(char)s”"), code="hidden_character", params={"char": shown_char(bad)}
        )


def length_error(value: str, label: Any, limit: int) -> str | None:
    """The refusal of a text longer than its field holds, naming the field: "从何处来过长：
    最多60个字符" (as name_error says it of a name). Entry points keep one character past
    the bound for it to see, never cut a text silently to fit."""
    if len(value) > limit:
        return _("%(field)s过长：最多%(n)d个字符") % {"field": label, "n": limit}
    return None


# What a real name holds besides letters (and the marks on them): the separators of a
# minority name written in Chinese (阿依古丽·买买提, typed as ·, • or ・ by different input
# methods) and of a foreign name in Latin letters (Jean-Luc O'Neill, J. R. R. Tolkien,
# O’Brien). No name holds a digit ("9223372036854775808", "-1", "张三2" are a number or a
# row's counter typed into the name) or markup (<, >, &, ", =): refused as hidden characters
# are, the character named.
NAME_SEPARATORS = frozenset(" ·•・‧.-‐'’")


def _name_char_error(name: str) -> str | None:
    """The first character no name holds (see NAME_SEPARATORS), or "" when every character
    may be in a name but none is a letter; None when the name is made of letters and
    separators."""
    letter = False
    for char in name:
        if char.isalpha() or char == "〇":  # 〇 (U+3007, Unicode's Nl): a Han character here
            letter = True
        elif char not in NAME_SEPARATORS and not unicodedata.category(char).startswith("M"):
            return char
    return None if letter else ""


def name_error(name: str, label: Any = None, *, limit: int = NAME) -> str | None:
    """The refusal of a person's name, cleaned (normalize_text), that is too long (`limit`
    characters, a person's 50 by default), holds a hidden character, a character no name
    has (a digit, markup: _name_char_error) or no letter at all; None when it may be stored
    (an empty name is each caller's case). `label` names the field when it is not a
    person's 姓名 ("民警姓名含有非法字符：“2”"): an officer's, a 四包一 member's, an account's.
    tests/core/test_names.py holds it to real names: Chinese, minority names with ·,
    foreign names in Latin letters."""
    if len(name) > limit:
        if label is None:
            return name_messages()["name_too_long"] % {"n": limit}
        return length_error(name, label, limit)
    # The label translated only for a refusal (a look-up of the active language and its
    # catalogs for every name cost a car of three 1 % of its CPU).
    if refused := plain_text_error(name, _NAME_LABEL if label is None else label, name=True):
        return refused
    bad = _name_char_error(name)
    if bad is None:
        return None
    if label is not None:
        if bad:
            return _("%(field)s含有非法字符：“%(char)s”") % {
                "field": label,
                "char": shown_char(bad),
            }
        return _("%(field)s须含有汉字或字母") % {"field": label}
    said = name_messages()
    return said["name_char"] % {"char": shown_char(bad)} if bad else said["name_no_letter"]


def name_messages() -> dict[str, str]:
    """name_error's refusals, in the active language, for a checkpoint device to say them as
    the server does (checkpoints/roadside.py); `%(char)s` and `%(n)d` are filled in."""
    return {
        "name_too_long": _("姓名过长：最多%(n)d个字符"),
        "name_char": _("%(field)s含有非法字符：“%(char)s”")
        % {"field": _NAME_LABEL, "char": "%(char)s"},
        "name_no_letter": _("姓名须含有汉字或字母"),
    }


_NAME_LABEL = gettext_lazy("姓名")


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
