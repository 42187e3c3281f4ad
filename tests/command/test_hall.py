"""The command hall: figures written one way everywhere (¥213,600, 1,700, hours), a past
day's stock and duty roster as they stood then, the on-duty board with every checkpoint, an
inspection problem that reaches its owner in another unit, and the big screen's pages."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import override_settings

from fangkong.checkpoints import services as cp_services
from fangkong.command import services
from fangkong.command.daily import screen_pages
from fangkong.core.demo import SHANGHAI
from fangkong.core.figures import HOURS, MONEY, format_number
from fangkong.logistics import services as logistics
from fangkong.org import services as org_services
from tests.checkpoints.conftest import Posts, posts  # noqa: F401 (fixture)
from tests.conftest import World

D = datetime.date
DAY1, DAY2, DAY3 = D(2020, 2, 1), D(2020, 2, 2), D(2020, 2, 3)


def _today(day: D) -> object:
    from django.conf import settings

    return override_settings(FANGKONG={**settings.FANGKONG, "TODAY": day.isoformat()})


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (213600.0, MONEY, "¥213,600"),
        (Decimal("213600.00"), MONEY, "¥213,600"),
        (Decimal("761.5"), MONEY, "¥761.50"),
        (1700, "", "1,700"),
        (18447, "", "18,447"),
        (7.0, HOURS, "7"),
        (7.46, HOURS, "7.5"),
        (123.4, HOURS, "123"),
        (2.0, "", "2"),
        (12.25, "", "12.2"),
        (0, "", "0"),
    ],
)
def test_numbers_are_written_one_way(value: object, style: str, text: str) -> None:
    assert format_number(value, style) == text  # type: ignore[arg-type]


@pytest.mark.django_db
def test_dashboard_and_screen_write_money_and_counts_alike(world: World) -> None:
    clerk = world.users["logistics"]
    n95 = logistics.item_create(
        name="N95口罩", category="mask", unit_of_measure="个", low_threshold=10, by=clerk
    )
    store = logistics.store_create(name="中心仓库", by=clerk)
    logistics.purchase_record(
        supplier="山东鲁泰医疗器械有限公司",
        amount=Decimal("213600.00"),
        day=DAY1,
        store=store,
        lines=[(n95, 1700)],
        by=clerk,
    )
    client = world.client("command")
    with _today(DAY3):
        for url in ("/command/dashboard/", "/command/screen/"):
            page = client.get(url).content.decode()
            assert "¥213,600<" in page, url
            assert "213600.0" not in page and "213,600.0" not in page, url
            # The money has its sign and no unit after it; the count keeps its unit.
            assert "¥213,600<small>" not in page, url


# ---------------------------------------------------------------- a past day


@pytest.mark.django_db
def test_a_past_day_shows_the_stock_of_that_day(world: World) -> None:
    clerk = world.users["logistics"]
    n95 = logistics.item_create(
        name="N95口罩", category="mask", unit_of_measure="个", low_threshold=100, by=clerk
    )
    store = logistics.store_create(name="中心仓库", by=clerk)
    logistics.purchase_record(
        supplier="甲", amount=Decimal(500), day=DAY1, store=store, lines=[(n95, 300)], by=clerk
    )
    logistics.distribution_record(
        store=store,
        unit=world.station_a,
        received_by="王伟",
        lines=[(n95, 250)],
        day=DAY3,
        by=clerk,
    )
    client = world.client("command")
    with _today(DAY3):
        api = client.get(f"/api/v1/stats/daily?date={DAY2}").json()["figures"]
        assert api["logistics.low_stock"] == 0  # 300 on hand on the 2nd, above 100
        now = client.get("/api/v1/stats/daily").json()["figures"]
        assert now["logistics.low_stock"] == 1  # 50 today
        page = client.get(f"/command/dashboard/?date={DAY2}").content.decode()
        assert "N95口罩库存" not in page  # no low-stock problem on the 2nd
        # The figure opens the stock of that day, which shows the same 300.
        assert f'href="/logistics/?day={DAY2}" data-figure="logistics.low_stock"' in page
        stock = client.get(f"/logistics/?day={DAY2}").content.decode()
        assert re.search(r'data-testid="on-hand">300 个<', stock)
        today = client.get("/command/dashboard/").content.decode()
        assert "N95口罩库存50个，低于预警线100个" in today


@pytest.mark.django_db
def test_a_past_day_shows_its_own_duty_roster(posts: Posts) -> None:  # noqa: F811
    a, b, c = posts.officers[:3]
    for day, slot, officers in ((DAY1, 0, [a, b]), (DAY1, 1, [c]), (DAY3, 0, [a])):
        shift = cp_services.shift_get_or_create(checkpoint=posts.g104, day=day, slot=slot)
        cp_services.shift_assign(
            shift=shift, officers=officers, leader=officers[0], party_leader=None, by=None
        )
    client = posts.world.client("command")
    with _today(DAY3):
        figures = client.get(f"/api/v1/stats/daily?date={DAY1}").json()
        on_duty = next(
            f
            for s in figures["sections"]
            for f in s["figures"]
            if f["key"] == "checkpoints.on_duty"
        )
        assert on_duty["value"] == 3  # everyone on the 1st's roster, not today's one
        assert on_duty["url"] == f"/checkpoints/on-duty/?date={DAY1}"
        board = client.get(on_duty["url"]).content.decode()
        assert "2020年2月1日 全天排班" in board
        for officer in (a, b, c):
            assert officer.name in board
        assert "执勤 3 人" in board
        today = client.get("/api/v1/stats/daily").json()["figures"]
        assert today["checkpoints.on_duty"] == 1


@pytest.mark.django_db
def test_the_on_duty_board_lists_every_checkpoint_and_says_which_has_nobody(
    posts: Posts,  # noqa: F811
) -> None:
    officer = posts.officers[0]
    now = datetime.datetime(2020, 2, 3, 10, tzinfo=SHANGHAI)
    shift = cp_services.shift_get_or_create(checkpoint=posts.g104, day=DAY3, slot=0)
    cp_services.shift_assign(
        shift=shift, officers=[officer], leader=officer, party_leader=None, by=None
    )
    # A shift with nobody on it is no staffing either.
    cp_services.shift_get_or_create(checkpoint=posts.other, day=DAY3, slot=0)
    page = (
        posts.world.client("command")
        .get("/checkpoints/on-duty/", {"at": now.isoformat()})
        .content.decode()
    )
    g104 = page[page.index('data-testid="checkpoint-G104N"') :]
    g104 = g104[: g104.index("</section>")]
    assert officer.name in g104 and "未排班" not in g104
    other = page[page.index('data-testid="checkpoint-S244"') :]
    other = other[: other.index("</section>")]
    assert "S244磁窑检查站" in other and "未排班" in other
    assert "1 个未排班" in page


# ---------------------------------------------------------------- problems reach their owner


@pytest.mark.django_db
def test_a_problem_reaches_its_owner_in_another_unit(world: World) -> None:
    leader = org_services.officer_create(
        name="张建军", badge_number="370001", kind="police", unit=world.bureau, by=None
    )
    owner_user = world.users["station_b"]  # 泗店派出所; the problem's owner serves there
    owner_user.officer = world.officer_b
    owner_user.save(update_fields=["officer"])
    inspection = services.inspection_record(
        unit=world.station_a,  # 堽城派出所 is inspected
        place="104国道联合检查站",
        inspector=leader,
        at=datetime.datetime(2020, 2, 3, 10, tzinfo=SHANGHAI),
        by=world.users["command"],
        problems=[
            services.ProblemInput("消毒记录缺失", world.officer_b, DAY3),
            services.ProblemInput("照明不足", world.officer_a, DAY3),
        ],
    )
    mine, theirs = inspection.problems.order_by("id")
    station_b = world.client("station_b")
    listing = station_b.get("/command/problems/").content.decode()
    assert "消毒记录缺失" in listing and "没有符合条件的问题" not in listing
    assert "照明不足" not in listing  # the inspected unit's own problem stays theirs
    # The inspection opens on the owner's own problem, with its form, and no other's.
    detail = station_b.get(f"/command/inspections/{inspection.pk}/").content.decode()
    assert "消毒记录缺失" in detail and "照明不足" not in detail
    assert f'action="/command/problems/{mine.pk}/rectify/"' in detail
    response = station_b.post(
        f"/command/problems/{mine.pk}/rectify/", {"rectification": "已补登，专人负责。"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.rectified_at is not None and mine.rectification == "已补登，专人负责。"
    # Another unit's problem is still refused as if it did not exist.
    other = station_b.post(f"/command/problems/{theirs.pk}/rectify/", {"rectification": "x"})
    assert other.status_code == 404
    # The inspected unit still sees both.
    inspected = world.client("station_a").get("/command/problems/").content.decode()
    assert "消毒记录缺失" in inspected and "照明不足" in inspected


# ---------------------------------------------------------------- the big screen


def _section(key: str, figures: list[dict[str, object]], rows: int = 0) -> dict[str, object]:
    tables = []
    if rows:
        hours = [[f"{h:02d}", h, 2 * h] for h in range(rows)]
        tables = [{"title": "分时段", "headers": ["时", "车辆", "人员"], "rows": hours}]
    return {
        "key": key,
        "title": key,
        "figures": figures,
        "tables": tables,
        "events": [],
        "problems": [],
    }


def _fig(key: str, headline: bool = False, tone: str = "", value: int = 1) -> dict[str, object]:
    return {"key": key, "headline": headline, "tone": tone, "value": value}


def test_the_screen_has_an_overview_then_the_sections_on_pages_that_fit() -> None:
    stats = {
        "sections": [
            _section(
                "checkpoints",
                [_fig("checkpoints.a", True), _fig("checkpoints.b"), _fig("c", False, "warn")],
                rows=24,
            ),
            _section("org", [_fig("org.x")]),
            _section("big", [_fig(f"big.{i}") for i in range(60)], rows=20),
        ]
    }
    charts = [{"key": "checkpoints.vehicles"}, {"key": "org.on_post"}, {"key": "other.x"}]
    pages = screen_pages(stats, charts)
    # A small section shares the page before it; one that would not fit starts its own.
    assert [p["key"] for p in pages] == ["overview", "checkpoints+org", "big"]
    overview = pages[0]
    shown = {f["key"] for s in overview["sections"] for f in s["figures"]}
    assert shown == {"checkpoints.a", "c"}  # the headline and the one calling for attention
    assert [c["key"] for c in overview["charts"]] == ["checkpoints.vehicles", "org.on_post"]
    assert [c["key"] for c in pages[1]["charts"]] == ["checkpoints.vehicles", "org.on_post"]
    # 24 hours read across the screen: one row per column of the table, one column per hour.
    table = pages[1]["sections"][0]["tables"][0]
    assert table["transposed"] and table["headers"][:3] == ["时", "00", "01"]
    assert table["rows"][0][:3] == ["车辆", 0, 1] and len(table["rows"]) == 2


@pytest.mark.django_db
def test_the_screen_turns_its_pages_as_configured(world: World) -> None:
    from django.conf import settings

    client = world.client("command")
    page = client.get("/command/screen/").content.decode()
    rotate = settings.FANGKONG["SCREEN_ROTATE_SECONDS"]
    assert f'data-rotate="{rotate}"' in page
    assert "fangkong/screen.js" in page
    assert 'data-rotate="7"' in client.get("/command/screen/?rotate=7").content.decode()
    assert 'data-rotate="0"' in client.get("/command/screen/?rotate=0").content.decode()
    assert f'data-rotate="{rotate}"' in client.get("/command/screen/?rotate=x").content.decode()
    with override_settings(FANGKONG={**settings.FANGKONG, "SCREEN_ROTATE_SECONDS": 45}):
        assert 'data-rotate="45"' in client.get("/command/screen/").content.decode()


@pytest.mark.django_db
def test_the_hall_links_use_the_working_day(world: World) -> None:
    client = world.client("command")
    with _today(DAY3):
        assert 'max="2020-02-03"' in client.get("/command/dashboard/").content.decode()
        assert 'href="?open=2020-02-03"' in client.get("/command/problems/").content.decode()
        assert 'href="?overdue=2020-02-03"' in client.get("/command/tasks/").content.decode()
