"""Stores for inventory tests: a migrated SQLite file, and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from migrator.store import Store, open_store, upgrade


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    upgrade(db_url)
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.close()
