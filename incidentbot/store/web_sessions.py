"""Sign-in links and page sessions, kept as SHA-256 hashes of their secrets (see tables.web_sessions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from incidentbot.store import single_use
from incidentbot.store.tables import web_sessions

LINK, SESSION = "link", "session"


def add(conn: Connection, *, token_hash: str, kind: str, user_id: str, now: datetime, lifetime: timedelta) -> None:
    conn.execute(insert(web_sessions).values(token_hash=token_hash, kind=kind, user_id=user_id, created_at=now,
                                             expires_at=now + lifetime))  # fmt: skip


def link_state(conn: Connection, token_hash: str, *, now: datetime) -> tuple[str, str | None]:
    """Whether a link would sign someone in: ("ok", user), ("used", None), ("expired", None), ("unknown", None)."""
    row = conn.execute(select(web_sessions).where(web_sessions.c.token_hash == token_hash,
                                                  web_sessions.c.kind == LINK)).mappings().first()  # fmt: skip
    found = single_use.outcome(row, now=now)
    return (found, str(row["user_id"])) if row is not None and found == "ok" else (found, None)


def use_link(conn: Connection, token_hash: str, *, now: datetime) -> tuple[str, str | None]:
    """Follow a link once (the outcomes of `link_state`). The conditional UPDATE makes a link single-use even
    when two requests follow it at the same moment."""
    outcome, user_id = link_state(conn, token_hash, now=now)
    if outcome != "ok":
        return outcome, None
    taken = conn.execute(
        update(web_sessions)
        .where(web_sessions.c.token_hash == token_hash, web_sessions.c.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    return ("ok", user_id) if taken == 1 else ("used", None)


def session_user(conn: Connection, token_hash: str, *, now: datetime) -> str | None:
    """The Slack user a live session belongs to, or None."""
    found = conn.execute(
        select(web_sessions.c.user_id).where(web_sessions.c.token_hash == token_hash,
                                             web_sessions.c.kind == SESSION, web_sessions.c.expires_at > now)
    ).scalar()  # fmt: skip
    return str(found) if found is not None else None


def end_session(conn: Connection, token_hash: str) -> bool:
    """Sign a session out (its cookie no longer opens anything); False when there was no such session."""
    stmt = delete(web_sessions).where(web_sessions.c.token_hash == token_hash, web_sessions.c.kind == SESSION)
    return bool(conn.execute(stmt).rowcount)


def forget_expired(conn: Connection, *, before: datetime) -> int:
    """Drop links and sessions that expired before `before` (kept a while so a late click hears "expired")."""
    return conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < before)).rowcount
