"""The QR self-registration limit holds across gunicorn workers and restarts: it is
counted in the database, not in each process's memory."""

from __future__ import annotations

import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from fangkong.core.idnumber import make_id_number
from tests.reliability.server import (
    Server,
    fresh_database,
    init_database,
    python,
    server_env,
)

LIMIT = 4
CSRF = "r4te11m1tcsrf000r4te11m1tcsrf000"

SETUP = """
import datetime, django
django.setup()
from fangkong.checkpoints import services
services.checkpoint_create(code="RATE", name="限流检查站", road="G104",
                           opened_on=datetime.date(2020, 1, 1), by=None)
print("ok")
"""
COUNT = """
import django
django.setup()
from fangkong.checkpoints.models import SelfRegistration
print(SelfRegistration.objects.count())
"""


def submit(server: Server, n: int) -> str:
    """A traveller's submission from the QR page: 'stored' or 'refused'."""
    import http.client

    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": CSRF, "action": "submit", "n": "1", "province": "鲁",
            "plate_rest": f"J{10000 + n}", "vehicle_type": "car", "direction": "in",
            "occ-0-name": "钱多", "occ-0-phone": "13900001111", "occ-0-origin": "济南",
            "occ-0-destination": "堽城镇",
            "occ-0-id_number": make_id_number("370921", __import__("datetime").date(1990, 1, 1), n, "M"),
        }
    )  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(
        "POST",
        "/q/RATE/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={CSRF}",
        },
    )
    response = conn.getresponse()
    html = response.read().decode()
    conn.close()
    if response.status == 302:
        return "stored"
    assert response.status == 200 and "提交过于频繁" in html, (response.status, html[:2000])
    return "refused"


def clear_of_the_hour_edge(margin: int = 30) -> None:
    """The limit counts per clock hour: start well inside one, not at its last seconds."""
    left = 3600 - time.time() % 3600  # machine clock: the server's, a process of its own
    if left < margin:
        time.sleep(left + 1)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_selfreg_limit_is_shared_by_every_worker_and_survives_a_restart(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (_label, url):
        env = server_env(url, tmp_path, FANGKONG_SELFREG_RATE=str(LIMIT))
        init_database(env)
        python(env, SETUP)
        server = Server(env, tmp_path / "gunicorn.log")
        clear_of_the_hour_edge()
        server.start()
        try:
            # 12 at once from one address: three workers answer them side by side.
            results: list[str] = []
            start = threading.Barrier(12)

            def traveller(n: int) -> None:
                start.wait()
                results.append(submit(server, n))

            threads = [threading.Thread(target=traveller, args=(n,)) for n in range(12)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert sorted(results) == ["refused"] * (12 - LIMIT) + ["stored"] * LIMIT
            # New processes remember nothing of their own; the database does.
            server.stop()
            server.start()
            assert submit(server, 99) == "refused"
        finally:
            server.stop()
        assert python(env, COUNT) == str(LIMIT)
