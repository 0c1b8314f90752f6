"""The layout the README promises: kb/ never imports mkdocs or a browser, and no module
imports itself back through others (an import cycle)."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("kb", "kbtools", "macros")


def imports_of(path: Path, package: str) -> set[str]:
    """Every module a file imports, absolute, including imports inside functions."""
    module = path.relative_to(REPO).with_suffix("").as_posix().replace("/", ".")
    # The package a relative import starts from ("kb" for kb/ledger.py and kb/__init__.py).
    package_parts = module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def project_modules() -> dict[str, set[str]]:
    graph = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).glob("*.py")):
            name = package if path.name == "__init__.py" else f"{package}.{path.stem}"
            graph[name] = imports_of(path, package)
    return {name: {i for i in imports if i in graph and i != name} for name, imports in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_cycles():
    graph = project_modules()
    assert "kb.dashboard" in graph and "kb.ledger" in graph["kb.dashboard"]
    assert cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_engine_imports_no_generator_or_browser():
    for path in sorted((REPO / "kb").glob("*.py")):
        imported = {name.split(".")[0] for name in imports_of(path, "kb")}
        assert not imported & {"mkdocs", "material", "playwright", "kbtools", "macros"}, path.name
