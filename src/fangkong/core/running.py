"""Which fangkong processes run on this machine, so that `restore` never runs beside them.

Each process that serves or works — every gunicorn worker (fangkong/wsgi.py), the task
worker (`fangkong db_worker`), `runserver` — holds a shared lock on var/run/fangkong.lock
for as long as it lives and leaves a file var/run/<pid>.<role> naming itself. `restore`
takes the lock exclusively: while any of them runs it cannot, and says which ones run; while
it restores, a process starting waits at the lock until the restore is done. The kernel
drops a lock when its process ends, even by kill -9, so a stale name file never blocks.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LOCK = "fangkong.lock"
# What each role is called in a message to the operator.
ROLES = {"web": "网页服务进程", "worker": "后台任务进程", "runserver": "开发服务器"}

_held: list[int] = []


def run_dir() -> Path:
    return Path(settings.VAR_DIR) / "run"


@dataclass(frozen=True)
class Running:
    pid: int
    role: str
    command: str

    def __str__(self) -> str:
        return f"{ROLES.get(self.role, self.role)} {self.pid}"


class ProcessesRunning(Exception):
    def __init__(self, processes: list[Running]) -> None:
        self.processes = processes
        super().__init__(", ".join(str(p) for p in processes) or "未知进程")


def register(role: str) -> None:
    """Hold the shared lock for the life of this process (waiting while a restore runs)."""
    if _held:
        return
    folder = run_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held.append(fd)
    name = folder / f"{os.getpid()}.{role}"
    name.write_text(" ".join(sys.argv)[:500], encoding="utf-8")
    atexit.register(name.unlink, missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running() -> list[Running]:
    """The processes that said they run here and are still alive."""
    found = []
    for path in sorted(run_dir().glob("*.*")):
        pid_text, _dot, role = path.name.partition(".")
        if path.name == LOCK or not pid_text.isdigit():
            continue
        if not _alive(int(pid_text)):
            continue
        try:
            command = path.read_text(encoding="utf-8")
        except OSError:
            command = ""
        found.append(Running(int(pid_text), role, command))
    return found


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """Hold the lock alone for the block; ProcessesRunning if any process holds it."""
    folder = run_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProcessesRunning(running()) from None
        # Whoever left a name and is gone (killed) no longer counts.
        for path in folder.glob("*.*"):
            if path.name != LOCK:
                path.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
