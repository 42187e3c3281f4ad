from __future__ import annotations

import argparse
import contextlib
import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fangkong.core import clock
from fangkong.core.demo import DEMO_PASSWORD
from fangkong.core.reference import load_reference_data
from fangkong.core.scale import SCALES, SIZES, build_scale, last_day


def _time_of_day(value: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--at {value!r}：须为时:分，如 09:30") from None


class Command(BaseCommand):
    help = (
        "建立演示县（宁阳县样例，人员均为虚构）并启动服务。数据库为 FANGKONG_DATABASE_URL "
        "所指；已有数据时须加 --reset 清空重建。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只建库，不启动服务")
        parser.add_argument("--reset", action="store_true", help="清空数据库后重建")
        parser.add_argument("--seed", type=int, default=2020, help="随机种子（同一种子结果相同）")
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="county",
            help="规模：county 演示县；city 泰安市6个县（须 FANGKONG_AREA_CODE=3709）；"
            "province 山东省16个市及其各县，约100万人、10万名返乡人员、500万条通行记录、60天"
            "（须 FANGKONG_AREA_CODE=37）",
        )
        for name, help_text in (
            ("cities", "province：市的个数（默认16个，泰安市总在其中）"),
            ("per-city", "province：每市至多几个县（默认全部）"),
            ("persons", "人员数（覆盖规模默认值）"),
            ("cases", "返乡人员数（覆盖规模默认值）"),
            ("passages", "通行记录数（覆盖规模默认值）"),
        ):
            parser.add_argument(f"--{name}", type=int, default=None, help=help_text)
        parser.add_argument(
            "--at",
            type=_time_of_day,
            default=None,
            metavar="HH:MM",
            help="演示县建成于当天的这一时刻（默认：现在）；同一种子、同一时刻建成的演示县相同",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] == "city" and settings.FANGKONG["AREA_CODE"] != "3709":
            raise CommandError(
                "--scale city 建立泰安市（3709）及其6个县：须以 FANGKONG_AREA_CODE=3709 运行"
                "（并宜设 FANGKONG_BUREAU_NAME=泰安市公安局）。"
                "（A city installation: run with FANGKONG_AREA_CODE=3709.)"
            )
        if options["scale"] == "province" and settings.FANGKONG["AREA_CODE"] != "37":
            raise CommandError(
                "--scale province 建立山东省（37）及其各市、县：须以 FANGKONG_AREA_CODE=37 运行"
                "（并宜设 FANGKONG_BUREAU_NAME=山东省公安厅）。"
                "（A province installation: run with FANGKONG_AREA_CODE=37.)"
            )
        self._prepare(reset=options["reset"])
        call_command("migrate", interactive=False, verbosity=0)
        load_reference_data()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("正在建立演示县 Building the demo county …")
        scale = options["scale"]
        at = options["at"]
        # --at: the county is what has happened by that moment of its day (else by now).
        with (
            contextlib.nullcontext()
            if at is None
            else clock.held(datetime.datetime.combine(clock.today(), at, clock.SHANGHAI))
        ):
            built = build_scale(
                scale,
                seed=options["seed"],
                log=self.stdout.write,
                cities=options["cities"],
                per_city=options["per_city"],
                persons=options["persons"],
                cases=options["cases"],
                passages=options["passages"],
            )
        ctx = built.demo
        self.stdout.write(
            self.style.SUCCESS(f"演示县已建成。演示账号（密码均为 {DEMO_PASSWORD}）：")
        )
        counties = built.data.get("counties", [])
        # A province's ~400 county accounts go in a table below, one line a city.
        county_logins = {
            f"{c.plan.login}_{suffix}" for c in counties for suffix in ("zhihui", "pcs", "kk")
        }
        for username, role, note in ctx.logins:
            if username not in county_logins:
                self.stdout.write(f"  {username:<16} {role:<12} {note}")
        if counties:
            self._county_table(counties)
        for note in ctx.notes:
            self.stdout.write(note)
        if scale in SIZES and scale != "city":
            size = SIZES[scale]
            self.stdout.write(
                f"规模数据的最后一天为 {last_day(size)}：以 FANGKONG_TODAY={last_day(size)} "
                "启动可按当天查看。"
            )
        if not options["no_serve"]:
            self.stdout.write(f"访问 http://{options['host']}:{options['port']}/")
            call_command("serve", host=options["host"], port=options["port"])

    def _county_table(self, counties: list[Any]) -> None:
        """One line a city: its commander, then each county's login prefix."""
        self.stdout.write(
            "各县账号：每县三个，<前缀>_zhihui 县指挥中心（须二次验证）、<前缀>_pcs 派出所、"
            "<前缀>_kk 检查站（密码同上）。各市、各县的前缀："
        )
        by_city: dict[str, list[Any]] = {}
        for county in counties:
            by_city.setdefault(county.city, []).append(county)
        for city, items in by_city.items():
            names = "  ".join(f"{c.plan.name} {c.plan.login}" for c in items)
            self.stdout.write(f"  {city} {items[0].city_name} {len(items):>2}个县: {names}")

    def _prepare(self, *, reset: bool) -> None:
        db = settings.DATABASES["default"]
        tables = connection.introspection.table_names()
        if not tables:
            return
        if not reset:
            raise CommandError(
                "数据库中已有数据。建立演示县会清空它：确认请加 --reset。"
                "（The database is not empty; add --reset to rebuild it.)"
            )
        if connection.vendor == "sqlite":
            connection.close()
            name = Path(str(db["NAME"]))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
