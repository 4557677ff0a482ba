"""Slack's Retry-After holds a method back, in this process and in every other one on the database."""

from __future__ import annotations

import time

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.store import outbox
from incidentbot.store.database import Database
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.tables import outbox as outbox_table
from tests.support.delivery import deliverer, drain, enqueue, now, post, rows, spy, texts


def test_retry_after_holds_every_row_calling_that_method(
    lite: Database, fake_slack: FakeSlack, ops: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = lite
    seen = spy(fake_slack, monkeypatch)
    worker = deliverer(db, fake_slack)
    worker.directory.named("ops")
    enqueue(db, post("first", key="a"))
    fake_slack.rate_limit("chat.postMessage", retry_after=1)
    worker.deliver_pending()
    [(limited_at, _, status)] = [s for s in seen if s[1] == "chat.postMessage"]
    assert status == 429

    # Another incident's post, claimed after the 429: it waits too, without spending an attempt.
    enqueue(db, post("second", key="b"))
    worker.deliver_pending()
    assert len([s for s in seen if s[1] == "chat.postMessage"]) == 1
    waiting = rows(db)[1]
    assert waiting["state"] == outbox.PENDING and waiting["attempts"] == 0 and "Retry-After" in waiting["last_error"]
    # Other methods are not held.
    enqueue(db, OutboxMessage(method="conversations.setTopic", args={"channel": "#ops", "topic": "t"},
                              ordering_key="topic"))  # fmt: skip
    worker.deliver_pending()
    assert fake_slack.topic("ops") == "t"

    drain(db, worker)
    assert sorted(texts(fake_slack)) == ["first", "second"]
    later = [t for t, method, _ in seen if method == "chat.postMessage" and t > limited_at]
    assert len(later) == 2 and min(later) - limited_at >= 0.95


def test_a_retry_after_seen_by_one_process_holds_the_method_in_every_process(
    db: Database, fake_slack: FakeSlack, ops: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy(fake_slack, monkeypatch)
    first, second = deliverer(db, fake_slack, owner="process-1"), deliverer(db, fake_slack, owner="process-2")
    fake_slack.rate_limit("chat.postMessage", retry_after=2, times=1)
    enqueue(db, post("one", key="a"))
    first.deliver_pending()  # meets the 429
    limited_at = next(t for t, method, status in seen if status == 429)
    enqueue(db, post("two", key="b"))
    with db.engine.begin() as conn:  # make every row due now, as if its retry time had come
        conn.execute(outbox_table.update().values(next_attempt_at=now()))
    second.deliver_pending()  # another process, which never saw the 429 itself
    posts_after = [t for t, method, status in seen if method == "chat.postMessage" and t > limited_at]
    assert posts_after == [], "the second process called chat.postMessage inside Slack's Retry-After"
    time.sleep(2.1)
    with db.engine.begin() as conn:
        conn.execute(outbox_table.update().values(next_attempt_at=now()))
    drain(db, second)
    assert sorted(texts(fake_slack)) == ["one", "two"]
