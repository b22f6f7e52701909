"""The root command: version, help, languages, exit codes and error handling."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest

from migrator import __version__
from migrator.cli.main import cli
from migrator.errors import InputError
from tests.conftest import run_cli


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            found += _all_commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_version() -> None:
    result = run_cli("--version")
    assert __version__ in result.stdout


@pytest.mark.parametrize("path", _all_commands(cli), ids=lambda p: " ".join(p) or "migrator")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = run_cli(*path, "--help")
    assert "Example:" in result.stdout
    example = result.stdout.split("Example:", 1)[1].strip().splitlines()[0].strip()
    assert example.startswith("migrator"), example


def test_groups_exist() -> None:
    assert {"schema", "mapping", "inventory", "plan", "db", "demo"} <= set(cli.commands)


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("nosuchcommand", expect=2)
    assert "No such command" in result.stderr
    assert "migrator --help" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_in_japanese() -> None:
    result = run_cli("--lang", "ja", "nosuchcommand", expect=2)
    assert "migrator --help" in result.stderr


def test_migrator_error_becomes_message_and_exit_code(monkeypatch: pytest.MonkeyPatch, workdir) -> None:
    import migrator.cli.db as db_cli

    def boom(*_a, **_k):
        raise InputError("broken input", "入力が壊れています")

    monkeypatch.setattr(db_cli, "upgrade", boom)
    result = run_cli("db", "upgrade", expect=2)
    assert result.stderr.strip() == "Error: broken input"
    result = run_cli("--lang", "ja", "db", "upgrade", expect=2)
    assert result.stderr.strip() == "エラー: 入力が壊れています"


def test_unexpected_exception_points_to_debug(monkeypatch: pytest.MonkeyPatch, workdir) -> None:
    import migrator.cli.db as db_cli

    def boom(*_a, **_k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(db_cli, "upgrade", boom)
    result = run_cli("db", "upgrade", expect=2)
    assert "--debug" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("--debug", "db", "upgrade", expect=2)
    assert "Traceback" in result.stderr
    assert "kaboom" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "C"}, "en"),
     ({"LANG": "en_US.UTF-8", "MIGRATOR_LANG": "ja"}, "ja")],
)
def test_default_language_from_locale(env: dict[str, str], expected: str) -> None:
    from migrator.i18n import default_lang

    assert default_lang(env) == expected


def test_cli_reference_is_current() -> None:
    from migrator.cli.reference import markdown
    from tests.conftest import REPO

    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert page == markdown(), "run: make docs"


@pytest.mark.parametrize("given", [None, "dirty_decay_ms:0"])
def test_the_command_keeps_freed_memory_for_reuse_unless_the_user_says_otherwise(given: str | None) -> None:
    """polars' allocator is told, before polars is loaded, to keep freed pages five seconds (the user's own
    setting wins)."""
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if given is not None:
        env["_RJEM_MALLOC_CONF"] = given
    code = "import migrator.cli.main, os; print(os.environ['_RJEM_MALLOC_CONF'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    settings = out.strip().split(",")
    assert settings[-1] == (given or "muzzy_decay_ms:5000")  # polars puts its defaults first, ours after
    assert ("dirty_decay_ms:5000" in settings) is (given is None)
