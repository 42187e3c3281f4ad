from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from fangkong.core.reference import load_reference_data


class Command(BaseCommand):
    help = "建立或升级数据库并载入基础数据（重点地区、乡镇街道），可重复执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-static", action="store_true", help="不收集静态文件")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = load_reference_data()
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"数据库已就绪；新增基础数据 {created} 条。"))
