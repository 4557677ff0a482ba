"""A row's arguments as Slack must see them: `$root`, `#name` and `@user` resolved, posts tagged for exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.service.deliveries import RootThread
from incidentbot.slack.delivery.references import (
    METADATA_EVENT,
    RootNotReady,
    ThreadMoving,
    delivery_id_of,
    resolve,
)
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.store.database import Database
from incidentbot.store.outbox import OutboxRow
from tests.support.delivery import client_for, now


def row(method: str, number: int | None = 7, **args: str) -> OutboxRow:
    return OutboxRow(id=1, delivery_id="d-1", ordering_key="incident:7", incident_number=number, method=method,
                     args=args, purpose="post", attempts=0, unknown_outcome=False,
                     created_at=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip


def directory(db: Database, fake: FakeSlack) -> ChannelDirectory:
    return ChannelDirectory(client=client_for(fake), db=db, clock=now)


def thread_at(channel: str | None, ts: str | None, *, moving: bool = False) -> dict[int, RootThread]:
    return {7: RootThread(moving=moving, channel=channel, ts=ts)}


def test_root_references_become_the_incident_thread_and_posts_carry_their_delivery_id(
    lite: Database, fake_slack: FakeSlack, ops: str
) -> None:
    threads = thread_at(ops, "1700000000.000100")
    args = resolve(row("chat.postMessage", channel="$root", thread_ts="$root", text="hi"),
                   root_thread=threads.__getitem__, directory=directory(lite, fake_slack))  # fmt: skip
    assert args["channel"] == ops and args["thread_ts"] == "1700000000.000100" and args["text"] == "hi"
    assert args["metadata"] == {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": "d-1"}}
    assert delivery_id_of(args) == "d-1" and delivery_id_of({"text": "someone else's"}) is None


def test_named_channels_are_resolved_and_only_posts_are_tagged(lite: Database, fake_slack: FakeSlack, ops: str) -> None:
    args = resolve(row("conversations.setTopic", number=None, channel="#ops", topic="t"),
                   root_thread=thread_at(None, None).__getitem__, directory=directory(lite, fake_slack))  # fmt: skip
    assert args == {"channel": ops, "topic": "t"}


@pytest.mark.parametrize(("thread", "raised"), [
    (RootThread(moving=True), ThreadMoving),
    (RootThread(moving=False, channel=None, ts=None), RootNotReady),
])  # fmt: skip
def test_a_thread_that_is_not_there_stops_the_row(
    lite: Database, fake_slack: FakeSlack, thread: RootThread, raised: type[Exception]
) -> None:
    with pytest.raises(raised):
        resolve(row("chat.update", channel="$root", ts="$root", text="edit"), root_thread={7: thread}.__getitem__,
                directory=directory(lite, fake_slack))  # fmt: skip
    assert fake_slack.calls_to("conversations.create") == []
