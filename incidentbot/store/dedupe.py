"""Requests already handled: Slack retries, double clicks and repeated submissions are processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import processed_requests


def first_time(conn: Connection, key: str, *, now: datetime) -> bool:
    """Record `key`; True only for the first transaction that records it (call inside the command's one)."""
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING (psycopg says -1).
    stmt = insert_ignoring_conflict(processed_requests, conn.dialect.name).values(key=key[:200], at=now)
    return conn.execute(stmt.returning(processed_requests.c.key)).first() is not None


def forget_before(conn: Connection, cutoff: datetime) -> int:
    return conn.execute(delete(processed_requests).where(processed_requests.c.at < cutoff)).rowcount
