"""The package's shape: no import loops, and no import from a lower layer up.

Every ``import`` of a ``talentflow`` module counts, at the top of a file or inside a function
(a lazy import is still a dependency). The layers, from the top: ``cli`` (and
``__main__``), the views (``report``, ``web``), ``build``, then everything else. Only
``cli`` and ``build`` touch rich.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "talentflow"

TOP = ("talentflow.cli", "talentflow.__main__")
VIEWS = ("talentflow.report", "talentflow.web")
BUILD = ("talentflow.build",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module name (``talentflow...`` or a third party's) that ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # "from talentflow.build import steps" imports the module talentflow.build.steps
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_loops() -> None:
    assert _cycles(_graph()) == []


def test_lower_layers_never_import_upwards() -> None:
    upward: list[str] = []
    for module, targets in _graph().items():
        if _within(module, TOP):
            continue
        for target in targets:
            layer = next((layer for layer in (TOP, VIEWS, BUILD) if _within(target, layer)), None)
            if layer is not None and not _within(module, layer):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_only_cli_and_build_touch_rich() -> None:
    touching = sorted(
        _module_name(p)
        for p in PACKAGE.rglob("*.py")
        if any(m == "rich" or m.startswith("rich.") for m in _imports(p))
    )
    assert touching, "the walk found no rich import at all: it is not reading the package"
    assert [m for m in touching if not _within(m, ("talentflow.cli", "talentflow.build"))] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from talentflow.build import steps\n", {"talentflow.build", "talentflow.build.steps"}),
        ("def f():\n    import talentflow.cli\n", {"talentflow.cli"}),
        ("from . import moves\n", {"talentflow.careers", "talentflow.careers.moves"}),
    ],
)
def test_the_walk_sees_every_kind_of_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, expected: set[str]
) -> None:
    fake_package = tmp_path / "talentflow"
    (fake_package / "careers").mkdir(parents=True)
    path = fake_package / "careers" / "live.py"
    path.write_text(source)
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake_package)
    assert _imports(path) == expected


def test_a_loop_and_an_upward_import_are_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
