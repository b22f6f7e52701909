"""``migrator db``: create, upgrade and inspect the store."""

from __future__ import annotations

import click

from migrator.cli.common import app, emit_table, output_options

# The store (SQLAlchemy, Alembic) is imported by the commands that use it: a run without the store never
# pays for importing it.


def upgrade(url: str, revision: str) -> str | None:
    from migrator.store import upgrade as run

    return run(url, revision)


def downgrade(url: str, revision: str, *, force: bool = False) -> str | None:
    from migrator.store import downgrade as run

    return run(url, revision, force=force)


@click.group()
def db() -> None:
    """Manage the database (SQLite by default, PostgreSQL through MIGRATOR_DATABASE_URL).

    \b
    Example:
      migrator db upgrade
    """


@db.command("upgrade")
@click.argument("revision", default="head")
@output_options
def upgrade_cmd(revision: str, fmt: str) -> None:
    """Upgrade the database schema to REVISION (default: head).

    \b
    Example:
      migrator db upgrade
    """
    from migrator.store import StoreConfig
    from migrator.store.db import redact

    config = StoreConfig.resolve(app().db_url)
    reached = upgrade(config.url, revision)
    emit_table(["database", "revision"], [[redact(config.url), reached or ""]], fmt,
               data={"database": redact(config.url), "revision": reached})


@db.command("downgrade")
@click.argument("revision")
@click.option("--force", is_flag=True,
              help="Accept losing the values of dropped columns and tables (values that would be cut still stop it).")
@output_options
def downgrade_cmd(revision: str, force: bool, fmt: str) -> None:
    """Downgrade the database schema to REVISION ('base' removes every table).

    A downgrade that would lose data changes nothing and names the rows concerned.

    \b
    Example:
      migrator db downgrade base
    """
    from migrator.store import StoreConfig
    from migrator.store.db import redact

    config = StoreConfig.resolve(app().db_url)
    reached = downgrade(config.url, revision, force=force)
    emit_table(["database", "revision"], [[redact(config.url), reached or "base"]], fmt,
               data={"database": redact(config.url), "revision": reached})


@db.command("current")
@output_options
def current_cmd(fmt: str) -> None:
    """Show the revision the database is at, and the newest one migrator knows.

    \b
    Example:
      migrator db current
    """
    from migrator.store import StoreConfig, current_revision, head_revision, make_engine
    from migrator.store.db import missing_store, redact

    config = StoreConfig.resolve(app().db_url)
    current = None
    absent = missing_store(config.url) is not None  # looked at, not created
    if not absent:
        engine = make_engine(config.url)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
    head = head_revision()
    emit_table(
        ["database", "current", "head", "up_to_date"],
        [[redact(config.url), "(no file)" if absent else current or "(empty)", head, "yes" if current == head else "no"]],
        fmt,
        data={"database": redact(config.url), "current": current, "head": head, "up_to_date": current == head},
    )
