"""Alembic migrations up and down on SQLite and PostgreSQL, no drift, and the first-use rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.util.exc import CommandError

from migrator.errors import StoreError
from migrator.store import downgrade, head_revision, make_engine, open_store, upgrade
from migrator.store.db import alembic_config, current_revision, normalize_url
from migrator.store.models import Base
from tests.conftest import DATA, REPO, run_cli


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_and_downgrade_round_trip(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    assert _tables(db_url) == set(Base.metadata.tables)
    assert downgrade(db_url, "base") is None
    assert _tables(db_url) == set()
    assert upgrade(db_url) == head_revision()


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(db_url)
            cfg.attributes["connection"] = conn
            try:
                command.check(cfg)
            except CommandError as exc:  # pragma: no cover - shows the drift on failure
                pytest.fail(f"models and migrations differ: {exc}")
    finally:
        engine.dispose()


def test_embedded_default_is_created_on_first_use(workdir: Path) -> None:
    store = open_store()
    try:
        assert store.config.embedded_default
        assert (workdir / ".migrator" / "migrator.db").is_file()
    finally:
        store.close()


def test_server_database_behind_head_is_not_upgraded_silently(pg_url: str) -> None:
    with pytest.raises(StoreError, match="migrator db upgrade"):
        open_store(pg_url)
    upgrade(pg_url)
    open_store(pg_url).close()


def test_a_sqlite_database_behind_head_is_upgraded_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    store = open_store(url)
    try:
        assert current_revision(store.engine) == head_revision()
        assert not store.config.embedded_default and store.config.embedded
    finally:
        store.close()


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="Cannot connect"):
        open_store("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")


def test_transaction_rolls_back_everything(db_url: str) -> None:
    from migrator.store.models import Municipality

    upgrade(db_url)
    store = open_store(db_url)
    try:
        with pytest.raises(RuntimeError), store.transaction() as session:
            session.add(Municipality(code="131016", name="千代田区"))
            session.flush()
            raise RuntimeError("stop")
        with store.reader() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0
    finally:
        store.close()


def test_db_commands(db_url: str, workdir: Path) -> None:
    result = run_cli("--db", db_url, "db", "current", "--format", "json")
    assert json.loads(result.stdout)["current"] is None
    result = run_cli("--db", db_url, "db", "upgrade")
    assert head_revision() in result.stdout
    data = json.loads(run_cli("--db", db_url, "db", "current", "--format", "json").stdout)
    assert data == {"database": data["database"], "current": head_revision(), "head": head_revision(),
                    "up_to_date": True}
    run_cli("--db", db_url, "db", "downgrade", "base")
    assert json.loads(run_cli("--db", db_url, "db", "current", "--format", "json").stdout)["current"] is None


def test_db_url_from_environment(workdir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    run_cli("db", "upgrade", env={"MIGRATOR_DATABASE_URL": url})
    assert (tmp_path / "env.db").is_file()
    assert not (workdir / ".migrator").exists()


def test_passwords_are_not_printed() -> None:
    from migrator.store.db import redact

    assert redact("postgresql+psycopg://app:s3cret@db:5432/x") == "postgresql+psycopg://app:***@db:5432/x"
    assert redact("sqlite:///a.db") == "sqlite:///a.db"


def test_postgres_url_uses_psycopg3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_a_refused_write_is_a_store_error_without_the_row_values(db_url: str) -> None:
    from migrator.store.models import Municipality

    upgrade(db_url)
    store = open_store(db_url)
    try:
        with pytest.raises(StoreError) as caught, store.transaction() as session:
            session.add(Municipality(code="131016", name="千代田区"))
            session.add(Municipality(code="131016", name="秘密の名前"))
            session.flush()
        assert "nothing was written" in caught.value.message("en")
        assert "秘密の名前" not in caught.value.message("en")
        assert "秘密の名前" not in str(caught.value.__cause__)  # hide_parameters: not even in the traceback
        with store.reader() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0
    finally:
        store.close()


def test_a_sqlite_url_the_user_names_is_created_and_upgraded_on_first_use(workdir: Path) -> None:
    target = workdir / "elsewhere" / "my.db"
    assert not target.exists()
    samples = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
    run_cli("inventory", "import", "--partial", *samples, env={"MIGRATOR_DATABASE_URL": f"sqlite:///{target}"},
            expect=1)  # the samples' unreadable values are errors; the rest is saved
    assert target.is_file()
    assert current_revision_of(f"sqlite:///{target}") == head_revision()
    assert not (workdir / ".migrator").exists()  # the default file was not used
    # --db names one too, and a second use finds it current
    other = workdir / "other.db"
    run_cli("--db", f"sqlite:///{other}", "inventory", "import", "--partial", *samples, expect=1)
    run_cli("--db", f"sqlite:///{other}", "inventory", "list", "--format", "json")


def current_revision_of(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("how", ["x-argument", "environment"])
def test_the_plain_alembic_command_honours_the_url_it_is_given(workdir: Path, how: str) -> None:
    target = workdir / "by-alembic" / "other.db"
    url = f"sqlite:///{target}"
    args = [sys.executable, "-m", "alembic", "-c", str(REPO / "alembic.ini")]
    env = {k: v for k, v in os.environ.items() if k != "MIGRATOR_DATABASE_URL"}
    if how == "x-argument":
        args += ["-x", f"url={url}"]
        env["MIGRATOR_DATABASE_URL"] = f"sqlite:///{workdir / 'not-this.db'}"  # -x wins over the environment
    else:
        env["MIGRATOR_DATABASE_URL"] = url
    done = subprocess.run([*args, "upgrade", "head"], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert current_revision_of(url) == head_revision()
    assert not (workdir / "not-this.db").exists()
    assert not (workdir / ".migrator").exists()


def test_a_record_without_cells_stores_sql_null_so_a_downgrade_sees_nothing_to_lose(db_url: str) -> None:
    """``cells`` of None is SQL NULL (not the JSON text ``null``), which is what the downgrade guards of
    0004 and 0007 count as no data."""
    from sqlalchemy import text

    from migrator.store import models

    upgrade(db_url)
    store = open_store(db_url)
    try:
        with store.transaction() as session:
            muni = models.Municipality(code="999991", name="試験市")
            session.add(muni)
            session.flush()
            session.add(models.Interface(municipality_id=muni.id, source_name="a", target_name="b", cells=None))
        with store.reader() as session:
            assert session.execute(text("SELECT COUNT(*) FROM interface WHERE cells IS NULL")).scalar() == 1
    finally:
        store.close()
