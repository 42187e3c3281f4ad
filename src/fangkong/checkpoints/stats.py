"""The checkpoints' figures for the dashboard, big screen, stats API and daily report —
all from the pre-aggregated PassageCount rows (see core/figures.py)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts.jurisdiction import Scope
from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.models import Checkpoint, DutyAssignment
from fangkong.checkpoints.selectors import COUNT_FIELDS, counts_by, fatigue_flags, tally_rows
from fangkong.core.figures import Figure, Section, Table, Trend, area_prefix
from fangkong.core.filters import list_url

LABELS = {
    "vehicles": (gettext_lazy("检查车辆"), gettext_lazy("辆")),
    "persons": (gettext_lazy("检查人员"), gettext_lazy("人")),
    "flagged": (gettext_lazy("预警人员"), gettext_lazy("人")),
    "turned_back": (gettext_lazy("劝返"), gettext_lazy("人")),
    "referred": (gettext_lazy("移交居家隔离"), gettext_lazy("人")),
    "medical": (gettext_lazy("移交医疗"), gettext_lazy("人")),
}
FILTERS = {
    "flagged": {"flag": "any"},
    "turned_back": {"decision": "turn_back"},
    "referred": {"decision": "quarantine"},
    "medical": {"decision": "medical"},
}


def _checkpoint_ids(scope: Scope | None) -> frozenset[int] | None:
    """The checkpoints an area's figures count (None: every one of the installation)."""
    return None if scope is None or scope.county else scope.checkpoint_ids


def daily_area_figures(day: datetime.date, areas: Sequence[str]) -> dict[str, dict[str, int]]:
    """The day's counts (`checkpoints.*_today`) of each area's checkpoints (its units',
    as area_scope has them), from daily_section's counts_by grouped by checkpoint: one query
    for the checkpoints' areas and one for the counts, however many areas. An area without
    a checkpoint has none (its section is None)."""
    area_of: dict[int, str] = {}
    parent = areas[0][:-2] if areas else ""
    for pk, code in Checkpoint.objects.filter(unit__area_code__startswith=parent).values_list(
        "pk", "unit__area_code"
    ):
        area = area_prefix(code, areas)
        if area is not None:
            area_of[pk] = area
    found: dict[str, dict[str, int]] = {
        area: {f"checkpoints.{name}_today": 0 for name in COUNT_FIELDS}
        for area in sorted(set(area_of.values()))
    }
    if not area_of:
        return found
    for row in counts_by(start=day, end=day, by=("checkpoint",), checkpoint_ids=list(area_of)):
        figures = found[area_of[row["checkpoint"]]]
        for name in COUNT_FIELDS:
            figures[f"checkpoints.{name}_today"] += row[name]
    return found


def daily_section(day: datetime.date, *, scope: Scope | None = None) -> Section | None:
    ids = _checkpoint_ids(scope)
    rows: QuerySet[Checkpoint] = Checkpoint.objects.order_by("code")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    checkpoints = list(rows.values_list("pk", "name", "opened_on"))
    if not checkpoints:
        return None
    today = counts_by(start=day, end=day, checkpoint_ids=ids)[0]
    first = min(opened for _pk, _name, opened in checkpoints)
    total = counts_by(start=first, end=day, checkpoint_ids=ids)[0]
    section = Section(key="checkpoints", title=_("联合检查站"), order=20)
    for name in COUNT_FIELDS:
        label, unit = LABELS[name]
        extra = FILTERS.get(name, {})
        tone = "danger" if name in ("flagged", "medical") and today[name] else ""
        section.figures.append(
            Figure(
                key=f"checkpoints.{name}_today",
                label=_("今日%(l)s") % {"l": label},
                value=today[name],
                url=list_url("passage_list", PassageFilter, day=day, **extra),
                tone=tone,
                unit=unit,
                headline=True,
            )
        )
        section.figures.append(
            Figure(
                key=f"checkpoints.{name}_total",
                label=_("累计%(l)s") % {"l": label},
                value=total[name],
                url=list_url("passage_list", PassageFilter, **extra),
                unit=unit,
                headline=name in ("vehicles", "persons"),
                cumulative=True,
            )
        )
    gaps = tally_rows(user=_Everyone(scope), start=day, end=day)  # type: ignore[arg-type]
    section.figures.append(
        Figure(
            key="checkpoints.tally_mismatches",
            label=_("人工清点与登记不一致的班次"),
            value=len(gaps),
            url=reverse("tally_list"),
            tone="warn" if gaps else "ok",
            unit=_("个"),
        )
    )
    section.figures.append(_on_duty_figure(day, ids))
    tired = fatigue_flags(day)
    if scope is not None and not scope.county:
        tired = [f for f in tired if f.officer.unit_id in scope.unit_ids]
    section.figures.append(
        Figure(
            key="checkpoints.fatigue",
            label=_("疲劳提示"),
            value=len(tired),
            url=reverse("roster_week") + f"?week={day.isoformat()}",
            tone="warn" if tired else "",
            unit=_("人"),
        )
    )
    names = {pk: name for pk, name, _opened in checkpoints}
    by_cp = counts_by(start=day, end=day, by=("checkpoint",), checkpoint_ids=ids)
    section.tables.append(
        Table(
            title=_("各检查站（%(d)s）") % {"d": day.isoformat()},
            headers=[_("检查站"), *(LABELS[n][0] for n in COUNT_FIELDS)],
            rows=[[names.get(r["checkpoint"], ""), *(r[n] for n in COUNT_FIELDS)] for r in by_cp],
        )
    )
    by_hour = counts_by(start=day, end=day, by=("hour",), checkpoint_ids=ids)
    section.tables.append(
        Table(
            title=_("分时段"),
            headers=[_("时"), _("车辆"), _("人员"), _("预警")],
            rows=[[f"{r['hour']:02d}", r["vehicles"], r["persons"], r["flagged"]] for r in by_hour],
        )
    )
    if gaps:
        section.tables.append(
            Table(
                title=_("人工清点不一致的班次"),
                headers=[_("班次"), _("清点车辆"), _("登记车辆")],
                rows=[[str(g.shift), g.shift.counted_vehicles, g.vehicles] for g in gaps],
            )
        )
    for g in gaps:
        section.problems.append(
            _("%(cp)s%(day)s%(shift)s班人工清点车辆%(counted)d辆，登记%(registered)d辆")
            % {
                "cp": g.shift.checkpoint.name,
                "day": _("%(m)d月%(d)d日") % {"m": g.shift.day.month, "d": g.shift.day.day},
                "shift": g.shift.label,
                "counted": g.shift.counted_vehicles or 0,
                "registered": g.vehicles,
            }
        )
    for f in tired:
        section.problems.append(f.reason)
    return section


def _on_duty_figure(day: datetime.date, ids: frozenset[int] | None) -> Figure:
    """The officers on the day's roster, today as on a past day (one meaning, so a day can be
    compared with the one before); it opens the on-duty board of that day, which lists the
    same shifts and every checkpoint without one."""
    duties = DutyAssignment.objects.filter(day=day)
    if ids is not None:
        duties = duties.filter(shift__checkpoint_id__in=list(ids))
    count = duties.values("officer").distinct().count()
    return Figure(
        "checkpoints.on_duty",
        _("今日执勤人员"),
        count,
        url=list_url("on_duty", date=day),
        unit=_("人"),
        headline=True,
    )


def daily_trend(
    start: datetime.date, end: datetime.date, *, scope: Scope | None = None
) -> list[Trend]:
    ids = _checkpoint_ids(scope)
    rows = {r["day"]: r for r in counts_by(start=start, end=end, by=("day",), checkpoint_ids=ids)}
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    return [
        Trend(
            key=f"checkpoints.{name}",
            label=LABELS[name][0],
            points=[(d, rows.get(d, {}).get(name, 0)) for d in days],
        )
        for name in ("vehicles", "persons", "flagged", "turned_back", "referred")
    ]


class _Everyone:
    """The county-wide view the figures are computed for (they are not per-user): the
    installation's, or one area's."""

    is_authenticated = True
    is_active = True
    role = "command"
    pk = None
    _fangkong_scope = None

    def __init__(self, scope: Scope | None = None) -> None:
        self._fangkong_scope = scope if scope is not None else Scope(county=True)
