from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


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
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fangkong.settings"}
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "fangkong.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
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
