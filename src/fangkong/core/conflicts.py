"""Saving from a stale page: optimistic concurrency for the forms that edit a row.

A form drawn for a row carries, hidden, the row's `version` and a signed note (`seen`) of
what the page showed: the row's values as the reader sees them (`shown()`) and each field's
value as drawn. The service saves only if the version is still the page's — a conditional
UPDATE (`version_swap`) or a compare under the row lock — and otherwise raises a
ValidationError with code "conflict". The view then tells the user who saved in between and
what changed, field by field (`stale_message`), and draws the form again from the row as it
is now, keeping only the fields this user changed (`VersionedForm.redraw`): nothing is
overwritten unseen, and a second save cannot quietly undo the other person's change.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import bounds
from fangkong.core.fields import model_field
from fangkong.core.forms import NamedErrorsForm

SALT = "fangkong.core.conflicts.seen"
HIDDEN = ("version", "seen")


def stale_error() -> ValidationError:
    """What a service raises when the row's version is no longer the page's."""
    return ValidationError(_("该记录已被他人修改，您的修改未保存"), code="conflict")


def is_conflict(exc: ValidationError) -> bool:
    return hasattr(exc, "error_list") and any(e.code == "conflict" for e in exc.error_list)


def version_swap(
    model: type[models.Model], *, pk: Any, expected_version: int, values: dict[str, Any]
) -> None:
    """UPDATE … SET values, version = version + 1 WHERE pk = … AND version = expected:
    one statement, so two saves from the same page version cannot both succeed."""
    swapped = model._default_manager.filter(pk=pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if not swapped:
        raise stale_error()


def shown(instance: models.Model, fields: Sequence[str]) -> dict[str, str]:
    """What a page shows of these fields, by label: choice labels, related rows' names,
    dates. Callers may add lines of their own (a case's team) before signing it."""
    out: dict[str, str] = {}
    for name in fields:
        field = model_field(instance, name)
        value = getattr(instance, name)
        if getattr(field, "choices", None) and value not in (None, ""):
            text = str(getattr(instance, f"get_{name}_display")())
        elif value is None or value == "":
            text = "—"
        elif isinstance(value, datetime.datetime):
            text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, datetime.date):
            text = value.isoformat()
        else:
            text = str(value)
        out[str(field.verbose_name)] = text
    return out


def _note(token: str) -> dict[str, Any] | None:
    try:
        note = signing.loads(token, salt=SALT) if token else None
    except signing.BadSignature:
        return None
    return note if isinstance(note, dict) else None


def changes_since(token: str, now: dict[str, str]) -> list[str] | None:
    """One phrase per line that changed since the page was drawn: 预警线由“100”改为“200”;
    None when the page sent no (valid) note of what it showed."""
    note = _note(token)
    if note is None:
        return None
    before = note.get("shown", {})
    return [
        _("%(field)s由“%(was)s”改为“%(now)s”") % {"field": label, "was": before[label], "now": text}
        for label, text in now.items()
        if label in before and before[label] != text
    ]


def stale_message(token: str, instance: models.Model, now: dict[str, str]) -> str:
    """What the second person is told: who saved in between, when, and what changed
    (`now`: what the page shows of `instance` as it is now)."""
    from fangkong.core.models import AuditEntry

    last = (
        AuditEntry.objects.filter(
            object_type=instance._meta.label_lower, object_id=str(instance.pk), action="update"
        )
        .order_by("-pk")
        .first()
    )
    if last is not None:
        head = _("保存未成功：您打开此页面后，%(who)s于%(when)s修改了这条记录") % {
            "who": last.actor_name or _("系统"),
            "when": timezone.localtime(last.at).strftime("%m-%d %H:%M"),
        }
    else:
        head = _("保存未成功：您打开此页面后，这条记录已被他人修改")
    changes = changes_since(token, now)
    if changes is None:  # a page without the note (e.g. a one-button list): say what is now
        what = _("现为%(now)s") % {"now": "；".join(f"{k}“{v}”" for k, v in now.items())}
    else:
        what = "；".join(changes) if changes else _("本页显示的内容未变")
    return _(
        "%(head)s：%(what)s。您的修改未保存；页面已按最新内容重新载入，保留了您改动的项目，"
        "请核对后重新提交。"
    ) % {"head": head, "what": what}


def _strings(widget: forms.Widget, value: Any) -> list[str]:
    """A field's value as the page carries it: a list of strings (empty when blank)."""
    if isinstance(widget, forms.CheckboxInput):
        return [str(bool(value))]
    shown_value = widget.format_value(value)
    values = shown_value if isinstance(shown_value, list | tuple) else [shown_value]
    return sorted(str(v) for v in values if v not in (None, ""))


def page_out_of_date_error() -> ValidationError:
    """A save from a page without (or with a spoilt) version: the form's own message, said
    on top of the form — never a hidden field's error, which no one would see."""
    return ValidationError(
        _("页面已过期或不完整，修改未保存：请重新打开此页面，核对后再修改。"),
        code="page_out_of_date",
    )


class VersionedForm(NamedErrorsForm):
    """A form that edits one row: its version and a note of what the page showed, hidden."""

    # Labels of hidden fields: a message about one (a page sent without them) names them.
    version = forms.IntegerField(
        label=gettext_lazy("版本"),
        min_value=0,
        max_value=bounds.MAX_VERSION,
        widget=forms.HiddenInput,
    )
    seen = forms.CharField(
        label=gettext_lazy("页面内容记录"),
        max_length=bounds.SIGNED,
        widget=forms.HiddenInput,
        required=False,
    )

    def full_clean(self) -> None:
        """A hidden field refused (the version missing, not a number, the note too long)
        is the page's fault, not the user's: one visible message instead, naming no field."""
        super().full_clean()
        if self.is_bound and any(name in self.errors for name in HIDDEN):
            for name in HIDDEN:
                self.errors.pop(name, None)
            self.add_error(None, page_out_of_date_error())

    def is_stale(self, version: int) -> bool:
        """Whether the page was drawn for an earlier `version` of the row: someone else saved
        in between. A page whose version is missing or spoilt is not stale but out of date
        (its own message, full_clean): it says so, not that someone changed the row."""
        field = self.fields["version"]
        name = self.add_prefix("version")
        try:
            posted = field.clean(field.widget.value_from_datadict(self.data, self.files, name))
        except ValidationError:
            return False
        return bool(posted != version)

    def stamp(self, version: int, now: dict[str, str]) -> None:
        """Draw this (unbound) form from the row as it is now; `now` is what the page shows
        of the row. The note is signed when the form is drawn, once every field exists."""
        self.initial["version"] = version
        self.initial["seen"] = lambda: signing.dumps(
            {"shown": now, "form": self.drawn()}, salt=SALT, compress=True
        )

    def drawn(self) -> dict[str, list[str]]:
        """Each field's value as this form draws it."""
        return {name: _strings(bf.field.widget, bf.value()) for name, bf in self._fields()}

    def posted(self) -> dict[str, list[str]]:
        """Each field's value as posted."""
        return {
            name: _strings(
                bf.field.widget,
                bf.field.widget.value_from_datadict(self.data, self.files, bf.html_name),
            )
            for name, bf in self._fields()
        }

    def _fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(name, self[name]) for name in self.fields if name not in HIDDEN]

    def refuse(self, instance: models.Model, now: dict[str, str], fresh: VersionedForm) -> str:
        """A save refused as stale: draw the form again (`redraw`) and return what to tell
        the user (`stale_message`). `now`: what the page shows of `instance` as it is now;
        `fresh`: an unbound form drawn for it."""
        message = stale_message(str(self.data.get(self.add_prefix("seen"), "")), instance, now)
        self.redraw(fresh)
        return message

    def redraw(self, fresh: VersionedForm) -> list[str]:
        """After a refused save: this form again, from the row as it is now (`fresh`, an
        unbound form drawn for it), keeping the fields this user changed on their page.
        Returns the names of the fields kept."""
        note = _note(str(self.data.get(self.add_prefix("seen"), ""))) or {}
        before: dict[str, list[str]] = note.get("form", {})
        mine = self.posted()
        kept = [name for name, value in mine.items() if name in before and value != before[name]]
        data = cast(QueryDict, self.data).copy()  # a view's request.POST
        for name in fresh.fields:
            bf = fresh[name]
            if name in kept:
                continue
            value = bf.value()
            key = self.add_prefix(name)
            if name in HIDDEN:
                data[key] = str(value() if callable(value) else value)
            elif isinstance(value, list | tuple):
                data.setlist(key, [str(v) for v in value])
            else:
                data[key] = "" if value is None else str(value)
        self.data = data
        return kept
