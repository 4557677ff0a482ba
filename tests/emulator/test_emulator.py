"""Tests of the fake Slack Web API itself, driven through the real slack_sdk WebClient."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.emulator import BOT_USER_ID, FakeSlack
from incidentbot.emulator.handlers import HANDLERS
from incidentbot.emulator.make_fixture import METHODS
from incidentbot.emulator.rules import Spec

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Declare"}, "blocks": [SECTION]}
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f
        assert f.rejected == [], f.dump()


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=3)


def slack_error(call: Any, *args: Any, **kwargs: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return info.value


def err(call: Any, *args: Any, **kwargs: Any) -> str:
    return str(slack_error(call, *args, **kwargs).response["error"])


def new_channel(client: WebClient, name: str = "inc-1") -> str:
    return str(client.conversations_create(name=name)["channel"]["id"])


# ------------------------------------------------------------------------------------------- fixture


def test_fixture_covers_exactly_the_bot_methods_and_each_has_a_handler() -> None:
    spec = Spec.load()
    assert sorted(spec.methods) == sorted(METHODS)
    assert set(HANDLERS) == set(spec.methods)
    post = spec.methods["chat.postMessage"]
    assert post.args["channel"]["required"] is True
    assert {"text", "blocks", "metadata", "thread_ts"} <= set(post.args)
    assert post.arg_groups[0].args == ("attachments", "blocks", "text", "markdown_text")
    assert "not_in_channel" in post.errors


# ------------------------------------------------------------------------------------------- auth


def test_auth_test_and_tokens(fake: FakeSlack, client: WebClient) -> None:
    me = client.auth_test()
    assert (me["user_id"], me["bot_id"], me["team_id"]) == (BOT_USER_ID, "B_BOT", "T_FAKE")
    wrong = WebClient(token="xoxb-wrong", base_url=fake.url, retry_handlers=[])
    assert err(wrong.auth_test) == "invalid_auth"
    anonymous = WebClient(base_url=fake.url, retry_handlers=[])
    assert err(anonymous.auth_test) == "not_authed"
    assert [r.error for r in fake.clear_rejected()] == ["invalid_auth", "not_authed"]


# ------------------------------------------------------------------------------------------- argument rules


def test_unknown_method_is_a_404_and_rejected(fake: FakeSlack, client: WebClient) -> None:
    e = slack_error(client.api_call, "chat.postMessages", json={"channel": "C1", "text": "x"})
    assert e.response.status_code == 404
    assert e.response.data == {"ok": False, "error": "unknown_method"}
    assert [(r.method, r.error) for r in fake.clear_rejected()] == [("chat.postMessages", "unknown_method")]


def test_unknown_missing_and_mistyped_arguments(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    e = slack_error(client.chat_postMessage, channel=cid, text="x", colour="red")
    assert e.response["error"] == "invalid_arguments"
    assert e.response["response_metadata"]["messages"] == ["[ERROR] unknown argument: colour"]
    e = slack_error(client.api_call, "conversations.join", params={})
    assert e.response["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]
    assert err(client.conversations_list, limit="lots") == "invalid_arguments"
    assert [r.error for r in fake.clear_rejected()] == ["invalid_arguments"] * 3
    assert fake.messages("inc-1") == []


def test_team_id_added_by_the_client_is_accepted(fake: FakeSlack) -> None:
    # slack_bolt hands listeners WebClient(team_id=<the event's team>), which sends team_id on every call;
    # the reference lists team_id only for conversations.create/list.
    bolt_like = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], team_id="T_FAKE")
    cid = bolt_like.conversations_create(name="inc-1")["channel"]["id"]
    bolt_like.chat_postMessage(channel=cid, text="hi")
    assert fake.calls_to("chat.postMessage")[0].args["team_id"] == "T_FAKE"


def test_arg_groups(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    assert err(client.api_call, "chat.postMessage", json={"channel": cid}) == "no_text"
    assert err(client.api_call, "chat.postMessage", json={"channel": cid, "text": ""}) == "no_text"
    both = {"channel": cid, "text": "a", "markdown_text": "**a**"}
    assert err(client.api_call, "chat.postMessage", json=both) == "markdown_text_conflict"
    view = json.dumps(MODAL)
    neither = err(client.api_call, "views.open", json={"view": view})
    assert neither == "invalid_arguments"
    assert [r.error for r in fake.clear_rejected()] == [
        "no_text",
        "no_text",
        "markdown_text_conflict",
        "invalid_arguments",
    ]
    # blocks alone satisfy the group (slack_sdk would warn about the missing fallback text, so use api_call)
    client.api_call("chat.postMessage", json={"channel": cid, "blocks": [SECTION]})


def test_form_bodies_carry_json_as_strings(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    data = {
        "channel": cid,
        "text": "fallback",
        "blocks": json.dumps([SECTION]),
        "metadata": json.dumps({"event_type": "incident", "event_payload": {"id": 7}}),
    }
    client.api_call("chat.postMessage", data=data)
    (msg,) = fake.messages("inc-1")
    assert msg.blocks == [SECTION]
    assert msg.metadata == {"event_type": "incident", "event_payload": {"id": 7}}


def test_invalid_blocks(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    assert err(client.chat_postMessage, channel=cid, text="x", blocks=[{"type": "sektion"}]) == "invalid_blocks"
    no_text = [{"type": "section"}]
    e = slack_error(client.chat_postMessage, channel=cid, text="x", blocks=no_text)
    assert e.response["error"] == "invalid_blocks"
    assert "text or fields" in e.response["response_metadata"]["messages"][0]
    assert err(client.chat_postMessage, channel=cid, text="x", blocks=[SECTION] * 51) == "invalid_blocks"
    bad_json = {"channel": cid, "text": "x", "blocks": "[{not json"}
    assert err(client.api_call, "chat.postMessage", data=bad_json) == "invalid_blocks_format"
    assert err(client.chat_postMessage, channel=cid, text="x" * 40_001) == "msg_too_long"
    assert [r.error for r in fake.clear_rejected()] == [
        "invalid_blocks",
        "invalid_blocks",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
    ]
    client.chat_postMessage(channel=cid, text="x", blocks=[SECTION] * 50)
    assert fake.messages("inc-1")[0].blocks == [SECTION] * 50


# ------------------------------------------------------------------------------------------- channels


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("a" * 81, "invalid_name_maxlength"),
        ("Incident-1", "invalid_name_specials"),
        ("inc 1", "invalid_name_specials"),
        ("inc#1", "invalid_name_specials"),
        ("--", "invalid_name_punctuation"),
    ],
)
def test_create_rejects_bad_names(client: WebClient, name: str, error: str) -> None:
    assert err(client.conversations_create, name=name) == error


def test_create_and_name_taken(fake: FakeSlack, client: WebClient) -> None:
    created = client.conversations_create(name="inc-2024_db-down")["channel"]
    assert created["id"].startswith("C") and created["is_member"] is True
    assert fake.channel("inc-2024_db-down").members == {BOT_USER_ID}  # type: ignore[union-attr]
    assert err(client.conversations_create, name="inc-2024_db-down") == "name_taken"
    fake.create_channel("old-inc")
    fake.archive("old-inc")
    assert err(client.conversations_create, name="old-inc") == "name_taken"
    private = client.conversations_create(name="sec-inc", is_private=True)["channel"]
    assert private["is_private"] is True


def test_join(fake: FakeSlack, client: WebClient) -> None:
    general = fake.create_channel("general").id
    assert fake.channel("general").is_member is False  # type: ignore[union-attr]
    joined = client.conversations_join(channel=general)["channel"]
    assert joined["is_member"] is True and BOT_USER_ID in fake.channel("general").members  # type: ignore[union-attr]
    fake.create_channel("archived")
    fake.archive("archived")
    assert err(client.conversations_join, channel=fake.channel("archived").id) == "is_archived"  # type: ignore[union-attr]
    secret = fake.create_channel("secret", private=True).id
    assert err(client.conversations_join, channel=secret) == "method_not_supported_for_channel_type"
    assert err(client.conversations_join, channel="C_NOPE") == "channel_not_found"


def test_post_rules(fake: FakeSlack, client: WebClient) -> None:
    elsewhere = fake.create_channel("random").id
    assert err(client.chat_postMessage, channel=elsewhere, text="hi") == "not_in_channel"
    assert err(client.chat_postMessage, channel="C_MISSING", text="hi") == "channel_not_found"
    hidden = fake.create_channel("hidden", private=True).id
    assert err(client.chat_postMessage, channel=hidden, text="hi") == "channel_not_found"
    cid = new_channel(client)
    fake.archive("inc-1")
    assert err(client.chat_postMessage, channel=cid, text="hi") == "is_archived"
    fake.unarchive("inc-1")
    fake.remove_bot("inc-1")
    assert err(client.chat_postMessage, channel=cid, text="hi") == "not_in_channel"
    fake.delete_channel("inc-1")
    assert err(client.chat_postMessage, channel=cid, text="hi") == "channel_not_found"
    assert fake.channel("inc-1") is None


def test_threads_updates_and_permalinks(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    root = client.chat_postMessage(channel=cid, text="Incident declared")["ts"]
    r1 = client.chat_postMessage(channel=cid, text="update 1", thread_ts=root)["ts"]
    r2 = client.chat_postMessage(channel=cid, text="update 2", thread_ts=root)["ts"]
    assert root < r1 < r2
    assert [m.text for m in fake.messages("inc-1")] == ["Incident declared"]
    assert [m.text for m in fake.replies("inc-1", root)] == ["update 1", "update 2"]
    assert err(client.chat_postMessage, channel=cid, text="x", thread_ts=r1) == "thread_not_found"
    assert err(client.chat_postMessage, channel=cid, text="x", thread_ts="1.000001") == "thread_not_found"
    assert [r.error for r in fake.clear_rejected()] == ["thread_not_found"] * 2

    updated = client.chat_update(channel=cid, ts=root, text="Incident declared (SEV1)", blocks=[SECTION])
    assert updated["message"]["text"] == "Incident declared (SEV1)"
    client.chat_update(channel=cid, ts=root, text="Resolved")
    (msg,) = fake.messages("inc-1")
    assert (msg.text, msg.blocks, msg.edits) == ("Resolved", [SECTION], 2)
    assert [h["text"] for h in msg.history] == ["Incident declared", "Incident declared (SEV1)"]
    assert err(client.chat_update, channel=cid, ts="1.000001", text="x") == "message_not_found"
    fake.add_member("inc-1", "U0ALICE")
    human = fake.post_as_user("inc-1", "U0ALICE", "I'm on it")
    assert err(client.chat_update, channel=cid, ts=human, text="x") == "cant_update_message"

    link = client.chat_getPermalink(channel=cid, message_ts=root)["permalink"]
    assert link == f"https://fake.slack/archives/{cid}/p{root.replace('.', '')}"
    replies = client.conversations_replies(channel=cid, ts=root)["messages"]
    assert [m["text"] for m in replies] == ["Resolved", "update 1", "update 2"]
    assert replies[0]["reply_count"] == 2


def test_topic(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    client.conversations_setTopic(channel=cid, topic="SEV1 | IC: @alice")
    assert fake.topic("inc-1") == "SEV1 | IC: @alice"
    assert err(client.conversations_setTopic, channel=cid, topic="x" * 251) == "too_long"
    fake.remove_bot("inc-1")
    assert err(client.conversations_setTopic, channel=cid, topic="x") == "not_in_channel"
    info = client.conversations_info(channel=cid)["channel"]
    assert (info["topic"]["value"], info["is_member"], info["is_archived"]) == ("SEV1 | IC: @alice", False, False)


def test_metadata_round_trip_via_history(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    meta = {"event_type": "incident_declared", "event_payload": {"incident_id": 42}}
    client.chat_postMessage(channel=cid, text="first")
    client.chat_postMessage(channel=cid, text="declared", metadata=meta)
    with_meta = client.conversations_history(channel=cid, include_all_metadata=True)["messages"]
    assert [m["text"] for m in with_meta] == ["declared", "first"]
    assert with_meta[0]["metadata"] == meta and "metadata" not in with_meta[1]
    plain = client.conversations_history(channel=cid)["messages"]
    assert all("metadata" not in m for m in plain)
    bad = {"event_type": "x"}
    assert err(client.chat_postMessage, channel=cid, text="x", metadata=bad) == "invalid_metadata_schema"
    assert [r.error for r in fake.clear_rejected()] == ["invalid_metadata_schema"]


def test_history_pagination_and_not_in_channel(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    sent = [client.chat_postMessage(channel=cid, text=f"m{i}")["ts"] for i in range(5)]
    first = client.conversations_history(channel=cid, limit=2)
    assert [m["ts"] for m in first["messages"]] == sent[::-1][:2] and first["has_more"] is True
    rest = client.conversations_history(channel=cid, limit=10, cursor=first["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in rest["messages"]] == sent[::-1][2:]
    assert rest["response_metadata"]["next_cursor"] == ""
    assert err(client.conversations_history, channel=cid, cursor="garbage") == "invalid_cursor"
    fake.clear_rejected()
    other = fake.create_channel("other").id
    assert err(client.conversations_history, channel=other) == "not_in_channel"


def test_list_paginates_and_filters(fake: FakeSlack, client: WebClient) -> None:
    for name in ("a1", "a2", "a3"):
        fake.create_channel(name)
    fake.archive("a2")
    fake.create_channel("priv", private=True, member=True)
    fake.create_channel("priv-hidden", private=True)
    names: list[str] = []
    cursor = ""
    while True:
        page = client.conversations_list(limit=1, cursor=cursor or None, exclude_archived=True)
        names += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert names == ["a1", "a3"]
    every = client.conversations_list(types="public_channel,private_channel")["channels"]
    assert [c["name"] for c in every] == ["a1", "a2", "a3", "priv"]
    assert err(client.conversations_list, types="public_channel,bogus") == "invalid_types"
    assert [r.error for r in fake.clear_rejected()] == ["invalid_types"]


def test_dms_ephemerals_invites_and_users(fake: FakeSlack, client: WebClient) -> None:
    dm = client.conversations_open(users="U0ALICE")["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=["U0ALICE"])["channel"]["id"] == dm
    client.chat_postMessage(channel=dm, text="You are the incident commander")
    assert [m.text for m in fake.dms("U0ALICE")] == ["You are the incident commander"]
    assert fake.dms("U0BOB") == []
    assert client.chat_postMessage(channel="U0BOB", text="posting to a user id lands in the DM")["channel"] != dm
    assert len(fake.dms("U0BOB")) == 1
    assert err(client.conversations_open, users="U_NOBODY") == "user_not_found"

    cid = new_channel(client)
    assert err(client.chat_postEphemeral, channel=cid, user="U0BOB", text="psst") == "user_not_in_channel"
    client.conversations_invite(channel=cid, users=["U0BOB", "U0CAROL"])
    assert err(client.conversations_invite, channel=cid, users="U0BOB") == "already_in_channel"
    client.chat_postEphemeral(channel=cid, user="U0BOB", text="psst")
    (eph,) = fake.ephemerals
    assert (eph.channel, eph.user, eph.text) == (cid, "U0BOB", "psst")
    assert fake.messages("inc-1") == []

    fake.add_user("U_ERIN", "erin", real_name="Erin Example", tz="Europe/Berlin")
    user = client.users_info(user="U_ERIN")["user"]
    assert (user["tz"], user["real_name"], user["profile"]["display_name"]) == ("Europe/Berlin", "Erin Example", "erin")
    assert err(client.users_info, user="U_NOBODY") == "user_not_found"


# ------------------------------------------------------------------------------------------- views


def test_views_open_triggers(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.new_trigger_id("U0BOB")
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["title"]["text"] == "Declare"
    assert err(client.views_open, trigger_id=trigger, view=MODAL) == "expired_trigger_id"
    assert err(client.views_open, trigger_id="123.456.abc", view=MODAL) == "invalid_trigger_id"
    (record,) = fake.views
    assert (record.user, record.trigger_id, record.view) == ("U0BOB", trigger, MODAL)

    changed = dict(MODAL, title={"type": "plain_text", "text": "Declared"})
    client.views_update(view_id=opened["id"], view=changed)
    assert fake.views[0].view["title"]["text"] == "Declared"
    assert err(client.views_update, view_id=opened["id"], view=MODAL, hash="stale") == "hash_conflict"
    client.views_publish(user_id="U0BOB", view={"type": "home", "blocks": [SECTION]})
    assert [v.kind for v in fake.views] == ["modal", "home"]


def test_views_reject_invalid_views(fake: FakeSlack, client: WebClient) -> None:
    untitled = {"type": "modal", "blocks": [SECTION]}
    assert err(client.views_open, trigger_id=fake.new_trigger_id(), view=untitled) == "invalid_arguments"
    unknown_block = dict(MODAL, blocks=[{"type": "sektion"}])
    assert err(client.views_open, trigger_id=fake.new_trigger_id(), view=unknown_block) == "invalid_arguments"
    long_title = dict(MODAL, title={"type": "plain_text", "text": "x" * 25})
    trigger = fake.new_trigger_id()
    assert err(client.views_open, trigger_id=trigger, view=long_title) == "invalid_arguments"
    assert len(fake.clear_rejected()) == 3
    client.views_open(trigger_id=trigger, view=MODAL)  # a rejected view does not use up the trigger


# ------------------------------------------------------------------------------------------- response_url


def post_json(url: str, payload: Any) -> tuple[int, str]:
    req = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=3) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode()


def test_response_url(fake: FakeSlack) -> None:
    url = fake.new_response_url(max_uses=2)
    assert url.startswith(f"{fake.base_url}/response/")
    assert post_json(url, {"text": "Declared", "response_type": "ephemeral"}) == (200, "ok")
    assert post_json(url, {"replace_original": True, "text": "Done"}) == (200, "ok")
    rid = url.rsplit("/", 1)[1]
    assert [p["text"] for p in fake.responses[rid]] == ["Declared", "Done"]
    assert fake.all_responses() == fake.responses[rid]
    assert post_json(url, {"text": "third"}) == (404, "used_up")
    assert post_json(f"{fake.base_url}/response/nope", {"text": "x"})[0] == 404
    assert [r.error for r in fake.clear_rejected()] == ["used_up", "no_service"]


# ------------------------------------------------------------------------------------------- faults


def test_fail_then_recover(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    fake.fail("chat.postMessage", status=503, times=2)
    for _ in range(2):
        e = slack_error(client.chat_postMessage, channel=cid, text="hi")
        assert e.response.status_code == 503
    client.chat_postMessage(channel=cid, text="hi")
    assert [m.text for m in fake.messages("inc-1")] == ["hi"]
    assert [c.response for c in fake.calls_to("chat.postMessage")][:2] == [503, 503]


def test_rate_limit(fake: FakeSlack, client: WebClient) -> None:
    fake.rate_limit("*", retry_after=7)
    e = slack_error(client.auth_test)
    assert e.response.status_code == 429
    assert e.response["error"] == "ratelimited"
    assert e.response.headers["Retry-After"] == "7"
    assert client.auth_test()["ok"] is True


def test_injected_error(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    fake.error("chat.postMessage", "not_in_channel", times=1)
    e = slack_error(client.chat_postMessage, channel=cid, text="hi")
    assert (e.response.status_code, e.response["error"]) == (200, "not_in_channel")
    client.chat_postMessage(channel=cid, text="hi")
    with pytest.raises(ValueError, match="does not document"):
        fake.error("chat.postMessage", "made_up_error")
    with pytest.raises(ValueError, match="not a method"):
        fake.fail("chat.postMesage")


def test_delay_after_store_times_out_but_message_arrived(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    # slack_sdk annotates timeout as int; urllib takes a float
    impatient = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=0.2)  # type: ignore[arg-type]
    fake.delay("chat.postMessage", 2.0)
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        impatient.chat_postMessage(channel=cid, text="did it land?")
    assert time.monotonic() - started < 1.5
    assert [m.text for m in fake.messages("inc-1")] == ["did it land?"]


def test_delay_before_store(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    fake.delay("chat.postMessage", 0.2, after_store=False)
    started = time.monotonic()
    client.chat_postMessage(channel=cid, text="slow")
    assert time.monotonic() - started >= 0.2
    assert len(fake.messages("inc-1")) == 1


def test_outage_and_clear(fake: FakeSlack, client: WebClient) -> None:
    fake.outage(0.3, status=502)
    assert slack_error(client.auth_test).response.status_code == 502
    assert slack_error(client.users_info, user="U0ALICE").response.status_code == 502

    def back() -> bool:
        try:
            return bool(client.auth_test()["ok"])
        except SlackApiError:
            return False

    fake.wait_for(back, timeout=2)
    fake.fail("*", times=None)
    fake.clear_faults()
    assert client.auth_test()["ok"] is True


# ------------------------------------------------------------------------------------------- helpers


def test_concurrent_posts_get_unique_increasing_ts(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(lambda i: client.chat_postMessage(channel=cid, text=f"m{i}")["ts"], range(24)))
    assert len(set(sent)) == 24
    stored = [m.ts for m in fake.messages("inc-1")]
    assert stored == sorted(stored) and set(stored) == set(sent)


def test_wait_for(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    client.chat_postMessage(channel=cid, text="hello")
    assert fake.wait_for(lambda: fake.messages("inc-1"))[0].text == "hello"
    with pytest.raises(AssertionError, match=r"(?s)timed out.*nothing.*#inc-1"):
        fake.wait_for(lambda: fake.messages("nothing"), timeout=0.1)


def test_inspection_returns_copies(fake: FakeSlack, client: WebClient) -> None:
    cid = new_channel(client)
    client.chat_postMessage(channel=cid, text="original")
    fake.messages("inc-1")[0].text = "mutated"
    fake.channel("inc-1").members.clear()  # type: ignore[union-attr]
    assert fake.messages("inc-1")[0].text == "original"
    assert fake.channel_by_id(cid).members == {BOT_USER_ID}  # type: ignore[union-attr]
    method, args, response = fake.calls[-1]
    assert method == "chat.postMessage" and args["text"] == "original" and response["ok"] is True  # type: ignore[index]


def test_standalone_entry_point() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "incidentbot.emulator", "--port", "0", "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/")
        assert WebClient(token="xoxb-test", base_url=url, retry_handlers=[]).auth_test()["ok"] is True
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=5)
    assert proc.returncode == 0
