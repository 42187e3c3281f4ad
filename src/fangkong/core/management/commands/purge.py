from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fangkong.core.purge import purge_personal_data, purgeable_person_ids


class Command(BaseCommand):
    help = (
        "疫情结束后清除个人信息：在指定日期之前已结案、此后未再出现的人员，其姓名、证件号、电话、住址被清除；"
        "记录本身保留（匿名），各项统计数字不变。须确认；--dry-run 只演练。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--closed-before", required=True, help="日期 YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不清除")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接清除")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            before = datetime.date.fromisoformat(o["closed_before"])
        except ValueError as exc:
            raise CommandError("--closed-before 须为日期，如 2020-06-30") from exc
        n = len(purgeable_person_ids(before))
        self.stdout.write(f"{before} 之前已结案、此后未再出现的人员：{n} 人。")
        if not o["dry_run"] and not o["yes"]:
            answer = input("清除后无法恢复（请先备份：fangkong backup）。确认清除请输入“清除”：")
            if answer.strip() != "清除":
                raise CommandError("未确认，未清除任何数据。")
        counts = purge_personal_data(before=before, by=None, dry_run=o["dry_run"])
        verb = "将清除" if o["dry_run"] else "已清除"
        for key, value in counts.items():
            self.stdout.write(f"  {key}: {verb} {value} 条")
        if o["dry_run"]:
            self.stdout.write("演练完毕，未改动任何数据。")
        else:
            self.stdout.write(self.style.SUCCESS("清除完毕，已记入审计日志。"))
