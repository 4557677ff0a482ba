"""Resolutions waiting for their Confirm click (see tables.pending_confirmations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from incidentbot.store import single_use
from incidentbot.store.tables import pending_confirmations as pending


@dataclass(frozen=True)
class Pending:
    incident_number: int
    summary: str | None


def add(conn: Connection, *, token: str, incident_number: int, summary: str | None, created_by: str,
        now: datetime, lifetime: timedelta) -> None:  # fmt: skip
    conn.execute(insert(pending).values(token=token, incident_number=incident_number, summary=summary,
                                        created_by=created_by, created_at=now, expires_at=now + lifetime))  # fmt: skip


def use(conn: Connection, token: str, *, now: datetime) -> tuple[str, Pending | None]:
    """Take a pending confirmation once: ("ok", it), or ("used" | "expired" | "unknown", None). The conditional
    UPDATE makes it single-use even when two clicks arrive at the same moment."""
    row = conn.execute(select(pending).where(pending.c.token == token)).mappings().first()
    found = single_use.outcome(row, now=now)
    if row is None or found != "ok":
        return found, None
    taken = conn.execute(
        update(pending).where(pending.c.token == token, pending.c.used_at.is_(None)).values(used_at=now, summary=None)
    ).rowcount
    if taken != 1:
        return "used", None
    return "ok", Pending(incident_number=int(row["incident_number"]), summary=row["summary"])


def forget_expired(conn: Connection, *, before: datetime) -> int:
    """Drop confirmations that expired before `before` (kept a while so a late click hears "expired")."""
    return conn.execute(delete(pending).where(pending.c.expires_at < before)).rowcount
