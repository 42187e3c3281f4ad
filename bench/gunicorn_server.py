"""One gunicorn for the benchmarks: this checkout's code on a free port, up before it returns."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children still running:
    a gunicorn master and its workers."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    total = 0
    for p in [pid, *map(int, children)]:
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


class Server(NamedTuple):
    port: int
    pid: int  # the master's: cpu_seconds(pid) counts its workers too


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment with this checkout's code first (not the virtualenv's installed copy)."""
    path = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, **extra}


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *options: str, wait: int = 200) -> Iterator[Server]:
    """gunicorn with `options` on 127.0.0.1 and a free port (FANGKONG_BENCH_PORT: that one, on
    a machine where each engineer has their own); yields it once it answers."""
    port = int(os.environ.get("FANGKONG_BENCH_PORT") or 0) or free_port()
    process = subprocess.Popen(
        [BIN / "gunicorn", "fangkong.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning",
         # Not gunicorn's one control socket per user (~/.gunicorn/gunicorn.ctl): several
         # benchmarks and engineers run gunicorns side by side on one machine.
         "--no-control-socket", *options],
        env=env,
    )  # fmt: skip
    try:
        for _i in range(wait):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        process.wait(30)
