"""Slack's Retry-After holds, shared between processes (Slack rate-limits the app, not one process)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import slack_holds


def hold(conn: Connection, method: str, until: datetime) -> None:
    """Hold `method` back until `until` (an existing, longer hold stays)."""
    conn.execute(insert_ignoring_conflict(slack_holds, conn.dialect.name).values(method=method, until=until))
    conn.execute(
        update(slack_holds).where(slack_holds.c.method == method, slack_holds.c.until < until).values(until=until)
    )


def active(conn: Connection, now: datetime) -> dict[str, datetime]:
    rows = conn.execute(select(slack_holds.c.method, slack_holds.c.until).where(slack_holds.c.until > now))
    return {row.method: row.until for row in rows}
