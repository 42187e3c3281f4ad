from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.core.audit import (
    ChainHead,
    audit_head,
    audit_rechain,
    audit_verify,
    parse_head,
    read_heads_file,
    record_head,
    restart_heads_file,
)


class Command(BaseCommand):
    help = (
        "审计日志：fangkong audit verify 逐条核对带密钥的哈希链，报告第一处被修改、删除或插入的"
        "记录，并打印链头（最后一条记录的编号和哈希）。用 --expect 或链头文件核对此前记下的链头，"
        "可发现链尾被截断后又回退链头的情况。fangkong audit rechain --yes 在审计密钥丢失或更换后"
        "用当前密钥重新计算整条链（并把此前核对的结果记入审计日志）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "rechain"])
        parser.add_argument(
            "--yes",
            action="store_true",
            help="rechain：确认用当前密钥重新计算整条链（仅在密钥丢失或更换后使用）",
        )
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="编号:哈希",
            help="此前记下的链头（日报末尾或上次核对打印的），可重复；如 --expect 12345:3f9a1c2d5e6f7a8b",
        )
        parser.add_argument(
            "--heads",
            action="append",
            default=[],
            metavar="文件",
            help="记有链头的文本文件（每行含“#编号 哈希”），可重复",
        )
        parser.add_argument(
            "--no-heads-file",
            action="store_true",
            help="不核对本机的链头文件（FANGKONG_AUDIT_HEADS_FILE，默认 var/audit-heads.txt）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rechain":
            self._rechain(options["yes"])
            return
        expect: list[ChainHead] = []
        try:
            expect += [parse_head(text) for text in options["expect"]]
            for name in options["heads"]:
                path = Path(name)
                if not path.exists():
                    raise CommandError(f"链头文件不存在：{path}")
                expect += read_heads_file(path)
            if not options["no_heads_file"]:
                expect += read_heads_file(settings.FANGKONG_AUDIT_HEADS_FILE)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = audit_verify(expect=expect)
        if report.broken_at is not None:
            raise CommandError(
                f"审计链在记录 #{report.broken_at} 处断开：{report.reason}"
                f"（此前 {report.checked} 条记录完好）。"
            )
        anchors = f"，与此前记下的 {report.anchors_checked} 个链头相符" if expect else ""
        self.stdout.write(
            self.style.SUCCESS(f"审计链完整：已核对 {report.checked} 条记录{anchors}。")
        )
        self.stdout.write(f"链头：{report.head}（共 {report.checked} 条）")
        self.stdout.write("请把链头另行记下（如抄入值班记录），以后核对时用 --expect 给出。")
        record_head(report.head, "audit verify")

    def _rechain(self, confirmed: bool) -> None:
        """After the key was lost or replaced: check the chain as it is, say what was found,
        and chain every record anew with the current key (a record at the end states it)."""
        from fangkong.core.models import AuditChainHead, AuditEntry

        report = audit_verify()
        if report.broken_at is None:
            found = "完好"
        else:
            found = f"在记录 #{report.broken_at} 处断开：{report.reason}"
        self.stdout.write(f"用当前密钥核对现有的链：{found}")
        if not confirmed:
            raise CommandError(
                "重新计算后，旧链上的修改将无法再被发现（结果会记入审计日志）。"
                "仅在审计密钥丢失或更换后使用；确认后加 --yes 重新执行。"
            )
        audit_rechain(
            AuditEntry,
            AuditChainHead,
            found=found,
            reason="审计链用当前密钥重新计算（fangkong audit rechain）",
        )
        aside = restart_heads_file("audit rechain")
        if aside is not None:
            self.stdout.write(f"此前记下的链头已另存为 {aside}（对应旧的哈希）。")
        self.stdout.write(self.style.SUCCESS(f"已重新计算。链头：{audit_head()}"))
