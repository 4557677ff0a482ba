"""Pending confirmations: a resolution summary waits on the server for its Confirm click, and the button carries
only a token (a button's value holds 2,000 characters; a summary may have 40,000).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_confirmations",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("incident_number", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token", name="pk_pending_confirmations"),
    )
    op.create_index("ix_pending_confirmations_expires_at", "pending_confirmations", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_confirmations_expires_at", table_name="pending_confirmations")
    op.drop_table("pending_confirmations")
