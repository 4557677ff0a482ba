"""Reports of problems (triage, escalation, time to respond) and messages pinned onto incident timelines.

Revision ID: 0007_surfaces
Revises: 0006_record
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_surfaces"
down_revision: str | None = "0006_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("reporter", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("answered_by", sa.String(32)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("escalated_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text()),
        sa.Column("incident_number", _ID, sa.ForeignKey("incidents.number", ondelete="SET NULL",
                                                        name="fk_reports_incident_number_incidents")),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "pinned_messages",
        sa.Column("incident_number", _ID, sa.ForeignKey("incidents.number", ondelete="CASCADE",
                                                        name="fk_pinned_messages_incident_number_incidents"),
                  nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("incident_number", "channel_id", "message_ts", name="pk_pinned_messages"),
    )


def downgrade() -> None:
    op.drop_table("pinned_messages")
    op.drop_table("reports")
