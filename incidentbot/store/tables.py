"""The schema, as SQLAlchemy Core tables. alembic owns its creation (see migrations/)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps no zone; we store naive UTC and re-attach it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BigInteger ids that are still INTEGER PRIMARY KEY (rowid, autoincrement) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

incidents = Table(
    "incidents",
    metadata,
    # The incident number: a sequence on PostgreSQL, SQLite's AUTOINCREMENT counter row in sqlite_sequence;
    # both are advanced inside the declaring transaction, so numbers are unique and increasing.
    Column("number", Id, primary_key=True, autoincrement=True),
    Column("summary", Text, nullable=False),
    Column("division", String(80), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("company_wide", Boolean, nullable=False),
    Column("drill", Boolean, nullable=False),
    Column("declared_by", String(32), nullable=False),
    Column("declared_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("commander", String(32), nullable=False),
    Column("communicator", String(32), nullable=False),
    Column("pending_handoffs", JSON, nullable=False),
    Column("next_update_due_at", UTCDateTime),
    Column("update_reminded", Boolean, nullable=False),
    Column("overdue_noticed", Boolean, nullable=False),
    Column("overdue_chases", Integer, nullable=False, server_default="0"),
    Column("postmortem_reminded", Boolean, nullable=False),
    Column("last_update_at", UTCDateTime),
    Column("last_update_text", Text),
    Column("resolution", Text),
    Column("impact", Text),
    Column("service", Text),
    Column("root_cause", Text),
    Column("owner_team", Text),
    Column("cause", String(40)),
    Column("started_at", UTCDateTime),
    Column("detected_at", UTCDateTime),
    Column("mitigated_at", UTCDateTime),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("origin_channel_id", String(32)),
    Index("ix_incidents_status", "status"),
    Index("ix_incidents_division_status", "division", "status"),
    sqlite_autoincrement=True,
)

timeline_events = Table(
    "timeline_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("people", String(200)),  # the user ids the text names, space-separated
    Index("ix_timeline_events_incident", "incident_number", "id"),
    sqlite_autoincrement=True,
)

# One Slack Web API call to make. Delivered in id order per ordering_key; see store/outbox.py.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_id", String(36), nullable=False, unique=True),
    Column("ordering_key", String(80), nullable=False),
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="SET NULL")),
    Column("method", String(60), nullable=False),
    Column("args", JSON, nullable=False),
    # What this row's result stands for, so later rows can refer to it ("root" → the incident thread).
    Column("purpose", String(40), nullable=False),
    Column("state", String(12), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("unknown_outcome", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("result_channel", String(32)),
    Column("result_ts", String(32)),
    Column("last_error", Text),
    # 0 (roots, company announcements, DMs) before 1 (thread chatter) within a channel's pace; see store/outbox.py.
    Column("priority", Integer, nullable=False, server_default="1"),
    Index("ix_outbox_pending", "state", "next_attempt_at"),
    Index("ix_outbox_ordering", "ordering_key", "state", "id"),
    Index("ix_outbox_incident", "incident_number", "state"),
    sqlite_autoincrement=True,
)

# Work that falls due later (reminders, handoff expiry, roll-ups, the digest). `key` is unique, so the
# same item cannot be planned twice, even by two processes at once.
due_work = Table(
    "due_work",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="CASCADE")),
    Column("role", String(20)),
    Column("due_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Index("ix_due_work_due_at", "due_at"),
    sqlite_autoincrement=True,
)

# Where each named channel lives, learnt once (created, found or joined) instead of looked up every time.
channels = Table(
    "channels",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("channel_id", String(32), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Slack request ids already processed (event retries, double clicks, repeated modal submissions).
processed_requests = Table(
    "processed_requests",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

# Slack's Retry-After, shared: a 429 seen by one process holds the method back in every process.
slack_holds = Table(
    "slack_holds",
    metadata,
    Column("method", String(60), primary_key=True),
    Column("until", UTCDateTime, nullable=False),
)

# Sign-in to the pages: one-time links (`/outage web`) and the sessions they open. Only a SHA-256 of each
# secret is kept, so a copy of the database signs nobody in.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(12), nullable=False),  # link | session
    Column("user_id", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),  # a link, once it was followed
    Index("ix_web_sessions_expires_at", "expires_at"),
)

# A resolution waiting for its Confirm click: the summary stays here (up to 40,000 characters), the button
# carries only the token. Used once; expires after a day; purged a day after that.
pending_confirmations = Table(
    "pending_confirmations",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("incident_number", Id, nullable=False),
    Column("summary", Text),
    Column("created_by", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Index("ix_pending_confirmations_expires_at", "expires_at"),
)

# Follow-up action items (`A-<n>`): numbers unique across incidents; never deleted.
action_items = Table(
    "action_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(32)),
    Column("due", Date),
    Column("created_by", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime),
    Column("done_by", String(32)),
    Column("done_note", Text),
    Index("ix_action_items_incident", "incident_number", "id"),
    sqlite_autoincrement=True,
)

# The postmortem document, one row per section: what the bot generated and what a person wrote (kept).
postmortem_sections = Table(
    "postmortem_sections",
    metadata,
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="CASCADE"), nullable=False),
    Column("key", String(40), nullable=False),
    Column("position", Integer, nullable=False),
    Column("generated", Text, nullable=False),
    Column("edited", Text),
    Column("edited_by", String(32)),
    Column("edited_at", UTCDateTime),
    # The generated text the person saw when they edited: newer facts are offered when it differs.
    Column("generated_when_edited", Text),
    PrimaryKeyConstraint("incident_number", "key"),
)

# The names people go by, learnt from the requests Slack sends (for documents read outside Slack).
people = Table(
    "people",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# A problem someone reported (`/outage report`, the "Report a problem" shortcut), until it is answered:
# declared from (incident_number), dismissed as not an outage (reason), or escalated to the responders.
reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reporter", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("state", String(12), nullable=False),  # open | declared | dismissed
    Column("answered_by", String(32)),
    Column("answered_at", UTCDateTime),
    Column("escalated_at", UTCDateTime),
    Column("reason", Text),
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="SET NULL")),
    sqlite_autoincrement=True,
)

# Messages put on an incident's timeline (📌 or the message shortcut): each one once, however often pinned.
pinned_messages = Table(
    "pinned_messages",
    metadata,
    Column("incident_number", Id, ForeignKey("incidents.number", ondelete="CASCADE"), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("message_ts", String(32), primary_key=True),
    Column("pinned_at", UTCDateTime, nullable=False),
)
