"""The rows of a city's counties (a province's cities) beside its totals (issue 18 item 6):
each row's figures are that area's own, and the whole costs the same number of queries for
2 areas as for 4 — they are counted for all areas at once, not area by area."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.command.daily import AREA_COLUMNS
from fangkong.core import clock
from fangkong.core.scale import ScaleContext
from fangkong.quarantine.models import QuarantineCase
from tests.org.test_levels import Province, _as, _county, _stats
from tests.org.test_levels import built as built
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db


def _rows_are_their_own(client: Any, **params: str) -> list[dict[str, Any]]:
    """Each row of the areas one level down has exactly the figures (of the areas' table)
    that the area's own figures (?area=) have."""
    body = _stats(client, **params).json()
    assert body["areas"]
    for row in body["areas"]:
        own = _stats(client, **params, area=row["code"]).json()["figures"]
        assert row["figures"] == {k: own[k] for k in row["figures"]}, row["code"]
        assert {k for k in AREA_COLUMNS if k in own} <= set(row["figures"]), row["code"]
    return list(body["areas"])


def _route_by_id_region(province: Province) -> None:
    """宁阳's case as one pushed down by its ID region to 东平 (no township, a county), and
    历下's as one with a township of 历下 and another county noted: the township decides."""
    QuarantineCase.objects.filter(pk=province.counties["370921"].case.pk).update(
        township=None, county="370923"
    )
    QuarantineCase.objects.filter(pk=province.counties["370102"].case.pk).update(county="370921")


@pytest.mark.parametrize("days_ago", [0, 1])
def test_each_row_is_the_areas_own_figures(province: Province, days_ago: int) -> None:
    _route_by_id_region(province)
    day = str(clock.today() - datetime.timedelta(days=days_ago))
    rows = {
        r["code"]: r["figures"] for r in _rows_are_their_own(province.client("taian"), date=day)
    }
    if days_ago == 0:
        # Not a comparison of zeros: 东平 has its own case and 宁阳's routed to it.
        assert rows["370923"]["quarantine.returnees_total"] == 2
        assert "quarantine.returnees_total" not in rows["370921"]  # no case of its own
        assert rows["370921"]["checkpoints.persons_today"] == 1
        assert rows["370921"]["org.officers_total"] == 0
    cities = {
        r["code"]: r["figures"] for r in _rows_are_their_own(province.client("province"), date=day)
    }
    assert list(cities) == ["3701", "3709"]
    if days_ago == 0:
        assert cities["3709"]["quarantine.returnees_total"] == 2
        assert cities["3701"]["quarantine.returnees_total"] == 1
        assert cities["3709"]["checkpoints.persons_today"] == 2


def test_each_row_of_the_province_build_is_the_areas_own(built: ScaleContext) -> None:
    day = str(built.last)
    cities = _rows_are_their_own(_as("shandong_zhihui"), date=day)
    assert [c["code"] for c in cities] == ["3701", "3702", "3709"]
    assert all(c["figures"]["checkpoints.persons_today"] > 0 for c in cities)
    assert all(c["figures"]["org.officers_total"] > 0 for c in cities)
    counties = _rows_are_their_own(_as("taian_zhihui"), date=day)
    assert [c["code"] for c in counties] == ["370902", "370911", "370921"]
    assert sum(c["figures"].get("quarantine.returnees_total", 0) for c in counties) > 0


def _queries(client: Any, url: str) -> int:
    client.get(url)  # what is read once per process (area names, apps) read already
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


PAGES = ("/command/dashboard/", "/api/v1/stats/daily")


def test_the_number_of_queries_does_not_grow_with_the_areas(province: Province) -> None:
    taian, shandong = province.client("taian"), province.client("province")
    before = {
        (who, url): _queries(c, url)
        for who, c in (("taian", taian), ("province", shandong))
        for url in PAGES
    }
    # 泰安: 2 counties → 4; the province: 2 cities → 3; each with its checkpoint's traveller
    # and case, as the others.
    _county("370902", "泰山区", None, "周泰山", "吴泰回", 14)
    _county("370911", "岱岳区", None, "郑岱岳", "冯岱回", 15)
    _county("370202", "市南区", None, "陈市南", "褚南回", 16)
    after = {
        (who, url): _queries(c, url)
        for who, c in (("taian", taian), ("province", shandong))
        for url in PAGES
    }
    assert after == before
    body = _stats(taian).json()
    assert [a["code"] for a in body["areas"]] == ["370902", "370911", "370921", "370923"]
    assert all(a["figures"]["checkpoints.persons_today"] == 1 for a in body["areas"])
    assert [a["code"] for a in _stats(shandong).json()["areas"]] == ["3701", "3702", "3709"]
