"""The replica router (core/replica.py): which connection each read takes.

The `replica` alias is a second connection to the primary's own test database (TEST
MIRROR, tests/settings.py), so a query can be seen on the connection the router chose.
Transactional tests: what one connection writes the other sees only once committed.
bench/replica_bench.py runs the same against a real hot standby.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from fangkong.core import replica
from fangkong.core.ratelimit import rate_limited
from fangkong.org.models import Unit
from fangkong.people.models import Person
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_on(settings: Any) -> Iterator[None]:
    settings.FANGKONG_READ_REPLICA = True
    settings.FANGKONG_REPLICA_STICKY_SECONDS = 10
    replica.replica_usable.forget()
    yield
    replica.replica_usable.forget()


class Seen:
    """The queries each connection ran inside the block."""

    def __init__(self) -> None:
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self) -> Seen:
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def on_replica(self, table: str) -> bool:
        return any(table in q["sql"] for q in self.replica.captured_queries)

    def on_primary(self, table: str) -> bool:
        return any(table in q["sql"] for q in self.primary.captured_queries)


def test_dashboard_reads_its_figures_from_the_replica(world: World, settings: Any) -> None:
    client = world.client("command")
    with Seen() as seen:
        response = client.get("/command/dashboard/")
    assert response.status_code == 200
    assert seen.on_replica("quarantine_")
    assert not seen.on_primary("quarantine_")
    # Who is signed in is read from the primary (before the view is known), the page's
    # figures from the replica.
    assert seen.on_primary("django_session")
    assert not seen.on_replica("django_session")

    settings.FANGKONG_READ_REPLICA = False
    with Seen() as seen:
        assert client.get("/command/dashboard/").status_code == 200
    assert seen.replica.captured_queries == []


def test_pages_that_are_not_read_pages_never_touch_the_replica(world: World) -> None:
    client = world.client("command")
    with Seen() as seen:
        assert client.get(f"/people/{world.person_a.pk}/").status_code == 200
        assert client.get("/command/tasks/").status_code == 200
    assert seen.replica.captured_queries == []


def test_a_users_own_write_is_read_back_from_the_primary(world: World, settings: Any) -> None:
    # Long enough for the reads right after the write even on a loaded machine (with one
    # second, a CI run's search came more than a second after the write); shortened below.
    settings.FANGKONG_REPLICA_STICKY_SECONDS = 60
    writer = world.client("station_a")
    with Seen() as seen:
        response = writer.post(
            "/people/new/",
            {
                "name": "钱七",
                "doc_type": "passport",
                "doc_number": "E12345678",
                "township": world.township_a.pk,
                "village": world.village_a.pk,
                "address_detail": "9组2号",
            },
        )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Person.objects.filter(name="钱七").exists()
    assert seen.replica.captured_queries == []
    assert replica.COOKIE in response.cookies

    # Right after: the same browser's search reads the primary and finds the new person.
    with Seen() as seen:
        page = writer.get("/people/?q=钱七").content.decode()
    assert "钱七" in page
    assert seen.on_primary("people_person")
    assert not seen.on_replica("people_person")

    # Another user's search at the same moment may read the replica.
    other = world.client("station_b")
    with Seen() as seen:
        assert other.get("/people/?q=钱").status_code == 200
    assert seen.on_replica("people_person")

    # Once the window has passed the writer reads the replica again: a window of one
    # second, read when the request comes (signatures count whole seconds).
    settings.FANGKONG_REPLICA_STICKY_SECONDS = 1
    time.sleep(2.1)
    with Seen() as seen:
        assert writer.get("/people/?q=钱七").status_code == 200
    assert seen.on_replica("people_person")


def test_a_forged_stamp_does_not_hold_a_browser_on_the_primary(world: World) -> None:
    client = world.client("command")
    client.cookies[replica.COOKIE] = "1:forged:signature"
    with Seen() as seen:
        assert client.get("/command/dashboard/").status_code == 200
    assert len(seen.replica.captured_queries) > 0


def test_within_one_request_the_first_write_sends_later_reads_to_the_primary(
    world: World,
) -> None:
    with replica.request_scope() as state:
        state.allowed = True
        with Seen() as seen:
            Person.objects.count()
        assert seen.on_replica("people_person")

        # Bookkeeping (the search counter) is not the user's write.
        rate_limited(bucket="search-minute", ident="user1", limit=30, seconds=60)
        with Seen() as seen:
            Person.objects.count()
        assert seen.on_replica("people_person")

        # Inside a transaction reads stay with the writes.
        with transaction.atomic(), Seen() as seen:
            Person.objects.count()
        assert not seen.on_replica("people_person")

        Unit.objects.filter(pk=world.station_a.pk).update(name="堽城派出所（新）")
        assert state.wrote
        with Seen() as seen:
            assert Unit.objects.get(pk=world.station_a.pk).name == "堽城派出所（新）"
        assert not seen.on_replica("org_unit")
        assert seen.on_primary("org_unit")


def test_migrations_run_on_the_primary_only() -> None:
    router = replica.ReplicaRouter()
    assert router.allow_migrate("default", "people")
    assert not router.allow_migrate("replica", "people")


def test_an_unreachable_replica_is_left_alone_and_the_pages_still_answer(world: World) -> None:
    kept = connections["replica"]
    broken = dict(kept.settings_dict)
    if kept.vendor == "postgresql":
        broken.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
    else:
        broken["NAME"] = "/nonexistent/fangkong/replica.sqlite3"
    # A connection of its own: SQLite never closes a connection to an in-memory database.
    connections["replica"] = load_backend(broken["ENGINE"]).DatabaseWrapper(broken, "replica")
    try:
        client = world.client("command")
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get("/command/dashboard/")
        assert response.status_code == 200
        # The figures were read from the primary instead.
        assert any("quarantine_" in q["sql"] for q in primary.captured_queries)

        health = client.get("/healthz").json()
        assert health["checks"]["replica"] == "degraded"
        assert health["checks"]["database"] == "ok"
    finally:
        connections["replica"].close()
        connections["replica"] = kept
