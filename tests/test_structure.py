"""The package's shape, computed from its source: no import cycle, no module too long.

Every import counts, at module level, inside a function or under TYPE_CHECKING: an
import made late or for type hints only is still a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "briefgen"
MAX_LINES = 350


def briefgen_imports(path: Path, modules: set[str]) -> set[str]:
    """Return the briefgen modules the module at path imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.level == 0 and node.module
                                   and node.module.split(".")[0] == "briefgen"):
                dotted = (node.module or "").split(".")
                if node.level == 0:  # briefgen.x: drop the package's own name
                    dotted = dotted[1:]
                # "from . import a, b" and "from briefgen import a" name modules as names.
                found |= {dotted[0]} if dotted and dotted[0] else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "briefgen" and len(parts) > 1:
                    found.add(parts[1])
    return (found & modules) - {path.stem}


def import_graph(package: Path) -> dict[str, set[str]]:
    """Return, for each module of package, the modules of package it imports."""
    modules = {path.stem for path in package.glob("*.py")}
    return {name: briefgen_imports(package / f"{name}.py", modules) for name in modules}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return each group of modules that import one another in a loop (Tarjan's SCCs)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        order[name] = low[name] = len(order)
        stack.append(name)
        for other in sorted(graph[name]):
            if other not in order:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], order[other])
        if low[name] == order[name]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in sorted(graph):
        if name not in order:
            visit(name)
    return sorted(cycles)


def test_the_cycle_finder_finds_a_loop_and_passes_a_line(tmp_path):
    """The checks below would pass vacuously if the graph were empty or loops were missed."""
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from briefgen import a\n")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\n"
                                   "if TYPE_CHECKING:\n    from . import a\n")
    graph = import_graph(tmp_path)
    assert graph == {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert import_cycles(graph) == [["a", "b"]]
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert "render_docx" in import_graph(PACKAGE)["render"]


def test_no_import_cycle_among_briefgen_modules():
    cycles = import_cycles(import_graph(PACKAGE))
    assert not cycles, "modules that import one another in a loop: " + "; ".join(
        " <-> ".join(group) for group in cycles)


def test_no_module_is_over_350_lines():
    lengths = {path.stem: len(path.read_text(encoding="utf-8").splitlines())
               for path in PACKAGE.glob("*.py")}
    assert len(lengths) > 40  # the whole package, not a stray folder
    too_long = {name: lines for name, lines in lengths.items() if lines > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_no_module_imports_the_package_above_it():
    """The package's __init__ re-exports the API, the top layer: nothing below reads it."""
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    upward = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
                    and {a.name for a in node.names} - modules):
                upward.append(f"{path.name}:{node.lineno}")
            elif (isinstance(node, ast.ImportFrom) and node.level == 0
                  and node.module == "briefgen"):
                upward.append(f"{path.name}:{node.lineno}")
    assert not upward, "imports of the package's __init__ from inside it: " + ", ".join(upward)
