"""fangkong token create --checkpoint CODE --user USERNAME: a device's bearer token.

Only for a user whose role registers at checkpoints, at a checkpoint they are posted to
(checkpoints/services/tokens.py token_refusal); creation and revocation are audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts.models import User
from fangkong.checkpoints.models import Checkpoint, DeviceToken
from fangkong.checkpoints.services import token_create, token_revoke


class Command(BaseCommand):
    help = (
        "检查站设备令牌：create 新建（令牌只显示一次，只保存其摘要；只能发给安排在该检查站的"
        "检查站角色用户）；list 列出；revoke 吊销。新建和吊销均记入审计日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建设备令牌")
        create.add_argument("--checkpoint", required=True, help="检查站代码，如 G104N")
        create.add_argument("--user", required=True, help="令牌代表的用户名")
        create.add_argument("--name", default="", help="设备名称")
        sub.add_parser("list", help="列出设备令牌")
        revoke = sub.add_parser("revoke", help="吊销设备令牌")
        revoke.add_argument("prefix", help="令牌前缀（list 所示）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            cp = Checkpoint.objects.filter(code=options["checkpoint"]).first()
            if cp is None:
                raise CommandError(f"检查站代码不存在：{options['checkpoint']}")
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
            try:
                _token, raw = token_create(checkpoint=cp, user=user, by=None, name=options["name"])
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
            self.stderr.write(f"设备令牌（只显示这一次，请妥善保存）：{cp.name} / {user.username}")
            self.stdout.write(raw)
        elif action == "list":
            for t in DeviceToken.objects.select_related("checkpoint", "user").order_by("id"):
                state = "已吊销" if t.revoked_at else "有效"
                self.stdout.write(
                    f"{t.prefix}…  {t.checkpoint.code}  {t.user.username}  {t.name}  {state}"
                )
        elif action == "revoke":
            revoked = token_revoke(prefix=options["prefix"], by=None)
            if not revoked:
                raise CommandError("没有找到有效的该前缀令牌")
            self.stdout.write(f"已吊销 {len(revoked)} 个令牌")
