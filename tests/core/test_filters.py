"""A list's filters are declared once (core/filters.py): the page's form and the API's query
come from the declaration, with the names the page and the API have always used, and bad
input is said naming the field — on the page beside it, in the API as a 422 — never a 500."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import ValidationError as PydanticValidationError

from fangkong.accounts.views import AuditFilterForm
from fangkong.checkpoints.api import PassageFilterIn
from fangkong.checkpoints.filters import PassageFilter
from fangkong.checkpoints.forms import PassageFilterForm
from fangkong.command.forms import TaskFilterForm
from fangkong.core.api import FIELD_LABELS
from fangkong.core.filters import by, filter_form, from_form, from_query
from fangkong.logistics.forms import LedgerFilterForm
from fangkong.org.forms import OfficerFilterForm
from fangkong.people.api import PersonFilter
from fangkong.people.forms import PersonSearchForm
from fangkong.quarantine.api import CaseQuery
from fangkong.quarantine.filters import CaseFilter
from fangkong.quarantine.forms import AlertFilterForm, CaseFilterForm
from fangkong.quarantine.imports.api import ReportFilter
from fangkong.quarantine.imports.forms import EntryFilterForm
from tests.conftest import World


@pytest.mark.django_db
def test_the_page_and_the_api_keep_their_parameter_names() -> None:
    assert list(CaseFilterForm().fields) == [
        "q", "township", "station", "status", "qday", "overdue", "fever", "alert",
        "proposed", "opened", "ended",
    ]  # fmt: skip
    assert list(CaseQuery.model_fields) == [
        "q", "township_id", "station_id", "status", "qday", "overdue", "fever", "limit",
        "offset",
    ]  # fmt: skip
    assert list(PassageFilterForm().fields) == [
        "q",
        "checkpoint",
        "day",
        "slot",
        "decision",
        "flag",
    ]
    assert list(PersonSearchForm().fields) == ["q", "township"]
    assert list(PersonFilter.model_fields) == ["q", "limit", "offset"]
    assert list(PassageFilterIn.model_fields) == [
        "checkpoint", "date", "shift", "decision", "flagged", "limit", "offset",
    ]  # fmt: skip
    # The lists declared later kept their pages' parameters and the import API's query.
    assert list(EntryFilterForm().fields) == ["problems"]
    assert list(ReportFilter.model_fields) == ["problems_only", "limit", "offset"]
    assert ReportFilter().limit == 100
    assert list(TaskFilterForm().fields) == [
        "status",
        "group",
        "overdue",
        "issued",
        "done",
        "until",
    ]
    assert list(AlertFilterForm().fields) == ["kind", "show"]
    assert list(AuditFilterForm().fields) == [
        "actor", "action", "object_type", "object_id", "date_from", "date_to",
    ]  # fmt: skip
    assert list(LedgerFilterForm().fields) == ["item", "kind", "start", "end"]
    assert list(OfficerFilterForm().fields) == ["q", "unit", "status", "kind"]


def test_one_declaration_reads_both_faces_into_the_same_filter() -> None:
    page = from_form(
        PassageFilter, PassageFilterForm({"day": "2020-01-28", "slot": "1", "flag": "any"})
    )
    api = from_query(PassageFilter, PassageFilterIn(date="2020-01-28", shift=1, flagged=True))
    assert page == api == PassageFilter(day=page.day, slot=1, flag="any")
    # Not flagged is the API's own question; unset asks nothing.
    assert from_query(PassageFilter, PassageFilterIn(flagged=False)).flag == "none"
    assert from_query(PassageFilter, PassageFilterIn()) == PassageFilter()
    # The API's code is looked up by its view, which gives the id.
    assert (
        from_query(PassageFilter, PassageFilterIn(checkpoint="G104N"), checkpoint=7).checkpoint == 7
    )
    # Day 0 filters by nothing; a status that is none of the choices is refused by the
    # query's own declaration (core.api.Choice, the seventh round), before any filter.
    assert from_query(CaseFilter, CaseQuery(qday=0)) == CaseFilter()
    with pytest.raises(PydanticValidationError, match="不是可选的值"):
        CaseQuery(status="nonsense")
    # A page's invalid form filters by nothing (its errors are shown).
    assert from_form(CaseFilter, CaseFilterForm({"qday": "abc", "overdue": "on"})) == CaseFilter()


def test_a_field_without_its_declaration_is_refused() -> None:
    @dataclass
    class Half:
        a: str = by("", api=str)
        b: str = ""

    with pytest.raises(TypeError, match=r"Half\.b"):
        filter_form(Half)


@pytest.mark.django_db
def test_bad_filter_input_is_said_naming_the_field(world: World) -> None:
    client = world.client("command")
    r = client.get("/checkpoints/passages/", {"day": "2020-13-45", "slot": "7"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "日期格式不正确" in page and "班次须从列表中选择" in page
    r = client.get("/cases/", {"qday": "0", "opened": "not a day"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "隔离第几天须不小于1" in page and "建档日期格式不正确" in page
    r = client.get("/cases/export.xlsx", {"qday": "abc"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    for path, name, value in (
        ("/api/v1/passages", "flagged", "maybe"),
        ("/api/v1/passages", "date", "2020-13-45"),
        ("/api/v1/cases", "qday", "abc"),
        ("/api/v1/cases", "township_id", "0"),
    ):
        r = client.get(path, {name: value})
        assert r.status_code == 422, (path, name)
        detail = r.json()["detail"][0]
        assert detail["field"] == name and detail["msg"].startswith(f"{FIELD_LABELS[name]}：")


@pytest.mark.django_db
def test_a_figures_link_is_read_back_by_the_lists_form_into_the_same_filter(world: World) -> None:
    """The dashboard's links (list_url) name filters, not query parameters: what the link
    writes, the list's own form reads back into the filter the figure counted; a filter the
    list does not have is refused, not sent as a parameter the page ignores."""
    import datetime
    from urllib.parse import parse_qs, urlsplit

    from fangkong.core.filters import list_url

    day = datetime.date(2020, 2, 3)
    url = list_url(
        "case_list", CaseFilter, township_id=world.township_a.pk, status="quarantined",
        opened=day, fever=True, overdue=False, q="",
    )  # fmt: skip
    parts = urlsplit(url)
    assert parts.path == "/cases/"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "township": str(world.township_a.pk), "status": "quarantined",
        "opened": "2020-02-03", "fever": "1",
    }  # fmt: skip
    form = CaseFilterForm(query)
    assert from_form(CaseFilter, form) == CaseFilter(
        township_id=world.township_a.pk, status="quarantined", opened=day, fever=True
    )
    with pytest.raises(TypeError, match="no filter 'township'"):
        list_url("case_list", CaseFilter, township=world.township_a.pk)
    with pytest.raises(TypeError, match="no filter 'day'"):
        list_url("case_list", CaseFilter, day=day)
    assert list_url("case_list") == "/cases/"


def test_a_link_to_a_list_read_by_a_plain_form_names_that_forms_fields() -> None:
    """A list whose page reads its filters with a plain form (the command centre's
    problems) is linked through that form: the link carries the field the form reads, and
    a field it does not have is refused rather than sent to be ignored."""
    import datetime
    from urllib.parse import parse_qs, urlsplit

    from fangkong.command.forms import ProblemFilterForm
    from fangkong.core.filters import list_url

    day = datetime.date(2020, 2, 3)
    url = list_url("problem_list", ProblemFilterForm, open=day, found=None)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query == {"open": "2020-02-03"}
    form = ProblemFilterForm(query)
    assert form.is_valid() and form.cleaned_data["open"] == day
    with pytest.raises(TypeError, match="ProblemFilterForm: no filter 'day'"):
        list_url("problem_list", ProblemFilterForm, day=day)
