"""How the audit page reads to a person: object types and field names in Chinese (English on
request), a change as before → after, a reveal as the list of what was shown, times in
Asia/Shanghai, and a person's name masked by the same rule wherever it appears
(core/disclosure.py).

The one home of how a stored entry is shown: a field by its label (the model's
verbose_name), a stored code by its choice's label ("quarantined" → 隔离中), wherever it
stands — a change's value, a key of the filters an export was made with, the object's
label ("quarantined → released", "village_cadre 孙干部"). The stored entries are never
rewritten (the audit chain is hashed): they are read this way."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.disclosure import REVEALED_FIELDS, audit_name
from fangkong.core.disclosure import shown as masked
from fangkong.core.symptoms import Symptom

# Object types written by code that names no model.
OTHER_TYPES = {
    "accounts.auditchain": gettext_lazy("审计链"),
}

# Keys of `changes` that are not a model's fields.
OTHER_KEYS = {
    "fields": gettext_lazy("完整显示的信息"),
    "purpose": gettext_lazy("用途"),
    "rows": gettext_lazy("行数"),
    "filters": gettext_lazy("筛选条件"),
    "occupant": gettext_lazy("乘车人"),
    "officers": gettext_lazy("执勤人员"),
    "records": gettext_lazy("记录数"),
    "previous_head": gettext_lazy("原链头"),
    "previous_chain": gettext_lazy("原链状态"),
    "audit_redacted": gettext_lazy("清除的审计记录"),
    "reason": gettext_lazy("原因"),
    "password": gettext_lazy("密码"),
    "answer": gettext_lazy("答复"),
    "document": gettext_lazy("文书"),
    "method": gettext_lazy("验证方式"),
    "recovery_codes": gettext_lazy("恢复码个数"),
    "recovery_codes_left": gettext_lazy("剩余恢复码"),
    "idle_seconds": gettext_lazy("未操作秒数"),
    "refused": gettext_lazy("拒绝原因"),
    "os_user": gettext_lazy("操作系统用户"),
    "demo": gettext_lazy("演示数据"),
    "passages": gettext_lazy("通行记录数"),
    "occupants": gettext_lazy("乘车人数"),
    "villages": gettext_lazy("新建村居数"),
    "recalled": gettext_lazy("召回人数"),
    "recipients": gettext_lazy("接收人数"),
    "referred": gettext_lazy("转核查时间"),
    "note": gettext_lazy("备注"),
    "created_by": gettext_lazy("登记人"),
    "q": gettext_lazy("搜索"),
}

# Keys of one object's entries that are not its fields (a case's team: its members' duties).
OBJECT_KEYS = {
    ("quarantine.quarantinecase", "team"): gettext_lazy("“四包一”人员"),
}

# Words the services store as codes under keys that are no model's fields (a refused second
# factor's reason, an ended session's, how a sign-in was verified).
OTHER_VALUES = {
    "reason": {
        "locked": gettext_lazy("账号已锁定"),
        "wrong_code": gettext_lazy("验证码错误"),
        "wrong_old_password": gettext_lazy("修改密码时旧密码错误"),
        "idle": gettext_lazy("长时间未操作"),
        "lifetime": gettext_lazy("登录时间超过上限"),
    },
    "method": {
        "totp": gettext_lazy("动态验证码"),
        "recovery_code": gettext_lazy("恢复码"),
    },
}

# The models whose `name` is a person's: masked on the audit page as in the trail's labels.
PERSON_TYPES = frozenset(
    {
        "people.person",
        "people.transferrequest",
        "quarantine.quarantinecase",
        "checkpoints.occupant",
        "checkpoints.selfregistration",
        "quarantine.listentry",
    }
)

# Whole ID numbers (18 or 15 characters) and mobile numbers inside any text an entry holds:
# entries written before the trail masked its labels carry them in full.
_ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
# A person's label as the trail writes it: the name, then （#id） (people/… audit_label).
_PERSON_LABEL = re.compile(r"^(?P<name>[^\s（(]*)(?P<rest>.*?)(?P<id>（#\d+）)?$")

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)$")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """'people.person' → 人员; a type no model names keeps its own label or its code."""
    if not object_type:
        return ""
    if object_type in OTHER_TYPES:
        return str(OTHER_TYPES[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices(types: Iterable[str]) -> list[tuple[str, str]]:
    """The picker's choices: each type the trail holds, by its Chinese name."""
    labelled = {t: object_type_label(t) for t in types if t}
    return sorted(labelled.items(), key=lambda item: (item[1], item[0]))


def _field(object_type: str, key: str) -> Any:
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _own_label(field: Any) -> str:
    """A field's verbose_name when the model gave it one (Django's default is the name with
    spaces, English: "created by")."""
    label = getattr(field, "verbose_name", None)
    if label is None or str(label) == field.name.replace("_", " "):
        return ""
    return str(label)


def field_label(object_type: str, key: str) -> str:
    """A key of an entry by its field's label, else the page's word for it, else — a
    relation the model left unnamed — the related model's name."""
    field = _field(object_type, key)
    if field is not None and (label := _own_label(field)):
        return label
    if (object_type, key) in OBJECT_KEYS:
        return str(OBJECT_KEYS[object_type, key])
    if key in OTHER_KEYS:
        return str(OTHER_KEYS[key])
    if (object_type, key) in CODED_KEYS:
        return field_label(*CODED_KEYS[object_type, key])
    related = getattr(field, "related_model", None)
    if related is not None and not isinstance(related, str):
        return str(related._meta.verbose_name)
    return key


def _revealed_label(object_type: str, key: str) -> str:
    """A field a reveal showed in full: the object's own, else the person's (a case list's
    export reveals its people's phones and ID numbers)."""
    if _field(object_type, key) is not None:
        return field_label(object_type, key)
    return field_label("people.person", key)


# Keys of an object's entries whose values are another model's codes: the field whose
# choices say them (a case's team lists its members' duties; a stock's movement its kind).
CODED_KEYS = {
    ("quarantine.quarantinecase", "team"): ("quarantine.teammember", "kind"),
    ("logistics.stock", "kind"): ("logistics.movement", "kind"),
}
# Keys holding codes no field's choices carry: the vocabulary that says them.
VOCABULARIES: dict[tuple[str, str], Any] = {
    ("quarantine.followup", "symptoms"): Symptom.choices,
}


def _choices(object_type: str, key: str) -> dict[Any, Any]:
    if (object_type, key) in VOCABULARIES:
        return dict(VOCABULARIES[object_type, key])
    field = _field(object_type, key)
    if field is None and (object_type, key) in CODED_KEYS:
        field = _field(*CODED_KEYS[object_type, key])
    if field is None:
        return dict(OTHER_VALUES.get(key, {}))
    return dict(getattr(field, "flatchoices", None) or ())


def _shown(object_type: str, key: str, value: Any) -> Any:
    """A stored value of `key` as a person reads it: a code by its choice's label ('id_card' →
    身份证), each of a list's."""
    choices = _choices(object_type, key)
    if not choices:
        return value
    if isinstance(value, list):
        return [_shown_by_code(choices, v) for v in value]
    return _shown_by_code(choices, value)


def _shown_by_code(choices: dict[Any, Any], value: Any) -> Any:
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return value


@functools.cache
def _codes_of(object_type: str) -> dict[str, Any]:
    """Every choice code of a model's fields with its (lazy) label."""
    model = _model(object_type)
    codes: dict[str, Any] = {}
    for field in model._meta.get_fields() if model is not None else ():
        for code, label in getattr(field, "flatchoices", None) or ():
            if isinstance(code, str) and code:
                codes.setdefault(code, label)
    return codes


# A code as the services store it: lower-case ASCII, words joined by "_".
_CODE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9_]*(?![A-Za-z0-9_])")


# The objects whose label, as the trail stored it, holds their codes (their __str__ or the
# label their bulk service wrote): only these are read for codes — a username such as
# "station" is a name, not a role.
CODED_LABELS = frozenset(
    {"quarantine.casetransition", "quarantine.teammember", "medical.contactlink"}
)


def _decoded(object_type: str, text: str) -> str:
    """The codes in an object's label by their choices' labels: a status change's
    "quarantined → released" reads "隔离中 → 已解除", a team member's "village_cadre 孙干部"
    reads "村居干部 孙干部" (the models' own words, written into the label when it was made)."""
    codes = _codes_of(object_type) if object_type in CODED_LABELS else {}
    if not codes:
        return text
    return _CODE.sub(lambda m: str(codes.get(m.group(0), m.group(0))), text)


def local_time(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i:s")


def scrub(text: str) -> str:
    """A stored text as the audit page shows it: any whole ID number or mobile in it masked
    (no role that reads the trail holds the reveal right; a reveal is audited in its own
    place, the person file)."""
    text = _ID_NUMBER.sub(lambda m: masked("id_number", m.group(0)), text)
    return _MOBILE.sub(lambda m: masked("phone", m.group(0)), text)


def _masked(field: str, value: Any) -> Any:
    """A personal value of an entry masked, unless the trail stored it masked already."""
    if isinstance(value, str) and "*" in value:
        return value
    return masked(field, value)


def actor_label(entry: Any) -> str:
    """Who did it, as the trail shows it: the name the entry was written with and, beside
    it, the account's username ('堽城派出所 (gangcheng)'), which tells two accounts of one
    display name apart. Reads `entry.actor`: select it."""
    if entry.actor_id is None or entry.actor is None:
        return str(entry.actor_name)
    return f"{entry.actor_name or entry.actor.username} ({entry.actor.username})"


def object_label(object_type: str, object_id: str, object_repr: str) -> str:
    """The entry's object as the page shows it: a person's name masked, whatever the label
    held when it was written (an old entry's '张三 370921…' reads '张*'), and no number in
    full. An entry with no object id is about no one record but a list (an export, the
    day's follow-up list): its label says what was done, in the platform's words, and is
    shown as written ('导出隔离管控台账', once masked as '导*******')."""
    if object_type in PERSON_TYPES and object_id and object_repr:
        match = _PERSON_LABEL.match(object_repr)
        if match is not None:
            # Only the name and the record's number: what followed (an old label's ID
            # number or phone) is not the page's to show.
            return f"{audit_name(match['name'])}{match['id'] or ''}"
    return _decoded(object_type, scrub(object_repr))


def _related_type(object_type: str, key: str) -> type[models.Model] | None:
    """The model a key of an entry points at when it is a foreign key (its value an id)."""
    field = _field(object_type, key)
    if field is None or not (field.many_to_one or field.one_to_one):
        return None
    related = field.related_model
    return related if isinstance(related, type) else None


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [
        int(v)
        for v in values
        if (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, str) and v.isdigit() and len(v) < 19)
    ]


Labels = dict[tuple[str, int], str]


def related_labels(entries: Iterable[Any]) -> Labels:
    """The labels of the rows the entries' changes point at (a changed foreign key: a hand-
    over's case, a person's township), by (type, id): one query per related model on the
    page. Each is named as the page names an entry's own object (object_label, from the
    label the trail gives a row): a person's name masked, no number in full — nothing the
    page does not already show of that object."""
    wanted: dict[type[models.Model], set[int]] = {}
    for entry in entries:
        if not isinstance(entry.changes, dict):
            continue
        for key, value in entry.changes.items():
            model = _related_type(entry.object_type, key)
            if model is not None and (ids := _ids(value)):
                wanted.setdefault(model, set()).update(ids)
    labels: Labels = {}
    for model, pks in wanted.items():
        object_type = model._meta.label_lower
        # A person's label reads their record (a case's, a registration's): in the query.
        person = [
            f.name for f in model._meta.concrete_fields if f.name == "person" and f.many_to_one
        ]
        for obj in model._default_manager.filter(pk__in=pks).select_related(*person):
            label = str(getattr(obj, "audit_label", None) or obj)
            shown = object_label(object_type, str(obj.pk), label)
            if object_type in PERSON_TYPES and not shown.endswith(f"（#{obj.pk}）"):
                # A masked name alone tells no two rows apart: the row's own id, as before.
                shown = f"{shown}（#{obj.pk}）"
            labels[object_type, obj.pk] = shown
    return labels


def _labelled(model: type[models.Model], value: Any, labels: Labels) -> Any:
    """An id by its row's label (related_labels); an id no longer on file stays as it is."""
    object_type = model._meta.label_lower

    def one(v: Any) -> Any:
        ids = _ids(v)
        return labels.get((object_type, ids[0]), v) if ids else v

    return [one(v) for v in value] if isinstance(value, list) else one(value)


def value_text(value: Any) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return local_time(moment)
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list | tuple):
        return "、".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{value_text(v)}" for k, v in value.items())
    return scrub(str(value))


def _empty(value: Any) -> bool:
    if isinstance(value, list) and len(value) == 2:
        value = value[1]
    return value is None or value == "" or value is False or value == []


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str | None  # None: not a change but a value (a reveal's fields, a row count)
    after: str


def change_lines(
    object_type: str, action: str, changes: Any, labels: Labels | None = None
) -> list[ChangeLine]:
    """An entry's changes as lines; a foreign key's id by its row's label when `labels`
    (related_labels of the page's entries) holds it."""
    if not isinstance(changes, dict):
        return [ChangeLine("", None, value_text(changes))] if changes else []
    personal = object_type in PERSON_TYPES
    lines: list[ChangeLine] = []
    for key, value in changes.items():
        field = _field(object_type, key)
        if field is not None and (
            getattr(field, "primary_key", False) or not getattr(field, "editable", True)
        ):
            continue  # the id, pinyin and other derived columns say nothing new
        if action == "create" and _empty(value):
            continue  # a new record lists what it holds, not every blank field
        label = field_label(object_type, key)
        if key == "fields" and isinstance(value, list):
            shown = "、".join(_revealed_label(object_type, str(f)) for f in value)
            lines.append(ChangeLine(label, None, shown))
            continue
        is_pair = isinstance(value, list) and len(value) == 2 and action in {"update", "create"}
        if labels and (related := _related_type(object_type, key)) is not None:
            value = _labelled(related, value, labels)
        if personal and key == "name":
            value = [audit_name(v) for v in value] if is_pair else audit_name(value)
        elif key in REVEALED_FIELDS:
            # An old entry's phone, address or birth date: masked as on every page.
            value = [_masked(key, v) for v in value] if is_pair else _masked(key, value)
        if isinstance(value, dict):
            # An export's filters: each by its field's label, its value by its choice's.
            value = {
                field_label(object_type, str(k)): _shown(object_type, str(k), v)
                for k, v in value.items()
            }
        elif is_pair:
            value = [_shown(object_type, key, v) for v in value]
        else:
            value = _shown(object_type, key, value)
        if is_pair:
            before, after = value
            if action == "create" and before is None:
                lines.append(ChangeLine(label, None, value_text(after)))
            else:
                lines.append(ChangeLine(label, value_text(before), value_text(after)))
        else:
            lines.append(ChangeLine(label, None, value_text(value)))
    return lines
