"""The store: SQLAlchemy models, sessions and Alembic migrations (the only home of SQLAlchemy and Alembic)."""

from migrator.store.db import (
    Store,
    StoreConfig,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    open_store,
    preview_store,
    upgrade,
)

__all__ = [
    "Store",
    "StoreConfig",
    "current_revision",
    "downgrade",
    "head_revision",
    "make_engine",
    "open_store",
    "preview_store",
    "upgrade",
]
