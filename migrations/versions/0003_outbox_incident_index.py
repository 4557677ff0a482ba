"""An index on the outbox by incident: `/outage status` and the API count an incident's waiting and failed
posts, which otherwise scans the whole outbox (every post ever made).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_incident", "outbox", ["incident_number", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_incident", table_name="outbox")
