"""After the outage: milestones and cause on incidents, action items, the stored postmortem document, and
the names people go by.

Revision ID: 0006_record
Revises: 0005
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_record"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("incidents", sa.Column("cause", sa.String(length=40), nullable=True))
    for name in ("started_at", "detected_at", "mitigated_at"):
        op.add_column("incidents", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "action_items",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("incident_number", _ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["incident_number"], ["incidents.number"], ondelete="CASCADE",
                                name="fk_action_items_incident_number_incidents"),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_action_items_incident", "action_items", ["incident_number", "id"])
    op.create_table(
        "postmortem_sections",
        sa.Column("incident_number", _ID, nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("generated", sa.Text(), nullable=False),
        sa.Column("edited", sa.Text(), nullable=True),
        sa.Column("edited_by", sa.String(length=32), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("generated_when_edited", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["incident_number"], ["incidents.number"], ondelete="CASCADE",
                                name="fk_postmortem_sections_incident_number_incidents"),
        sa.PrimaryKeyConstraint("incident_number", "key", name="pk_postmortem_sections"),
    )


    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_people"),
    )


def downgrade() -> None:
    op.drop_table("people")
    op.drop_table("postmortem_sections")
    op.drop_index("ix_action_items_incident", table_name="action_items")
    op.drop_table("action_items")
    with op.batch_alter_table("incidents") as batch:
        for name in ("mitigated_at", "detected_at", "started_at", "cause"):
            batch.drop_column(name)
