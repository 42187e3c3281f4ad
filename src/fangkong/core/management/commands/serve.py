"""`fangkong serve`: gunicorn and the task worker of one instance.

Everything an instance keeps on disk while it runs lives under its own
$FANGKONG_VAR_DIR/run: gunicorn's control socket (gunicorn's default is one per user,
~/.gunicorn/gunicorn.ctl or $XDG_RUNTIME_DIR/gunicorn.ctl, which a second instance of the
same user would take over), its pid file, and the per-worker files /metrics sums
(PROMETHEUS_MULTIPROC_DIR). Two instances with two var dirs share nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def instance_files(var_dir: Path) -> dict[str, Path]:
    """The files and folders of the instance whose var dir is `var_dir`."""
    run = var_dir / "run"
    return {
        "control_socket": run / "gunicorn.ctl",
        "pid": run / "gunicorn.pid",
        "metrics": run / "metrics",
    }


def prepare_instance(var_dir: Path) -> dict[str, Path]:
    """Create the instance's run folder and empty its metrics folder (counters start again
    with the process, as Prometheus expects of a restart)."""
    files = instance_files(var_dir)
    files["metrics"].parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(files["metrics"], ignore_errors=True)
    files["metrics"].mkdir(mode=0o700)
    return files


def gunicorn_command(
    *, files: dict[str, Path], host: str, port: int, workers: int, threads: int
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "fangkong.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # gthread, its 414 and 431 said as the site's (core/server.py)
        "--worker-class",
        "fangkong.core.server.Worker",
        # gunicorn's bounds on what it reads before Django runs, named: a request line of
        # 4094 bytes (an address's query included), 100 headers of 8190 bytes each.
        "--limit-request-line",
        "4094",
        "--limit-request-fields",
        "100",
        "--limit-request-field_size",
        "8190",
        "--timeout",
        "120",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--control-socket",
        str(files["control_socket"]),
        "--pid",
        str(files["pid"]),
    ]


class Command(BaseCommand):
    help = "在本机启动网页服务（gunicorn）和后台任务进程，Ctrl-C 停止。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("FANGKONG_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("FANGKONG_PORT", "8000"))
        )
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args: Any, **options: Any) -> None:
        files = prepare_instance(Path(settings.VAR_DIR))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "PROMETHEUS_MULTIPROC_DIR": str(files["metrics"]),
        }
        if options["no_worker"]:
            env["FANGKONG_HEALTH_WORKER"] = "false"  # /healthz: no worker to look for here
        web = gunicorn_command(
            files=files,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
        procs = [subprocess.Popen(web, env=env)]
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "fangkong.cli", "db_worker", "--interval", "1"]
            procs.append(subprocess.Popen(worker, env=env))
        self.stdout.write(f"fangkong 已启动：http://{options['host']}:{options['port']}/")

        def stop(signum: int, frame: Any) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            procs[0].wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop(signal.SIGTERM, None)
            for p in procs:
                try:
                    p.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    p.kill()
