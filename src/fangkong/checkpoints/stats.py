"""The checkpoints' figures for the dashboard, big screen, stats API and daily report —
all from the pre-aggregated PassageCount rows (see core/figures.py)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.checkpoints.models import Checkpoint, DutyAssignment
from fangkong.checkpoints.selectors import COUNT_FIELDS, counts_by, fatigue_flags, tally_rows
from fangkong.core.clock import work_day, work_now
from fangkong.core.demo import SHANGHAI
from fangkong.core.figures import Figure, Section, Table, Trend

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


def _url(name: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def daily_section(day: datetime.date) -> Section | None:
    checkpoints = list(Checkpoint.objects.order_by("code").values_list("pk", "name", "opened_on"))
    if not checkpoints:
        return None
    today = counts_by(start=day, end=day)[0]
    first = min(opened for _pk, _name, opened in checkpoints)
    total = counts_by(start=first, end=day)[0]
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
                url=_url("passage_list", day=day.isoformat(), **extra),
                tone=tone,
                unit=unit,
            )
        )
        section.figures.append(
            Figure(
                key=f"checkpoints.{name}_total",
                label=_("累计%(l)s") % {"l": label},
                value=total[name],
                url=_url("passage_list", **extra),
                unit=unit,
            )
        )
    gaps = tally_rows(user=_Everyone(), start=day, end=day)  # type: ignore[arg-type]
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
    moment = (
        work_now()
        if day == work_day()
        else datetime.datetime.combine(day, datetime.time(12), SHANGHAI)
    )
    # Shifts start on their own day and last at most a day: the day bounds let the index
    # skip the roster's history.
    on_duty = DutyAssignment.objects.filter(
        day__gte=moment.astimezone(SHANGHAI).date() - datetime.timedelta(days=1),
        day__lte=moment.astimezone(SHANGHAI).date(),
        starts_at__lte=moment,
        ends_at__gt=moment,
    ).count()
    section.figures.append(
        Figure(
            key="checkpoints.on_duty",
            label=_("在岗执勤人员"),
            value=on_duty,
            url=reverse("on_duty"),
            unit=_("人"),
        )
    )
    tired = fatigue_flags(day)
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
    by_cp = counts_by(start=day, end=day, by=("checkpoint",))
    section.tables.append(
        Table(
            title=_("各检查站（%(d)s）") % {"d": day.isoformat()},
            headers=[_("检查站"), *(LABELS[n][0] for n in COUNT_FIELDS)],
            rows=[[names.get(r["checkpoint"], ""), *(r[n] for n in COUNT_FIELDS)] for r in by_cp],
        )
    )
    by_hour = counts_by(start=day, end=day, by=("hour",))
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
    for f in tired:
        section.events.append(f.reason)
    return section


def daily_trend(start: datetime.date, end: datetime.date) -> list[Trend]:
    rows = {r["day"]: r for r in counts_by(start=start, end=end, by=("day",))}
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
    """The county-wide view the figures are computed for (they are not per-user)."""

    is_authenticated = True
    is_active = True
    role = "command"
    pk = None
    _fangkong_scope = None

    def __init__(self) -> None:
        from fangkong.accounts.jurisdiction import Scope

        self._fangkong_scope = Scope(county=True)
