"""Slack holds: a method's Retry-After, shared by every process on the database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_holds",
        sa.Column("method", sa.String(length=60), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("method", name=op.f("pk_slack_holds")),
    )


def downgrade() -> None:
    op.drop_table("slack_holds")
