"""The import engine: reads a list in chunks, looks up who is known, and writes each chunk
through the shared services — people (people.services.persons_insert), cases and referrals
(quarantine.services.cases_insert, referrals_insert, case_fill) — plus the list's own
entries, in one transaction per chunk."""

from __future__ import annotations

import collections
import contextlib
import datetime
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.jurisdiction import restrict
from fangkong.core import clock
from fangkong.core.audit import audit_bulk
from fangkong.core.bulk import insert_rows, reserve_ids, select_in
from fangkong.core.disclosure import search_limits, searches_room
from fangkong.org.areas import area_name, county_of, installation_counties, is_multi_county
from fangkong.org.models import Township
from fangkong.org.places import CountyPlaces
from fangkong.people.models import Person
from fangkong.people.ownership import ELSEWHERE, holds, scope_of
from fangkong.people.selectors import visible_person_ids
from fangkong.people.services import persons_insert
from fangkong.quarantine.imports.layout import field_labels
from fangkong.quarantine.imports.reading import Table, cells_text
from fangkong.quarantine.imports.rows import Row, YearlessDate, parse_date, validate_row
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    ListEntry,
    ListImport,
    PossibleDuplicate,
    QuarantineCase,
)
from fangkong.quarantine.selectors import visible_case_ids
from fangkong.quarantine.services import (
    case_fill,
    case_opening,
    cases_insert,
    referrals_insert,
)

if TYPE_CHECKING:
    pass

CHUNK = 5000
MAX_EMPTY_RUN = 1000
REF_TYPE = "quarantine.listentry"
# A row without an ID number whose name and phone are those of someone on file outside the
# importer's jurisdiction (and of nobody inside it): as ELSEWHERE for a number, no name,
# place or record — only that it went to the station in charge of them.
NAME_PHONE_ELSEWHERE = gettext_lazy(
    "与其他单位辖区已登记人员的姓名和电话相同：已交其所属派出所确认是否同一人，本单位看不到该人员"
)


# --- Storing -------------------------------------------------------------------------------


@dataclass
class Outcome:
    counts: dict[str, int]
    problems: int
    notes: list[str]


@contextlib.contextmanager
def _fewer_checkpoints() -> Iterator[None]:
    """SQLite copies its write-ahead log into the database every 1,000 pages (4 MB), at a
    commit: an import commits every chunk, and the same index pages were copied over and
    over (a seventh of the import's time). Let the log grow to 64 MB while importing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint=16384")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")


@contextlib.contextmanager
def _collect_per_chunk() -> Iterator[None]:
    """Python's cyclic garbage collector ran every 700 new objects, and over the growing heap
    every so often: a quarter of an import's time, for rows that hold no cycles. Off during
    an import; each chunk collects what it left (Importer._flush)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(1)


class Importer:
    """Runs one ListImport: reads, validates and stores in chunks of CHUNK rows."""

    def __init__(
        self,
        list_import: ListImport,
        *,
        store: bool,
        progress: Callable[[int, int], None] | None = None,
        count_lookups: bool = True,
    ) -> None:
        self.li = list_import
        self.store = store
        # Whether the numbers on file elsewhere count against the search limits here: not
        # in the storing pass of an all-or-nothing import, whose check pass counted them.
        self.count_lookups = count_lookups
        # Past the search limits (Importer._lookups): no row with a number is looked up.
        self.over_limit = False
        self.progress = progress
        self.by = list_import.created_by
        self.places = CountyPlaces.load()
        self.mapping = {int(k): v for k, v in list_import.mapping.items()}
        self.seen_hashes: dict[str, int] = {}
        self.new_keys: dict[tuple[str, ...], int] = {}  # person key → person id (or -1)
        self.open_case: dict[int, int] = {}  # person id → open case id, this import
        self.counts = dict.fromkeys(
            (
                "rows",
                "new_persons",
                "new_cases",
                "joined",
                "warnings",
                "refused",
                "duplicates",
                "already",
                "elsewhere",
            ),
            0,
        )
        self.problems = 0
        self.notes: list[str] = []
        self.limit_noted = False
        self.labels = field_labels()
        self.dates: dict[Any, datetime.date | str | YearlessDate] = {}
        self._year: tuple[int, bool] | None = None
        self.now = clock.now()
        self.today = timezone.localdate(self.now)
        self.station_by_township = dict(Township.objects.values_list("pk", "station_id"))
        # Jurisdiction of writes (people/ownership.py): a list imported by a station does
        # not take another station's person — their case goes to where they are on file.
        self.scope = scope_of(self.by)
        # A city (or province) installation routes each row to a county (issue 18 item 4):
        # read once here; a county installation routes nothing (None: no work per row).
        self.counties: frozenset[str] | None = None
        # case id → the county a row routed to another county than the case's holder named
        self.held_elsewhere: dict[int, str] = {}
        if is_multi_county():
            self.counties = installation_counties()
            self.township_of = {t.pk: t for t in Township.objects.all()}
            self.county_names = {c: area_name(c) or c for c in self.counties}

    def run(self, table: Table) -> Outcome:
        self.table = table
        with _fewer_checkpoints(), _collect_per_chunk():
            return self._run(table)

    def list_year(self) -> tuple[int, bool]:
        """The year of the list's dates written with one (the most common), for those written
        without; else the working day's. Read once, at the first date that needs it."""
        if self._year is None:
            column = next((c for c, k in self.mapping.items() if k == "arrival_date"), None)
            years: collections.Counter[int] = collections.Counter()
            if column is not None:
                for number, cells in self.table.rows():
                    if number <= (self.li.header_row or 0) or column >= len(cells):
                        continue
                    try:
                        years[parse_date(cells[column]).year] += 1
                    except ValueError:
                        continue
            self._year = (
                (years.most_common(1)[0][0], True) if years else (clock.today().year, False)
            )
        return self._year

    def _run(self, table: Table) -> Outcome:
        chunk: list[Row] = []
        empty_run = 0
        done = 0
        header = self.li.header_row or 0
        total = max(table.total - header, 0)
        columns = sorted(self.mapping)
        width, within = -1, columns  # the known columns a row of `width` cells has
        today: datetime.date | None = None
        for number, cells in table.rows():
            if number <= header:
                continue
            raw = cells_text(cells)
            if len(raw) != width:  # the same for every row of a workbook
                width = len(raw)
                within = [c for c in columns if c < width]
            if not any(map(raw.__getitem__, within)):
                # A row with nothing in the known columns (a serial number at most) is empty.
                empty_run += 1
                if empty_run >= MAX_EMPTY_RUN:
                    self.notes.append(
                        _("自第%(n)d行起连续%(m)d行为空，其后的内容未读取")
                        % {"n": number - MAX_EMPTY_RUN + 1, "m": MAX_EMPTY_RUN}
                    )
                    break
                continue
            empty_run = 0
            if not chunk:
                # The day an ID number's birth date must not lie after: read once a chunk.
                today = clock.today_this_minute()
            row = validate_row(
                number,
                cells,
                self.mapping,
                self.places,
                self.labels,
                raw=raw,
                dates=self.dates,
                year=self.list_year,
                today=today,
            )
            if self.counties is not None:
                self._route(row)
            chunk.append(row)
            if len(chunk) >= CHUNK:
                done += len(chunk)
                self._flush(chunk)
                chunk = []
                if self.progress:
                    self.progress(done, max(total, done))
        if chunk:
            done += len(chunk)
            self._flush(chunk)
        if self.progress:
            self.progress(done, done)
        return Outcome(self.counts, self.problems, self.notes)

    def _route(self, row: Row) -> None:
        """The county the row goes to (org.areas.county_of), said in its report."""
        if row.refused:
            return
        township = self.township_of.get(row.township_id) if row.township_id else None
        row.county = county_of(
            township=township, household_region=row.household_region, counties=self.counties
        )
        if row.county and township is not None:
            why = _("下发至%(county)s（按现住址所在乡镇街道）")
        elif row.county:
            why = _("下发至%(county)s（现住址未能对应本市乡镇街道，按身份证号码归属地）")
        else:
            why = _(
                "未下发到县（市、区）：现住址未能对应本市任何乡镇街道，身份证号码归属地"
                "不属本市各县（市、区），留在市局“待分配”队列，请核实后分配"
            )
        where = self.county_names.get(row.county, row.county)
        row.messages.setdefault(_("下发"), []).append(why % {"county": where})

    def _flush(self, rows: list[Row]) -> None:
        """Store a chunk; the list is emptied once it is written."""
        with transaction.atomic():
            self._flush_chunk(rows)
        # The chunk's cycles (exceptions of rows that failed a check hold their frames):
        # the youngest objects only, those made since the last chunk — once the chunk's
        # rows are let go, not walked to be found still alive.
        rows.clear()
        gc.collect(0)

    def _flush_chunk(self, rows: list[Row]) -> None:
        counts = self.counts
        counts["rows"] += len(rows)
        # Rows already imported (by this or an earlier list): nothing changes.
        earlier = self._earlier([r.row_hash for r in rows])
        ids = {r.id_number for r in rows if r.id_number}
        docs = {r.doc_number for r in rows if not r.id_number and r.doc_number}
        names = {r.name for r in rows if not r.id_number and r.phone}
        phones = {r.phone for r in rows if not r.id_number and r.phone}
        known: dict[tuple[str, ...], int] = {}
        # People on file whom the importer is not in charge of: where they are on file.
        elsewhere: dict[int, tuple[int | None, int | None]] = {}
        for pk, id_number, township_id, village_id in select_in(
            Person, ["id", "id_number", "township_id", "village_id"], "id_number", ids
        ):
            known[("id", str(id_number))] = pk
            self._note_place(elsewhere, pk, township_id, village_id)
        # exclude(doc_number=""): the condition of the unique index on documents, without
        # which SQLite does not use it and reads the whole table.
        for pk, doc, township_id, village_id in (
            Person.objects.filter(doc_type=Person.DocType.OTHER, doc_number__in=docs)
            .exclude(doc_number="")
            .values_list("pk", "doc_number", "township_id", "village_id")
        ):
            known[("doc", doc)] = pk
            self._note_place(elsewhere, pk, township_id, village_id)
        # Rows without an ID number: people of the same name and phone, those the importer
        # is in charge of (a possible duplicate to confirm) and the others (theirs).
        by_name_phone: dict[tuple[str, str], int] = {}
        theirs: dict[tuple[str, str], int] = {}
        if phones:
            # By phone (indexed), then the name: names have no index.
            for pk, name, phone, township_id in (
                Person.objects.filter(phone__in=phones)
                .order_by("pk")
                .values_list("pk", "name", "phone", "township_id")
            ):
                if name not in names:
                    continue
                station_id = self.station_by_township.get(township_id) if township_id else None
                if holds(self.scope, township_id=township_id, station_id=station_id):
                    by_name_phone.setdefault((name, phone), pk)
                else:
                    theirs.setdefault((name, phone), pk)
        for pair in by_name_phone:
            theirs.pop(pair, None)  # someone of the importer's own matches: theirs to decide
        cut = self._lookups(rows, known, elsewhere, theirs)
        # By person (indexed), the status checked here: with the status in the query SQLite
        # read every open case through the status index, at each chunk.
        open_statuses = {str(s) for s in OPEN_STATUSES}
        open_cases = {
            person_id: pk
            for person_id, pk, status in select_in(
                QuarantineCase, ["person_id", "id", "status"], "person_id", set(known.values())
            )
            if status in open_statuses
        }

        # Entries as lists in ENTRY_FIELDS' order (E_* name the places filled later).
        entries: list[list[Any]] = []
        new_people: list[Row] = []
        plan: list[tuple[Row, list[Any]]] = []  # rows that join or open a case
        # Each row's person key (Row.key), made once: those of new_people and of plan.
        new_people_keys: list[tuple[str, ...]] = []
        plan_keys: list[tuple[str, ...]] = []
        duplicates: list[tuple[list[Any], int, Row]] = []
        result = _("处理结果")
        li_id = self.li.pk
        level_ok, level_warning = ListEntry.Level.OK, ListEntry.Level.WARNING
        level_error = ListEntry.Level.ERROR
        for row in rows:
            entry: list[Any] = [
                li_id,
                row.number,
                row.raw,
                row.row_hash,
                row.name,
                None,
                None,
                None,
                level_error if row.refused else (level_warning if row.warning else level_ok),
                False,
                row.messages,
                row.county,
            ]
            entries.append(entry)
            if row.refused:
                entry[E_OUTCOME] = ListEntry.Outcome.REFUSED
                counts["refused"] += 1
                self.problems += 1
                continue
            if cut is not None and row.number >= cut and _looked_up(row):
                entry[E_OUTCOME] = ListEntry.Outcome.REFUSED
                entry[E_LEVEL] = level_error
                entry[E_MESSAGES] = {**row.messages, result: [self._over_limit(row.number)]}
                counts["refused"] += 1
                self.problems += 1
                continue
            if row.warning:
                counts["warnings"] += 1
                self.problems += 1
            if row.row_hash in earlier:
                entry[E_OUTCOME] = ListEntry.Outcome.ALREADY
                entry[E_MESSAGES] = {**row.messages, result: [_("此行已导入过，未作改动")]}
                counts["already"] += 1
                continue
            if row.row_hash in self.seen_hashes:
                entry[E_OUTCOME] = ListEntry.Outcome.ALREADY
                entry[E_MESSAGES] = {
                    **row.messages,
                    result: [
                        _("与第%(n)d行内容相同，未重复导入") % {"n": self.seen_hashes[row.row_hash]}
                    ],
                }
                counts["already"] += 1
                continue
            self.seen_hashes[row.row_hash] = row.number
            key = row.key
            pid = known.get(key) or self.new_keys.get(key)
            if pid is None and not row.id_number and row.phone:
                match = by_name_phone.get((row.name, row.phone))
                if match is not None:
                    entry[E_OUTCOME] = ListEntry.Outcome.DUPLICATE
                    entry[E_MESSAGES] = {
                        **row.messages,
                        result: [_("与已登记人员姓名和电话相同，待确认是否同一人")],
                    }
                    counts["duplicates"] += 1
                    duplicates.append((entry, match, row))
                    continue
                match = theirs.get((row.name, row.phone))
                if match is not None:
                    # Someone the importer is not in charge of: held for the station in
                    # charge of them to confirm, as a row with their ID number goes to it;
                    # the importer is told that, and shown nothing of them (not listed
                    # among its possible duplicates; `elsewhere`, not `duplicates`).
                    entry[E_OUTCOME] = ListEntry.Outcome.FORWARDED
                    entry[E_LEVEL] = level_warning
                    entry[E_MESSAGES] = {**row.messages, result: [str(NAME_PHONE_ELSEWHERE)]}
                    counts["elsewhere"] += 1
                    duplicates.append((entry, match, row))
                    continue
            if pid is None:
                new_people.append(row)
                new_people_keys.append(key)
                self.new_keys[key] = -1
                counts["new_persons"] += 1
            elif pid in elsewhere:
                # Their case is the station's they are on file with; the importer is told,
                # and shown nothing of them. (Not a problem row: all-or-nothing goes on.)
                row.township_id, row.village_id = elsewhere[pid]
                row.elsewhere = True
                entry[E_LEVEL] = level_warning
                entry[E_MESSAGES] = {
                    **row.messages,
                    result: [
                        _(
                            "%(msg)s：已交其所属派出所核查，本单位看不到该人员；"
                            "如该人员现住本辖区，请在“人员—移交申请”中申请移交"
                        )
                        % {"msg": ELSEWHERE}
                    ],
                }
                counts["elsewhere"] += 1
            plan.append((row, entry))
            plan_keys.append(key)
        if not self.store:
            for _row, entry in plan:
                entry[E_OUTCOME] = ListEntry.Outcome.CHECKED
            for entry, _pid, _row in duplicates:
                entry[E_OUTCOME] = ListEntry.Outcome.CHECKED
            self._entries(entries)
            return
        first, last = rows[0].number, rows[-1].number
        details = {"list_import": self.li.pk, "rows": [first, last]}
        label = (
            _("推送名单：%(name)s 第%(first)s–%(last)s行")
            % {"name": self.li.original_name, "first": first, "last": last}
        )[:200]
        person_ids = persons_insert(
            values=[self._person(row) for row in new_people], by=self.by, batch=(label, details)
        )
        new_keys, opened = self.new_keys, self.open_case
        for key, pk in zip(new_people_keys, person_ids, strict=True):
            new_keys[key] = pk
            known[key] = pk
        # Cases: join the open case, else open one (one open case per person).
        new_cases: list[tuple[Row, int]] = []
        new_case, joined = ListEntry.Outcome.NEW_CASE, ListEntry.Outcome.JOINED
        for (row, entry), key in zip(plan, plan_keys, strict=True):
            pid = known.get(key) or new_keys[key]
            entry[E_PERSON] = pid
            # A case this import opened is the person's open case (self.open_case, read
            # for the chunk's people: not copied whole into every chunk's).
            mine = opened.get(pid)
            if mine is not None:
                open_cases[pid] = mine
            if open_cases.get(pid) is None:
                new_cases.append((row, pid))
                open_cases[pid] = -1
                entry[E_OUTCOME] = new_case
                counts["new_cases"] += 1
            else:
                entry[E_OUTCOME] = joined
                counts["joined"] += 1
        case_ids = cases_insert(
            values=[self._case(row, pid) for row, pid in new_cases],
            by=self.by,
            batch=(label, {"source": QuarantineCase.Source.PUSHED_LIST.value, **details}),
        )
        for (_row, pid), pk in zip(new_cases, case_ids, strict=True):
            open_cases[pid] = pk
            opened[pid] = pk
        joined_fill: dict[int, Row] = {}
        for row, entry in plan:
            entry[E_CASE] = open_cases[entry[E_PERSON]]
            entry[E_STORED] = True
            if entry[E_OUTCOME] == joined:
                joined_fill.setdefault(entry[E_CASE], row)
        for entry, _pid, _row in duplicates:
            entry[E_STORED] = True
        hidden = self._hidden(plan)
        self._held_elsewhere(plan, hidden)
        self._forwarded(plan, hidden)
        self._entries(entries)
        if duplicates:
            PossibleDuplicate.objects.bulk_create(
                [
                    PossibleDuplicate(entry_id=entry[E_ID], person_id=pid, data=_row_data(row))
                    for entry, pid, row in duplicates
                ]
            )
        self._referrals(plan)
        self._fill_joined(joined_fill)

    def _earlier(self, hashes: list[str]) -> set[str]:
        """The rows (by hash) stored by an earlier list whose rows are the importer's to
        know: a list of a unit in their jurisdiction (or their own), a row of the city's
        list routed to their county, a row whose case they may open. A row another county
        (or another station) imported is not "already imported" here: that answer would
        say what another jurisdiction holds, and skip the row for this one. Whoever holds
        the whole installation (or a system import) counts every list."""
        # (select_in: the ORM prepares each of thousands of IN values one by one.)
        found = select_in(
            ListEntry,
            ["row_hash", "list_import_id", "county", "case_id"],
            "row_hash",
            hashes,
            extra=(' AND "stored" AND "list_import_id" <> %s', [self.li.pk]),
        )
        if self.by is None or self.scope is None or self.scope.county or not found:
            return {h for h, *_rest in found}
        imports = {li for _h, li, _county, _case in found}
        theirs = set(
            restrict(ListImport.objects.filter(pk__in=imports), self.by).values_list(
                "pk", flat=True
            )
        )
        area = self.scope.area
        covered = {
            h
            for h, li, county, _case in found
            if li in theirs or (area and county and county.startswith(area))
        }
        rest = [(h, case) for h, _li, _county, case in found if h not in covered]
        cases = visible_case_ids(self.by, [case for _h, case in rest])
        return covered | {h for h, case in rest if case in cases}

    def _lookups(
        self,
        rows: list[Row],
        known: dict[tuple[str, ...], int],
        elsewhere: dict[int, tuple[int | None, int | None]],
        theirs: dict[tuple[str, str], int],
    ) -> int | None:
        """Each row whose number is on file outside the importer's jurisdiction is answered
        "on file elsewhere": a lookup, as the person form's (people.services.person_register),
        counted against the same per-user search limits (core.disclosure.searches_room) and
        audited (`lookup`, the record's id only), dry run or not. So is a row without an ID
        number whose name and phone are only those of someone outside it (`theirs`).
        Returns the row number from which rows with a number or a phone are not looked up
        (None: all are): the row past the limit, or the chunk's first when the user had no
        room left before it — so that a list uploaded past the limit answers nothing, not
        even "not elsewhere"."""
        if not self.count_lookups or self.by is None or self.scope is None or self.scope.county:
            return None  # nothing is elsewhere for whoever holds the whole installation
        if self.over_limit:
            return 0
        asked: list[tuple[Row, int, str]] = []  # (row, the record's id, the answer)
        for r in rows:
            if r.refused:
                continue
            pid = known.get(r.key)
            if (r.id_number or r.doc_number) and pid is not None and pid in elsewhere:
                asked.append((r, pid, str(ELSEWHERE)))
                continue
            if pid is None and not r.id_number and r.phone and r.key not in self.new_keys:
                match = theirs.get((r.name, r.phone))
                if match is not None:
                    asked.append((r, match, str(NAME_PHONE_ELSEWHERE)))
        room = searches_room(self.by, len(asked))
        answered = asked[:room]
        audit_bulk(
            actor=self.by,
            action="lookup",
            items=[
                (
                    "people.person",
                    str(pid),
                    "",
                    {"answer": answer, "list_import": self.li.pk, "row": r.number},
                )
                for r, pid, answer in answered
            ],
        )
        if room == 0:  # no room before this chunk (asked nothing: the room was only read)
            self.over_limit = True
            return 0
        if room < len(asked):
            self.over_limit = True
            return asked[room][0].number
        return None

    def _over_limit(self, number: int) -> str:
        """The reason a row is not looked up, noted once for the import."""
        per_minute, per_day = search_limits()
        if not self.limit_noted:
            self.limit_noted = True
            self.notes.append(
                _("查询次数已达上限：自第%(row)d行起，有证件号码的行未予核查、未导入")
                % {"row": number}
            )
        return _(
            "查询次数已达上限（与人员查询共用：每人每分钟%(n)d次、每日%(d)d次）："
            "本行的证件号码未予核查，未导入，请稍后重新导入此行"
        ) % {"n": per_minute, "d": per_day}

    def _hidden(self, plan: list[tuple[Row, list[Any]]]) -> set[int]:
        """The rows (by number) about someone on file outside the importer's jurisdiction
        whom the importer may not open, nor their case (people.selectors.visible_person_ids,
        quarantine.selectors.visible_case_ids): joined or opened would say whether that
        person is in quarantine there, and where."""
        rows = [(row, entry) for row, entry in plan if row.elsewhere]
        if not rows or self.by is None:
            return set()
        people = visible_person_ids(self.by, [entry[E_PERSON] for _row, entry in rows])
        cases = visible_case_ids(self.by, [entry[E_CASE] for _row, entry in rows])
        return {
            row.number
            for row, entry in rows
            if entry[E_PERSON] not in people and entry[E_CASE] not in cases
        }

    def _forwarded(self, plan: list[tuple[Row, list[Any]]], hidden: set[int]) -> None:
        """A hidden row tells the importer one thing, whatever the import did with it (joined
        the open case, or opened one in the person's station's queue, issue 18): 已转其所在
        辖区核实, with the message every such row has; nor do the counts tell which."""
        for row, entry in plan:
            if row.number not in hidden:
                continue
            joined = entry[E_OUTCOME] == ListEntry.Outcome.JOINED
            self.counts["joined" if joined else "new_cases"] -= 1
            entry[E_OUTCOME] = ListEntry.Outcome.FORWARDED

    def _held_elsewhere(self, plan: list[tuple[Row, list[Any]]], hidden: set[int]) -> None:
        """A row routed to one county whose person's open case another county holds (issue
        18, docs/scaling.md): the case is not moved — the row fills no place of it — and
        both are told: the row (in the report and the routed county's list) names the
        county holding the case, the case's referral names the county the list gave. A
        hidden row (Importer._hidden) names no county: its importer may not know."""
        if self.counties is None:
            return
        joined = [
            (row, entry)
            for row, entry in plan
            if entry[E_OUTCOME] == ListEntry.Outcome.JOINED and row.county
        ]
        if not joined:
            return
        holders = {
            pk: (self.township_of[t].code[:6] if t in self.township_of else county)
            for pk, t, county in QuarantineCase.objects.filter(
                pk__in={entry[E_CASE] for _row, entry in joined}
            ).values_list("pk", "township_id", "county")
        }
        for row, entry in joined:
            holder = holders.get(entry[E_CASE], "")
            if not holder or holder == row.county:
                continue
            self.held_elsewhere[entry[E_CASE]] = row.county
            if row.number in hidden:
                continue
            row.messages.setdefault(_("下发"), []).append(
                _(
                    "该人员已在%(holder)s隔离管控（未移交）：如其现住%(county)s，"
                    "请两县（市、区）核实后由%(holder)s办理移交"
                )
                % {
                    "holder": self.county_names.get(holder, holder),
                    "county": self.county_names.get(row.county, row.county),
                }
            )

    def _referrals(self, plan: list[tuple[Row, list[Any]]]) -> None:
        """The referral of every row stored, to the case it opened or joined; its note
        names the row."""
        pushed = QuarantineCase.Source.PUSHED_LIST.value
        by_id = self.by.pk if self.by else None
        note = _("推送名单：%(name)s 第%(row)s行") % {"name": self.li.original_name, "row": "\0"}
        head, _nul, tail = note.partition("\0")
        told = _("（名单现住址属%(county)s，案件未移交）")
        referrals_insert(
            [
                (
                    entry[E_CASE],
                    pushed,
                    self.now,
                    f"{head}{entry[E_ROW]}{tail}"
                    + (
                        told % {"county": self.county_names.get(row.county, row.county)}
                        if self.held_elsewhere.get(entry[E_CASE]) == row.county
                        else ""
                    ),
                    REF_TYPE,
                    str(entry[E_ID]),
                    by_id,
                )
                for row, entry in plan
            ]
        )

    def _note_place(
        self,
        elsewhere: dict[int, tuple[int | None, int | None]],
        pk: int,
        township_id: int | None,
        village_id: int | None,
    ) -> None:
        station_id = self.station_by_township.get(township_id) if township_id else None
        if not holds(self.scope, township_id=township_id, station_id=station_id):
            elsewhere[pk] = (township_id, village_id)

    def _entries(self, entries: list[list[Any]]) -> list[int]:
        ids = reserve_ids(ListEntry, len(entries))
        insert_rows(ListEntry, ENTRY_FIELDS, entries, ids=ids)
        for entry, pk in zip(entries, ids, strict=True):
            entry.append(pk)  # E_ID
        return ids

    def _person(self, row: Row) -> dict[str, Any]:
        return {
            "id_number": row.id_number or None,
            "doc_type": row.doc_type,
            "doc_number": row.doc_number,
            "id_unverified": not row.id_number,
            "name": row.name,
            "sex": row.sex,
            "birth_date": row.birth_date,
            "phone": row.phone,
            "household_region": row.household_region,
            "township_id": row.township_id,
            "village_id": row.village_id,
            "address_detail": row.address,
            "note": row.note,
        }

    def _case(self, row: Row, person_id: int) -> dict[str, Any]:
        return case_opening(
            person_id=person_id,
            source=QuarantineCase.Source.PUSHED_LIST,
            at=self.now,
            by_id=self.by.pk if self.by else None,
            came_from_code=row.came_from_code,
            came_from=row.came_from,
            arrival_date=row.arrival_date,
            township_id=row.township_id,
            village_id=row.village_id,
            station_id=self.station_by_township.get(row.township_id) if row.township_id else None,
            address_detail=row.address,
            needs_review=row.needs_review,
            # Routed by ID region only (no township): the county's to place.
            county=row.county if row.township_id is None else "",
        )

    def _fill_joined(self, fill: dict[int, Row]) -> None:
        """Fill what an open case did not know yet; never overwrite what a station verified."""
        if not fill:
            return
        changed: list[QuarantineCase] = []
        for case in QuarantineCase.objects.filter(pk__in=list(fill)):
            row = fill[case.pk]
            # A row about someone on file elsewhere, or whose case another county holds,
            # fills what is not a place: where their case is followed is not the
            # importer's to say.
            moved = row.elsewhere or case.pk in self.held_elsewhere
            if case_fill(
                case,
                came_from_code=row.came_from_code,
                came_from=row.came_from,
                arrival_date=row.arrival_date,
                township_id=None if moved else row.township_id,
                village_id=None if moved else row.village_id,
                station_of=self.station_by_township.get,
            ):
                case.updated_at = self.now
                changed.append(case)
        if changed:
            QuarantineCase.objects.bulk_update(
                changed,
                [
                    "came_from_code",
                    "came_from",
                    "arrival_date",
                    "township",
                    "village",
                    "station",
                    "updated_at",
                ],
            )


ENTRY_FIELDS = (
    "list_import_id",
    "row_number",
    "raw",
    "row_hash",
    "name",
    "person_id",
    "case_id",
    "outcome",
    "level",
    "stored",
    "messages",
    "county",
)
E_ROW, E_PERSON, E_CASE, E_OUTCOME, E_LEVEL, E_STORED, E_MESSAGES = 1, 5, 6, 7, 8, 9, 10
E_ID = len(ENTRY_FIELDS)  # appended once the entries are written


def _looked_up(row: Row) -> bool:
    """Whether a row asks who is on file (Importer._lookups): by its number, or by its name
    and phone when it has no ID number."""
    return bool(row.id_number or row.doc_number or row.phone)


def _row_data(row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "doc_type": row.doc_type,
        "doc_number": row.doc_number,
        "phone": row.phone,
        "address": row.address,
        "came_from": row.came_from,
        "came_from_code": row.came_from_code,
        "arrival_date": row.arrival_date.isoformat() if row.arrival_date else "",
        "township_id": row.township_id,
        "village_id": row.village_id,
        "sex": row.sex,
        "note": row.note,
        "needs_review": row.needs_review,
    }
