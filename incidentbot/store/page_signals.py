"""What the pages watch: the newest timeline event (the live signal) and how Slack delivery is going."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from incidentbot.store.outbox import FAILED, PENDING
from incidentbot.store.tables import outbox, postmortem_sections, timeline_events

STUCK_AFTER = timedelta(seconds=30)  # a post waiting this long means Slack is not taking posts


@dataclass(frozen=True)
class Delivery:
    waiting: int  # posts not yet delivered
    retrying: int  # of those, posts Slack already refused or failed to answer
    failed_recently: int  # posts given up on in the last day
    stuck: bool  # the oldest waiting post is older than STUCK_AFTER

    @property
    def slack_unreachable(self) -> bool:
        return self.retrying > 0 or self.stuck


def newest_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(timeline_events.c.id), 0))).scalar() or 0)


def newest_postmortem_edit(conn: Connection, incident_number: int) -> str:
    """When a person last edited a section of this incident's postmortem ("" for never): edits from the API
    or the Slack modal write no timeline event, yet the open postmortem page must show them."""
    table = postmortem_sections
    newest = conn.execute(select(func.max(table.c.edited_at)).where(table.c.incident_number == incident_number))
    value = newest.scalar()
    return _aware(value).isoformat() if value is not None else ""


def delivery(conn: Connection, *, now: datetime) -> Delivery:
    pending = outbox.c.state == PENDING
    waiting, retrying, oldest = conn.execute(
        select(func.count(), func.count().filter(outbox.c.attempts > 0), func.min(outbox.c.created_at)).where(pending)
    ).one()
    failed = conn.execute(
        select(func.count()).where(outbox.c.state == FAILED, outbox.c.created_at > now - timedelta(days=1))
    ).scalar()
    stuck = oldest is not None and _aware(oldest) < now - STUCK_AFTER
    return Delivery(waiting=int(waiting), retrying=int(retrying), failed_recently=int(failed or 0), stuck=stuck)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
