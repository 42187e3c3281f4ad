from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.org.areas import AmbiguousName, area_unit, township_named, unit_named
from fangkong.org.models import Officer, Township, Unit


class Command(BaseCommand):
    help = (
        "新建账号：fangkong createuser 用户名 --role 角色 [--area 区划代码] [--unit 单位名] "
        "[--township 乡镇] [--officer 警号] [--temporary]"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=Role.values,
            help="；".join(f"{v}={label}" for v, label in Role.choices),
        )
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument(
            "--unit", help="所属单位名称（派出所角色必填；多个区划同名时用 --area 指明）"
        )
        parser.add_argument(
            "--area",
            help="所属区划代码（如 370921 县、3709 市）：账号属于该区划的公安局，看到其下各区划",
        )
        parser.add_argument("--township", help="所属乡镇街道名称（多个县同名时用 --area 指明）")
        parser.add_argument("--officer", help="对应民警的警号")
        parser.add_argument(
            "--password", help="密码（不填则交互输入；也可用环境变量 FANGKONG_NEW_PASSWORD）"
        )
        parser.add_argument(
            "--temporary",
            action="store_true",
            help="临时密码：交给账号本人，本人首次登录时须先改为自己的密码",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        import os

        password = o["password"] or os.environ.get("FANGKONG_NEW_PASSWORD")
        if not password:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            area = (o["area"] or "").strip()
            # Names are unique per area only: each is looked for within --area when given.
            unit = unit_named(o["unit"], area) if o["unit"] else None
            if area and unit is None:
                unit = area_unit(area)
            township = township_named(o["township"], area) if o["township"] else None
            officer = Officer.objects.get(badge_number=o["officer"]) if o["officer"] else None
        except (Unit.DoesNotExist, Township.DoesNotExist, Officer.DoesNotExist) as exc:
            raise CommandError(f"未找到：{exc}") from exc
        except AmbiguousName as exc:
            raise CommandError(str(exc)) from exc
        try:
            user = user_create(
                username=o["username"],
                password=password,
                role=o["role"],
                by=None,
                display_name=o["name"],
                unit=unit,
                township=township,
                officer=officer,
                temporary=o["temporary"],
            )
        except ValidationError as exc:
            raise CommandError(
                "；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        note = "；临时密码，本人首次登录时须先修改" if user.password_temporary else ""
        self.stdout.write(
            self.style.SUCCESS(f"已新建账号 {user.username}（{user.get_role_display()}）{note}")
        )
