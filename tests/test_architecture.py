"""Each outside engine has one home in the package (DESIGN §5); a test walks every import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "migrator"

# engine → the only part of the package allowed to import it
HOMES = {
    "click": ("migrator/cli/",),
    "sqlalchemy": ("migrator/store/",),
    "alembic": ("migrator/store/",),
    "openpyxl": ("migrator/excel/", "migrator/excel.py"),
    "pandera": ("migrator/validation/",),
    "networkx": ("migrator/planning/",),
    "ortools": ("migrator/planning/exact.py",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _engine_imports() -> list[tuple[str, str]]:
    """Every (module, engine) import in the package: one test item each, so every item has something to check."""
    return sorted((str(path.relative_to(REPO)), engine)
                  for path in PACKAGE.rglob("*.py") for engine in _imports(path) & set(HOMES))


ENGINE_IMPORTS = _engine_imports()


@pytest.mark.parametrize(("rel", "engine"), ENGINE_IMPORTS, ids=[f"{r}:{e}" for r, e in ENGINE_IMPORTS])
def test_engines_are_imported_only_in_their_home(rel: str, engine: str) -> None:
    assert rel.startswith(HOMES[engine]), f"{rel} imports {engine}; only {HOMES[engine]} may"


def test_the_walk_finds_every_engine_in_its_home() -> None:
    # Guards the test above against passing on nothing: each engine is imported somewhere, by its home.
    assert {engine for _, engine in ENGINE_IMPORTS} == set(HOMES)
    assert len(ENGINE_IMPORTS) > len(HOMES)


def test_jp_imports_nothing_of_ours() -> None:
    for path in (PACKAGE / "jp").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("migrator"):
                assert node.module.startswith("migrator.jp"), f"{path} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("migrator") or alias.name.startswith("migrator.jp"), path


def test_a_run_without_the_store_never_imports_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import DATA

    script = (
        "import sys\n"
        "from migrator.cli.main import run\n"
        "code = run(sys.argv[1:])\n"
        "print(code, sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "validate", str(DATA / "mappings" / "juki_rdb_jumin.xlsx"),
         str(DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv"), "--no-store", "--quiet",
         "--format", "json", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.stdout.strip().splitlines()[-1] in ("0 []", "1 []"), done.stdout[-500:] + done.stderr[-2000:]
