"""疫情防控工作日报: the daily report as a Word document (GB/T 9704) and an .xlsx annex of
its tables. Rendered generically from the day's sections, so every app's figures appear."""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from fangkong.accounts.audit import audit_head, record_head
from fangkong.command.daily import daily_stats
from fangkong.command.selectors import EMERGENCY_START
from fangkong.core.documents import OfficialDocument, chinese_date
from fangkong.core.exports import Sheet, write_xlsx
from fangkong.core.figures import SHOWN_ROWS


def _number(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def figure_sentence(figures: list[dict[str, Any]]) -> str:
    """ "今日交办任务3件；累计交办任务20件。" from the section's figures, in their order."""
    parts = [f"{f['label']}{_number(f['value'])}{f['unit']}" for f in figures]
    return "；".join(parts) + "。" if parts else ""


def build_daily_report(day: datetime.date, stats: dict[str, Any] | None = None) -> OfficialDocument:
    stats = stats if stats is not None else daily_stats(day)
    bureau = settings.FANGKONG["BUREAU_NAME"]
    issue = (day - EMERGENCY_START).days + 1
    doc = OfficialDocument(
        title=_("疫情防控工作日报"),
        number=_("第%(n)d期") % {"n": issue} if issue > 0 else "",
        subtitle=_("（截至%(date)s24时）") % {"date": chinese_date(day)},
    )
    doc.paragraph(
        _("%(date)s，%(bureau)s疫情防控各项工作有序推进，现将当日和累计情况报告如下。")
        % {"date": chinese_date(day), "bureau": bureau}
    )
    for section in stats["sections"]:
        doc.heading(section["title"])
        if section["figures"]:
            doc.paragraph(figure_sentence(section["figures"]))
            doc.table(
                [_("指标"), _("数值"), _("单位")],
                [[f["label"], f["value"], f["unit"]] for f in section["figures"]],
            )
        for table in section["tables"]:
            doc.subheading(table["title"])
            rows = table["rows"]
            if rows:
                doc.table(table["headers"], rows[:SHOWN_ROWS])
                if len(rows) > SHOWN_ROWS:
                    doc.paragraph(
                        _("（以上为前%(shown)d行，共%(n)d行，全部见附件。）")
                        % {"shown": SHOWN_ROWS, "n": len(rows)}
                    )
            else:
                doc.paragraph(_("无。"))
    events = [e for s in stats["sections"] for e in s["events"]]
    doc.heading(_("今日重要情况"))
    if events:
        for event in events:
            doc.paragraph(event)
    else:
        doc.paragraph(_("今日无重要情况。"))
    doc.paragraph(_("附件：%(name)s") % {"name": annex_name(day)}, indent=True)
    doc.signature(bureau, day)
    # The audit chain's head when the report was made: a report kept or sent upward is a
    # record outside the database that `fangkong audit verify --expect` can check against.
    head = audit_head()
    doc.small_line(_("审计链：%(head)s") % {"head": head.short})
    record_head(head, f"daily-report {day.isoformat()}")
    return doc


def annex_sheets(day: datetime.date, stats: dict[str, Any] | None = None) -> list[Sheet]:
    stats = stats if stats is not None else daily_stats(day)
    sheets = [
        Sheet(
            _("主要指标"),
            [_("板块"), _("指标"), _("数值"), _("单位"), _("代码")],
            [
                [s["title"], f["label"], f["value"], f["unit"], f["key"]]
                for s in stats["sections"]
                for f in s["figures"]
            ],
        )
    ]
    used = {sheets[0].title}
    for section in stats["sections"]:
        for table in section["tables"]:
            title = _sheet_title(table["title"], used)
            sheets.append(Sheet(title, table["headers"], table["rows"]))
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
    build_daily_report(day, stats).save(docx)
    if xlsx is not None:
        write_xlsx(xlsx, annex_sheets(day, stats))
    return stats
