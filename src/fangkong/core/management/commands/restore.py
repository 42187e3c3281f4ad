from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fangkong.core.backup import restore_from


class Command(BaseCommand):
    help = "从备份文件恢复数据库（会覆盖当前数据）。请先停止服务；须加 --yes 确认。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="fangkong backup 生成的备份文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"备份文件不存在：{path}")
        if not options["yes"]:
            raise CommandError(
                "恢复会覆盖当前数据库中的全部数据。请先停止服务，确认后加 --yes 重新执行。"
            )
        try:
            restore_from(path)
        except Exception as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复。"))
