from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.command.report import write_daily_report
from fangkong.core.audit import audit_head
from fangkong.core.clock import work_day


class Command(BaseCommand):
    help = "生成报告。daily：疫情防控工作日报（Word，GB/T 9704版式）及附表（Excel）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        daily = sub.add_parser("daily", help="疫情防控工作日报")
        daily.add_argument("--date", help="日期 YYYY-MM-DD（默认今天）")
        daily.add_argument(
            "-o", "--output", required=True, help="输出文件 FILE.docx（另写 FILE-附表.xlsx）"
        )
        daily.add_argument("--no-annex", action="store_true", help="不生成附表")

    def handle(self, *args: Any, **options: Any) -> None:
        day = work_day()
        if options.get("date"):
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date 须为日期，如 2020-02-03：{options['date']}") from exc
        out = Path(options["output"])
        if out.suffix.lower() != ".docx":
            raise CommandError("-o 须为 .docx 文件")
        if not out.parent.exists():
            raise CommandError(f"目录不存在：{out.parent}")
        annex = None if options["no_annex"] else out.with_name(f"{out.stem}-附表.xlsx")
        stats = write_daily_report(day, str(out), str(annex) if annex else None)
        self.stdout.write(f"已生成 {out}")
        if annex:
            self.stdout.write(f"已生成 {annex}")
        self.stdout.write(f"{len(stats['sections'])} 个板块，{len(stats['figures'])} 项指标")
        self.stdout.write(f"审计链头（日报末尾亦有）：{audit_head()}")
