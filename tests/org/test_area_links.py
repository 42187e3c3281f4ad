"""?area= on the lists a city's dashboard links to (issue 18): a county's tiles open lists
of that county, and every list, export and API answer asked for an area holds that area's
rows only — 403 for an area outside the user's, nothing for a code that is no area, never
another county's data. Real records of the province installation of test_levels."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.org.test_levels import Province, _body
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db


def _ids(client: Any, url: str, **params: str) -> set[int]:
    response = client.get(url, {"limit": 100, **params})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_a_countys_tiles_link_to_that_countys_lists(province: Province) -> None:
    client = province.client("taian")
    page = client.get("/command/dashboard/", {"area": "370923"}).content.decode()
    links = re.findall(r'href="(/cases/[^"]*\?[^"]*)"', page)  # the tiles (menus: no query)
    assert links and all("area=370923" in link for link in links), links
    # The city's own dashboard (a city of the province installation) links to the city's.
    city = client.get("/command/dashboard/").content.decode()
    links = re.findall(r'href="(/cases/[^"]*\?[^"]*)"', city)
    assert links and all(link.endswith("area=3709") for link in links), links


def test_the_linked_lists_hold_the_asked_countys_rows_only(province: Province) -> None:
    ny, dp, lx = (province.counties[c] for c in ("370921", "370923", "370102"))
    city = province.client("taian")
    assert _ids(city, "/api/v1/cases", area="370923") == {dp.case.pk}
    assert _ids(city, "/api/v1/persons", area="370921") == {ny.resident.pk, ny.returnee.pk}
    assert _ids(city, "/api/v1/passages", area="370923") == {dp.passage.pk}
    cases = city.get("/cases/", {"area": "370923"}).content.decode()
    assert f"/cases/{dp.case.pk}/" in cases and f"/cases/{ny.case.pk}/" not in cases
    export = city.get("/cases/export.xlsx", {"area": "370923"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(_body(export))).active.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and 钱东回's case only
    # Another city's county, a neighbour's county, the city itself from a county.
    assert city.get("/cases/", {"area": "370102"}).status_code == 403
    assert city.get("/api/v1/cases", {"area": "3701"}).status_code == 403
    county = province.client("ningyang")
    assert county.get("/cases/", {"area": "370923"}).status_code == 403
    assert county.get("/api/v1/persons", {"area": "370923"}).status_code == 403
    assert county.get("/cases/export.xlsx", {"area": "3709"}).status_code == 403
    # A code that is no area answers nothing, not everything.
    assert _ids(city, "/api/v1/cases", area="999999") == set()
    assert _ids(city, "/api/v1/cases", area="x" * 40) == set()
    # A county asking for its own area sees what it always sees; its detail by id too.
    assert _ids(county, "/api/v1/cases", area="370921") == {ny.case.pk}
    assert county.get(f"/cases/{lx.case.pk}/", {"area": "370921"}).status_code == 404
