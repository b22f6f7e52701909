"""Free-text inventory fields hold what vendors write (稼働形態, 頻度, 連携方式 as written).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:16:58.333750
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interface", schema=None) as batch_op:
        batch_op.alter_column(
            "method",
            existing_type=sa.VARCHAR(length=20),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "frequency", existing_type=sa.VARCHAR(length=50), type_=sa.Text(), existing_nullable=True
        )

    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.alter_column(
            "hosting", existing_type=sa.VARCHAR(length=50), type_=sa.Text(), existing_nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.alter_column(
            "hosting", existing_type=sa.Text(), type_=sa.VARCHAR(length=50), existing_nullable=True
        )

    with op.batch_alter_table("interface", schema=None) as batch_op:
        batch_op.alter_column(
            "frequency", existing_type=sa.Text(), type_=sa.VARCHAR(length=50), existing_nullable=True
        )
        batch_op.alter_column(
            "method",
            existing_type=sa.String(length=200),
            type_=sa.VARCHAR(length=20),
            existing_nullable=False,
        )
