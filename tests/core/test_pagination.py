"""List pages count at most COUNT_CAP rows: past it they say "more than" instead of
counting millions of passages before showing fifty."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fangkong.core.idnumber import make_id_number
from fangkong.core.pagination import paginate
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, persons_register_bulk
from tests.conftest import World, numbered


@pytest.fixture
def nine(world: World) -> None:
    persons_register_bulk(
        data=[
            PersonInput(
                name=numbered("测试", i),
                id_number=make_id_number("370921", datetime.date(1980, 1, 1 + i), i, "M"),
            )
            for i in range(7)
        ],
        by=None,
    )
    assert Person.objects.count() == 9


def _pager(cap: int, page: str = "1") -> tuple[str, list[str]]:
    request = RequestFactory().get("/people/", {"page": page})
    with CaptureQueriesContext(connection) as queries:
        found = paginate(request, Person.objects.order_by("id"), per_page=3, cap=cap)
        list(found)
    html = render_to_string("includes/pagination.html", {"page": found, "query": ""})
    return " ".join(html.split()), [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_a_list_under_the_cap_shows_its_exact_count(nine: None) -> None:
    html, _queries = _pager(cap=100)
    assert "下一页" in html
    assert "第 1 / 3 页，共 9 条" in html


@pytest.mark.django_db
def test_a_list_over_the_cap_says_more_than_and_still_pages_on(nine: None) -> None:
    html, queries = _pager(cap=5)
    assert "第 1 页，共 5 条以上，请用筛选条件缩小范围" in html
    assert "page=2" in html  # 下一页
    count = next(q for q in queries if "COUNT(" in q.upper())
    assert "LIMIT 6" in count  # the count read six rows, not the table
    # the first rows up to the cap are browsable; past them, the filters narrow the list
    html, queries = _pager(cap=5, page="2")
    assert "上一页" in html and "下一页" not in html and "请用筛选条件缩小范围" in html
