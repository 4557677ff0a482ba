"""An index on the outbox by incident: `/outage status` and the API count an incident's waiting and failed
posts, which otherwise scans the whole outbox (every post ever made).

Revision ID: 0005
Revises: 0004_web_sessions
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_incident", "outbox", ["incident_number", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_incident", table_name="outbox")
