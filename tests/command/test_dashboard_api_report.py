"""The dashboard, big screen, stats API and daily report show the same figures, from one
source; their query counts are pinned; the report is an official document."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from docx.shared import Pt, RGBColor
from python_calamine import CalamineWorkbook

from fangkong.command import services
from fangkong.command.daily import daily_stats
from fangkong.core.demo import SHANGHAI
from fangkong.core.figures import collect_sections, flat_figures
from fangkong.org.models import Officer
from tests.command.test_stats import handmade  # noqa: F401 (fixture)
from tests.conftest import World

DAY = "2020-01-31"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_stats_api_returns_the_days_sections_and_flat_figures(handmade: World) -> None:  # noqa: F811
    response = handmade.client("command").get(f"/api/v1/stats/daily?date={DAY}")
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == DAY
    assert [s["key"] for s in body["sections"]] == ["org", "command"]
    assert body["figures"] == flat_figures(collect_sections(datetime.date(2020, 1, 31)))
    command = body["sections"][1]
    figure = next(f for f in command["figures"] if f["key"] == "command.incidents_total")
    assert figure == {
        "key": "command.incidents_total",
        "label": "累计涉疫警情",
        "value": 2,
        "url": f"/command/incidents/?until={DAY}",
        "unit": "起",
        "tone": "",
        "note": "",
    }
    assert {t["title"] for t in command["tables"]} >= {"涉疫警情（按类型）", "处置情况（人）"}


def test_stats_api_refuses_other_roles_and_bad_dates(world: World) -> None:
    assert world.client("station_a").get("/api/v1/stats/daily").status_code == 403
    assert world.client("workgroup").get("/api/v1/stats/daily").status_code == 403
    response = world.client("command").get("/api/v1/stats/daily?date=2020-02-31")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date"
    assert "日期" in response.json()["detail"][0]["msg"]


def test_stats_api_query_count_is_pinned(
    handmade: World,  # noqa: F811
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = handmade.client("command")
    client.get(f"/api/v1/stats/daily?date={DAY}")  # warm the session
    # session + user, org 3, command 10, logistics 2, honors 1, outreach 2, quarantine 1,
    # checkpoints 1, medical 2 (hand-offs by outcome, contacts found/referred/unreached):
    # each section a fixed number, whatever the county's size
    with django_assert_num_queries(24):
        assert client.get(f"/api/v1/stats/daily?date={DAY}").status_code == 200


def test_dashboard_shows_every_figure_as_a_link_to_its_list(handmade: World) -> None:  # noqa: F811
    client = handmade.client("command")
    page = client.get(f"/command/dashboard/?date={DAY}").content.decode()
    assert "历史数据：截至 2020年1月31日 24时" in page
    stats = daily_stats(datetime.date(2020, 1, 31))
    for section in stats["sections"]:
        assert f">{section['title']}</h2>" in page
        for f in section["figures"]:
            assert f'href="{f["url"].replace("&", "&amp;")}" data-figure="{f["key"]}"' in page
        for t in section["tables"]:
            assert f"<caption>{t['title']}</caption>" in page
    assert 'id="fk-trends" type="application/json"' in page
    assert "<script>" not in page  # nothing inline under the CSP
    # The figure and its list agree.
    listing = client.get(f"/command/incidents/?until={DAY}").content.decode()
    assert "共 2 条" in listing
    overdue = client.get(f"/command/tasks/?overdue={DAY}").content.decode()
    assert "走访返乡人员" in overdue and "打击哄抬物价" not in overdue
    opened = client.get("/command/problems/?open=2020-01-30").content.decode()
    assert "台账漏项" in opened and "照明不足" not in opened
    inspected = client.get("/command/inspections/?day=2020-01-30").content.decode()
    assert "104国道联合检查站" in inspected and "共 1 条" in inspected
    assert "共 1 条" not in client.get("/command/inspections/?day=2020-01-31").content.decode()
    # Every figure's list holds exactly as many rows as the figure says.
    for section in stats["sections"]:
        for f in section["figures"]:
            if not f["url"].startswith("/command/"):
                continue
            listing = client.get(f["url"]).content.decode()
            if f["value"]:
                assert f"共 {f['value']} 条" in listing, f["key"]
            else:
                assert "共 " not in listing, f["key"]


def test_dashboard_and_screen_query_counts_are_pinned(
    handmade: World,  # noqa: F811
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = handmade.client("command")
    # Warm what a process keeps between requests (whatever earlier tests left): the pin is
    # the steady state, the same whichever tests ran before.
    client.get(f"/command/dashboard/?date={DAY}")
    client.get("/command/screen/")
    # session + user, sections 22 (medical 2), trends 13 (org 2, command 3, quarantine 4,
    # checkpoints 4)
    with django_assert_num_queries(37):
        assert client.get(f"/command/dashboard/?date={DAY}").status_code == 200
    with django_assert_num_queries(37):
        assert client.get("/command/screen/").status_code == 200


def test_dashboard_is_for_the_command_centre_only(world: World) -> None:
    assert world.client("command").get("/command/dashboard/").status_code == 200
    for who in ("workgroup", "station_a", "political", "outsider"):
        assert world.client(who).get("/command/dashboard/").status_code == 403, who
        assert world.client(who).get("/command/screen/").status_code == 403, who
        assert world.client(who).get("/command/report/daily.docx").status_code == 403, who


def test_future_or_bad_date_falls_back_to_today(world: World) -> None:
    client = world.client("command")
    assert "实时数据" in client.get("/command/dashboard/?date=2999-01-01").content.decode()
    assert "实时数据" in client.get("/command/dashboard/?date=yesterday").content.decode()


def test_big_screen_refreshes_itself_for_today_only(world: World) -> None:
    client = world.client("command")
    today = client.get("/command/screen/").content.decode()
    # Marked as an automatic refresh: it does not keep an idle session alive.
    assert 'data-refresh="60" data-refresh-url="/command/screen/?fk_poll=1"' in today
    assert 'data-theme="dark"' in today
    past = client.get(f"/command/screen/?date={DAY}").content.decode()
    assert "data-refresh" not in past
    # Not a <meta> refresh, which a viewer could not pause (axe: meta-refresh, WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in today


def _body(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_report_is_an_official_document_with_a_red_head_and_an_imprint(handmade: World) -> None:  # noqa: F811
    client = handmade.client("command")
    response = client.get(f"/command/report/daily.docx?date={DAY}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    size = [round(x.mm) for x in (section.page_width, section.page_height)]
    margins = [round(x.mm) for x in (section.top_margin, section.bottom_margin)]
    margins += [round(x.mm) for x in (section.left_margin, section.right_margin)]
    assert size == [210, 297]  # A4
    assert margins == [37, 35, 28, 26]  # GB/T 9704
    texts = _body(document)
    # 版头: the bureau's mark in red, the number under it above a red rule, then the title.
    assert texts[:4] == ["宁阳县公安局", "第8期", "疫情防控工作日报", "（截至2020年1月31日24时）"]
    mark = document.paragraphs[0].runs[0]
    assert mark.font.color.rgb == RGBColor(0xFF, 0x00, 0x00)
    assert mark.font.size == Pt(36)
    rule = document.paragraphs[1]._element.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert rule is not None and rule.get(f"{W}color") == "FF0000"
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、")] == [
        "一、总体情况",
        "二、发现的问题",
        "三、下步工作",
    ]
    # Every table is in the annex, none in the text.
    assert document.tables == []
    assert "附件：疫情防控工作日报-2020-01-31-附表.xlsx" in texts
    # 版记 at the foot: the office and the day of issue, between rules.
    assert texts[-1] == "宁阳县公安局办公室\t2020年1月31日印发"
    imprint = document.paragraphs[-1]._element
    assert imprint.find(f"{W}pPr/{W}framePr").get(f"{W}yAlign") == "bottom"
    assert imprint.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None


def test_report_tells_the_figures_in_sentences_with_what_changed(handmade: World) -> None:  # noqa: F811
    document = Document(io.BytesIO(handmade.client("command").get(
        f"/command/report/daily.docx?date={DAY}"
    ).content))  # fmt: skip
    texts = _body(document)
    command = next(t for t in texts if t.startswith("（二）指挥调度与社会治安。"))
    # The day's figures once under 今日, the totals under 累计; a zero of the day left out.
    assert "今日办结任务1件" in command and "累计涉疫警情2起" in command
    assert "今日交办任务" not in command  # none issued on the 31st
    # Against the 30th: one task done each day, one incident each day -> no change said;
    # the moves that were told are in the annex too.
    assert "比昨日" not in command
    org = next(t for t in texts if t.startswith("（一）警力。"))
    assert "在岗警力" in org
    # Closed sentences, and dates as 1月31日, never 01月31日.
    body = texts[4 : texts.index("附件：疫情防控工作日报-2020-01-31-附表.xlsx")]
    for line in body:
        if line and not line.endswith("情况") and line[:2] not in ("一、", "二、", "三、"):
            assert line[-1] in "。！？", line
    assert not re.search(r"(?<!\d)0\d月", "".join(texts))


def test_report_names_the_problems_and_the_open_tasks(handmade: World) -> None:  # noqa: F811
    boss = handmade.users["command"]
    leader = Officer.objects.get(badge_number="370001")
    d31 = datetime.date(2020, 1, 31)
    services.inspection_record(
        unit=handmade.station_a,
        place="104国道联合检查站",
        inspector=leader,
        at=datetime.datetime(2020, 1, 31, 10, tzinfo=SHANGHAI),
        by=boss,
        problems=[services.ProblemInput("消毒记录缺失（夜班），需补登：", handmade.officer_b, d31)],
    )
    client = handmade.client("command")
    texts = _body(
        Document(io.BytesIO(client.get(f"/command/report/daily.docx?date={DAY}").content))
    )
    problems = "".join(texts[texts.index("二、发现的问题") : texts.index("三、下步工作")])
    assert "当日实地检查发现问题1个：消毒记录缺失（夜班），需补登（104国道联合检查站，" in problems
    assert "整改责任人李娜，1月31日前整改）" in problems
    steps = texts[texts.index("三、下步工作") + 1]
    assert steps == "抓好1项未办结任务的落实（1项已逾期）：走访返乡人员（堽城派出所，1月31日前）。"
    # The next day the problem, still open, is overdue.
    later = _body(
        Document(io.BytesIO(client.get("/command/report/daily.docx?date=2020-02-01").content))
    )
    problems = "".join(later[later.index("二、发现的问题") : later.index("三、下步工作")])
    assert "逾期未整改问题1个：消毒记录缺失" in problems
    # And the annex lists them, with the task.
    data = b"".join(client.get(f"/command/report/daily.xlsx?date={DAY}").streaming_content)  # type: ignore[attr-defined]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    found = book.get_sheet_by_name("检查发现问题").to_python()
    assert found[1][:4] == [
        "当日发现",
        "消毒记录缺失（夜班），需补登：",
        "104国道联合检查站",
        "李娜",
    ]
    tasks = book.get_sheet_by_name("未办结任务").to_python()
    assert [r[0] for r in tasks[1:]] == ["走访返乡人员"] and tasks[1][3] == "已逾期"


def test_report_annex_holds_the_tables(handmade: World) -> None:  # noqa: F811
    response = handmade.client("command").get(f"/command/report/daily.xlsx?date={DAY}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names[0] == "主要指标"
    assert "涉疫警情（按类型）" in book.sheet_names
    assert {"重要情况", "检查发现问题", "未办结任务"} <= set(book.sheet_names)
    rows = book.get_sheet_by_name("主要指标").to_python()
    assert rows[0] == ["板块", "指标", "数值", "单位", "代码", "昨日", "增减"]
    values = {r[1]: r[2:] for r in rows[1:]}
    assert values["累计涉疫警情"][0] == 2
    assert values["累计涉疫警情"][3:] == [1, 1]  # one the day before, one more since


def test_cli_writes_the_report_and_its_annex(handmade: World, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "日报.docx"
    call_command("report", "daily", "--date", DAY, "-o", str(out))
    assert out.exists() and (tmp_path / "日报-附表.xlsx").exists()
    texts = _body(Document(str(out)))
    assert texts[2] == "疫情防控工作日报" and "二、发现的问题" in texts
    book = CalamineWorkbook.from_path(str(tmp_path / "日报-附表.xlsx"))
    api = daily_stats(datetime.date(2020, 1, 31))
    rows = book.get_sheet_by_name("主要指标").to_python()[1:]
    assert {r[4]: r[2] for r in rows} == api["figures"]


def test_cli_rejects_a_bad_date(world: World, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("report", "daily", "--date", "2020-13-01", "-o", str(tmp_path / "a.docx"))


def test_trends_run_from_the_emergency_and_stay_bounded(world: World) -> None:
    client = world.client("command")
    page = client.get(f"/command/dashboard/?date={DAY}").content.decode()
    assert "趋势（2020年1月24日至1月31日）" in page
    late = client.get("/command/dashboard/?date=2021-01-31").content.decode()
    assert "趋势（2020年8月5日至1月31日）" in late  # the last 180 days
    charts = late.count('class="cc-chart" data-trend=')
    assert charts >= 4
    assert late.count("<tr><td>2020-08-05</td>") == charts
    assert "<tr><td>2020-08-04</td>" not in late


def test_the_fixed_working_day_opens_the_dashboard_on_that_day(world: World) -> None:
    """FANGKONG_TODAY (the demo county's 2020-02-03) is the dashboard's, API's and menu's today."""
    from django.conf import settings
    from django.test import override_settings

    client = world.client("command")
    with override_settings(FANGKONG={**settings.FANGKONG, "TODAY": "2020-02-03"}):
        page = client.get("/command/dashboard/").content.decode()
        assert "实时数据，截至 2020-02-03" in page
        assert client.get("/api/v1/stats/daily").json()["date"] == "2020-02-03"
        # A later day cannot be chosen: it has not happened yet on the working day.
        later = client.get("/command/dashboard/?date=2020-03-01").content.decode()
        assert "实时数据，截至 2020-02-03" in later
