from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.audit import audit_verify


class Command(BaseCommand):
    help = "审计日志：fangkong audit verify 逐条核对哈希链，报告第一处被修改、删除或插入的记录。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.broken_at is None:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：已核对 {report.checked} 条记录。"))
            return
        raise CommandError(
            f"审计链在记录 #{report.broken_at} 处断开：{report.reason}"
            f"（此前 {report.checked} 条记录完好）。"
        )
