"""Due work: rows with a due time, claimed under a lease by whichever process's scheduler wakes first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update

from incidentbot.domain.due import DueItem, DueKind
from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import due_work


@dataclass(frozen=True, slots=True)
class DueRow:
    id: int
    key: str
    kind: DueKind
    incident_number: int | None
    role: str | None
    due_at: datetime
    attempts: int


def replace_for_incident(conn: Connection, number: int, items: Iterable[DueItem]) -> None:
    """Make the incident's pending work exactly `items` (call with the incident row locked)."""
    conn.execute(delete(due_work).where(due_work.c.incident_number == number))
    rows = [
        {"key": item.key(number), "kind": str(item.kind), "incident_number": number, "role": item.role,
         "due_at": item.due_at, "attempts": 0}
        for item in items
    ]  # fmt: skip
    if rows:
        conn.execute(insert_ignoring_conflict(due_work, conn.dialect.name), rows)


def ensure(conn: Connection, item: DueItem) -> bool:
    """Plan a workspace-wide item (roll-up, digest) unless it is already planned. True if this call planned it."""
    stmt = insert_ignoring_conflict(due_work, conn.dialect.name, due_work.c.id)
    values = {"key": item.key(None), "kind": str(item.kind), "incident_number": None, "role": item.role,
              "due_at": item.due_at, "attempts": 0}
    return conn.execute(stmt, values).first() is not None


def replace_item(conn: Connection, item: DueItem | None, *, key: str) -> None:
    """Make the workspace-wide row `key` exactly `item` (None: nothing planned), e.g. an action reminder."""
    conn.execute(delete(due_work).where(due_work.c.key == key))
    if item is not None:
        ensure(conn, item)


def claim(conn: Connection, *, owner: str, now: datetime, lease: timedelta, limit: int = 20) -> list[DueRow]:
    stmt = (
        select(due_work)
        .where(due_work.c.due_at <= now, or_(due_work.c.lease_until.is_(None), due_work.c.lease_until < now))
        .order_by(due_work.c.due_at)
        .limit(limit)
    )
    if conn.dialect.name != "sqlite":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = conn.execute(stmt).mappings().all()
    if rows:
        conn.execute(
            update(due_work)
            .where(due_work.c.id.in_([r["id"] for r in rows]))
            .values(lease_owner=owner, lease_until=now + lease, attempts=due_work.c.attempts + 1)
        )
    return [
        DueRow(id=r["id"], key=r["key"], kind=DueKind(r["kind"]), incident_number=r["incident_number"],
               role=r["role"], due_at=r["due_at"], attempts=r["attempts"] + 1)
        for r in rows
    ]  # fmt: skip


def still_leased_by(conn: Connection, row_id: int, owner: str) -> bool:
    """Lock the row and check we still hold it: an expired lease taken over by another process loses."""
    stmt = select(due_work.c.id).where(due_work.c.id == row_id, due_work.c.lease_owner == owner)
    if conn.dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return conn.execute(stmt).first() is not None


def forget(conn: Connection, item: DueItem) -> None:
    """Drop a workspace-wide item that is no longer owed (a report answered before its escalation)."""
    conn.execute(delete(due_work).where(due_work.c.key == item.key(None)))


def finish(conn: Connection, row_id: int) -> None:
    conn.execute(delete(due_work).where(due_work.c.id == row_id))


def release(conn: Connection, row_id: int, *, retry_at: datetime) -> None:
    conn.execute(
        update(due_work).where(due_work.c.id == row_id).values(lease_owner=None, lease_until=None, due_at=retry_at)
    )


def pending(conn: Connection, *, incident_number: int | None = None) -> list[DueRow]:
    stmt = select(due_work).order_by(due_work.c.due_at)
    if incident_number is not None:
        stmt = stmt.where(due_work.c.incident_number == incident_number)
    return [
        DueRow(id=r["id"], key=r["key"], kind=DueKind(r["kind"]), incident_number=r["incident_number"],
               role=r["role"], due_at=r["due_at"], attempts=r["attempts"])
        for r in conn.execute(stmt).mappings()
    ]  # fmt: skip


def next_due_at(conn: Connection) -> datetime | None:
    from sqlalchemy import func

    return conn.execute(select(func.min(due_work.c.due_at))).scalar()


def renew_leases(conn: Connection, *, owner: str, ids: Iterable[int], until: datetime) -> int:
    """Extend the leases `owner` holds on rows `ids`, those it is acting on (its heartbeat): short leases then
    only run out when it has died, or when it let go of a row without giving it back."""
    stmt = update(due_work).where(due_work.c.lease_owner == owner, due_work.c.id.in_(list(ids)))
    return conn.execute(stmt.values(lease_until=until)).rowcount


def recover_abandoned(conn: Connection) -> int:
    """Release every lease: for SQLite only, where one process owns the file, so a lease found at start-up was
    left by a process that died. Acting again is safe: each job re-checks, under the incident's lock, whether
    it is still owed."""
    return conn.execute(
        update(due_work).where(due_work.c.lease_owner.is_not(None)).values(lease_owner=None, lease_until=None)
    ).rowcount
