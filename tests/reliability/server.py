"""A real gunicorn over a fresh database, for the tests that need several server processes
(tests/reliability): started in its own process group so one signal reaches master and
workers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

import fangkong

BIN = Path(sys.executable).parent
SRC = Path(fangkong.__file__).resolve().parents[1]
WORKERS = 3


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(label, URL) of an empty database on the suite's engine: a SQLite file in the SQLite
    pass; in the PostgreSQL pass a new database next to the suite's, dropped afterwards."""
    suite = os.environ.get("FANGKONG_DATABASE_URL", "")
    if not suite.startswith("postgres"):
        yield "SQLite", f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    base, suite_db = suite.split("?")[0].rsplit("/", 1)
    name = f"{suite_db}_srv_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "PostgreSQL", f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def init_database(env: dict[str, str]) -> None:
    result = subprocess.run(
        [BIN / "fangkong", "init", "--no-static"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FANGKONG_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "FANGKONG_DATABASE_URL": database_url,
            "FANGKONG_VAR_DIR": str(var),
            "FANGKONG_LOG_LEVEL": "WARNING",
            # This checkout's code, wherever the subprocess runs from.
            "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
            **extra,
        }
    )
    return env


def python(env: dict[str, str], code: str) -> str:
    """Run `code` with Django set up on the server's database; its last line of output."""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


class Server:
    """gunicorn in its own process group, so one killpg reaches master and workers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [BIN / "gunicorn", "fangkong.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
                 "--threads", "1", "--timeout", "60", "--log-level", "warning"],
                env=self.env, stdout=out, stderr=out, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login/")  # any page that needs nobody
                if conn.getresponse().status == 200 and len(self.group()) > WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start: " + self.log.read_text()[-3000:])

    def group(self) -> list[int]:
        """Live (not zombie) processes in the server's process group."""
        assert self.proc is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()  # state ppid pgrp …
            if int(fields[2]) == self.proc.pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
        return found

    def kill(self) -> int:
        """SIGKILL master and workers at once; returns how many processes were killed."""
        assert self.proc is not None
        alive = len(self.group())
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        deadline = time.monotonic() + 10
        while self.group() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.group(), "a gunicorn worker survived SIGKILL of its process group"
        return alive

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
