"""The layers point down: fangkong.core imports no app, and no two modules import each other
(directly or round a loop). Read from the source (ast), every import counted: at the top,
inside a function, or only for the type checker."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "fangkong"

# core → app edges still to move down (issue 15). None left: the audit trail (core/audit.py
# and its models) is core's, people's purge.py offers the purgeable people, org's demo
# accounts say how to add the authenticator secret. A new edge fails the test.
CORE_DEBT: set[tuple[str, str]] = set()
# No loop left: core.disclosure (the rule) no longer records reveals — the audited exports
# are accounts/exports.py — nor shows a Person (people/disclosure.py).
CYCLE_DEBT: list[list[str]] = []


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """module → the fangkong modules it imports (a name imported from a package counts as
    its submodule when there is one)."""
    paths = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    modules = {_module(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        name = _module(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                    ).strip(".")
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_core_imports_no_app() -> None:
    graph = import_graph()
    upward = {
        (m, t)
        for m, targets in graph.items()
        if m.startswith("fangkong.core")
        for t in targets
        if not t.startswith("fangkong.core") and t != "fangkong"
    }
    assert upward - CORE_DEBT == set(), "core imports an app"
    assert CORE_DEBT - upward == set(), "moved down: strike it from CORE_DEBT"


def test_no_module_imports_round_a_loop() -> None:
    assert _cycles(import_graph()) == CYCLE_DEBT


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    # top level, inside a function, and for the type checker only
    assert "fangkong.core.clock" in graph["fangkong.core.idnumber"]
    assert "fangkong.core.ratelimit" in graph["fangkong.core.disclosure"]
    assert "fangkong.accounts.models" in graph["fangkong.accounts.requests"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
