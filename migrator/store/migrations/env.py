"""Alembic environment: runs migrations on the connection migrator hands over, or on the configured URL.

Run by hand (``alembic upgrade head`` from the repository root), the database is, in this order: ``-x url=…``,
``MIGRATOR_DATABASE_URL``, then ``sqlalchemy.url`` of ``alembic.ini`` (the embedded default file).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from migrator.store.db import normalize_url
from migrator.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    chosen = (context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("MIGRATOR_DATABASE_URL")
              or config.get_main_option("sqlalchemy.url") or "")
    url = normalize_url(chosen)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(conn)
        conn.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
