"""Channel repairs: joined again, created again, replaced by the next free name."""

from __future__ import annotations

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.store.database import Database
from tests.support.delivery import client_for, deliverer, drain, enqueue, now, post, texts


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
