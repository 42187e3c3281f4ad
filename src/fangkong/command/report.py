"""疫情防控工作日报: the daily report as a Word document (GB/T 9704) and an .xlsx annex.

The report reads as a bureau's 工作日报 does, in at most two pages for a county: the day's
main figures in sentences with what changed since yesterday (一、总体情况), the problems
found — inspections, hand counts that disagree with the registrations, overdue follow-ups,
fatigue, low stock … (二、发现的问题), and the next steps, the tasks still open
(三、下步工作). Every table, every figure and every item left out of the text goes to the
附表 workbook. Rendered generically from the day's sections, so every app's figures appear:
an app marks the figures worth a sentence (`Figure.headline`) and says what went wrong in
its section's events.
"""

from __future__ import annotations

import datetime
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from fangkong.command import selectors
from fangkong.command.daily import area_figures_scope, areas_table, daily_stats
from fangkong.command.models import Problem, Task
from fangkong.command.selectors import EMERGENCY_START
from fangkong.core.audit import audit_head, record_head
from fangkong.core.clock import SHANGHAI
from fangkong.core.documents import OfficialDocument, chinese_date, month_day, sentence
from fangkong.core.exports import Sheet, write_xlsx
from fangkong.core.figures import format_number
from fangkong.org.areas import bureau_name, is_multi_county, issuing_office

# The text names at most this many items of a kind; the annex lists them all.
ITEMS_SHOWN = 3
TASKS_SHOWN = 2

M = TypeVar("M", bound=Model)


def _in_area(qs: QuerySet[M], unit_path: str, stats: dict[str, Any] | None) -> QuerySet[M]:
    """The tasks or problems of the report's area (by the unit they belong to): a county's
    report inside a city names none of another county's."""
    scope = area_figures_scope((stats or {}).get("area", {}).get("code"))
    if scope is None:
        return qs
    return qs.filter(**{f"{unit_path}__in": sorted(scope.unit_ids)})


def _amount(f: dict[str, Any]) -> str:
    return f"{f['text']}{f['unit_text']}"


def _change(f: dict[str, Any], before: dict[str, Any] | None) -> str:
    """ "比昨日减少600辆": the figure against yesterday's; "" when equal, unknown or a total."""
    if before is None or f["cumulative"]:
        return ""
    delta = f["value"] - before["value"]
    if not delta:
        return ""
    text = format_number(abs(delta), f["style"])
    if f["style"] != "money":
        text += f["unit_text"]
    if delta > 0:
        return _("比昨日增加%(n)s") % {"n": text}
    return _("比昨日减少%(n)s") % {"n": text}


# Labels that begin with one of these are said once for the run of figures that share it:
# "今日检查车辆1,700辆、检查人员3,161人；累计检查车辆18,447辆…".
_RUNS = ("今日", "累计")
# The text says how this many figures of a section moved since yesterday (the largest
# moves); the annex has yesterday's value and the change of every figure.
CHANGES_SHOWN = 2


def figure_sentence(figures: list[dict[str, Any]], yesterday: dict[str, dict[str, Any]]) -> str:
    """ "今日检查车辆1,700辆、检查人员3,161人（比昨日增加40人）；累计检查车辆18,447辆。"
    from the section's headline figures."""
    # A zero of the day says little and costs a line: left to the annex.
    shown = [f for f in figures if f["headline"] and (f["value"] or f["cumulative"])]
    if not shown:
        return ""
    moves = {
        f["key"]: abs(f["value"] - yesterday[f["key"]]["value"]) / max(1, abs(f["value"]))
        for f in shown
        if f["key"] in yesterday and _change(f, yesterday[f["key"]])
    }
    told = set(sorted(moves, key=lambda k: -moves[k])[:CHANGES_SHOWN])
    groups: dict[str, list[str]] = {}
    for f in shown:
        label = (
            f["label"].replace("当日", "今日", 1) if f["label"].startswith("当日") else f["label"]
        )
        prefix = next((p for p in _RUNS if label.startswith(p)), "")
        change = _change(f, yesterday.get(f["key"])) if f["key"] in told else ""
        groups.setdefault(prefix, []).append(
            f"{label.removeprefix(prefix)}{_amount(f)}" + (f"（{change}）" if change else "")
        )
    # The day's figures, then the others (states such as 居家隔离中), then the totals.
    order = sorted(groups, key=lambda p: {"今日": 0, "": 1}.get(p, 2))
    return sentence("；".join(f"{p}{'、'.join(groups[p])}" for p in order))


def _problem_phrase(p: Problem) -> str:
    return _("%(what)s（%(unit)s，整改责任人%(owner)s，%(deadline)s前整改）") % {
        "what": p.description.rstrip("。；，："),
        "unit": p.inspection.place or p.inspection.unit.name,
        "owner": p.owner.name,
        "deadline": month_day(p.deadline),
    }


def _some(phrases: list[str], total: int) -> str:
    """At most ITEMS_SHOWN phrases; "等N项（见附表）" for the rest."""
    text = "；".join(phrases[:ITEMS_SHOWN])
    if total > ITEMS_SHOWN:
        text += _("等%(n)d项（见附表）") % {"n": total}
    return text


def _task_owner(task: Task) -> str:
    return str(task.group or task.unit or "")


def problems_found(day: datetime.date, stats: dict[str, Any]) -> list[tuple[str, str]]:
    """(heading, text) for 二、发现的问题: the inspections' problems, then what each
    section reported as going wrong."""
    items: list[tuple[str, str]] = []
    found = list(_in_area(selectors.problems_found_on(day), "inspection__unit_id", stats))
    overdue = list(_in_area(selectors.problems_overdue_on(day), "inspection__unit_id", stats))
    inspection = []
    if found:
        inspection.append(
            _("当日实地检查发现问题%(n)d个：") % {"n": len(found)}
            + _some([_problem_phrase(p) for p in found], len(found))
        )
    if overdue:
        inspection.append(
            _("逾期未整改问题%(n)d个：") % {"n": len(overdue)}
            + _some([_problem_phrase(p) for p in overdue], len(overdue))
        )
    if inspection:
        items.append((_("实地检查"), "；".join(s.rstrip("。") for s in inspection)))
    for section in stats["sections"]:
        problems = [p.rstrip("。；") for p in section["problems"] if p.strip()]
        if problems:
            items.append((section["title"], _some(problems, len(problems))))
    return items


def next_steps(day: datetime.date, stats: dict[str, Any] | None = None) -> str:
    """三、下步工作: the open tasks, soonest deadline first (at most TASKS_SHOWN named)."""
    tasks = list(_in_area(selectors.open_tasks_on(day), "unit_id", stats))
    if not tasks:
        return _("继续严格检查站查控，落实居家隔离人员每日两次随访，保障一线防护物资。")
    moment = selectors.as_of(day)
    late = sum(1 for t in tasks if t.deadline < moment)
    named = "；".join(
        _("%(title)s（%(owner)s，%(deadline)s前）")
        % {
            "title": task.title.rstrip("。"),
            "owner": _task_owner(task) or _("未指定"),
            "deadline": month_day(task.deadline.astimezone(SHANGHAI).date()),
        }
        for task in tasks[:TASKS_SHOWN]
    )
    head = _("抓好%(n)d项未办结任务的落实") % {"n": len(tasks)}
    if late:
        head += _("（%(n)d项已逾期）") % {"n": late}
    more = _("等，见附表") if len(tasks) > TASKS_SHOWN else ""
    return sentence(f"{head}：{named}{more}")


def yesterday_stats(day: datetime.date, *, area: str | None = None) -> dict[str, Any] | None:
    """The day before's figures, to tell what changed (none before the emergency began)."""
    if day <= EMERGENCY_START:
        return None
    return daily_stats(day - datetime.timedelta(days=1), area=area)


def build_daily_report(
    day: datetime.date,
    stats: dict[str, Any] | None = None,
    previous: dict[str, Any] | None = None,
    *,
    area: str | None = None,
) -> OfficialDocument:
    stats = stats if stats is not None else daily_stats(day, area=area)
    previous = previous if previous is not None else yesterday_stats(day, area=area)
    yesterday = {f["key"]: f for s in (previous or {}).get("sections", []) for f in s["figures"]}
    # A county's report is its own bureau's (org.areas.bureau_name), issued by its office.
    code = (stats.get("area") or {}).get("code", "") or area or ""
    bureau = bureau_name(code)
    office = issuing_office(code)
    issue = (day - EMERGENCY_START).days + 1
    area_name = (stats.get("area") or {}).get("name", "")
    doc = OfficialDocument(
        # A city's or province's report names its area: the city's, or one county's.
        title=_("疫情防控工作日报（%(area)s）") % {"area": area_name}
        if is_multi_county() and area_name
        else _("疫情防控工作日报"),
        number=_("第%(n)d期") % {"n": issue} if issue > 0 else "",
        subtitle=_("（截至%(date)s24时）") % {"date": chinese_date(day)},
        issuer=bureau,
    )

    doc.heading(_("总体情况"))
    for section in stats["sections"]:
        text = figure_sentence(section["figures"], yesterday)
        if text:
            doc.run_in(section["title"], text)
    table = areas_table(stats)
    if table is not None:
        # A city's (province's) report: one line per county (city), its figures in order.
        for row in table["rows"]:
            doc.run_in(
                row["name"],
                sentence(
                    "，".join(
                        f"{header}{format_number(value)}"
                        for header, value in zip(table["headers"][1:], row["values"], strict=True)
                    )
                ),
            )

    doc.heading(_("发现的问题"))
    items = problems_found(day, stats)
    for heading, text in items:
        doc.item(heading, text)
    if not items:
        doc.paragraph(_("当日未发现突出问题。"))

    doc.heading(_("下步工作"))
    doc.paragraph(next_steps(day, stats))

    doc.attachment(annex_name(day))
    # As a 简报 is: the bureau's mark above and the office and day of issue in the 版记
    # below stand for the signature, which would cost the two pages three lines.
    # The audit chain's head when the report was made: a report kept or sent upward is a
    # record outside the database that `fangkong audit verify --expect` can check against.
    # Above the 版记, which ends an official document.
    head = audit_head()
    doc.small_line(_("审计链：%(head)s") % {"head": head.short})
    record_head(head, f"daily-report {day.isoformat()}")
    doc.imprint(office, day, copy_to=settings.FANGKONG["REPORT_COPY_TO"])
    return doc


def annex_sheets(
    day: datetime.date,
    stats: dict[str, Any] | None = None,
    previous: dict[str, Any] | None = None,
    *,
    area: str | None = None,
) -> list[Sheet]:
    """附表: every figure with yesterday's and the change, every table of every section, the
    day's events, the inspections' problems and the open tasks."""
    stats = stats if stats is not None else daily_stats(day, area=area)
    previous = previous if previous is not None else yesterday_stats(day, area=area)
    yesterday = {
        f["key"]: f["value"] for s in (previous or {}).get("sections", []) for f in s["figures"]
    }

    def change(f: dict[str, Any]) -> Any:
        before = yesterday.get(f["key"])
        return None if before is None else f["value"] - before

    sheets = [
        Sheet(
            _("主要指标"),
            [_("板块"), _("指标"), _("数值"), _("单位"), _("代码"), _("昨日"), _("增减")],
            [
                [
                    s["title"],
                    f["label"],
                    f["value"],
                    f["unit"],
                    f["key"],
                    yesterday.get(f["key"]),
                    change(f),
                ]
                for s in stats["sections"]
                for f in s["figures"]
            ],
        )
    ]
    used = {sheets[0].title}
    table = areas_table(stats)
    if table is not None:
        sheets.append(
            Sheet(
                _sheet_title(table["title"], used),
                [_("区划代码"), *table["headers"]],
                [[r["code"], r["name"], *r["values"]] for r in table["rows"]],
            )
        )
    for section in stats["sections"]:
        for table in section["tables"]:
            title = _sheet_title(table["title"], used)
            sheets.append(Sheet(title, table["headers"], table["rows"]))
    sheets.append(
        Sheet(
            _sheet_title(_("重要情况"), used),
            [_("板块"), _("情况")],
            [[s["title"], sentence(e)] for s in stats["sections"] for e in s["events"]],
        )
    )
    problems = [
        (_("当日发现"), p)
        for p in _in_area(selectors.problems_found_on(day), "inspection__unit_id", stats)
    ]
    problems += [
        (_("逾期未整改"), p)
        for p in _in_area(selectors.problems_overdue_on(day), "inspection__unit_id", stats)
    ]
    sheets.append(
        Sheet(
            _sheet_title(_("检查发现问题"), used),
            [_("类别"), _("问题"), _("检查地点"), _("整改责任人"), _("整改时限")],
            [
                [
                    kind,
                    p.description,
                    p.inspection.place or p.inspection.unit.name,
                    p.owner.name,
                    p.deadline,
                ]
                for kind, p in problems
            ],
        )
    )
    moment = selectors.as_of(day)
    sheets.append(
        Sheet(
            _sheet_title(_("未办结任务"), used),
            [_("任务"), _("承办"), _("完成时限"), _("状态")],
            [
                [
                    t.title,
                    _task_owner(t),
                    t.deadline,
                    _("已逾期") if t.deadline < moment else _("办理中"),
                ]
                for t in _in_area(selectors.open_tasks_on(day), "unit_id", stats)
            ],
        )
    )
    return sheets


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:28] or "表"
    candidate, n = clean, 2
    while candidate in used:
        candidate, n = f"{clean}{n}", n + 1
    used.add(candidate)
    return candidate


def report_name(day: datetime.date) -> str:
    return _("疫情防控工作日报-%(date)s.docx") % {"date": day.isoformat()}


def annex_name(day: datetime.date) -> str:
    return _("疫情防控工作日报-%(date)s-附表.xlsx") % {"date": day.isoformat()}


def write_daily_report(
    day: datetime.date, docx: str | IO[bytes], xlsx: str | IO[bytes] | None
) -> dict[str, Any]:
    """Write the report (and its annex when asked); returns the stats they were made from."""
    stats = daily_stats(day)
    previous = yesterday_stats(day)
    build_daily_report(day, stats, previous).save(docx)
    if xlsx is not None:
        write_xlsx(xlsx, annex_sheets(day, stats, previous))
    return stats
