from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fangkong.accounts.roles_doc import roles_markdown


class Command(BaseCommand):
    help = "列出角色、管辖范围和权限；--markdown 输出 docs/roles.md 的内容。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--markdown", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(roles_markdown(), ending="")
