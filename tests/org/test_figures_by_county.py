"""Summary figures of the registers by county (issue 18): the supplies, commendations and
publicity pages, their API and the day's figures count a county's user's own county only;
a city's user sees the city's totals and one row per county. Self-media posts belong to a
unit, so they are divided like the other registers, and the publicity forms offer the
user's area's units only. Real records in each county (the fixtures of
test_registers_by_county: one purchase of 100 masks for 500 yuan, 10 handed out and 5
donated in each county; one circular, one pledge, one team in each)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fangkong.core import clock
from fangkong.outreach import services as outreach_services
from fangkong.outreach.models import SelfMediaPost
from tests.conftest import signed_in
from tests.org.test_levels import Province
from tests.org.test_levels import province as province
from tests.org.test_registers_by_county import (
    COUNTY_NAMES,
    Publicity,
    Registers,
    Supplies,
)
from tests.org.test_registers_by_county import publicity as publicity
from tests.org.test_registers_by_county import registers as registers
from tests.org.test_registers_by_county import supplies as supplies

pytestmark = pytest.mark.django_db

# who signs in (logistics_<area> / a command user) → how many counties' records they count
COUNTIES = {"370921": 1, "370923": 1, "3709": 2, "3701": 1}


def _text(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("area", sorted(COUNTIES))
def test_supplies_figures_are_the_users_areas(
    province: Province, supplies: dict[str, Supplies], area: str
) -> None:
    n = COUNTIES[area]
    client = signed_in(province.users[f"logistics_{area}"])
    purchases = _text(client.get("/logistics/purchases/"))
    assert f"累计采购金额 {500 * n}.00 元" in purchases
    donations = _text(client.get("/logistics/donations/"))
    assert f"{n} 次" in donations
    stock = client.get("/api/v1/logistics/stock").json()
    masks = next(i for i in stock["items"] if i["item"] == "医用口罩")
    assert masks["on_hand"] == 95 * n  # 100 bought, 10 handed out, 5 donated, per county
    assert masks["outflow_7d"] == 10 * n
    # A city has a row per county beside its totals; a county has none.
    city = len(area) == 4
    assert ('data-testid="by-county"' in purchases) == city
    if area == "3709":
        rows = re.findall(
            r'data-area="(\d+)"><td>([^<]+)</td><td class="fk-num"[^>]*>([^<]+)<', purchases
        )
        assert [(c, name, v) for c, name, v in rows] == [
            ("370921", "宁阳县", "500.00"),
            ("370923", "东平县", "500.00"),
        ]


@pytest.mark.parametrize("who", ["ningyang", "dongping", "taian", "jinan"])
def test_the_days_figures_of_a_county_count_its_supplies_honours_and_publicity(
    province: Province,
    supplies: dict[str, Supplies],
    registers: dict[str, Registers],
    publicity: dict[str, Publicity],
    who: str,
) -> None:
    n = 2 if who == "taian" else 1
    body = signed_in(province.users[who]).get("/api/v1/stats/daily").json()
    figures = body["figures"]
    assert figures["logistics.purchase_yuan"] == 500 * n
    assert figures["honors.circulars"] == n
    assert figures["honors.individuals"] == n
    assert figures["outreach.pledges"] == n
    assert figures["outreach.commando_teams"] == n
    if who == "taian":
        # A county's row carries the areas' table's figures; its supplies, honours and
        # publicity are on its own figures, one click (?area=) away.
        client = signed_in(province.users[who])
        rows = {a["code"]: a["figures"] for a in body["areas"]}
        assert "logistics.purchase_yuan" not in rows["370923"]
        dongping = client.get("/api/v1/stats/daily", {"area": "370923"}).json()["figures"]
        assert dongping["logistics.purchase_yuan"] == 500
        ningyang = client.get("/api/v1/stats/daily", {"area": "370921"}).json()["figures"]
        assert ningyang["honors.circulars"] == 1


@pytest.mark.parametrize("who", ["ningyang", "taian", "jinan"])
def test_honours_and_publicity_pages_count_the_users_area(
    province: Province,
    registers: dict[str, Registers],
    publicity: dict[str, Publicity],
    who: str,
) -> None:
    n = 2 if who == "taian" else 1
    political = {
        "ningyang": "political_370921",
        "taian": "taian_political",
    }.get(who, who)
    client = signed_in(province.users[political])
    honours = _text(client.get("/honors/"))
    assert (
        f'<span class="fk-tile-value">{n}</span><span class="fk-tile-label">表扬通报（期）'
        in honours
    )
    overview = _text(province.client(who).get("/outreach/"))
    assert (
        f'<span class="fk-tile-value">{n}</span><span class="fk-tile-label">宣誓活动（次）'
        in overview
    )
    assert ('data-testid="by-county"' in overview) == (who in ("taian", "jinan"))
    api = province.client(who).get("/api/v1/outreach/publicity").json()
    assert api["pledges"] == n and api["commando_teams"] == n
    assert api["mainstream_reports"] == n


def test_self_media_posts_are_divided_by_county(
    province: Province, registers: dict[str, Registers]
) -> None:
    posts: dict[str, SelfMediaPost] = {}
    for code, county in province.counties.items():
        posts[code] = outreach_services.post_record(
            title=f"{COUNTY_NAMES[code]}战疫短视频",
            platform="抖音",
            day=clock.today(),
            likes=400,
            comments=10,
            by=None,
            unit=county.bureau,
        )
    for who, sees in (
        ("political_370921", {"370921"}),
        ("taian_political", {"370921", "370923"}),
    ):
        client = signed_in(province.users[who])
        listed = _text(client.get("/outreach/posts/"))
        media = _text(client.get("/outreach/media/"))
        for code, post in posts.items():
            seen = code in sees
            assert (f"{COUNTY_NAMES[code]}战疫短视频" in listed) == seen, (who, code)
            assert (f"{COUNTY_NAMES[code]}战疫短视频" in media) == seen, (who, code)
            edit = client.get(f"/outreach/posts/{post.pk}/edit/")
            assert edit.status_code == (200 if seen else 404), (who, code)
        api = client.get("/api/v1/outreach/publicity").json()
        assert api["popular_posts"] == len(sees)
    # Another county's post cannot be changed by its id either.
    ningyang = signed_in(province.users["political_370921"])
    response = ningyang.post(
        f"/outreach/posts/{posts['370923'].pk}/edit/",
        {"title": "改", "platform": "抖音", "day": clock.today().isoformat()},
    )
    assert response.status_code == 404
    posts["370923"].refresh_from_db()
    assert posts["370923"].title == "东平战疫短视频"


def test_publicity_forms_offer_the_users_area_only(
    province: Province, registers: dict[str, Registers]
) -> None:
    client = signed_in(province.users["political_370921"])
    for url in (
        "/outreach/activities/new/",
        "/outreach/media/new/",
        "/outreach/teams/new/",
        "/outreach/role-models/new/",
        "/outreach/posts/new/",
    ):
        form = client.get(url).content.decode()
        assert "宁阳县城关派出所" in form, url
        assert "东平" not in form and "历下" not in form, url
    # A post for another county's unit, by its real id: refused, nothing saved.
    response = client.post(
        "/outreach/posts/new/",
        {
            "title": "越权登记",
            "platform": "抖音",
            "day": clock.today().isoformat(),
            "likes": 0,
            "comments": 0,
            "unit": province.counties["370923"].bureau.pk,
        },
    )
    assert response.status_code == 200
    assert not SelfMediaPost.objects.filter(title="越权登记").exists()
