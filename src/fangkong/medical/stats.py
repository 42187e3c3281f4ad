"""The medical hand-off's figures for the dashboard, big screen, stats API and daily report
(core/figures.py): hand-offs by outcome, contacts found, referred and still unreached.
Counted on indexed days and outcomes: a county has tens of hand-offs, not thousands."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.figures import Figure, Section, Table
from fangkong.core.filters import list_url
from fangkong.medical.contacts import unreached_filter
from fangkong.medical.models import ContactLink, Handoff, Outcome


def daily_section(day: datetime.date) -> Section | None:
    handoffs = Handoff.objects.filter(day__lte=day)
    totals = handoffs.aggregate(
        total=Count("id"),
        today=Count("id", filter=Q(day=day)),
        # The outcome as it stood at the day's end: one recorded later is still awaited.
        awaiting=Count("id", filter=Q(outcome="") | Q(outcome_day__gt=day)),
        **{
            value: Count("id", filter=Q(outcome=value, outcome_day__lte=day))
            for value in Outcome.values
        },
    )
    links = ContactLink.objects.filter(found_day__lte=day).aggregate(
        found=Count("id"),
        referred=Count("id", filter=Q(referred_day__lte=day)),
        unreached=Count("id", filter=Q(referred_day__isnull=True) | Q(referred_day__gt=day)),
        pending=Count("id", filter=Q(referred_day__lte=day) & unreached_filter()),
    )
    if not totals["total"] and not links["found"]:
        return None
    unreached = links["unreached"] + links["pending"]
    section = Section(key="medical", title=_("移交医疗与密切接触者"), order=25)
    section.figures = [
        Figure(
            "medical.handoffs_today",
            gettext_lazy("今日移交医疗"),
            totals["today"],
            list_url("handoff_list", state="all"),
            tone="danger" if totals["today"] else "",
            unit=gettext_lazy("人"),
            headline=True,
        ),
        Figure(
            "medical.handoffs_total",
            gettext_lazy("累计移交医疗"),
            totals["total"],
            list_url("handoff_list", state="all"),
            unit=gettext_lazy("人"),
            cumulative=True,
        ),
        Figure(
            "medical.awaiting",
            gettext_lazy("待反馈诊断结果"),
            totals["awaiting"],
            list_url("handoff_list", state="awaiting"),
            tone="warn" if totals["awaiting"] else "ok",
            unit=gettext_lazy("人"),
        ),
    ]
    for value, label in Outcome.choices:
        section.figures.append(
            Figure(
                f"medical.outcome_{value}",
                _("累计%(o)s") % {"o": label},
                totals[value],
                list_url("handoff_list", state="done", outcome=value),
                tone="danger" if value == Outcome.CONFIRMED and totals[value] else "",
                unit=gettext_lazy("人"),
                headline=value in (Outcome.CONFIRMED, Outcome.SUSPECTED),
                cumulative=True,
            )
        )
    section.figures += [
        Figure(
            "medical.contacts_found",
            gettext_lazy("密切接触者"),
            links["found"],
            list_url("contact_list"),
            unit=gettext_lazy("人"),
            headline=True,
            cumulative=True,
        ),
        Figure(
            "medical.contacts_referred",
            gettext_lazy("密切接触者已转核查"),
            links["referred"],
            list_url("contact_list", state="referred"),
            tone="ok",
            unit=gettext_lazy("人"),
            cumulative=True,
        ),
        Figure(
            "medical.contacts_unreached",
            gettext_lazy("密切接触者尚未落实"),
            unreached,
            list_url("contact_list", state="unreached"),
            tone="danger" if unreached else "ok",
            unit=gettext_lazy("人"),
        ),
    ]
    section.tables.append(
        Table(
            title=_("移交医疗诊断结果（截至%(d)s）") % {"d": day.isoformat()},
            headers=[_("移交"), _("待反馈"), *(label for _v, label in Outcome.choices)],
            rows=[[totals["total"], totals["awaiting"], *(totals[v] for v in Outcome.values)]],
        )
    )
    # No sentence of its own in the report's 发现的问题: the county's report keeps to two
    # pages. The unreached contacts are a danger figure on the dashboard and in the annex,
    # and a card on the stations' and the command centre's home pages.
    return section
