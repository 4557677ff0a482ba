"""Exactly once: a post whose outcome is unknown is looked for in Slack before it is posted again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.slack.delivery.references import METADATA_EVENT
from incidentbot.store import outbox
from incidentbot.store.database import Database
from tests.support.delivery import client_for, deliverer, drain, enqueue, now, post, rows, texts


def test_a_post_that_timed_out_after_arriving_is_found_not_posted_again(
    db: Database, fake_slack: FakeSlack, ops: str
) -> None:
    enqueue(db, post("in the channel"))
    fake_slack.delay("chat.postMessage", 1.5, after_store=True)  # stored, but the answer comes too late
    drain(db, deliverer(db, fake_slack))
    assert texts(fake_slack) == ["in the channel"], "posted twice"
    assert fake_slack.calls_to("conversations.history"), "the worker did not look for the post before deciding"
    [row] = rows(db)
    assert row["state"] == outbox.DELIVERED and row["result_ts"] == fake_slack.messages("ops")[0].ts


@pytest.mark.parametrize("where", ["thread", "dm"])
def test_a_thread_reply_or_dm_that_timed_out_is_found_not_posted_again(
    lite: Database, fake_slack: FakeSlack, ops: str, where: str
) -> None:
    db = lite
    client = client_for(fake_slack)
    root = client.chat_postMessage(channel=ops, text="root")["ts"]
    if where == "thread":
        enqueue(db, post("in the thread", thread_ts=root))
    else:
        enqueue(db, post("a direct message", channel="@U0BOB"))
    fake_slack.delay("chat.postMessage", 1.5, after_store=True)  # stored, but the answer comes too late
    drain(db, deliverer(db, fake_slack))

    if where == "thread":
        delivered = fake_slack.replies("ops", root)
        lookups = fake_slack.calls_to("conversations.replies")
    else:
        delivered = fake_slack.dms("U0BOB")
        lookups = fake_slack.calls_to("conversations.history")
    assert len(delivered) == 1, "posted twice"
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the root, and one attempt
    assert lookups, "the worker did not look for the post before deciding"
    [row] = rows(db)
    assert row["state"] == outbox.DELIVERED and row["result_ts"] == delivered[0].ts


def test_a_post_that_really_was_lost_is_posted_after_the_check(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    db = lite
    enqueue(db, post("hello"))
    fake_slack.fail("chat.postMessage", status=503)  # refused before storing; the worker cannot know that
    drain(db, deliverer(db, fake_slack))
    assert texts(fake_slack) == ["hello"]
    assert fake_slack.calls_to("conversations.history"), "a 5xx leaves the outcome unknown: check first"


@pytest.mark.parametrize("had_posted", [True, False])
def test_a_row_abandoned_by_a_dead_worker_is_checked_before_it_is_posted(
    db: Database, fake_slack: FakeSlack, ops: str, had_posted: bool
) -> None:
    enqueue(db, post("from the dead"))
    with db.engine.begin() as conn:  # the dead worker's claim, whose lease has run out
        [row] = outbox.claim(conn, owner="dead-worker", now=now(), lease=timedelta(0))
    if had_posted:  # it died after Slack stored its post, before it could record that
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": row.delivery_id}}
        client_for(fake_slack).chat_postMessage(channel=ops, text="from the dead", metadata=metadata)
    time.sleep(0.01)
    drain(db, deliverer(db, fake_slack))
    assert texts(fake_slack) == ["from the dead"]
    assert rows(db)[0]["result_ts"] == fake_slack.messages("ops")[0].ts


def test_start_up_on_sqlite_takes_back_rows_left_in_flight(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    """SQLite runs one process per file, so leases found at start-up are a dead process's. (On PostgreSQL other
    processes may be alive: their leases are waited out, see the test above.)"""
    db = lite
    enqueue(db, post("one"), post("two"))
    with db.engine.begin() as conn:
        outbox.claim(conn, owner="crashed-process", now=now(), lease=timedelta(hours=1))
    worker = deliverer(db, fake_slack)
    worker.start()
    try:
        fake_slack.wait_for(lambda: texts(fake_slack) == ["one", "two"], timeout=5)
    finally:
        worker.stop()
    assert fake_slack.calls_to("conversations.history"), "a row taken back is checked before it is posted"


def test_a_failed_check_means_try_later_not_post_blindly(db: Database, fake_slack: FakeSlack, ops: str) -> None:
    enqueue(db, post("careful"))
    with db.engine.begin() as conn:
        outbox.claim(conn, owner="dead-worker", now=now(), lease=timedelta(0))
    fake_slack.fail("conversations.history", status=503, times=2)
    worker = deliverer(db, fake_slack)
    time.sleep(0.01)
    worker.deliver_pending()
    assert fake_slack.calls_to("chat.postMessage") == []
    assert rows(db)[0]["state"] == outbox.PENDING and rows(db)[0]["unknown_outcome"]
    drain(db, worker)
    assert texts(fake_slack) == ["careful"]


def test_when_the_check_cannot_be_made_at_all_the_post_is_made_rather_than_kept_forever(
    lite: Database, fake_slack: FakeSlack, ops: str
) -> None:
    db = lite
    enqueue(db, post("a direct message", channel="@U0BOB"))
    with db.engine.begin() as conn:
        outbox.claim(conn, owner="dead-worker", now=now(), lease=timedelta(0))
    fake_slack.error("conversations.history", "missing_scope")  # e.g. installed without im:history
    time.sleep(0.01)
    drain(db, deliverer(db, fake_slack))
    assert [m.text for m in fake_slack.dms("U0BOB")] == ["a direct message"]
