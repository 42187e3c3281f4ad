"""Personas and a small county for tests: two police stations (堽城, 泗店) with their
townships, villages and a resident each, and one user for every role plus an outsider."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts import mfa
from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.accounts.signin import mark_verified
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from fangkong.core.reference import load_reference_data
from fangkong.org import services as org_services
from fangkong.org.models import Officer, Township, Unit, Village
from fangkong.people.models import Person
from fangkong.people.services import PersonInput, person_register

PASSWORD = "Test-pass-2020"


@dataclass
class World:
    bureau: Unit
    command_centre: Unit
    station_a: Unit  # 堽城派出所
    station_b: Unit  # 泗店派出所
    township_a: Township
    township_b: Township
    village_a: Village
    village_b: Village
    officer_a: Officer
    officer_b: Officer
    person_a: Person
    person_b: Person
    users: dict[str, User]

    def client(self, who: str) -> Client:
        return signed_in(self.users[who])


def enrol(user: User) -> str:
    """Bind an authenticator to `user` through the real service; its secret (hex)."""
    key = mfa.new_secret()
    mfa.mfa_enrol(user=user, key=key, code=mfa.totp_code(key))
    return key


def next_code(user: User) -> str:
    """The code the user's phone shows now — or, when this step's code is already spent
    (codes are good once), the next step's, which the server accepts a step early."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now = clock.system_now().timestamp()  # the clock mfa reads (moved by --clock, clock_at)
    at = max(now, (device.last_t + 1) * device.step)
    if at > now + device.step:  # two steps already spent: wait until one more may be used
        time.sleep(at - now - device.step + 0.5)
    return mfa.totp_code(mfa.device_secret(device), at=at)


def signed_in(user: User, client: Client | None = None) -> Client:
    """A client signed in as `user`, its session past the second sign-in step as after a
    real sign-in with the authenticator's code. force_login alone leaves a user whose role
    requires a second factor at the enrolment page (accounts/signin.py); tests that sign in
    through the pages themselves are in tests/accounts/test_mfa.py."""
    client = client or Client()
    client.force_login(user)
    session = client.session
    mark_verified(session)
    session.save()
    return client


def numbered(prefix: str, n: int) -> str:
    """The name of the n-th of many people a test makes ("测试一二" for 12): a name holds no
    digit (core.text.name_error), so n is written in Chinese numerals."""
    return prefix + "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def _user(username: str, role: str, **kw: Any) -> User:
    return user_create(
        username=username, password=PASSWORD, role=role, by=None, check_password=False, **kw
    )


@pytest.fixture(autouse=True)
def _audit_heads_file(settings: Any, tmp_path: Any) -> None:
    """Each test writes the audit chain heads it prints (reports, `audit verify`) to its own
    file: a head from another test's database is not in this one's chain."""
    settings.FANGKONG_AUDIT_HEADS_FILE = tmp_path / "audit-heads.txt"


@pytest.fixture
def world(db: None) -> World:
    load_reference_data()
    bureau = org_services.unit_create(
        name="宁阳县公安局", kind=Unit.Kind.BUREAU, parent=None, by=None
    )
    centre = org_services.unit_create(
        name="指挥中心", kind=Unit.Kind.DEPARTMENT, parent=bureau, by=None
    )
    station_a = org_services.unit_create(
        name="堽城派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
    )
    station_b = org_services.unit_create(
        name="泗店派出所", kind=Unit.Kind.STATION, parent=bureau, by=None
    )
    township_a = Township.objects.get(name="堽城镇")
    township_b = Township.objects.get(name="泗店镇")
    township_a.station = station_a
    township_a.save()
    township_b.station = station_b
    township_b.save()
    village_a = Village.objects.create(township=township_a, name="东王庄村")
    village_b = Village.objects.create(township=township_b, name="西杨村")
    officer_a = org_services.officer_create(
        name="王伟",
        badge_number="371101",
        kind="police",
        unit=station_a,
        by=None,
        party_member=True,
    )
    officer_b = org_services.officer_create(
        name="李娜", badge_number="371201", kind="police", unit=station_b, by=None
    )
    person_a, _ = person_register(
        data=PersonInput(
            name="张三",
            id_number=make_id_number("370921", datetime.date(1985, 3, 2), 11, "M"),
            phone="13853801234",
            township=township_a,
            village=village_a,
            address_detail="3组12号",
        ),
        by=None,
    )
    person_b, _ = person_register(
        data=PersonInput(
            name="赵丽",
            id_number=make_id_number("420106", datetime.date(1990, 7, 9), 22, "F"),
            phone="13953805678",
            township=township_b,
            village=village_b,
            address_detail="5组8号",
        ),
        by=None,
    )
    users = {
        "command": _user("command", Role.COMMAND, unit=centre, display_name="指挥长"),
        "workgroup": _user("workgroup", Role.WORKGROUP, display_name="工作组员"),
        "station_a": _user("station_a", Role.STATION, unit=station_a, officer=officer_a),
        "station_b": _user("station_b", Role.STATION, unit=station_b, officer=officer_b),
        "checkpoint": _user("checkpoint", Role.CHECKPOINT, display_name="检查站民警"),
        "followup": _user(
            "followup",
            Role.FOLLOWUP,
            kind=User.Kind.CADRE,
            township=township_a,
            display_name="随访员",
        ),
        "political": _user("political", Role.POLITICAL, display_name="政工干部"),
        "logistics": _user("logistics", Role.LOGISTICS, display_name="保障干部"),
        "admin": _user("admin", Role.ADMIN, display_name="管理员"),
        "auditor": _user("auditor", Role.AUDITOR, display_name="审计管理员"),
        "security": _user("security", Role.SECURITY, display_name="安全管理员"),
        "medical": _user("medical", Role.MEDICAL, kind=User.Kind.DOCTOR, display_name="医务人员"),
        "outsider": _user("outsider", "", display_name="无角色"),
    }
    return World(
        bureau,
        centre,
        station_a,
        station_b,
        township_a,
        township_b,
        village_a,
        village_b,
        officer_a,
        officer_b,
        person_a,
        person_b,
        users,
    )


def shift_to(local: str | datetime.time, day: datetime.date | None = None) -> datetime.timedelta:
    """How far to move the platform's clock (core.clock._shift) for it to read `local`
    (Shanghai time) now, on `day` or the machine's."""
    from django.utils import timezone

    if isinstance(local, str):
        local = datetime.time.fromisoformat(local)
    real = timezone.now().astimezone(clock.SHANGHAI)  # machine clock: what _shift moves
    return datetime.datetime.combine(day or real.date(), local, clock.SHANGHAI) - real


@dataclass
class ClockAt:
    """Set the platform clock (core.clock) to a local time of day, and optionally a day."""

    monkeypatch: pytest.MonkeyPatch

    def __call__(self, local: str | datetime.time, day: datetime.date | None = None) -> None:
        self.monkeypatch.setattr(clock, "_shift", shift_to(local, day))


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> ClockAt:
    """`clock_at("10:00")`: from now on the platform's clock reads 10:00 Shanghai time (and
    runs on from there); no test may depend on the hour the suite runs at."""
    return ClockAt(monkeypatch)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="HH:MM",
        default=None,
        help="start every test with the platform's clock (core.clock) at this Asia/Shanghai "
        "time of day, today (the machine's clock is not touched): `make test-clock` runs the "
        "suite at 00:30, 11:59, 12:01 and 23:59",
    )


def _suite_clock(config: pytest.Config) -> datetime.time | None:
    value = config.getoption("--clock")
    if not value:
        return None
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--clock {value!r}: a time of day as HH:MM") from None


@pytest.fixture(scope="session", autouse=True)
def _clock_for_the_session(request: pytest.FixtureRequest) -> Iterator[None]:
    """--clock: what is built once for the session (the demo county) is built at that hour."""
    local = _suite_clock(request.config)
    if local is None:
        yield
        return
    before = clock._shift
    clock._shift = shift_to(local)
    yield
    clock._shift = before


@pytest.fixture(autouse=True)
def _clock_for_each_test(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """--clock: each test starts at that hour (a test's own `clock_at` moves it on)."""
    local = _suite_clock(request.config)
    if local is not None:
        ClockAt(monkeypatch)(local)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the demo county run last: it is built once for all of them (below) and
    must not be seen by any other test."""
    items.sort(key=lambda item: "demo_county" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def demo_county(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The demo county, built once, for the tests that run last, and rolled back at the end.

    Building it takes tens of seconds; each test still runs in its own savepoint on top.
    """
    from django.db import transaction

    from fangkong.core.demo import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_reference_data()
            yield build_demo(seed=2020, log=lambda _msg: None)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            # This connection was opened for the session's last tests; closed here, or
            # PostgreSQL may still count it when the test database is dropped.
            from django.db import connection

            connection.close()
