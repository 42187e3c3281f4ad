"""The seventh attack (2026-12-04), finding 6: a record of something that happened takes no
day after today (core.moments.future_day_error, the platform's clock): a quarantine's start
given at verification (page, service, bulk) and a stock movement's day (a purchase, a
donation, a distribution, an adjustment)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from fangkong.logistics import services as logistics
from fangkong.logistics.models import Donation, Movement
from fangkong.quarantine.models import CaseStatus, QuarantineCase
from fangkong.quarantine.services import case_refer, case_verify, cases_transition_bulk
from tests.conftest import World
from tests.pages import form_data
from tests.quarantine.conftest import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 2, 3)
FUTURE = datetime.date(2020, 3, 1)
RULE = "不能晚于今天（2020-02-03）"


def _today():  # type: ignore[no-untyped-def]
    return override_settings(FANGKONG={**settings.FANGKONG, "TODAY": TODAY.isoformat()})


def _pending(world: World, person=None, station: str = "station_a") -> QuarantineCase:  # type: ignore[no-untyped-def]
    case, _created = case_refer(
        person=person or world.person_a,
        source="pushed_list",
        by=world.users[station],
        came_from_code="420106",
        arrival_date=datetime.date(2020, 2, 1),
        at=at(datetime.date(2020, 2, 2), 8),
    )
    return case


def test_verification_refuses_a_quarantine_starting_after_today(world: World) -> None:
    case = _pending(world)
    page = f"/cases/{case.pk}/verify/"
    station = world.client("station_a")
    with _today():
        data = form_data(station.get(page).content.decode())
        data.update(finding="at_home", measure="home", start_date=FUTURE.isoformat())
        refused = station.post(page, data)
        assert refused.status_code == 200
        html = refused.content.decode()
        assert "隔离开始日期" in html and RULE in html
        case.refresh_from_db()
        assert case.status == CaseStatus.PENDING and case.start_date is None
        # The service refuses it whoever calls, and so does the bulk path.
        with pytest.raises(ValidationError) as info:
            case_verify(
                case=case, by=world.users["command"], finding="at_home", measure="home",
                start_date=FUTURE,
            )  # fmt: skip
        assert RULE in info.value.message_dict["start_date"][0]
        other = _pending(world, world.person_b, "station_b")
        (other,) = cases_transition_bulk(
            cases=[other], to=CaseStatus.VERIFIED, by=world.users["command"], reason="在家",
            at={other.pk: at(TODAY, 9)},
        )  # fmt: skip
        with pytest.raises(ValidationError) as info:
            cases_transition_bulk(
                cases=[other], to=CaseStatus.QUARANTINED, by=world.users["command"],
                reason="居家隔离", at={other.pk: at(TODAY, 9)}, start_dates={other.pk: FUTURE},
            )  # fmt: skip
        assert RULE in info.value.message_dict["start_date"][0]
        # Today is a start.
        data["start_date"] = TODAY.isoformat()
        assert station.post(page, data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED and case.start_date == TODAY
    assert case.quarantine_day(TODAY) == 1


def test_a_donation_or_a_purchase_is_not_dated_after_today(world: World) -> None:
    clerk = world.users["logistics"]
    n95 = logistics.item_create(
        name="N95口罩", category="mask", unit_of_measure="个", low_threshold=1, by=clerk
    )
    store = logistics.store_create(name="中心仓库", by=clerk)
    donor = logistics.donor_find_or_create(kind="citizen", name="张大爷", by=clerk)
    with _today():
        with pytest.raises(ValidationError) as info:
            logistics.donation_record(
                donor=donor, day=FUTURE, receiving_unit=world.bureau, store=store,
                lines=[(n95, 10)], by=clerk,
            )  # fmt: skip
        assert "捐赠日期" in info.value.message_dict["day"][0]
        assert RULE in info.value.message_dict["day"][0]
        # A donation of money only moves no stock: the same rule.
        with pytest.raises(ValidationError) as info:
            logistics.donation_record(
                donor=donor, day=FUTURE, receiving_unit=world.bureau, money=Decimal("500"),
                by=clerk,
            )  # fmt: skip
        assert "捐赠日期" in info.value.message_dict["day"][0]
        with pytest.raises(ValidationError) as info:
            logistics.purchase_record(
                supplier="某公司", amount=Decimal("100"), day=FUTURE, store=store,
                lines=[(n95, 10)], by=clerk,
            )  # fmt: skip
        assert "采购日期" in info.value.message_dict["day"][0]
        assert not Donation.objects.exists() and not Movement.objects.exists()
        logistics.donation_record(
            donor=donor, day=TODAY, receiving_unit=world.bureau, store=store,
            lines=[(n95, 10)], by=clerk,
        )  # fmt: skip
        with pytest.raises(ValidationError) as info:
            logistics.stock_adjust(
                store=store, item=n95, delta=-1, reason="破损", day=FUTURE, by=clerk
            )
        assert RULE in info.value.message_dict["day"][0]
    # The page: money given by a citizen, dated after today, refused naming the field.
    client = world.client("logistics")
    with _today():
        data = form_data(client.get("/logistics/donations/new/").content.decode())
        data.update(
            donor_kind="citizen", donor_name="李阿姨", day=FUTURE.isoformat(),
            receiving_unit=world.bureau.pk, money="500",
        )  # fmt: skip
        page = client.post("/logistics/donations/new/", data)
    assert page.status_code == 200
    assert "捐赠日期" + RULE in page.content.decode()
    assert Donation.objects.count() == 1


def test_a_published_report_or_post_or_a_held_activity_is_not_dated_after_today(
    world: World,
) -> None:
    from fangkong.outreach import services as outreach

    political = world.users["political"]
    with _today():
        for record, label in (
            (lambda: outreach.media_report_record(
                title="报道", outlet="鲁网", level="county", day=FUTURE, by=political), "发布日期"),
            (lambda: outreach.post_record(
                title="热帖", platform="微博", day=FUTURE, likes=5, by=political), "发布日期"),
            (lambda: outreach.activity_record(
                kind="pledge", title="宣誓", day=FUTURE, unit=world.station_a, by=political,
                participant_count=12), "日期"),
        ):  # fmt: skip
            with pytest.raises(ValidationError) as info:
                record()
            assert info.value.message_dict["day"] == [
                f"{label}{RULE}：只能记录已经发生的事，2020-03-01还未到"
            ]
        outreach.media_report_record(
            title="报道", outlet="鲁网", level="county", day=TODAY, by=political
        )


def test_the_second_round_a_start_before_the_arrival_is_refused(world: World) -> None:
    """The seventh attack's second round (HIGH): gangcheng verified a person who arrived on
    2020-02-01 with start_date=2020-01-10 (and 1900-01-01): 隔离中, 已满期，应解除, then
    released at once with no reason. A start before the arrival is refused (page, service,
    bulk); with no arrival on the case, more than a quarantine's length before it was
    opened is refused, and naming the arrival date lets an earlier return be counted."""
    case = _pending(world)  # arrived 2020-02-01
    page = f"/cases/{case.pk}/verify/"
    station = world.client("station_a")
    with _today():
        data = form_data(station.get(page).content.decode())
        for early in ("2020-01-10", "1900-01-01", "2020-01-31"):
            data.update(finding="at_home", measure="home", start_date=early)
            refused = station.post(page, data)
            assert refused.status_code == 200, early
            assert "隔离开始日期不能早于抵达日期（2020-02-01）" in refused.content.decode()
            case.refresh_from_db()
            assert case.status == CaseStatus.PENDING and case.start_date is None
        other = _pending(world, world.person_b, "station_b")
        with pytest.raises(ValidationError) as info:
            cases_transition_bulk(
                cases=[other], to=CaseStatus.QUARANTINED, by=world.users["command"],
                reason="居家隔离", at={other.pk: at(TODAY, 9)},
                start_dates={other.pk: datetime.date(2020, 1, 10)},
            )  # fmt: skip
        assert "不能早于抵达日期" in info.value.message_dict["start_date"][0]
        # The arrival day itself is a start; the case runs its 14 days from it.
        data["start_date"] = "2020-02-01"
        assert station.post(page, data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED
    assert case.planned_end == datetime.date(2020, 2, 15)


def test_with_no_arrival_date_a_start_a_quarantine_before_the_case_is_refused(
    world: World,
) -> None:
    case = _pending(world)
    QuarantineCase.objects.filter(pk=case.pk).update(arrival_date=None)
    case.refresh_from_db()
    opened = case.opened_on
    assert opened == datetime.date(2020, 2, 2)
    with _today(), pytest.raises(ValidationError) as info:
        case_verify(
            case=case, by=world.users["station_a"], finding="at_home", measure="home",
            start_date=datetime.date(2020, 1, 18),
        )  # fmt: skip
    assert info.value.message_dict["start_date"] == [
        "隔离开始日期不能早于建档前14天（2020-01-19）：更早返回的，请先登记抵达日期"
    ]
    with _today():
        case_verify(
            case=case, by=world.users["station_a"], finding="at_home", measure="home",
            start_date=datetime.date(2020, 1, 19),
        )  # fmt: skip
    case.refresh_from_db()
    assert case.status == CaseStatus.QUARANTINED and case.start_date == datetime.date(2020, 1, 19)
