"""Dependencies point one way (docs/architecture.md): a test walks every import of the package, lazy ones too."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

from tests.conftest import REPO

PACKAGE = REPO / "migrator"

# Pure domain packages: models, rules, algorithms. They never reach the database, the use cases or the demo.
DOMAIN = {"jp", "schema", "mapping", "validation", "inventory", "planning", "risk"}
# Shared foundations every layer may use.
FOUNDATION = {"errors", "i18n", "location", "bundled", "limits", "catalogue", "excel", "report"}
# What each layer above the domain may not import.
FORBIDDEN = {
    **{name: {"store", "services", "demo", "cli"} for name in DOMAIN | FOUNDATION},
    "store": {"services", "demo", "cli"},
    "services": {"demo", "cli"},
    "demo": {"cli"},
}


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _graph() -> dict[str, dict[str, list[str]]]:
    """unit → imported unit → the modules where that import stands."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        src = _unit(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "migrator" and len(parts) > 1 and parts[1] != src:
                    edges[src][parts[1]].append(str(path.relative_to(REPO)))
    return edges


def test_every_unit_of_the_package_has_a_layer() -> None:
    units = {_unit(p) for p in PACKAGE.rglob("*.py")} - {"__init__", "__main__"}
    assert units <= DOMAIN | FOUNDATION | set(FORBIDDEN) | {"cli"}, "add the new unit to a layer here and in docs"


def test_no_layer_imports_one_above_it() -> None:
    wrong = [f"{src} → {dst} ({', '.join(sorted(set(where)))})"
             for src, targets in _graph().items() for dst, where in targets.items()
             if dst in FORBIDDEN.get(src, set())]
    assert wrong == []


def test_no_import_circle_between_units() -> None:
    graph = nx.DiGraph([(src, dst) for src, targets in _graph().items() for dst in targets])
    assert list(nx.simple_cycles(graph)) == []


def _validation_imports() -> dict[str, set[str]]:
    """Module of ``migrator.validation`` → every module it imports (lazy imports too), by full name."""
    out: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / "validation").glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        out[path.stem] = names
    return out


def test_the_validation_modules_have_no_import_circle() -> None:
    modules = _validation_imports()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for src, names in modules.items():
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["migrator", "validation"] and len(parts) > 2 and parts[2] in modules and parts[2] != src:
                graph.add_edge(src, parts[2])
    assert list(nx.simple_cycles(graph)) == []


def test_the_validation_core_opens_no_file_starts_no_thread_and_knows_no_cli() -> None:
    """The engine core (and what it imports of the package) runs anywhere: on a cluster's executors too."""
    modules = _validation_imports()
    core = {"engine"}
    todo = ["engine"]
    while todo:  # the package's modules the core reaches
        for name in modules[todo.pop()]:
            parts = name.split(".")
            if parts[:2] == ["migrator", "validation"] and len(parts) > 2 and parts[2] in modules \
                    and parts[2] not in core:
                core.add(parts[2])
                todo.append(parts[2])
    assert core >= {"engine", "types", "checks"}
    banned = ("click", "threading", "queue", "concurrent", "multiprocessing", "os", "shutil", "migrator.cli",
              "migrator.excel", "migrator.validation.readers", "migrator.validation.outputs",
              "migrator.validation.run", "migrator.report.writer")
    found = sorted((module, name) for module in core for name in modules[module]
                   if any(name == b or name.startswith(b + ".") for b in banned))
    assert found == []
