"""A task key (団体コード/業務/システム名/工程) holds a system name of up to 200 characters, as the inventory
accepts, and more: it becomes text. PostgreSQL refused to store the plan of such a system.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# plan_task is referred to by no table: a batch copy of it on SQLite touches nothing else.


def upgrade() -> None:
    with op.batch_alter_table("plan_task", schema=None) as batch_op:
        batch_op.alter_column("task_key", existing_type=sa.VARCHAR(length=200), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_task", schema=None) as batch_op:
        batch_op.alter_column("task_key", existing_type=sa.Text(), type_=sa.VARCHAR(length=200),
                              existing_nullable=False)
