"""One clock: fangkong reads the time only through core.clock (now(), today(), system_now()).

A `timezone.now()` elsewhere would stamp a record with the machine's day while the rest of the
demo county lives on FANGKONG_TODAY, and would not move with the tests' clock (`--clock`,
`clock_at`): the bugs of issue 15. This check keeps them from coming back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fangkong.core import clock

ROOT = Path(__file__).resolve().parents[1]
THE_CLOCK = ROOT / "src/fangkong/core/clock.py"
# Read the time whatever the arguments: the machine's clock.
ALWAYS = {
    ("timezone", "now"),
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("time", "time"),
}
# Read the machine's clock when given no moment to convert.
WITHOUT_ARGUMENT = {("timezone", "localdate"), ("timezone", "localtime")}
# A test or benchmark that talks to a server in a process of its own speaks that process's
# time (the machine's); it says so on the line or the line above.
MARK = "machine clock"


def _owner(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def clock_reads(source: str, name: str) -> list[str]:
    tree = ast.parse(source, filename=name)
    lines = source.splitlines()
    called = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        key = (_owner(node.value), node.attr)
        call = called.get(id(node))
        if key in ALWAYS or (key in WITHOUT_ARGUMENT and not (call and call.args)):
            near = " ".join(lines[max(0, node.lineno - 2) : node.lineno])
            if MARK in near:
                continue
            found.append(f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def _sources() -> list[Path]:
    paths = [*(ROOT / "src/fangkong").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    paths += (ROOT / "tests").rglob("*.py")
    # Migrations are history: they keep the code they were written with.
    return sorted(p for p in paths if p != THE_CLOCK and "migrations" not in p.parts)


def test_only_core_clock_reads_the_time() -> None:
    found = [
        line
        for path in _sources()
        for line in clock_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "read the time through fangkong.core.clock:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("code", "reads"),
    [
        ("from django.utils import timezone\nx = timezone.now()", True),
        ("import datetime\nx = datetime.date.today()", True),
        ("import datetime\nx = datetime.datetime.now(tz=None)", True),
        ("import time\nx = time.time() // 60", True),
        ("f = models.DateTimeField(default=timezone.now)", True),
        ("f = forms.DateField(initial=timezone.localdate)", True),
        ("x = timezone.localtime()", True),
        ("x = timezone.localtime(at)", False),
        ("x = timezone.localdate(at, SHANGHAI)", False),
        ("x = clock.now()", False),
        ("x = time.time()  # machine clock: the server's", False),
    ],
)
def test_the_check_finds_a_clock_read(code: str, reads: bool) -> None:
    assert bool(clock_reads(code, "probe.py")) is reads


def test_the_clock_reads_the_fixed_day_at_the_current_time(settings, clock_at) -> None:  # type: ignore[no-untyped-def]
    import datetime

    clock_at("07:45")
    settings.FANGKONG = {**settings.FANGKONG, "TODAY": "2020-02-03"}
    now = clock.now()
    assert now.date() == clock.today() == datetime.date(2020, 2, 3)
    assert (now.hour, now.minute) == (7, 45)
    assert clock.today_this_minute() == datetime.date(2020, 2, 3)


def test_the_suite_clock_starts_each_test_at_its_hour(request: pytest.FixtureRequest) -> None:
    """`pytest --clock 23:59` (make test-clock): every test begins at 23:59 Shanghai time."""
    local = request.config.getoption("--clock")
    if not local:
        pytest.skip("the suite runs on the machine's hour (no --clock)")
    assert clock.now().strftime("%H:%M") == local
