"""Shared fixtures: a CLI runner that surfaces unexpected exceptions, and SQLite/PostgreSQL stores."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from migrator.cli.main import run

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "migrator" / "data"  # the package data: bundled schemas, mappings, sample data
REFERENCE = REPO / "reference"  # public reference data the schemas and tests are built from (see its README)
PG_ENV = "MIGRATOR_TEST_POSTGRES_URL"

# Hypothesis runs under a named profile, so a run is reproducible: "ci" (the default) draws the same examples
# every time and keeps no example database; "deep" (make test-deep) draws ten times as many, at random;
# "mutation" is "ci" for the slower instrumented code of make mutation. No deadline anywhere: a test's speed
# depends on the machine and its load, never on the rule under test.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("deep", max_examples=1000, deadline=None, print_blob=True)
settings.register_profile("mutation", settings.get_profile("ci"),
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------- the repository is self-contained
# A user's clone has nothing beside it: a test (or the code it runs) that opens a file next to the repository
# would pass here and fail there. Every open() of this process is watched; the session fails if one reached
# beside the repository.
# The interpreter and its installed packages are not beside the repository, wherever the virtual environment
# lives: make mutation runs the tests from a copy (mutants/) while the environment stays in the clone's .venv.
_BESIDE = os.path.join(str(REPO.parent), "")
_INSIDE = os.path.join(str(REPO), "")
_ENVIRONMENT = tuple({os.path.join(os.path.abspath(p), "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
_READ_BESIDE: set[str] = set()


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str):
        path = os.path.abspath(args[0])
        if (path.startswith(_BESIDE) and not os.path.join(path, "").startswith(_INSIDE)
                and not path.startswith(_ENVIRONMENT)):
            _READ_BESIDE.add(path)


sys.addaudithook(_watch_opens)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _READ_BESIDE:
        listed = "\n  ".join(sorted(_READ_BESIDE)[:20])
        session.config.get_terminal_writer().line(
            f"\nFiles outside the repository were opened (a user's clone has nothing beside it):\n  {listed}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, expect: int | None = 0, env: dict[str, str] | None = None,
            input: str | None = None) -> CliResult:
    """Run ``migrator ARGS`` in-process through the real entry point (its error handling included).

    ``expect`` is the exit code the caller requires (``None`` to skip the check).
    """
    runner = CliRunner()
    # A wide terminal unless the test says otherwise: tests of content should not depend on where tables wrap
    # (tests/report/test_text.py sets COLUMNS itself).
    env = {"COLUMNS": "250", **(env or {})}
    with runner.isolation(input=input, env=env) as (out, err, _mixed):
        code = run(list(args))
    result = CliResult(exit_code=code, stdout=out.getvalue().decode("utf-8"),
                       stderr=err.getvalue().decode("utf-8"))
    if expect is not None:
        assert code == expect, f"exit {code} != {expect}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh folder with no database configured, so the embedded default lands in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MIGRATOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("MIGRATOR_LANG", "en")
    return tmp_path


def _pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL confined to a fresh schema, dropped afterwards.

    Skips when MIGRATOR_TEST_POSTGRES_URL is unset; when it is set and the server is unreachable the
    test fails (CI must not pass by skipping).
    """
    base = _pg_base_url()
    if base is None:
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(admin_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL for each backend: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")
