"""Party work counts, publicity by level, and notices with read receipts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.outreach import selectors, services
from fangkong.outreach.models import NoticeReceipt
from tests.conftest import World

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 2, 3)


def test_notice_to_some_units_reaches_their_people_and_the_sender_sees_who_has_not_read(
    world: World,
) -> None:
    political = world.users["political"]
    notice = services.notice_publish(
        kind="guide",
        title="执勤防护知识",
        body="规范佩戴口罩。",
        to_all=False,
        units=[world.station_a, world.station_b],
        by=political,
    )
    recipients = set(
        NoticeReceipt.objects.filter(notice=notice).values_list("user__username", flat=True)
    )
    assert recipients == {"station_a", "station_b"}
    everyone = services.notice_publish(kind="notice", title="全警通知", body="…", by=political)
    assert (
        everyone.receipts.count() == 10
    )  # every officer's login; not the cadre, the hospital, nor the outsider

    client_a = world.client("station_a")
    assert "执勤防护知识" in client_a.get("/notices/").content.decode()
    client_a.post(f"/notices/{notice.pk}/confirm/")
    client_a.post(f"/notices/{notice.pk}/confirm/")  # twice: one receipt, first time kept
    receipt = NoticeReceipt.objects.get(notice=notice, user__username="station_a")
    assert receipt.read_at is not None
    assert "已确认阅读" in client_a.get(f"/notices/{notice.pk}/").content.decode()

    sender_view = world.client("political").get(f"/notices/{notice.pk}/").content.decode()
    unread = sender_view.split('data-testid="unread"')[1].split("</ul>")[0]
    read = sender_view.split('data-testid="read"')[1].split("</ul>")[0]
    assert "李娜" in unread and "王伟" not in unread  # the users' officers
    assert "王伟" in read
    assert "未读 1 人" in sender_view
    listing = world.client("political").get("/notices/").content.decode()
    assert "1/2" in listing
    # Someone not addressed neither sees it nor can confirm it.
    assert world.client("logistics").get(f"/notices/{notice.pk}/").status_code == 404
    # … nor learns that it exists: confirming answers as for a missing id (it redirected to
    # the notice, the route matrix found it).
    assert world.client("logistics").post(f"/notices/{notice.pk}/confirm/").status_code == 404
    assert world.client("logistics").post("/notices/999999/confirm/").status_code == 404
    with pytest.raises(ValidationError, match="您不是该通知的接收人"):
        services.notice_confirm(notice=notice, user=world.users["logistics"])


def test_notice_to_no_unit_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="请选择接收单位"):
        services.notice_publish(
            kind="notice", title="x", body="y", to_all=False, by=world.users["political"]
        )


def test_counts_by_level_pledges_teams_and_popular_posts(world: World) -> None:
    political = world.users["political"]
    for level in ("central", "provincial", "provincial", "municipal", "county", "self"):
        services.media_report_record(
            title="报道", outlet="媒体", level=level, day=DAY, by=political
        )
    services.media_report_record(
        title="明天的",
        outlet="鲁网",
        level="provincial",
        day=DAY + datetime.timedelta(days=1),
        by=political,
    )
    services.post_record(
        title="热帖", platform="微信公众号", day=DAY, likes=250, comments=60, by=political
    )
    services.post_record(
        title="冷帖", platform="微博", day=DAY, likes=250, comments=49, by=political
    )
    for _i in range(3):
        services.activity_record(
            kind="pledge",
            title="宣誓",
            day=DAY,
            unit=world.station_a,
            participants=[world.officer_a],
            by=political,
        )
    services.activity_record(
        kind="theme_day",
        title="主题党日",
        day=DAY,
        unit=world.station_b,
        participant_count=8,
        by=political,
    )
    with pytest.raises(ValidationError, match="请选择参加人员或填写参加人数"):
        services.activity_record(
            kind="pledge", title="x", day=DAY, unit=world.station_a, by=political
        )
    team = services.team_create(
        data=services.CommandoTeamInput(
            kind="volunteer",
            name="堽城所志愿突击队",
            unit=world.station_a,
            leader=world.officer_a,
            members=[world.officer_b],
            formed_on=DAY,
        ),
        by=political,
    )
    services.team_task_add(team=team, day=DAY, title="代购生活物资", by=political)
    o = selectors.overview(DAY)
    assert o["media"]["mainstream"] == 4
    assert o["media"]["county"] == 1 and o["media"]["self"] == 1
    assert o["activities"]["pledge"] == 3 and o["activities"]["theme_day"] == 1
    assert o["teams"] == 1
    assert o["popular_posts"] == 1
    assert set(team.members.all()) == {world.officer_a, world.officer_b}
    page = world.client("command").get("/outreach/").content.decode()
    assert "堽城所志愿突击队" in page and "代购生活物资" in page
    body = world.client("workgroup").get("/api/v1/outreach/publicity").json()
    assert (
        body["mainstream_reports"] == 5
    )  # the API counts to today, including tomorrow's (2020) report
    assert body["media_by_level"]["provincial"] == 3
    assert body["pledges"] == 3 and body["commando_teams"] == 1 and body["popular_posts"] == 1
    assert world.client("logistics").get("/api/v1/outreach/publicity").status_code == 403


def test_role_model_links_officers(world: World) -> None:
    political = world.users["political"]
    report = services.media_report_record(
        title="七天七夜", outlet="大众日报", level="provincial", day=DAY, by=political
    )
    model = services.role_model_record(
        title="坚守检查站",
        story="连续7天7夜。",
        day=DAY,
        officers=[world.officer_a],
        reports=[report],
        by=political,
    )
    assert list(model.officers.all()) == [world.officer_a]
    assert "坚守检查站" in world.client("political").get("/outreach/").content.decode()


def test_list_pages_query_counts(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    political = world.users["political"]
    for i in range(5):
        services.activity_record(
            kind="pledge",
            title=f"宣誓{i}",
            day=DAY,
            unit=world.station_a,
            participant_count=5,
            by=political,
        )
        services.media_report_record(
            title=f"报道{i}",
            outlet="泰安日报",
            level="municipal",
            day=DAY,
            unit=world.station_a,
            by=political,
        )
        services.notice_publish(kind="notice", title=f"通知{i}", body="…", by=political)
    client = world.client("political")
    for url, n in (
        ("/outreach/activities/", 4),
        ("/outreach/media/", 6),
        ("/notices/", 4),
        ("/outreach/", 8),
    ):
        client.get(url)
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200
