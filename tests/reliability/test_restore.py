"""`fangkong restore` beside a running fangkong: refused while the web server or the task
worker runs (what they wrote after the refusal is kept); allowed once they stop, even when
they were killed; and on SQLite a connection that was missed writes into the restored
database, never into a file nobody reads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.reliability.server import (
    BIN,
    Server,
    fresh_database,
    init_database,
    python,
    server_env,
)

PASSWORD = "Ningyang#Safe2020"
USERS = (
    "import django; django.setup(); from fangkong.accounts.models import User; "
    "print(','.join(sorted(User.objects.values_list('username', flat=True))))"
)


def fangkong(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "fangkong"), *args], env=env, capture_output=True, text=True, timeout=300
    )


def _prepared(tmp_path: Path, url: str) -> tuple[dict[str, str], Path]:
    """A database with user wang in the backup and user li added after it."""
    var = tmp_path / "var"
    var.mkdir()
    env = server_env(url, var)
    init_database(env)
    assert fangkong(env, "createuser", "wang", "--role", "command", "--password", PASSWORD).returncode == 0  # fmt: skip
    backup = tmp_path / ("backup.sqlite3" if url.startswith("sqlite") else "backup.dump")
    made = fangkong(env, "backup", "-o", str(backup))
    assert made.returncode == 0, made.stderr
    assert fangkong(env, "createuser", "li", "--role", "command", "--password", PASSWORD).returncode == 0  # fmt: skip
    return env, backup


def _wait_for(path: Path, pattern: str) -> None:
    deadline = time.monotonic() + 60
    while not list(path.glob(pattern)):
        assert time.monotonic() < deadline, f"nothing matching {pattern} in {path}"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_restore_refuses_while_the_server_or_the_worker_runs(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (_label, url):
        env, backup = _prepared(tmp_path, url)
        server = Server(env, tmp_path / "gunicorn.log")
        server.start()
        try:
            refused = fangkong(env, "restore", str(backup), "--yes")
            assert refused.returncode != 0
            assert "fangkong 仍在本机运行，不能恢复：网页服务进程" in refused.stderr
            assert "systemctl stop fangkong" in refused.stderr
            assert python(env, USERS) == "li,wang"  # nothing restored over the live data
        finally:
            server.stop()

        worker = subprocess.Popen(
            [str(BIN / "fangkong"), "db_worker", "--interval", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(Path(env["FANGKONG_VAR_DIR"]) / "run", "*.worker")
            refused = fangkong(env, "restore", str(backup), "--yes")
            assert refused.returncode != 0
            assert f"后台任务进程 {worker.pid}" in refused.stderr
        finally:
            worker.terminate()
            worker.wait(30)

        restored = fangkong(env, "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert "已从" in restored.stdout and "恢复后的审计链头：#" in restored.stdout
        assert python(env, USERS) == "wang"
        verified = fangkong(env, "audit", "verify")
        assert verified.returncode == 0, verified.stderr


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_killed_server_does_not_block_a_restore(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as (_label, url):
        env, backup = _prepared(tmp_path, url)
        server = Server(env, tmp_path / "gunicorn.log")
        server.start()
        server.kill()  # its name files stay; its locks went with it
        assert list((Path(env["FANGKONG_VAR_DIR"]) / "run").glob("*.web"))
        restored = fangkong(env, "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert python(env, USERS) == "wang"


@pytest.mark.timeout(120)
def test_a_server_starting_during_a_restore_waits_for_it(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = server_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", var)
    starter = (
        "import django; django.setup(); from fangkong.core.running import register; "
        "register('web'); print('started', flush=True)"
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); from fangkong.core.running import exclusive\n"
            "with exclusive():\n    print('held', flush=True); sys.stdin.readline()",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "held"
    web = subprocess.Popen(
        [sys.executable, "-c", starter], env=env, stdout=subprocess.PIPE, text=True
    )
    assert web.stdout is not None
    time.sleep(1)
    assert web.poll() is None  # still waiting at the lock
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(30)
    assert web.stdout.readline().strip() == "started"
    web.wait(30)


@pytest.mark.skipif(
    os.environ.get("FANGKONG_DATABASE_URL", "").startswith("postgres"),
    reason="SQLite: the file itself",
)
@pytest.mark.timeout(300)
def test_on_sqlite_a_missed_connection_writes_into_the_restored_database(
    tmp_path: Path,
) -> None:
    db = tmp_path / "server.sqlite3"
    env, backup = _prepared(tmp_path, f"sqlite:///{db}")
    # A process fangkong does not know about, connected before the restore (WAL mode).
    missed = sqlite3.connect(db, timeout=30)
    missed.execute("PRAGMA journal_mode=WAL")
    assert missed.execute("SELECT count(*) FROM accounts_user").fetchone()[0] == 2
    restored = fangkong(env, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    # It writes after the restore: the write lands in the database everyone reads.
    missed.execute(
        "INSERT INTO accounts_loginfailure (username, ip, at) VALUES ('after-restore', NULL,"
        " '2020-02-03 08:00:00')"
    )
    missed.commit()
    assert missed.execute("SELECT count(*) FROM accounts_user").fetchone()[0] == 1
    missed.close()
    fresh = sqlite3.connect(db)
    assert fresh.execute(
        "SELECT count(*) FROM accounts_loginfailure WHERE username = 'after-restore'"
    ).fetchone() == (1,)
    assert [r[0] for r in fresh.execute("SELECT username FROM accounts_user")] == ["wang"]
    fresh.close()


@pytest.mark.skipif(
    not os.environ.get("FANGKONG_DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass of the suite",
)
@pytest.mark.timeout(300)
def test_on_postgresql_restore_refuses_while_another_session_is_connected(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path) as (_label, url):
        env, backup = _prepared(tmp_path, url)
        # Another host's fangkong, or anyone else: this machine's lock cannot see it.
        with psycopg.connect(url, application_name="fangkong-host2"):
            refused = fangkong(env, "restore", str(backup), "--yes")
            assert refused.returncode != 0
            assert "数据库仍有其他连接" in refused.stderr and "fangkong-host2" in refused.stderr
            assert python(env, USERS) == "li,wang"
        restored = fangkong(env, "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert python(env, USERS) == "wang"
