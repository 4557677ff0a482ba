"""The channel directory: which Slack channel id each named channel has, learnt once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from incidentbot.store.database import insert_ignoring_conflict
from incidentbot.store.tables import channels


def lookup(conn: Connection, name: str) -> str | None:
    return conn.execute(select(channels.c.channel_id).where(channels.c.name == name)).scalar()


def name_of(conn: Connection, channel_id: str) -> str | None:
    return conn.execute(select(channels.c.name).where(channels.c.channel_id == channel_id)).scalar()


def remember(conn: Connection, name: str, channel_id: str, *, now: datetime) -> None:
    conn.execute(delete(channels).where(channels.c.name == name))
    conn.execute(insert_ignoring_conflict(channels, conn.dialect.name).values(name=name, channel_id=channel_id,
                                                                              updated_at=now))


def forget(conn: Connection, name: str) -> None:
    conn.execute(delete(channels).where(channels.c.name == name))
