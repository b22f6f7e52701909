"""Systems remember the cell of each field they were read from, so that checks can point at it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:40:00.000000
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
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cells", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.drop_column("cells")
