"""The alert list's filters are declared once (quarantine/filters.py): the page, its home
card (待处置预警) and the dashboard's figures that link to it (发热待处置, 不在家待处置)
narrow to the same alerts — open and resolved, of each kind, and another station's out
of sight."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from fangkong.core import clock
from fangkong.core.figures import collect_sections
from fangkong.quarantine.models import Alert
from fangkong.quarantine.services import alert_resolve, followup_record
from tests.conftest import World
from tests.quarantine.conftest import START, Cases, at

pytestmark = pytest.mark.django_db


def _alerts(client: Any, **params: str) -> set[tuple[str, str]]:
    page = client.get("/cases/alerts/", params)
    assert page.status_code == 200
    return {(a.case.person.name, a.detail) for a in page.context["page"].object_list}


def _visit(world: World, case: Any, who: str, hour: int, **kw: Any) -> None:
    values = {"temperature": "36.5", "symptoms": [], "at_home": True}
    values.update(kw)
    followup_record(
        case=case,
        by=world.users[who],
        visited_at=at(START + datetime.timedelta(days=1), hour),
        **values,
    )


def test_page_card_and_figures_narrow_to_the_same_alerts(world: World, cases: Cases) -> None:
    _visit(world, cases.a, "followup", 8, temperature="38.1")  # resolved below
    _visit(world, cases.a, "followup", 15, temperature="37.6")
    _visit(world, cases.a, "followup", 19, temperature=None, at_home=False)
    _visit(world, cases.b, "station_b", 9, temperature="38.5")  # another station's
    resolved = Alert.objects.get(detail="体温38.1℃")
    alert_resolve(alert=resolved, by=world.users["station_a"], resolution="复测正常")

    station = world.client("station_a")
    open_a = _alerts(station)
    # Out: the resolved fever (by the filter) and 赵丽's (another station's).
    assert open_a == {("张三", "体温37.6℃"), ("张三", "随访时不在家")}
    assert _alerts(station, show="open") == open_a
    cards = station.get("/").context["cards"]
    assert next(c["count"] for c in cards if str(c["title"]) == "待处置预警") == len(open_a)
    assert _alerts(station, kind=Alert.Kind.FEVER) == {("张三", "体温37.6℃")}
    assert _alerts(station, kind=Alert.Kind.FEVER, show="all") == {
        ("张三", "体温37.6℃"),
        ("张三", "体温38.1℃"),
    }
    assert len(_alerts(station, show="all")) == 3
    # What the form refuses filters nothing beyond the default.
    assert _alerts(station, kind="nonsense", show="all") == open_a

    county = world.client("command")
    assert _alerts(county, kind=Alert.Kind.FEVER) == {("张三", "体温37.6℃"), ("赵丽", "体温38.5℃")}
    figures = {
        f.key: f
        for s in collect_sections(clock.today())
        for f in s.figures
        if f.key in {"quarantine.fever_open", "quarantine.absent_open"}
    }
    assert figures["quarantine.fever_open"].value == 2
    for figure in figures.values():
        path, _sep, query = figure.url.partition("?")
        assert path == "/cases/alerts/"
        name, _eq, value = query.partition("=")
        assert len(_alerts(county, **{name: value})) == figure.value, figure.key
