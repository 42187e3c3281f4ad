"""An import's report rows are filtered by one declaration (quarantine/imports/filters.py):
the page's `?problems=1` and the API's `problems_only` show the same rows — the refused,
warned and noted ones — of the user's own imports only; the downloaded report holds every
row whatever the page shows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from fangkong.core.filters import from_form
from fangkong.quarantine.imports.filters import EntryFilter
from fangkong.quarantine.imports.forms import EntryFilterForm
from fangkong.quarantine.models import ListEntry
from tests.conftest import World
from tests.quarantine.import_files import ident, write_xlsx
from tests.quarantine.test_imports import MESSY, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _page_rows(client: Any, url: str, **params: str) -> list[tuple[int, str]]:
    page = client.get(url, params)
    assert page.status_code == 200
    return [(e.row_number, e.name) for e in page.context["page"].object_list]


def _api_rows(client: Any, url: str, **params: str) -> list[tuple[int, str]]:
    answer = client.get(url, params)
    assert answer.status_code == 200, answer.content
    return [(e["row"], e["name"]) for e in answer.json()["report"]["items"]]


def test_page_api_and_report_agree_on_an_imports_problem_rows(world: World, tmp_path: Path) -> None:
    mine = run(world, write_xlsx(tmp_path / "堽城.xlsx", MESSY), "station_a")
    # Another station's list, with a refused row of its own.
    theirs = run(
        world,
        write_xlsx(
            tmp_path / "泗店.xlsx",
            [
                [1, "钱一", ident(41), "13800000041", "泗店镇西杨村", "武汉", "", ""],
                [2, "钱二", "", "", "泗店镇", "武汉", "", ""],
            ],
        ),
        "station_b",
    )
    client = world.client("station_a")
    page, api = f"/imports/{mine.pk}/", f"/api/v1/imports/{mine.pk}"
    every = [(e.row_number, e.name) for e in ListEntry.objects.filter(list_import=mine)]
    problems = [
        (e.row_number, e.name)
        for e in ListEntry.objects.filter(list_import=mine).exclude(level=ListEntry.Level.OK)
    ]
    assert 0 < len(problems) < len(every) == 7
    names = {name for _n, name in problems}
    assert "吴十" in names and "王五" not in names  # a row in the filter, one out of it

    assert _page_rows(client, page) == _api_rows(client, api) == sorted(every)
    assert (
        _page_rows(client, page, problems="1")
        == _api_rows(client, api, problems_only="true")
        == sorted(problems)
    )
    # What the page does not ask for filters nothing, as before the declaration.
    assert _page_rows(client, page, problems="yes") == sorted(every)
    assert from_form(EntryFilter, EntryFilterForm({"problems": "1"})) == EntryFilter(True)

    # The report is the whole list, whatever the page shows.
    report = client.get(f"/imports/{mine.pk}/report.xlsx", {"problems": "1"})
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sorted(int(r[0]) for r in rows[1:]) == [n for n, _name in sorted(every)]

    # Out of jurisdiction: the other station's list is not found, on the page or the API,
    # and its rows are in no answer about this one.
    # (Each with its own parameter: the API refuses one it does not read.)
    for url, asked in (
        (f"/imports/{theirs.pk}/", {"problems": "1"}),
        (f"/api/v1/imports/{theirs.pk}", {"problems_only": "true"}),
    ):
        assert client.get(url, asked).status_code == 404
    assert all(name not in {"钱一", "钱二"} for _n, name in _page_rows(client, page))
    own = world.client("station_b")
    own_rows = _page_rows(own, f"/imports/{theirs.pk}/")
    assert (
        _page_rows(own, f"/imports/{theirs.pk}/", problems="1")
        == _api_rows(own, f"/api/v1/imports/{theirs.pk}", problems_only="true")
        == [row for row in own_rows if row[1] == "钱二"]
        != []
    )
