"""Officers at scale (core/scale.py): the duty officers of the generated counties'
checkpoints, twelve a checkpoint (four groups of three), on post at the station that runs it;
written in the order of the checkpoints (ctx.data["checkpoints"]), which the roster follows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fangkong.core.demo import mobile, person_name
from fangkong.core.scale import ScaleContext, pinyin_of
from fangkong.org.models import Officer

PER_CHECKPOINT = 12
COLUMNS = (
    "id", "name", "name_pinyin", "name_initials", "badge_number", "kind", "unit_id",
    "position", "phone", "party_member", "status", "status_since",
)  # fmt: skip


def build(ctx: ScaleContext) -> None:
    units = [unit for _checkpoint, unit in ctx.data.get("checkpoints", [])]
    n = len(units) * PER_CHECKPOINT
    if n <= 0:
        return
    rng = ctx.rng
    first = ctx.writer.next_id(Officer)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            sex = "M" if rng.random() < 0.85 else "F"
            name = person_name(rng, sex)
            spelled, initials = pinyin_of(name)
            yield (
                first + i, name, spelled, initials, f"S{i:07d}",
                "police" if rng.random() < 0.55 else "auxiliary", units[i // PER_CHECKPOINT], "",
                mobile(rng), rng.random() < 0.45, Officer.Status.ON_POST, None,
            )  # fmt: skip

    ctx.writer.write(Officer, COLUMNS, rows(), label="警力")
    ctx.data["officers"] = {"first": first, "count": n}
