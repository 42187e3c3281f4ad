"""/healthz for the load balancer and /metrics for the monitoring server (docs/deployment.md)."""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from fangkong.checkpoints import services
from fangkong.checkpoints.services import OccupantInput, PassageInput
from fangkong.core import clock
from fangkong.core.idnumber import make_id_number
from tests.checkpoints.conftest import Posts, make_posts
from tests.conftest import World

pytestmark = pytest.mark.django_db

LOCAL = make_id_number("370921", datetime.date(1980, 5, 1), 31, "M")


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def worker(var_dir: Path) -> Iterator[int]:
    """A live process that says it is this instance's task worker, as `fangkong db_worker`
    does (core/running.py: var/run/<pid>.worker)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    (var_dir / "run").mkdir(exist_ok=True)
    (var_dir / "run" / f"{process.pid}.worker").write_text("fangkong db_worker")
    yield process.pid
    process.kill()
    process.wait()


def test_healthz_answers_200_with_each_check(worker: int, settings: Any) -> None:
    settings.FANGKONG_HEALTH_DISK_MIN_MB = 1
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["worker"] == "ok"
    assert body["checks"]["disk"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_without_a_worker_and_says_only_the_status(
    var_dir: Path, settings: Any
) -> None:
    settings.FANGKONG_HEALTH_DISK_MIN_MB = 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "worker": "fail", "disk": "ok"},
    }
    assert str(var_dir) not in response.content.decode()

    settings.FANGKONG_HEALTH_WORKER = False  # `fangkong serve --no-worker`
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "not run here"


def test_healthz_answers_503_when_the_disk_is_short(worker: int, settings: Any) -> None:
    settings.FANGKONG_HEALTH_DISK_MIN_MB = 10**9  # a petabyte free: no disk has that
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == "fail"
    assert "MB" not in response.content.decode()


def test_a_dead_workers_name_file_does_not_count(var_dir: Path, settings: Any) -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    (var_dir / "run").mkdir(exist_ok=True)
    (var_dir / "run" / f"{process.pid}.worker").write_text("fangkong db_worker")
    assert Client().get("/healthz").status_code == 503


def _families(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _register(posts: Posts, at: datetime.datetime) -> None:
    services.passage_register(
        data=PassageInput(
            checkpoint=posts.g104, direction="in", vehicle_type="car", plate="鲁J12345",
            occurred_at=at,
            occupants=[OccupantInput(name="刘洋", id_number=LOCAL, temperature="36.5")],
        ),
        by=posts.world.users["checkpoint"],
    )  # fmt: skip


def test_metrics_counts_requests_by_route_name_never_by_path(world: World) -> None:
    client = world.client("command")
    person = world.person_a
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert client.get("/command/dashboard/").status_code == 200

    response = Client().get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    families = _families(text)  # raises on anything that is not the text format

    requests = families["fangkong_http_requests"]
    assert requests.type == "counter"
    by_route = {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for s in requests.samples
        if s.name.endswith("_total")
    }
    assert by_route[("person_detail", "GET", "200")] >= 2
    assert by_route[("dashboard", "GET", "200")] >= 1
    latency = families["fangkong_http_request_duration_seconds"]
    assert latency.type == "histogram"
    assert any(
        s.labels.get("route") == "dashboard" and s.name.endswith("_count") for s in latency.samples
    )
    routes = {s.labels["route"] for s in requests.samples}
    assert routes >= {"person_detail", "dashboard"}
    assert not any(char.isdigit() or char == "/" for route in routes for char in route), routes
    # Nothing personal anywhere in it.
    assert person.id_number not in text and person.name not in text
    assert person.phone not in text


def test_metrics_reads_queue_imports_and_registrations_from_the_database(
    world: World, settings: Any
) -> None:

    posts = make_posts(world)
    before = _families(Client().get("/metrics").content.decode())
    assert before["fangkong_task_queue_depth"].samples[0].value >= 0
    imports = {s.labels["status"]: s.value for s in before["fangkong_imports"].samples}
    assert set(imports) == {"queued", "running"}
    registered = before["fangkong_registrations_per_minute"].samples[0].value

    now = clock.now()
    _register(posts, now - datetime.timedelta(seconds=20))
    _register(posts, now - datetime.timedelta(seconds=30))
    _register(posts, now - datetime.timedelta(minutes=5))  # too long ago to count
    after = _families(Client().get("/metrics").content.decode())
    assert after["fangkong_registrations_per_minute"].samples[0].value == registered + 2


@pytest.mark.parametrize("address", ["10.20.30.40", "192.168.1.5", "8.8.8.8"])
def test_metrics_is_not_there_for_other_addresses(world: World, address: str) -> None:
    response = Client(REMOTE_ADDR=address).get("/metrics")
    assert response.status_code == 404
    assert "fangkong_" not in response.content.decode()


def test_metrics_token_and_allowed_networks(world: World, settings: Any) -> None:
    settings.FANGKONG_METRICS_TOKEN = "s3cret-scrape-token"
    outsider = Client(REMOTE_ADDR="10.9.9.9")
    assert outsider.get("/metrics").status_code == 404
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert (
        outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    )

    settings.FANGKONG_METRICS_ALLOW = ["10.9.0.0/16"]
    assert Client(REMOTE_ADDR="10.9.1.2").get("/metrics").status_code == 200
    assert Client().get("/metrics").status_code == 404  # 127.0.0.1 no longer on the list


def test_metrics_through_nginx_goes_by_the_client_not_the_proxy(
    world: World, settings: Any
) -> None:
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": ["127.0.0.1"]}
    # A browser on the network reaching /metrics through nginx on this host.
    via_nginx = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert via_nginx.get("/metrics").status_code == 404


def test_the_balancer_and_the_scraper_are_not_sent_to_https(worker: int, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.FANGKONG_HEALTH_DISK_MIN_MB = 1
    client = Client()
    assert client.get("/login/").status_code == 301  # people are
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_check_deploy_warns_when_metrics_are_open_to_a_network(settings: Any) -> None:
    from fangkong.core.checks import metrics_open_wide

    settings.FANGKONG_METRICS_ALLOW = ["127.0.0.1", "10.0.0.5"]
    assert metrics_open_wide() == []
    settings.FANGKONG_METRICS_ALLOW = ["10.0.0.5", "0.0.0.0/0"]
    (warning,) = metrics_open_wide()
    assert warning.id == "fangkong.W003" and "0.0.0.0/0" in warning.msg


@pytest.mark.django_db
def test_check_deploy_names_the_usernames_made_before_the_ascii_rule(world: object) -> None:
    """Usernames made before the ASCII rule stay (renaming them changes a sign-in): the
    deploy check names each one, and twins that differ only in case, for the security
    administrator to rename."""
    from fangkong.accounts.checks import usernames_before_the_ascii_rule
    from fangkong.accounts.models import User

    assert usernames_before_the_ascii_rule() == []
    # Written past the model's validation, as a row from before migration 0015 is.
    User.objects.create(username="gаngcheng")  # a Cyrillic а
    User.objects.create(username="Station_A")
    (warning,) = usernames_before_the_ascii_rule()
    assert warning.id == "fangkong.W006"
    assert "'gаngcheng'" in warning.msg
    # The twins side by side, in the database's collation's order.
    assert "；station_a / Station_A。" in warning.msg or "；Station_A / station_a。" in warning.msg
