from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.core import clock
from fangkong.core.backup import backup_to, database_checksums, is_sqlite


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份或 pg_dump），服务运行中也可执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("-o", "--output", help="备份文件路径（默认 var/backups/ 下按时间命名）")
        parser.add_argument("--checksums", action="store_true", help="同时打印各表行数和校验值")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = clock.system_now().strftime("%Y%m%d-%H%M%S")
        suffix = "sqlite3" if is_sqlite() else "dump"
        path = Path(
            options["output"] or settings.VAR_DIR / "backups" / f"fangkong-{stamp}.{suffix}"
        )
        try:
            backup_to(path)
        except Exception as exc:  # report any failure plainly to the operator
            raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}（{path.stat().st_size:,} 字节）"))
        if options["checksums"]:
            for table, (rows, digest) in database_checksums().items():
                self.stdout.write(f"  {table:<40} {rows:>9} {digest[:16]}")
