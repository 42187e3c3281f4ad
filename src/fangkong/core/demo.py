"""The demo county: built app by app, through the same services users call.

Each app may have a `demo.py` with `build(ctx: DemoContext) -> None`; `fangkong demo` runs
them in INSTALLED_APPS order (which is dependency order), with one seeded random generator,
so the same seed always gives the same county.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fangkong.core import clock
from fangkong.core.apps import run_builds
from fangkong.core.clock import SHANGHAI

DEMO_PASSWORD = "Fangkong@2020"
# The authenticator secret of the demo accounts whose role requires a second factor
# (base32 IZQW 4Z3L N5XG ORDF NVXT EMBS GBKG 65DQ). Published, like the password: the demo
# county is synthetic. `fangkong otp code zhihui` prints the current code.
DEMO_TOTP_KEY = b"FangkongDemo2020Totp".hex()


@dataclass
class DemoContext:
    rng: random.Random
    # The emergency began on 2020-01-24 (Shandong's first-level response); the bureau went
    # to wartime on 2020-01-26; the seed article reports as of 2020-02-03.
    start: datetime.date = datetime.date(2020, 1, 24)
    wartime: datetime.datetime = datetime.datetime(2020, 1, 26, 14, 0, tzinfo=SHANGHAI)
    today: datetime.date = datetime.date(2020, 2, 3)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    # Said once after the logins (the apps' builds add them: the authenticator secret).
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = print
    # The demo's "now": the platform's clock when it reads the demo's day or an earlier one
    # (`make demo` sets FANGKONG_TODAY to it), else the end of the demo's day. Nothing the
    # demo records lies after it: what would happen later in the day does not happen yet.
    now: datetime.datetime = field(default_factory=clock.now)

    def __post_init__(self) -> None:
        self.now = min(self.now, self.at(self.today, 23, 59))

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)

    def happened(self, at: datetime.datetime) -> bool:
        """Whether a record stamped `at` already exists at the demo's now."""
        return at <= self.now


def build_demo(*, seed: int = 2020, log: Callable[[str], None] = print) -> DemoContext:
    ctx = DemoContext(rng=random.Random(seed), log=log)
    # Built at one instant, its now: a build begun at 23:59 on a fixed day (FANGKONG["TODAY"])
    # would otherwise see the clock wrap to 00:00 of that day and its records lie ahead.
    with clock.held(ctx.now):
        run_builds("demo", ctx, log)
    return ctx


# Synthetic names: common surnames weighted roughly by frequency in Shandong, and given-name
# characters common in the generations born 1950–2010. No real person is meant.
SURNAMES = (
    "王王王王张张张李李李刘刘陈杨赵赵黄周吴徐孙孙马胡朱郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN_M = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林洋峰建国庆文兵成东亮志海鹏晨博新"
)
GIVEN_F = "芳娜敏静丽艳娟霞秀英华玲红梅琳燕萍雪颖慧婷倩佳莉兰凤洁琴云玉丹晶妍晓欣悦"


def person_name(rng: random.Random, sex: str) -> str:
    pool = GIVEN_M if sex == "M" else GIVEN_F
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(
            [
                "138",
                "139",
                "135",
                "136",
                "150",
                "151",
                "152",
                "158",
                "159",
                "186",
                "187",
                "188",
                "130",
                "131",
                "132",
                "155",
                "156",
                "185",
                "133",
                "153",
                "180",
                "189",
                "177",
                "199",
            ]
        )
        + f"{rng.randrange(10**8):08d}"
    )
