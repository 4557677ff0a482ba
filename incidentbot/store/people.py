"""The names people go by (user id → name), learnt from Slack's requests; written only when one changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, select, update

from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import people


def known_as(conn: Connection, user_id: str) -> str | None:
    return conn.execute(select(people.c.name).where(people.c.user_id == user_id)).scalar()


def remember(conn: Connection, user_id: str, name: str, *, now: datetime) -> None:
    changed = conn.execute(update(people).where(people.c.user_id == user_id).values(name=name, updated_at=now))
    if not changed.rowcount:
        conn.execute(insert_ignoring_conflict(people, conn.dialect.name).values(user_id=user_id, name=name,
                                                                                  updated_at=now))


def names(conn: Connection, user_ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    return dict(conn.execute(select(people.c.user_id, people.c.name).where(people.c.user_id.in_(wanted))).all())
