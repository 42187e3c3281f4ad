from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts import mfa
from fangkong.accounts.models import User


class Command(BaseCommand):
    help = (
        "二次验证：fangkong otp status 用户名 查看；fangkong otp reset 用户名 --reason 原因 "
        "重置（手机丢失时，结束其所有登录，下次登录重新绑定；留痕）；fangkong otp code 用户名 "
        "显示演示账号当前的验证码（仅限演示县的公开密钥）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["status", "reset", "code"])
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="重置原因（reset 必填），记入审计日志")

    def handle(self, *args: Any, **o: Any) -> None:
        user = User.objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"没有用户名为 {o['username']} 的账号")
        device = mfa.totp_device(user)
        if o["action"] == "status":
            required = "必须" if mfa.mfa_required(user) else "可选"
            if device is None:
                self.stdout.write(f"{user.username}：未启用二次验证（该角色{required}）")
            else:
                self.stdout.write(
                    f"{user.username}：已启用二次验证（该角色{required}），绑定于 "
                    f"{device.created_at:%Y-%m-%d %H:%M}，未用恢复码 {mfa.recovery_codes_left(user)} 个"
                )
        elif o["action"] == "reset":
            try:
                had = mfa.mfa_reset(user=user, by=None, reason=o["reason"], via="cli")
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
            if had:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"已重置 {user.username} 的二次验证：其所有登录已结束，下次登录时重新绑定手机。"
                    )
                )
            else:
                self.stdout.write(f"{user.username} 未启用二次验证；已结束其所有登录。")
        else:
            if device is None or device.name != mfa.DEMO_DEVICE_NAME:
                raise CommandError(
                    "只能显示演示县账号（公开密钥）的验证码；真实账号的验证码只在本人手机上。"
                )
            self.stdout.write(mfa.totp_code(mfa.device_secret(device)))
