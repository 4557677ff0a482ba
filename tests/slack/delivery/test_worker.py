"""The claim-and-deliver loop: order per incident, retries with backoff, giving up on what Slack refuses."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from incidentbot.emulator import FakeSlack
from incidentbot.service import deliveries
from incidentbot.store import outbox
from incidentbot.store.database import Database
from tests.support.delivery import deliverer, drain, enqueue, now, post, rows, texts


def test_posts_of_one_key_keep_their_order_through_failures(db: Database, fake_slack: FakeSlack, ops: str) -> None:
    enqueue(db, *(post(f"update {n}") for n in range(8)))
    fake_slack.fail("chat.postMessage", status=503, times=3)
    fake_slack.delay("chat.postMessage", 1.5, after_store=True)
    fake_slack.fail("chat.postMessage", status=502, times=2)
    worker = deliverer(db, fake_slack, workers=4)
    worker.start()
    try:
        fake_slack.wait_for(lambda: len(texts(fake_slack)) >= 8, timeout=10)
    finally:
        worker.stop()
    assert texts(fake_slack) == [f"update {n}" for n in range(8)]


def test_one_key_waiting_for_a_retry_does_not_hold_up_another(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    db = lite
    fake_slack.create_channel("other", member=True)
    enqueue(db, post("slow", key="a"))
    fake_slack.error("chat.postMessage", "service_unavailable", times=1)
    worker = deliverer(db, fake_slack, backoff_base=2.0, backoff_cap=2.0)
    worker.deliver_pending()
    enqueue(db, post("fast", key="b", channel="#other"), post("after slow", key="a"))
    worker.start()
    try:
        fake_slack.wait_for(lambda: texts(fake_slack, "other") == ["fast"], timeout=1.0)
        assert texts(fake_slack) == []  # key "a" waits for its backoff, and "after slow" waits behind it
    finally:
        worker.stop()


def test_backoff_stays_under_the_configured_cap(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    db = lite
    enqueue(db, post("patience"))
    fake_slack.fail("chat.postMessage", status=503, times=None)
    worker = deliverer(db, fake_slack, backoff_base=0.05, backoff_cap=0.15)
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        worker.deliver_pending()
        time.sleep(0.01)
    [row] = rows(db)
    assert row["state"] == outbox.PENDING and row["attempts"] >= 5
    assert row["next_attempt_at"] - now() <= timedelta(seconds=0.15)
    assert "503" in row["last_error"]
    fake_slack.clear_faults()
    drain(db, worker)
    assert texts(fake_slack) == ["patience"]


def test_a_permanent_failure_is_recorded_and_others_go_on(db: Database, fake_slack: FakeSlack, ops: str) -> None:
    enqueue(db, post("refused"), post("next"))
    fake_slack.error("chat.postMessage", "restricted_action")
    drain(db, deliverer(db, fake_slack))
    first, second = rows(db)
    assert first["state"] == outbox.FAILED and "restricted_action" in first["last_error"]
    assert second["state"] == outbox.DELIVERED
    assert texts(fake_slack) == ["next"]


def test_a_row_left_leased_by_a_crashed_delivery_is_taken_up_again_while_the_worker_lives(
    db: Database, fake_slack: FakeSlack, ops: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack stored the post, then recording it failed (the database went away): the delivery crashed with the
    row still leased to this live worker. Its heartbeat must not keep that lease alive, or the incident's posts
    wait behind the row until a restart: the lease runs out, the row is found in Slack and recorded, once."""
    recorded = deliveries.delivered
    failures: list[int] = []

    def database_gone_once(*args: Any, **kwargs: Any) -> None:
        if not failures:
            failures.append(1)
            raise OperationalError("UPDATE outbox ...", None, ConnectionError("server closed the connection"))
        recorded(*args, **kwargs)

    monkeypatch.setattr(deliveries, "delivered", database_gone_once)
    enqueue(db, post("stored, not recorded"), post("next"))
    worker = deliverer(db, fake_slack, lease=timedelta(seconds=1))
    worker.start()
    try:
        fake_slack.wait_for(lambda: [r["state"] for r in rows(db)] == [outbox.DELIVERED] * 2, timeout=10)
    finally:
        worker.stop()
    assert texts(fake_slack) == ["stored, not recorded", "next"]
