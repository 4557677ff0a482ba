"""Reports of problems and messages pinned onto timelines: rows, read and written inside a unit of work."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from incidentbot.store.database import for_update, insert_ignoring_conflict
from incidentbot.store.tables import outbox, pinned_messages, reports

OPEN, DECLARED, DISMISSED = "open", "declared", "dismissed"
# The outbox purpose of the triage post: its delivery says where the report's thread is.
TRIAGE_POST = "report"


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter: str
    text: str
    reported_at: datetime
    state: str
    answered_by: str | None = None
    answered_at: datetime | None = None
    escalated_at: datetime | None = None
    reason: str | None = None
    incident_number: int | None = None

    @property
    def label(self) -> str:
        return f"R-{self.id}"


def ordering_key(report_id: int) -> str:
    return f"report:{report_id}"


def add(conn: Connection, *, reporter: str, text: str, now: datetime) -> Report:
    values = {"reporter": reporter, "text": text, "reported_at": now, "state": OPEN}
    report_id = conn.execute(insert(reports).values(values).returning(reports.c.id)).scalar_one()
    return Report(id=int(report_id), reporter=reporter, text=text, reported_at=now, state=OPEN)


def get(conn: Connection, report_id: int, *, lock: bool = False) -> Report | None:
    stmt = select(reports).where(reports.c.id == report_id)
    if lock:
        stmt = for_update(stmt, conn.dialect.name)
    row = conn.execute(stmt).mappings().first()
    return Report(**{f.name: row[f.name] for f in fields(Report)}) if row else None


def reported_since(conn: Connection, since: datetime) -> list[Report]:
    """The reports made since `since`, oldest first (for the service-quality record)."""
    stmt = select(reports).where(reports.c.reported_at >= since).order_by(reports.c.id)
    return [Report(**{f.name: row[f.name] for f in fields(Report)}) for row in conn.execute(stmt).mappings()]


def answer(conn: Connection, report_id: int, *, state: str, by: str, now: datetime, reason: str | None = None,
           incident_number: int | None = None) -> None:  # fmt: skip
    conn.execute(update(reports).where(reports.c.id == report_id).values(
        state=state, answered_by=by, answered_at=now, reason=reason, incident_number=incident_number))


def mark_escalated(conn: Connection, report_id: int, *, now: datetime) -> None:
    conn.execute(update(reports).where(reports.c.id == report_id).values(escalated_at=now))


def triage_message(conn: Connection, report_id: int) -> tuple[str, str] | None:
    """Where the report was posted in the triage channel (channel id, ts), once that post is delivered."""
    row = conn.execute(
        select(outbox.c.result_channel, outbox.c.result_ts)
        .where(outbox.c.ordering_key == ordering_key(report_id), outbox.c.purpose == TRIAGE_POST,
               outbox.c.result_ts.is_not(None))
        .order_by(outbox.c.id).limit(1)
    ).first()  # fmt: skip
    return (str(row[0]), str(row[1])) if row and row[0] else None


def triage_failed(conn: Connection, report_id: int) -> bool:
    """Whether the triage post was given up on (the triage channel could not be posted to)."""
    stmt = select(outbox.c.id).where(outbox.c.ordering_key == ordering_key(report_id),
                                     outbox.c.purpose == TRIAGE_POST, outbox.c.state == "failed")  # fmt: skip
    return conn.execute(stmt.limit(1)).first() is not None


def pin(conn: Connection, *, incident_number: int, channel_id: str, message_ts: str, now: datetime) -> bool:
    """Record the message as on the incident's timeline; False when it already was."""
    stmt = insert_ignoring_conflict(pinned_messages, conn.dialect.name).values(
        incident_number=incident_number, channel_id=channel_id, message_ts=message_ts, pinned_at=now)
    return conn.execute(stmt.returning(pinned_messages.c.message_ts)).first() is not None


def pinned_to(conn: Connection, *, channel_id: str, message_ts: str) -> list[int]:
    """The incidents whose timelines hold this message."""
    stmt = select(pinned_messages.c.incident_number).where(
        pinned_messages.c.channel_id == channel_id, pinned_messages.c.message_ts == message_ts)
    return [int(n) for n in conn.execute(stmt).scalars()]


def dmed(conn: Connection, report_id: int) -> set[str]:
    """Who has been sent a DM about the report (queued or delivered), so nobody is told twice."""
    stmt = select(outbox.c.args).where(outbox.c.ordering_key == ordering_key(report_id), outbox.c.purpose == "dm")
    return {str(args.get("channel", "")).removeprefix("@") for args in conn.execute(stmt).scalars()}
