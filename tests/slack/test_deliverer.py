"""The outbox worker on its own: outbox rows in a real database, delivered to the fake Slack."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from incidentbot.slack.deliverer import METADATA_EVENT, Deliverer
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.slack.pacing import ChannelPacer
from incidentbot.store import outbox
from incidentbot.store.database import Database, connect
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.tables import outbox as outbox_table
from tests.fakeslack import FakeSlack
from tests.support.databases import SqliteTemplates

Spy = list[tuple[float, str, int]]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """Both databases: for what depends on them (claims, leases, flags)."""
    database = connect(database_url)
    yield database
    database.dispose()


@pytest.fixture
def lite(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[Database]:
    """SQLite only: for what does not depend on the database, to keep the suite fast."""
    with sqlite_templates.clone(tmp_path) as url:
        database = connect(url)
        yield database
        database.dispose()


@pytest.fixture
def ops(fake_slack: FakeSlack) -> str:
    return fake_slack.create_channel("ops", member=True).id


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


# ----- exactly once --------------------------------------------------------------------------------------


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


# ----- retries -------------------------------------------------------------------------------------------


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


def test_a_permanent_failure_is_recorded_and_others_go_on(db: Database, fake_slack: FakeSlack, ops: str) -> None:
    enqueue(db, post("refused"), post("next"))
    fake_slack.error("chat.postMessage", "restricted_action")
    drain(db, deliverer(db, fake_slack))
    first, second = rows(db)
    assert first["state"] == outbox.FAILED and "restricted_action" in first["last_error"]
    assert second["state"] == outbox.DELIVERED
    assert texts(fake_slack) == ["next"]


# ----- channels --------------------------------------------------------------------------------------------


def test_not_in_channel_joins_then_posts(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    db = lite
    enqueue(db, post("first"))
    drain(db, deliverer(db, fake_slack))
    fake_slack.remove_bot("ops")
    enqueue(db, post("after being removed"))
    drain(db, deliverer(db, fake_slack))
    assert texts(fake_slack) == ["first", "after being removed"]
    assert fake_slack.calls_to("conversations.join")


def test_a_deleted_channel_is_created_again(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    db = lite
    enqueue(db, post("first"))
    drain(db, deliverer(db, fake_slack))
    fake_slack.delete_channel("ops")
    enqueue(db, post("after the deletion"))
    drain(db, deliverer(db, fake_slack))
    channel = fake_slack.channel("ops")
    assert channel is not None and channel.id != ops
    assert texts(fake_slack) == ["after the deletion"]


def test_an_archived_channel_is_replaced_by_the_next_free_name(
    lite: Database, fake_slack: FakeSlack, ops: str
) -> None:
    db = lite
    enqueue(db, post("first"))
    drain(db, deliverer(db, fake_slack))
    fake_slack.archive("ops")
    enqueue(db, post("after archiving"))
    drain(db, deliverer(db, fake_slack))
    assert texts(fake_slack, "ops-2") == ["after archiving"]


@pytest.mark.parametrize("existing", ["public", "archived", "private"])
def test_name_taken_finds_the_channel_or_the_next_free_name(
    lite: Database, fake_slack: FakeSlack, existing: str
) -> None:
    db = lite
    name = "x" * 80  # as long as Slack allows: the suffix must shorten the name, not be cut off
    fake_slack.create_channel(name, private=existing == "private")
    if existing == "archived":
        fake_slack.archive(name)
    directory = ChannelDirectory(client=client_for(fake_slack), db=db, clock=now)
    channel_id = directory.named(name)
    expected = name if existing == "public" else "x" * 78 + "-2"
    found = fake_slack.channel(expected)
    assert found is not None and found.id == channel_id and found.is_member
    assert directory.named(name) == channel_id  # remembered: no second look-up
    assert len(fake_slack.calls_to("conversations.create")) == (1 if existing == "public" else 2)


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
