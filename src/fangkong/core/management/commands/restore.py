from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fangkong.core.backup import other_sessions, restore_from
from fangkong.core.running import ProcessesRunning, exclusive

STOP_HINT = (
    "请先停止服务（systemd：systemctl stop fangkong；或在运行 fangkong serve 的终端按 Ctrl-C），"
    "确认后再执行恢复。"
)


class Command(BaseCommand):
    help = (
        "从备份文件恢复数据库（会覆盖当前数据）。服务或后台任务进程仍在运行时拒绝恢复；"
        "须加 --yes 确认。"
    )

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
            # Held until the restore is done: a server starting meanwhile waits for it.
            with exclusive():
                sessions = other_sessions()
                if sessions:
                    raise CommandError(
                        "数据库仍有其他连接，不能恢复（可能是另一台服务器上的 fangkong）："
                        + "；".join(sessions)
                        + "。"
                        + STOP_HINT
                    )
                try:
                    restore_from(path)
                except Exception as exc:
                    raise CommandError(f"恢复失败：{exc}") from exc
                self._start_heads_file(path)
        except ProcessesRunning as exc:
            raise CommandError(
                f"fangkong 仍在本机运行，不能恢复：{exc}。{STOP_HINT}"
                "（恢复时服务若仍在运行，其写入会丢失。）"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复。"))
        self.stdout.write("请重新启动服务，并执行 fangkong audit verify 核对审计链。")

    def _start_heads_file(self, backup: Path) -> None:
        """The heads written since the backup was taken describe a chain the restore has
        just replaced: kept aside, and a new file starts with the restored head."""
        from fangkong.core.audit import audit_head, restart_heads_file

        aside = restart_heads_file(f"restore {backup.name}")
        if aside is not None:
            self.stdout.write(f"此前记下的审计链头已另存为 {aside}。")
        self.stdout.write(f"恢复后的审计链头：{audit_head()}")
