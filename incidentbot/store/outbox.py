"""The outbox: Slack Web API calls written in the command's transaction and delivered afterwards.

Rows of one ordering key (one incident, one channel topic) are delivered strictly in id order: only the
oldest pending row of a key can be claimed. Claims take a lease, so several processes share the outbox and
a crashed process's rows are picked up again when the lease runs out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from incidentbot.store.tables import outbox

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# Which ready row goes first: among the heads of the ordering keys, urgent ones (a new incident's root, a
# company announcement, a DM) are claimed before chatter (thread replies, edits), whatever their age. Order
# within one key is untouched: only a key's oldest pending row is ever a candidate.
URGENT, CHATTER = 0, 1


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One Web API call. In `args`, `channel` may be `#name` (a named channel, created if missing), `@U123`
    (a DM) or `$root` (the incident's channel); `thread_ts` / `ts` may be `$root` (the incident's root)."""

    method: str
    args: dict[str, Any]
    ordering_key: str
    incident_number: int | None = None
    purpose: str = "post"
    priority: int = CHATTER
    delivery_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    delivery_id: str
    ordering_key: str
    incident_number: int | None
    method: str
    args: dict[str, Any]
    purpose: str
    attempts: int
    unknown_outcome: bool
    created_at: datetime
    priority: int = CHATTER


def enqueue(conn: Connection, messages: list[OutboxMessage], *, now: datetime) -> None:
    if not messages:
        return
    conn.execute(
        insert(outbox),
        [
            {
                "delivery_id": m.delivery_id, "ordering_key": m.ordering_key, "incident_number": m.incident_number,
                "method": m.method, "args": m.args, "purpose": m.purpose, "priority": m.priority, "state": PENDING,
                "attempts": 0, "unknown_outcome": False, "created_at": now, "next_attempt_at": now,
            }
            for m in messages
        ],
    )  # fmt: skip


def claim(
    conn: Connection, *, owner: str, now: datetime, lease: timedelta, limit: int = 20, urgent_only: bool = False
) -> list[OutboxRow]:
    """Lease the head-of-line row of each ready ordering key, urgent first (URGENT). In a short transaction."""
    # The head of each ordering key: one pass over the pending rows, whatever the planner's statistics (a
    # NOT EXISTS anti-join degenerated to a nested loop on PostgreSQL right after a burst of inserts).
    heads = select(func.min(outbox.c.id)).where(outbox.c.state == PENDING).group_by(outbox.c.ordering_key)
    stmt = (
        select(outbox)
        .where(
            outbox.c.id.in_(heads),
            outbox.c.next_attempt_at <= now,
            or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now),
        )
        .order_by(outbox.c.priority, outbox.c.id)
        .limit(limit)
    )
    if urgent_only:
        stmt = stmt.where(outbox.c.priority == URGENT)
    if conn.dialect.name != "sqlite":
        stmt = stmt.with_for_update(skip_locked=True, of=outbox)
    rows = conn.execute(stmt).mappings().all()
    if rows:
        ids = [r["id"] for r in rows]
        # A row still carrying an (expired) lease was claimed by a worker that never reported back: it may
        # have posted before it died, so its outcome is unknown.
        conn.execute(
            update(outbox).where(outbox.c.id.in_(ids))
            .values(lease_owner=owner, lease_until=now + lease,
                    unknown_outcome=outbox.c.unknown_outcome | outbox.c.lease_owner.is_not(None))
        )  # fmt: skip
    return [
        OutboxRow(
            id=r["id"], delivery_id=r["delivery_id"], ordering_key=r["ordering_key"],
            incident_number=r["incident_number"], method=r["method"], args=dict(r["args"]), purpose=r["purpose"],
            attempts=r["attempts"], unknown_outcome=bool(r["unknown_outcome"] or r["lease_owner"] is not None),
            created_at=r["created_at"], priority=int(r["priority"]),
        )
        for r in rows
    ]  # fmt: skip


def renew_leases(conn: Connection, *, owner: str, ids: Iterable[int], until: datetime) -> int:
    """Extend the leases `owner` holds on rows `ids`, those it is delivering (its heartbeat): short leases then
    only run out when it has died, or when a delivery crashed without giving its row back."""
    stmt = update(outbox).where(outbox.c.lease_owner == owner, outbox.c.state == PENDING, outbox.c.id.in_(list(ids)))
    return conn.execute(stmt.values(lease_until=until)).rowcount


def recover_abandoned(conn: Connection) -> int:
    """Release every lease at once, marking those rows' outcome unknown. Only for a process that knows it is
    the only one using the database (SQLite: one process per file), at start-up: the leases it finds were
    held by a process that crashed, and waiting for them to expire would hold up their incidents' posts."""
    return conn.execute(
        update(outbox)
        .where(outbox.c.state == PENDING, outbox.c.lease_owner.is_not(None))
        .values(lease_owner=None, lease_until=None, unknown_outcome=True)
    ).rowcount


def mark_delivered(
    conn: Connection, row_id: int, *, now: datetime, channel: str | None, ts: str | None, owner: str
) -> bool:
    """False when the lease was lost to another process (which will then own the row's outcome)."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.lease_owner == owner)
        .values(state=DELIVERED, delivered_at=now, result_channel=channel, result_ts=ts, lease_owner=None,
                lease_until=None, attempts=outbox.c.attempts + 1, last_error=None)
    )  # fmt: skip
    return result.rowcount == 1


def mark_retry(
    conn: Connection, row_id: int, *, retry_at: datetime, error: str, unknown_outcome: bool, owner: str
) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.lease_owner == owner)
        .values(next_attempt_at=retry_at, last_error=error[:2000], attempts=outbox.c.attempts + 1,
                unknown_outcome=outbox.c.unknown_outcome | unknown_outcome, lease_owner=None, lease_until=None)
    )  # fmt: skip


def postpone(conn: Connection, row_id: int, *, retry_at: datetime, reason: str, owner: str) -> None:
    """Try again later without counting an attempt (nothing was sent: e.g. waiting out a Retry-After)."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.lease_owner == owner)
        .values(next_attempt_at=retry_at, last_error=reason[:2000], lease_owner=None, lease_until=None)
    )


def mark_failed(conn: Connection, row_id: int, *, error: str, owner: str) -> bool:
    """False when the lease was lost to another process."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.lease_owner == owner)
        .values(state=FAILED, last_error=error[:2000], attempts=outbox.c.attempts + 1, lease_owner=None,
                lease_until=None)
    )  # fmt: skip
    return result.rowcount == 1


def has_pending(conn: Connection, *, ordering_key: str) -> bool:
    stmt = select(outbox.c.id).where(outbox.c.ordering_key == ordering_key, outbox.c.state == PENDING).limit(1)
    return conn.execute(stmt).first() is not None


def counts(conn: Connection, *, incident_number: int | None = None) -> dict[str, int]:
    stmt = select(outbox.c.state, func.count()).group_by(outbox.c.state)
    if incident_number is not None:
        stmt = stmt.where(outbox.c.incident_number == incident_number)
    found = {state: int(n) for state, n in conn.execute(stmt)}
    return {PENDING: found.get(PENDING, 0), DELIVERED: found.get(DELIVERED, 0), FAILED: found.get(FAILED, 0)}


def latest_root_render(conn: Connection, *, incident_number: int, up_to: int) -> tuple[str, dict[str, Any]] | None:
    """Where the incident's thread was started (`#name`), and the newest rendering of its root message
    among rows up to id `up_to`: what a replacement root must show."""
    first = conn.execute(
        select(outbox.c.args)
        .where(outbox.c.incident_number == incident_number, outbox.c.purpose == "root")
        .order_by(outbox.c.id)
        .limit(1)
    ).scalar()
    newest = conn.execute(
        select(outbox.c.args)
        .where(outbox.c.incident_number == incident_number, outbox.c.purpose.in_(["root", "root_edit"]),
               outbox.c.id <= up_to)
        .order_by(outbox.c.id.desc())
        .limit(1)
    ).scalar()  # fmt: skip
    if not first or not newest or not str(first.get("channel", "")).startswith("#"):
        return None
    return str(first["channel"]), {"text": newest.get("text"), "blocks": newest.get("blocks")}


def roots(conn: Connection, *, incident_number: int) -> dict[str, int]:
    """How many root messages of the incident are in each state (more than one after a thread was moved)."""
    stmt = (
        select(outbox.c.state, func.count())
        .where(outbox.c.incident_number == incident_number, outbox.c.purpose == "root")
        .group_by(outbox.c.state)
    )
    return {state: int(n) for state, n in conn.execute(stmt)}
