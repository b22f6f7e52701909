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
