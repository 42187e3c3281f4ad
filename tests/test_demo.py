"""The demo county has the seed's shape (FACTS.md), built through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.demo import DEMO_PASSWORD
from fangkong.core.models import AuditEntry
from fangkong.org.models import Officer, Recall, Township, Unit, WartimeOrder, WorkingGroup
from fangkong.people.models import Person


@pytest.fixture
def demo(demo_county, db):  # type: ignore[no-untyped-def]
    return demo_county


def test_demo_county_has_the_seeds_shape(demo) -> None:  # type: ignore[no-untyped-def]
    assert Unit.objects.get(kind="bureau").name == "宁阳县公安局"
    stations = set(Unit.objects.filter(kind="station").values_list("name", flat=True))
    assert {"堽城派出所", "泗店派出所"} <= stations
    assert len(stations) == 13
    assert Unit.objects.filter(kind="traffic", name="交通警察大队").exists()
    assert Officer.objects.count() >= 120
    assert Officer.objects.filter(kind="police").exists()
    assert Officer.objects.filter(kind="auxiliary").exists()
    assert set(WorkingGroup.objects.values_list("code", flat=True)) == set(WorkingGroup.Code.values)
    assert Township.objects.count() == 13
    assert all(t.station_id for t in Township.objects.all())
    order = WartimeOrder.objects.get()
    assert order.title == "全警停休"
    assert order.effective_at.isoformat() == "2020-01-26T06:00:00+00:00"  # 14:00 Beijing
    recalls = Recall.objects.filter(order=order)
    assert recalls.count() > 10
    assert recalls.filter(reported_at__isnull=True).count() == 2
    assert Officer.objects.filter(status="on_leave").count() == 0
    assert Person.objects.count() >= 300
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert {login[0] for login in demo.logins} >= {"zhihui", "gangcheng", "sidian", "admin"}


def test_demo_is_built_through_audited_services(demo) -> None:  # type: ignore[no-untyped-def]
    from fangkong.core.audit import audit_verify

    # Bulk services extend the same hash chain as single writes.
    assert audit_verify().broken_at is None
    assert (
        AuditEntry.objects.filter(object_type="org.officer", action="create").count()
        == Officer.objects.count()
    )
    assert (
        AuditEntry.objects.filter(object_type="people.person", action="create").count()
        == Person.objects.count()
    )


def test_demo_logins_work(demo) -> None:  # type: ignore[no-untyped-def]
    # The demo's passwords are published, not temporary: no account is sent to change it.
    assert not User.objects.filter(password_temporary=True).exists()
    client = Client()
    assert client.login(username="gangcheng", password=DEMO_PASSWORD)
    page = client.get("/people/").content.decode()
    assert "第 1 / " in page
    # 堽城 station's list holds only 堽城镇 residents.
    mine = Person.objects.filter(township__name="堽城镇").count()
    assert f"共 {mine} 条" in page


# What identifies a demo county, computed the same way here and in a fresh process.
FINGERPRINT = """
import json
from django.apps import apps
from fangkong.org.models import Officer
from fangkong.people.models import Person
counts = {m._meta.label: m.objects.count() for m in apps.get_models()
          if m._meta.app_label in ("org", "people", "quarantine", "checkpoints", "logistics",
                                   "honors", "outreach", "command")}
officers = list(Officer.objects.order_by("badge_number").values_list("name", "badge_number")[:80])
people = list(Person.objects.exclude(id_number=None).order_by("id_number")
              .values_list("id_number", "name")[:80])
print(json.dumps({"counts": counts, "officers": officers, "people": people}, ensure_ascii=False))
"""


def test_demo_is_deterministic(demo_county, db, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A second county built from the same seed in a fresh database is the same county."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.test_cli import cli_env

    exec(FINGERPRINT)
    here = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    fangkong = str(Path(sys.executable).with_name("fangkong"))
    env = cli_env(
        FANGKONG_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        FANGKONG_VAR_DIR=str(tmp_path),
        FANGKONG_TODAY="2020-02-03",
    )
    subprocess.run(
        # Built at the same moment of the day as the session's county (the suite's --clock):
        # what the county holds depends on how much of its day has passed.
        [fangkong, "demo", "--no-serve", "--seed", "2020", "--at", f"{demo_county.now:%H:%M}"],
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [fangkong, "shell", "-c", FINGERPRINT], env=env, check=True, capture_output=True, text=True
    ).stdout
    there = json.loads(out.strip().splitlines()[-1])
    assert there["counts"] == here["counts"]
    assert [tuple(o) for o in there["officers"]] == [tuple(o) for o in here["officers"]]
    assert [tuple(p) for p in there["people"]] == [tuple(p) for p in here["people"]]


def test_demo_accounts_that_require_a_second_factor_sign_in_with_the_published_code(demo) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    for username in ("zhihui", "juzhang", "admin", "anquan", "shenji"):
        assert any(u == username and "须二次验证" in note for u, _r, note in demo.logins)
    client = Client()
    client.post("/login/", {"username": "zhihui", "password": DEMO_PASSWORD})
    assert client.get("/command/dashboard/")["Location"].startswith("/login/verify/")
    out = io.StringIO()
    call_command("otp", "code", "zhihui", stdout=out)  # what README tells the visitor to run
    done = client.post("/login/verify/", {"code": out.getvalue().strip(), "next": "/"})
    assert done["Location"] == "/"
    assert client.get("/command/dashboard/").status_code == 200
