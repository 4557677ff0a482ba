"""Driving the outbox worker on its own: rows written to a real database, delivered to the fake Slack."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from incidentbot.emulator import FakeSlack
from incidentbot.slack.delivery import ChannelPacer, Deliverer
from incidentbot.store import outbox
from incidentbot.store.database import Database
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.tables import outbox as outbox_table
from tests.support.harness import Clock

Spy = list[tuple[float, str, int]]


now = Clock()  # a fixed instant plus real elapsed time: nothing here depends on the time of day


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, timeout=1, retry_handlers=[])


def deliverer(db: Database, fake: FakeSlack, *, owner: str = "worker-1", **kw: Any) -> Deliverer:
    options: dict[str, Any] = {"poll_interval": 0.05, "pacer": ChannelPacer(interval=0), "backoff_base": 0.05,
                               "backoff_cap": 0.2, **kw}
    return Deliverer(db=db, client=client_for(fake), clock=now, owner=owner, **options)


def enqueue(db: Database, *messages: OutboxMessage) -> None:
    with db.engine.begin() as conn:
        outbox.enqueue(conn, list(messages), now=now())


def post(text: str, *, key: str = "k1", channel: str = "#ops", **args: Any) -> OutboxMessage:
    return OutboxMessage(method="chat.postMessage", args={"channel": channel, "text": text, **args}, ordering_key=key)


def rows(db: Database) -> list[dict[str, Any]]:
    with db.read_engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(outbox_table).order_by(outbox_table.c.id)).mappings()]


def drain(db: Database, worker: Deliverer, *, timeout: float = 10.0) -> None:
    """Deliver in this thread until nothing is pending (retries are due within the small backoff cap)."""
    deadline = time.monotonic() + timeout
    while any(r["state"] == outbox.PENDING for r in rows(db)):
        assert time.monotonic() < deadline, f"outbox not drained: {rows(db)}"
        worker.deliver_pending()
        time.sleep(0.02)


def spy(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Spy:
    """Record (arrival time, method, HTTP status) of every Web API call the fake answers."""
    seen: Spy = []
    original = fake._api

    def api(method: str, query: str, headers: Any, body: bytes) -> Any:
        arrived = time.monotonic()
        reply = original(method, query, headers, body)
        seen.append((arrived, method, reply.status))
        return reply

    monkeypatch.setattr(fake, "_api", api)
    return seen


def texts(fake: FakeSlack, channel: str = "ops") -> list[str]:
    return [m.text for m in fake.messages(channel)]

