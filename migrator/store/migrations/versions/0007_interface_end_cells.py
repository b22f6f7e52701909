"""Interfaces remember the cells of their ends (連携元, 連携先) and other fields, so that a finding about an end
points at the cell that names it, not at the first cell of the row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Added and dropped in place, never by recreating the table (see 0006): a batch copy of the interface table on
# SQLite would go through its foreign keys. SQLite drops a column in place since 3.35.


def upgrade() -> None:
    op.add_column("interface", sa.Column("cells", sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE "interface" DROP COLUMN "cells"')
        return
    op.drop_column("interface", "cells")
