"""Requests already handled: Slack retries, double clicks and repeated submissions are processed once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import Connection, delete

from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import processed_requests


def first_time(conn: Connection, key: str, *, now: datetime) -> bool:
    """Record `key`; True only for the first transaction that records it (call inside the command's one)."""
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING (psycopg says -1).
    stmt = insert_ignoring_conflict(processed_requests, conn.dialect.name, processed_requests.c.key)
    return conn.execute(stmt, {"key": key[:200], "at": now}).first() is not None


def forget_before(conn: Connection, cutoff: datetime) -> int:
    return conn.execute(delete(processed_requests).where(processed_requests.c.at < cutoff)).rowcount


class AlreadyProcessed(Exception):
    """The request being handled was already recorded by an earlier delivery of it: do nothing."""


_pending: ContextVar[tuple[str, datetime] | None] = ContextVar("incidentbot_request_key", default=None)


@contextmanager
def with_first_write(key: str | None, *, now: datetime) -> Iterator[None]:
    """While handling one request: its key is recorded by the first write transaction opened (see
    `record_pending`), inside that transaction, so a write command costs one transaction, not two, and a
    retry that arrives while the first attempt still runs waits for it and then finds the key."""
    token = _pending.set((key, now) if key else None)
    try:
        yield
    finally:
        _pending.reset(token)


def record_pending(conn: Connection) -> None:
    """Called by a write unit of work as it begins. Raises AlreadyProcessed for a request seen before."""
    pending = _pending.get()
    if pending is None:
        return
    _pending.set(None)  # only the request's first write transaction records it
    key, now = pending
    if not first_time(conn, key, now=now):
        raise AlreadyProcessed(key)
