"""Overdue updates are chased every period (a count per incident); timeline events name people as data.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("overdue_chases", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("timeline_events", sa.Column("people", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timeline_events") as batch:
        batch.drop_column("people")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("overdue_chases")
