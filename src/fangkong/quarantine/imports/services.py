"""The import lifecycle (upload, layout, mapping, run, the background task) and what a
station does with its results afterwards (possible duplicates, cases to route)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.accounts.jurisdiction import scope_for
from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.org.models import Township, Village
from fangkong.people.models import Person
from fangkong.quarantine.imports.engine import REF_TYPE, Importer
from fangkong.quarantine.imports.layout import inspect_file
from fangkong.quarantine.imports.reading import ImportFileError, Table, open_table
from fangkong.quarantine.models import (
    ListEntry,
    ListImport,
    PossibleDuplicate,
    QuarantineCase,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# --- The import lifecycle ---------------------------------------------------------------


def file_sha256(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    fh.seek(0)
    return digest.hexdigest()


@transaction.atomic
def list_import_create(
    *,
    upload: Any,
    name: str,
    by: User | None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
) -> ListImport:
    """Keep an uploaded file (its headers are read next, by `list_import_layout`)."""
    from django.core.files import File

    digest = file_sha256(upload)
    li = ListImport(
        original_name=Path(name).name[:200] or "list",
        file_hash=digest,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        created_by=by,
        unit=getattr(by, "unit", None),
    )
    li.file.save(Path(name).name[:80] or "list", File(upload), save=False)
    li.full_clean()
    li.save()
    audit_record(actor=by, action="create", obj=li, changes={"file": ["", li.original_name]})
    return li


# The table read for the headers, kept for a `list_import_run` that follows in the same
# process (the CLI, the demo): a list is then read once. One slot, taken by that run.
_kept_table: tuple[int, str, Table] | None = None


def list_import_layout(*, list_import: ListImport, keep: bool = False) -> ListImport:
    """Find the headers; with every needed column known, queue the import, else ask for
    the columns (status 待指定列). `keep`: the import runs next in this process — keep the
    table read for it."""
    global _kept_table
    _kept_table = None
    table, layout = inspect_file(list_import.file.path)
    if keep:
        _kept_table = (list_import.pk, list_import.file.path, table)
    list_import.header_row = layout.header_row
    list_import.headers = layout.headers[:60]
    list_import.mapping = {str(k): v for k, v in layout.mapping.items()}
    list_import.total_rows = max(table.total - layout.header_row, 0)
    list_import.status = ListImport.Status.QUEUED if layout.known else ListImport.Status.MAPPING
    list_import.message = "；".join(table.notes)[:500]
    list_import.save()
    return list_import


def list_import_set_mapping(
    *, list_import: ListImport, mapping: dict[int, str], by: User | None
) -> ListImport:
    values = [v for v in mapping.values() if v]
    errors = []
    if "name" not in values:
        errors.append(_("请指定“姓名”所在的列"))
    if "id_number" not in values and "phone" not in values:
        errors.append(_("请至少指定“身份证号”或“手机号”所在的列"))
    if len(values) != len(set(values)):
        errors.append(_("同一字段不能对应多列"))
    if errors:
        raise ValidationError(errors)
    list_import.mapping = {str(k): v for k, v in mapping.items() if v}
    list_import.status = ListImport.Status.QUEUED
    list_import.save(update_fields=["mapping", "status"])
    audit_record(actor=by, action="update", obj=list_import, changes={"mapping": ["", values]})
    list_import_enqueue(list_import=list_import)
    return list_import


def list_import_run(
    *, list_import_id: int, progress: Callable[[int, int], None] | None = None
) -> ListImport:
    """Run an import (from the background task or the CLI). Never raises on bad data: the
    import ends done, refused (all-or-nothing with problems) or failed, with a message."""
    li = ListImport.objects.select_related("created_by").get(pk=list_import_id)
    if li.status not in (ListImport.Status.QUEUED, ListImport.Status.RUNNING):
        return li
    li.status = ListImport.Status.RUNNING
    li.started_at = clock.now()
    li.save(update_fields=["status", "started_at"])

    def report(done: int, total: int) -> None:
        ListImport.objects.filter(pk=li.pk).update(done_rows=done, total_rows=total)
        if progress:
            progress(done, total)

    global _kept_table
    kept, _kept_table = _kept_table, None
    try:
        if kept is not None and kept[:2] == (li.pk, li.file.path):
            table = kept[2]
        else:
            table = open_table(li.file.path)
        if li.all_or_nothing and not li.dry_run:
            check = Importer(li, store=False, progress=report).run(table)
            if check.problems:
                li.counts = check.counts
                li.status = ListImport.Status.REFUSED
                li.message = _(
                    "有%(n)d行存在问题，按“全部无误才入库”的要求，本次未导入任何数据"
                ) % {"n": check.problems}
                li.done_rows = li.total_rows = check.counts["rows"]
                li.finished_at = clock.now()
                li.save()
                return li
            li.entries.all().delete()
        # An all-or-nothing check pass counted and audited the lookups (Importer._lookups).
        checked = li.all_or_nothing and not li.dry_run
        outcome = Importer(
            li, store=not li.dry_run, progress=report, count_lookups=not checked
        ).run(table)
    except ImportFileError as exc:
        li.status = ListImport.Status.FAILED
        li.message = str(exc)[:500]
    except Exception as exc:
        li.status = ListImport.Status.FAILED
        li.message = (
            _("导入中断（%(err)s）：已处理的行已保存，重新导入同一文件可继续，已导入的行不会重复")
            % {"err": type(exc).__name__}
        )[:500]
        li.finished_at = clock.now()
        li.save()
        raise
    else:
        li.counts = outcome.counts
        li.status = ListImport.Status.DONE
        notes = [li.message] if li.message else []
        if li.dry_run:
            notes.append(_("仅校验，未导入任何数据"))
        li.message = "；".join(notes + outcome.notes)[:500]
    li.finished_at = clock.now()
    if li.status == ListImport.Status.DONE:
        li.done_rows = li.total_rows = li.counts.get("rows", 0)
    li.save()
    audit_record(actor=li.created_by, action="update", obj=li, changes={"counts": li.counts})
    return li


@task()
def run_list_import(list_import_id: int) -> dict[str, int]:
    """Import a pushed list in the background (django-tasks; `fangkong serve` runs the
    worker); progress is kept on the ListImport row, so the page that started it may be
    closed. Defined here, beside what it runs: quarantine/tasks.py lists it."""
    li = list_import_run(list_import_id=list_import_id)
    return dict(li.counts)


def list_import_enqueue(*, list_import: ListImport) -> None:
    run_list_import.enqueue(list_import.pk)


# --- Possible duplicates and the routing queue ------------------------------------------


@transaction.atomic
def duplicate_decide(*, duplicate: PossibleDuplicate, same: bool, by: User) -> QuarantineCase:
    """Confirm (the known person) or reject (a new person): the held row then joins or
    opens a case like any other.

    Decided only by whoever is in charge of the person on file (people/ownership.py): the
    importer from another jurisdiction cannot see them to compare (nor is told of the
    match: its row was forwarded, imports/engine.py). Confirmed, the row is
    theirs, and their case goes where the list says only if the list's importer was in
    charge of them (as Importer does with ID numbers)."""
    from django.core.exceptions import PermissionDenied

    from fangkong.people.ownership import person_in_charge
    from fangkong.people.services import PersonInput, person_find_or_create
    from fangkong.quarantine.services import case_refer

    locked = (
        PossibleDuplicate.objects.select_for_update(of=("self",))  # not its nullable joins
        .select_related("person__township", "entry__list_import__created_by")
        .get(pk=duplicate.pk)
    )
    if not person_in_charge(by, locked.person):
        raise PermissionDenied(_("该人员不在本单位辖区，由其所属派出所确认"))
    if locked.status != PossibleDuplicate.Status.PENDING:
        raise ValidationError(_("该记录已处理过"))
    data = locked.data
    township = Township.objects.filter(pk=data.get("township_id")).first()
    village = Village.objects.filter(pk=data.get("village_id")).first()
    if same:
        person = locked.person
        if not person_in_charge(locked.entry.list_import.created_by, person):
            township, village = person.township, person.village
    else:
        person, created = person_find_or_create(
            data=PersonInput(
                name=data["name"],
                doc_type=data.get("doc_type") or Person.DocType.NONE,
                doc_number=data.get("doc_number", ""),
                phone=data.get("phone", ""),
                township=township,
                village=village
                if village and township and village.township_id == township.pk
                else None,
                address_detail=data.get("address", ""),
                sex=data.get("sex", ""),
                note=data.get("note", ""),
            ),
            by=by,
        )
        if created and not person.id_unverified:
            Person.objects.filter(pk=person.pk).update(id_unverified=True)
    arrival = data.get("arrival_date")
    case, _opened = case_refer(
        person=person,
        source=QuarantineCase.Source.PUSHED_LIST,
        by=by,
        came_from_code=data.get("came_from_code", ""),
        came_from=data.get("came_from", ""),
        arrival_date=datetime.date.fromisoformat(arrival) if arrival else None,
        township=township,
        village=village,
        address_detail=data.get("address", ""),
        ref_type=REF_TYPE,
        ref_id=str(locked.entry_id),
        needs_review=data.get("needs_review") or [],
    )
    locked.status = (
        PossibleDuplicate.Status.CONFIRMED if same else PossibleDuplicate.Status.REJECTED
    )
    locked.decided_at = clock.now()
    locked.decided_by = by
    locked.save()
    # A row forwarded to the person's station (Importer: its importer is not in charge of
    # them) stays 已转其所在辖区核实 for the importer, whatever is decided here.
    outcome = (
        ListEntry.Outcome.FORWARDED
        if locked.entry.outcome == ListEntry.Outcome.FORWARDED
        else (ListEntry.Outcome.JOINED if same else ListEntry.Outcome.NEW_CASE)
    )
    ListEntry.objects.filter(pk=locked.entry_id).update(person=person, case=case, outcome=outcome)
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={"status": [PossibleDuplicate.Status.PENDING, locked.status]},
    )
    return case


@transaction.atomic
def case_route(
    *, case: QuarantineCase, township: Township, village: Village | None, by: User
) -> QuarantineCase:
    """Assign an unrouted case to a township (and so its station); a county's user inside a
    city, to a township of their county only."""
    if village is not None and village.township_id != township.pk:
        raise ValidationError({"village": [_("村居不属于所选乡镇街道")]})
    area = scope_for(by).area
    if area and not township.code.startswith(area):
        raise ValidationError(
            {
                "township": [
                    _("乡镇街道：只能分配到本县（市、区）的乡镇街道，%(name)s不属本县")
                    % {"name": township}
                ]
            }
        )
    if township.station_id is None:
        raise ValidationError(
            {
                "township": [
                    _("%(name)s尚未指定辖区派出所，请先在基础数据中维护") % {"name": township}
                ]
            }
        )
    locked = QuarantineCase.objects.select_for_update().get(pk=case.pk)
    before = (locked.township_id, locked.station_id)
    locked.township = township
    locked.village = village
    locked.station = township.station
    locked.needs_review = [f for f in locked.needs_review if f != "address"]
    locked.version += 1
    locked.save(
        update_fields=["township", "village", "station", "needs_review", "version", "updated_at"]
    )
    audit_record(
        actor=by,
        action="update",
        obj=locked,
        changes={
            "township": [before[0], township.pk],
            "station": [before[1], township.station_id],
        },
    )
    return locked


def list_import_start(
    *,
    upload: Any,
    name: str,
    by: User | None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    enqueue: bool = True,
) -> ListImport:
    """Keep the file, read its headers and queue the import (or ask for the columns).
    A file that cannot be read leaves nothing behind: ImportFileError says why."""
    li: ListImport | None = None
    try:
        with transaction.atomic():
            li = list_import_create(
                upload=upload, name=name, by=by, dry_run=dry_run, all_or_nothing=all_or_nothing
            )
            list_import_layout(list_import=li, keep=not enqueue)
    except Exception:
        global _kept_table
        _kept_table = None
        if li is not None and li.file:
            li.file.storage.delete(li.file.name)
        raise
    if enqueue and li.status == ListImport.Status.QUEUED:
        list_import_enqueue(list_import=li)
        li.refresh_from_db()
    return li
