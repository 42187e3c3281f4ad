"""docs/security.md cannot rot: every test it names exists, and its issue-14 table has a
row for each of the eight findings."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "security.md"

# `tests/x/test_y.py::test_z`, `tests/x/test_y.py::Class::test_z`, `tests/x/test_y.py`,
# and the page's short forms: `…test_y.py::test_z`, `…::test_z` / `::test_z` (the file named
# last before it), `quarantine/test_y.py::test_z` (under tests/), a trailing `…` for "any
# test whose name begins so".
REFERENCE = re.compile(r"`(…?(?:[\w/]*\.py)?(?:::[\w…]+)+|tests/[\w/]+\.py)`")


def _names(path: Path) -> set[str]:
    """Every test function, class and Class::method defined in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.add(node.name)
        if isinstance(node, ast.ClassDef):
            out |= {f"{node.name}::{m.name}" for m in node.body if isinstance(m, ast.FunctionDef)}
    return out


def _file(written: str, last: Path | None) -> Path | None:
    written = written.lstrip("…")
    if not written:
        return last
    if last is not None and str(last).endswith("/" + written):
        return last  # the same file again, named shorter
    if not written.startswith("tests/"):
        hits = [p for p in (ROOT / "tests").rglob(Path(written).name) if str(p).endswith(written)]
        return hits[0] if len(hits) == 1 else ROOT / "tests" / written
    return ROOT / written


def missing_references(text: str) -> list[str]:
    missing = []
    last: Path | None = None
    for match in REFERENCE.finditer(text):
        ref = match.group(1)
        written, _, name = ref.partition("::")
        path = _file(written, last)
        if path is None or not path.is_file():
            missing.append(f"{ref}: no such file")
            continue
        last = path
        if not name:
            continue
        names = _names(path)
        # A method named alone after its class was named: any class's method will do.
        names |= {n.rsplit("::", 1)[-1] for n in names}
        if name.endswith("…"):
            found = any(n.startswith(name.rstrip("…")) for n in names)
        else:
            found = name in names
        if not found:
            missing.append(f"{ref}: no such test in {path.relative_to(ROOT)}")
    return missing


def test_every_test_the_security_page_names_exists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert len(REFERENCE.findall(text)) > 80  # the page's tables are read at all
    assert missing_references(text) == []


def test_the_check_fails_on_a_test_that_does_not_exist() -> None:
    assert missing_references("`tests/test_routes.py::test_nothing_of_the_kind`")
    assert missing_references("`tests/no_such_file.py::test_x`")
    assert missing_references("`tests/test_routes.py::test_api_refuses_anonymous_callers`") == []


def test_the_issue_14_table_covers_every_finding() -> None:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Issue 14: each finding", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\| [1-8] \|", line)]
    findings = {int(row.split("|")[1]) for row in rows}
    assert findings == set(range(1, 9))
    for row in rows:
        tests = row.rsplit("|", 2)[-2]
        assert "`tests/" in tests and "::" in tests, row
