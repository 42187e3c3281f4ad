"""Two records of one person: finding them (疑似重复人员), merging them, undoing a merge.

- The queue offers pairs of people who may be one: the same name and phone; an old 15-digit
  card number kept as another document beside the 18-digit number it becomes; an ID
  number that fails its check (kept as another document by an import) one character away
  from a valid number or another such number, under the same name. A check character
  catches every single-character error, so two valid numbers never differ in one place.
- Only whoever is in charge of both records merges them (people/ownership.py): a station,
  within its area; a pair with one record elsewhere is not offered, and a merge of it is
  refused. The right is `people.merge` (accounts/roles.py).
- A merge keeps one person and moves to them every row that pointed to the other. The rows
  are found in the model graph (`person_links`), so a model added later with a foreign key
  to Person is moved without anyone remembering to add it here.
- A merge is undone on the day it was made (core.clock.today()) by a user with the same
  right over the kept person: the removed person comes back with their id and every moved
  row goes back to them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from fangkong.accounts.roles import user_can
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.people.models import NotDuplicate, Person, PersonMerge
from fangkong.people.ownership import person_in_charge, persons_in_charge
from fangkong.people.services import person_moved

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fangkong.accounts.models import User

SAME_PHONE = gettext_lazy("姓名、电话相同")
OLD_NUMBER = gettext_lazy("15位与18位身份证号为同一号码")
ONE_DIGIT = gettext_lazy("姓名相同，身份证号仅差一位")

# How many pairs the queue shows at once; a station works through them and comes back.
QUEUE_SIZE = 100
# How many unchecked numbers of a scope are compared for one-character typos at once.
_TYPO_SCAN = 5000
_DIGITS = set("0123456789")


def person_links() -> list[models.ForeignObject[Any, Any]]:
    """Every foreign key (one-to-one included) from any model to Person: what a merge moves."""
    return [
        rel.field
        for rel in Person._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel)
        and not rel.concrete
        and (rel.one_to_many or rel.one_to_one)
    ]


# --- the queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    reason: str


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _upgraded(number: str) -> str | None:
    """The 18-digit form of a 15-digit card number."""
    if len(number) != 15 or not set(number) <= _DIGITS:
        return None
    body = number[:6] + "19" + number[6:]
    return body + str(ric.calc_check_digit(body + "0"))


def _one_away(number: str) -> set[str]:
    """The valid 18-character ID numbers one character away from `number` (which fails
    its check): each of the first 17 changed with the check kept, or the check itself."""
    if len(number) != 18 or not set(number[:17]) <= _DIGITS:
        return set()
    found = {number[:17] + str(ric.calc_check_digit(number))}
    for pos in range(17):
        for digit in "0123456789":
            if digit == number[pos]:
                continue
            body = number[:pos] + digit + number[pos + 1 : 17]
            if str(ric.calc_check_digit(body + "0")) == number[17]:
                found.add(body + number[17])
    found.discard(number)
    return found


def _differ_by_one(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def possible_duplicates(*, user: User | AnonymousUser) -> list[DuplicatePair]:
    """Pairs of people in `user`'s charge who may be one person, with the reason; pairs
    found to be two people (NotDuplicate) are left out. A fixed number of queries."""
    mine = persons_in_charge(Person.objects.filter(purged_at__isnull=True), user)
    reasons: dict[tuple[int, int], str] = {}

    # Same name and phone.
    groups = list(
        mine.exclude(phone="")
        .values("name", "phone")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name", "phone")[:QUEUE_SIZE]
        .values_list("name", "phone")
    )
    if groups:
        q = Q()
        for name, phone in groups:
            q |= Q(name=name, phone=phone)
        by_group: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, name, phone in mine.filter(q).values_list("pk", "name", "phone"):
            by_group[(name, phone)].append(pk)
        for ids in by_group.values():
            ids.sort()
            for other in ids[1:]:
                reasons.setdefault(_pair_key(ids[0], other), str(SAME_PHONE))

    # Numbers kept as another document (they failed their check, or are 15 digits).
    unchecked = list(
        mine.filter(doc_type=Person.DocType.OTHER, id_number__isnull=True)
        .exclude(doc_number="")
        .values_list("pk", "name", "doc_number")[:_TYPO_SCAN]
    )
    wanted: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, name, number in unchecked:
        upgraded = _upgraded(number)
        if upgraded:
            wanted[upgraded].append((pk, "", str(OLD_NUMBER)))  # any name: the number says it
        for candidate in _one_away(number):
            wanted[candidate].append((pk, name, str(ONE_DIGIT)))
    if wanted:
        for pk, valid_name, valid in mine.filter(id_number__in=list(wanted)).values_list(
            "pk", "name", "id_number"
        ):
            for other, other_name, reason in wanted[str(valid)]:
                if other != pk and (not other_name or other_name == valid_name):
                    reasons.setdefault(_pair_key(pk, other), reason)
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, number in unchecked:
        if len(number) == 18:
            by_name[name].append((pk, number))
    for rows in by_name.values():
        for i, (pk, number) in enumerate(rows):
            for other, other_number in rows[i + 1 :]:
                if _differ_by_one(number, other_number):
                    reasons.setdefault(_pair_key(pk, other), str(ONE_DIGIT))

    if not reasons:
        return []
    firsts = {a for a, _b in reasons}
    decided = set(
        NotDuplicate.objects.filter(first_person_id__in=firsts).values_list(
            "first_person_id", "second_person_id"
        )
    )
    keys = sorted(k for k in reasons if k not in decided)[:QUEUE_SIZE]
    people = mine.select_related("township", "village").in_bulk(
        list({pk for key in keys for pk in key})
    )
    return [
        DuplicatePair(people[a], people[b], reasons[(a, b)])
        for a, b in keys
        if a in people and b in people
    ]


def pair_get(*, user: User | AnonymousUser, first: int, second: int) -> tuple[Person, Person]:
    """Two people both in `user`'s charge, or 404 (whether missing or out of scope)."""
    if first == second:
        raise Http404
    found = persons_in_charge(Person.objects.select_related("township", "village"), user).in_bulk(
        [first, second]
    )
    if len(found) != 2:
        raise Http404
    return found[first], found[second]


def linked_counts(people: list[Person]) -> dict[int, list[tuple[str, int]]]:
    """For the side-by-side comparison: per person, how many rows of each kind point to
    them (a query per kind of link)."""
    out: dict[int, list[tuple[str, int]]] = {p.pk: [] for p in people}
    for fk in person_links():
        counts = dict(
            fk.model._default_manager.filter(**{f"{fk.attname}__in": list(out)})
            .values_list(fk.attname)
            .annotate(n=Count("pk"))
            .values_list(fk.attname, "n")
        )
        for pk in out:
            if counts.get(pk):
                out[pk].append((str(fk.model._meta.verbose_name), counts[pk]))
    return out


# --- merge and undo -----------------------------------------------------------------------


def _refuse_out_of_scope(by: User, *people: Person) -> None:
    if not user_can(by, "people.merge"):
        raise PermissionDenied(_("没有合并人员的权限"))
    if not all(person_in_charge(by, p) for p in people):
        raise PermissionDenied(_("只能合并本单位辖区内的人员"))


def _link_key(fk: models.ForeignObject[Any, Any]) -> str:
    return f"{fk.model._meta.label_lower}.{fk.name}"


def _conflict(model: type[models.Model]) -> ValidationError:
    return ValidationError(
        _(
            "不能合并：两条记录的“%(what)s”不能同时属于一人（如两人都有未结案的隔离管控对象），"
            "请先处理其中一条"
        )
        % {"what": model._meta.verbose_name}
    )


@transaction.atomic
def person_merge(*, keep: Person, remove: Person, by: User, reason: str = "") -> PersonMerge:
    """Merge `remove` into `keep`: every row pointing to `remove` points to `keep`, and
    `remove` is deleted (kept in the merge record for an undo on the day). Audited."""
    if keep.pk == remove.pk:
        raise ValidationError(_("不能把一个人员合并到其本人"))
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",))
        .select_related("township")
        .filter(pk__in=[keep.pk, remove.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(_("人员记录已不存在（可能已被合并）"))
    keep, remove = locked[keep.pk], locked[remove.pk]
    _refuse_out_of_scope(by, keep, remove)
    moved: dict[str, list[int]] = {}
    for fk in person_links():
        manager = fk.model._default_manager
        ids = list(manager.filter(**{fk.attname: remove.pk}).values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                manager.filter(pk__in=ids).update(**{fk.attname: keep.pk})
        except IntegrityError as exc:
            raise _conflict(fk.model) from exc
        moved[_link_key(fk)] = ids
    removed_data = {
        f.attname: None if getattr(remove, f.attname) is None else f.value_to_string(remove)
        for f in Person._meta.concrete_fields
    }
    removed_label = remove.audit_label
    removed_pk = remove.pk
    remove.delete()
    # The records moved follow where the kept person lives (a case of a record of another
    # station's township goes to the kept person's station): person_moved.
    person_moved(person=keep, by=by)
    merge = PersonMerge.objects.create(
        kept_person_id=keep.pk,
        removed_person_id=removed_pk,
        removed_data=removed_data,
        moved=moved,
        reason=reason[:60],
        merged_by=by,
        merged_at=clock.now(),
    )
    counts = {key: len(ids) for key, ids in moved.items()}
    audit_record(
        actor=by,
        action="update",
        obj=keep,
        changes={"merged_from": [None, removed_pk], "moved": counts, "merge": merge.pk},
    )
    audit_record(
        actor=by,
        action="delete",
        object_type=Person._meta.label_lower,
        object_id=str(removed_pk),
        object_repr=removed_label,
        changes={"merged_into": [removed_pk, keep.pk], "merge": merge.pk},
    )
    return merge


def merge_undoable(merge: PersonMerge) -> bool:
    """Whether the merge may still be undone: not yet undone, and made today."""
    return (
        merge.undone_at is None
        and bool(merge.removed_data)
        and merge.merged_at.astimezone(clock.SHANGHAI).date() == clock.today()
    )


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, by: User) -> Person:
    """Undo a merge made today: the removed person comes back (same id, same fields) and
    every row the merge moved goes back to them. Audited."""
    locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if locked.undone_at is not None:
        raise ValidationError(_("该合并已撤销"))
    if not merge_undoable(locked):
        raise ValidationError(_("只能在合并当日撤销合并"))
    keep = (
        Person.objects.select_for_update(of=("self",))
        .select_related("township")
        .filter(pk=locked.kept_person_id)
        .first()
    )
    if keep is None:
        raise ValidationError(_("保留的人员记录已不存在（可能已再次合并），不能撤销"))
    _refuse_out_of_scope(by, keep)
    values: dict[str, Any] = {}
    for f in Person._meta.concrete_fields:
        raw = locked.removed_data.get(f.attname)
        values[f.attname] = None if raw is None else f.to_python(raw)
    restored = Person(**values)
    try:
        with transaction.atomic():
            restored.save(force_insert=True)
            # auto_now(_add) stamped the insert: the record's own times come back too.
            Person.objects.filter(pk=restored.pk).update(
                created_at=values["created_at"], updated_at=values["updated_at"]
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("不能撤销：该人员的证件号码已登记为另一人员，请先处理该记录")
        ) from exc
    for key, ids in locked.moved.items():
        label, field_name = key.rsplit(".", 1)
        model = apps.get_model(label)
        fk = model._meta.get_field(field_name)
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=ids, **{fk.attname: keep.pk}).update(
                    **{fk.attname: restored.pk}
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("不能撤销：“%(what)s”在合并后已有变化（如新开了隔离管控对象），请先处理")
                % {"what": model._meta.verbose_name}
            ) from exc
    person_moved(person=restored, by=by)  # the records given back follow their place again
    locked.undone_at = clock.now()
    locked.undone_by = by
    locked.removed_data = {}
    locked.save(update_fields=["undone_at", "undone_by", "removed_data"])
    audit_record(
        actor=by,
        action="create",
        obj=restored,
        changes={"merge_undone": locked.pk, "split_from": [keep.pk, restored.pk]},
    )
    audit_record(
        actor=by,
        action="update",
        obj=keep,
        changes={"merged_from": [restored.pk, None], "merge_undone": locked.pk},
    )
    return restored


@transaction.atomic
def not_duplicate_record(*, first: Person, second: Person, by: User) -> NotDuplicate:
    """The two are different people: the queue stops offering the pair. Audited."""
    _refuse_out_of_scope(by, first, second)
    a, b = _pair_key(first.pk, second.pk)
    decided, _created = NotDuplicate.objects.get_or_create(
        first_person_id=a,
        second_person_id=b,
        defaults={"decided_by": by, "decided_at": clock.now()},
    )
    audit_record(
        actor=by,
        action="create",
        obj=decided,
        object_repr=f"#{a} ≠ #{b}",
        changes={"first_person": [None, a], "second_person": [None, b]},
    )
    return decided


def merges_of(*, person: Person) -> QuerySet[PersonMerge]:
    """The merges into this person not undone, newest first."""
    return PersonMerge.objects.filter(
        kept_person_id=person.pk, undone_at__isnull=True
    ).select_related("merged_by")


def merge_get(*, user: User | AnonymousUser, pk: int) -> PersonMerge:
    """A merge whose kept person is in `user`'s charge, or 404."""
    merge = PersonMerge.objects.filter(pk=pk).first()
    if merge is None:
        raise Http404
    if not persons_in_charge(Person.objects.filter(pk=merge.kept_person_id), user).exists():
        raise Http404
    return merge
