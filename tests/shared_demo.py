"""One ``migrator demo`` run per language for the whole test session, shared by the tests that read its outputs
(tests/test_language.py, tests/report/test_browser.py): the demo is the slowest command, so it runs once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

_RUNS: dict[str, Path] = {}


def demo_folder(lang: str, factory: pytest.TempPathFactory) -> Path:
    """The folder a demo in ``lang`` ran in (its store in ``.migrator/``, its outputs in ``out/``, what it printed
    in ``demo-stdout.txt``)."""
    if lang not in _RUNS:
        folder = factory.mktemp(f"demo-{lang}")
        with in_folder(folder):
            result = run_cli("--lang", lang, "demo", "--out", "out", expect=None)
        (folder / "demo-stdout.txt").write_text(result.stdout, encoding="utf-8")
        _RUNS[lang] = folder
    return _RUNS[lang]


class in_folder:
    """Work in ``folder`` with no database configured (the embedded default there) and English by default."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.patch = pytest.MonkeyPatch()

    def __enter__(self) -> Path:
        self.patch.chdir(self.folder)
        self.patch.delenv("MIGRATOR_DATABASE_URL", raising=False)
        self.patch.setenv("MIGRATOR_LANG", "en")
        return self.folder

    def __exit__(self, *exc: object) -> None:
        self.patch.undo()
