"""The officer list's filters are declared once (org/filters.py): the page narrows to the
officers each filter names — in and out of it, none of another county's — and the
organisation's figures (在岗, 休假, 病休, 警力总数) count the officers their links list
(the province installation of tests/org/test_levels.py). Officers have no list API and
no export."""

from __future__ import annotations

from typing import Any

import pytest

from fangkong.accounts.jurisdiction import figures_scope
from fangkong.core import clock
from fangkong.core.figures import collect_sections
from fangkong.org import services
from fangkong.org.models import Officer
from tests.org.test_levels import Province
from tests.org.test_levels import province as province

pytestmark = pytest.mark.django_db


def _names(client: Any, url: str = "/org/officers/", **params: str) -> set[str]:
    page = client.get(url, params)
    assert page.status_code == 200
    assert page.context["page"].paginator.count < 50
    return {o.name for o in page.context["page"].object_list}


def test_page_and_figures_narrow_to_the_same_officers(province: Province) -> None:
    ny, dp = province.counties["370921"], province.counties["370923"]
    made = {}
    for name, badge, unit, kind, status in (
        ("周宁官", "371901", ny.station, Officer.Kind.POLICE, Officer.Status.ON_POST),
        ("郑宁辅", "371902", ny.station, Officer.Kind.AUXILIARY, Officer.Status.SICK),
        ("钱宁局", "371903", ny.bureau, Officer.Kind.POLICE, Officer.Status.ON_LEAVE),
        ("吴东官", "371904", dp.station, Officer.Kind.POLICE, Officer.Status.SICK),
    ):
        officer = services.officer_create(
            name=name, badge_number=badge, kind=kind, unit=unit, by=None
        )
        made[name] = services.officer_set_status(officer=officer, status=status, by=None)
    user = province.users["ningyang"]
    client = province.client("ningyang")
    assert _names(client) == {"周宁官", "郑宁辅", "钱宁局"}  # 东平's are out of sight
    assert _names(client, status=Officer.Status.SICK) == {"郑宁辅"}
    assert _names(client, kind=Officer.Kind.AUXILIARY) == {"郑宁辅"}
    assert _names(client, unit=str(ny.station.pk)) == {"周宁官", "郑宁辅"}
    assert _names(client, unit=str(ny.bureau.pk)) == {"周宁官", "郑宁辅", "钱宁局"}
    assert _names(client, q="zng") == {"周宁官"}
    assert _names(client, q="371902") == {"郑宁辅"}
    # Another county's unit shows none of its officers.
    # Another county's unit is not offered; given anyway it is refused beside the field and
    # shows none of its officers.
    other = client.get("/org/officers/", {"unit": str(dp.station.pk)})
    assert "须从列表中选择" in other.content.decode()
    assert _names(client, unit=str(dp.station.pk)) == {"周宁官", "郑宁辅", "钱宁局"}
    assert _names(province.client("dongping"), status=Officer.Status.SICK) == {"吴东官"}

    sections = collect_sections(clock.today(), scope=figures_scope(user))
    figures = [f for s in sections for f in s.figures if f.url.startswith("/org/officers/")]
    assert {f.key for f in figures} == {
        "org.officers_total",
        "org.on_post",
        "org.on_leave",
        "org.sick",
    }
    for figure in figures:
        path, _sep, query = figure.url.partition("?")
        params = dict([query.split("=")]) if query else {}
        assert len(_names(client, path, **params)) == figure.value, figure.key
