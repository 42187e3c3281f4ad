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

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment with this checkout's code first (not the virtualenv's installed copy)."""
    path = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, **extra}


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *options: str, wait: int = 200) -> Iterator[int]:
    """gunicorn with `options` on 127.0.0.1 and a free port; yields the port once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [BIN / "gunicorn", "fangkong.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", *options],
        env=env,
    )  # fmt: skip
    try:
        for _i in range(wait):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(30)
