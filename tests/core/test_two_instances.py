"""Two fangkong instances on one host, same user: each gunicorn keeps its control socket,
pid file and metrics files in its own var dir, none in the user's home (docs/deployment.md,
"Two instances on one host"). Real gunicorns, started the way `fangkong serve` starts them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from fangkong.core.management.commands.serve import gunicorn_command, prepare_instance

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int) -> None:
    for _i in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on {port}")


def test_two_instances_share_no_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    instances = []
    try:
        for name in ("ningyang", "training"):
            var_dir = tmp_path / name
            var_dir.mkdir()
            files = prepare_instance(var_dir)
            port = free_port()
            env = {
                **{k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"},
                "HOME": str(home),
                "PYTHONPATH": str(ROOT / "src"),
                "DJANGO_SETTINGS_MODULE": "fangkong.settings",
                "FANGKONG_VAR_DIR": str(var_dir),
                "FANGKONG_DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
                "FANGKONG_HEALTH_WORKER": "false",
                "FANGKONG_HEALTH_DISK_MIN_MB": "1",
                "PROMETHEUS_MULTIPROC_DIR": str(files["metrics"]),
            }
            command = gunicorn_command(
                files=files, host="127.0.0.1", port=port, workers=1, threads=1
            )
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
            instances.append((var_dir, files, port, process))
        for var_dir, files, port, _process in instances:
            wait_for(port)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                assert json.load(response)["status"] == "ok"
            assert files["control_socket"].is_socket()
            assert files["control_socket"].parent == var_dir / "run"
            assert files["pid"].read_text().strip().isdigit()
            # The healthz request was counted in this instance's own metrics folder.
            assert any(files["metrics"].iterdir())
        pids = {files["pid"].read_text().strip() for _v, files, _p, _x in instances}
        assert len(pids) == 2
        assert not (home / ".gunicorn").exists()
    finally:
        for _v, _f, _p, process in instances:
            process.terminate()
            process.wait(30)
