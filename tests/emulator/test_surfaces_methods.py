"""The fake's chat.unfurl, usergroups.users.list and reactions.get, and its check of event payloads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.emulator import FakeSlack
from incidentbot.emulator.events import check_event

CARD = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*OUT-1*"}}]}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=3)


def error(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(info.value.response["error"])


def test_unfurl_needs_a_message_or_an_unfurl_id_and_valid_blocks(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.create_channel("chat", member=True)
    ts = fake.post_as_user("chat", "U0BOB", "see http://bot/incidents/OUT-1")
    client.chat_unfurl(channel=channel.id, ts=ts, unfurls={"http://bot/incidents/OUT-1": CARD})
    client.chat_unfurl(unfurl_id="U1", source="composer", unfurls={"http://bot/incidents/OUT-1": CARD})
    assert [u.get("channel") or u["unfurl_id"] for u in fake.unfurls()] == [channel.id, "U1"]
    assert error(client.chat_unfurl, channel=channel.id, ts="1.000001", unfurls={"u": CARD}) == "cannot_find_message"
    assert error(client.chat_unfurl, unfurl_id="U1", unfurls={"u": CARD}) == "missing_source"
    assert error(client.chat_unfurl, channel=channel.id, ts=ts, unfurls={"u": {"blocks": [{"type": "nope"}]}}) \
        == "invalid_unfurls_format"
    # Malformed calls are rejections (a bug in the bot); a message that is not there is just Slack's answer.
    assert {r.error for r in fake.clear_rejected()} == {"missing_source", "invalid_unfurls_format"}


def test_user_groups_list_their_members(fake: FakeSlack, client: WebClient) -> None:
    fake.add_usergroup("S0ONCALL", ["U0BOB", "U0CAROL"])
    assert client.usergroups_users_list(usergroup="S0ONCALL")["users"] == ["U0BOB", "U0CAROL"]
    assert error(client.usergroups_users_list, usergroup="S0NOPE") == "no_such_subteam"
    fake.clear_rejected()


def test_reactions_get_returns_the_message(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.create_channel("chat", member=True)
    ts = fake.post_as_user("chat", "U0BOB", "pin me")
    assert client.reactions_get(channel=channel.id, timestamp=ts)["message"]["text"] == "pin me"


def test_event_payloads_must_have_the_reference_shape() -> None:
    good = {"type": "reaction_added", "user": "U1", "reaction": "pushpin", "item_user": "U2",
            "item": {"type": "message", "channel": "C1", "ts": "1.2"}, "event_ts": "1.3"}  # fmt: skip
    check_event(good)
    with pytest.raises(AssertionError, match="differ"):
        check_event({**good, "item": {"channel": "C1", "ts": "1.2"}})
    with pytest.raises(AssertionError, match="not in the reference"):
        check_event({"type": "pin_added", "user": "U1"})
