"""Inventories declare what limits a migration: a vendor's project slots and cut-overs per day, weekend and
month, and a municipality's IT staff (docs/planning.md#resources).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 15:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VENDOR_LIMITS = ("projects", "cutovers_day", "cutovers_weekend", "cutovers_month")


# Columns are added and dropped in place, never by recreating the table: on SQLite a batch copy would
# drop the old municipality and vendor tables, and their foreign keys would delete or empty the systems
# that refer to them. SQLite drops a column in place since 3.35.


def upgrade() -> None:
    for name in VENDOR_LIMITS:
        op.add_column("vendor", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("municipality", sa.Column("staff", sa.Integer(), nullable=True))


def downgrade() -> None:
    columns = [("municipality", "staff"), *(("vendor", name) for name in reversed(VENDOR_LIMITS))]
    if op.get_bind().dialect.name == "sqlite":
        for table, name in columns:
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
        return
    for table, name in columns:
        op.drop_column(table, name)
