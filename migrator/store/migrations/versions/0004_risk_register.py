"""Validation runs name the system they migrate, and risk registers are kept as snapshots.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("validation_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("area_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("system_name", sa.String(length=200), nullable=True))
    op.create_table(
        "risk_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("scenario", sa.String(length=100), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("concerns", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("risk_snapshot")
    with op.batch_alter_table("validation_run", schema=None) as batch_op:
        batch_op.drop_column("system_name")
        batch_op.drop_column("area_code")
        batch_op.drop_column("municipality_code")
