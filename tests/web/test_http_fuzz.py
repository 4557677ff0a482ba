"""Every HTTP endpoint, fed arbitrary input: always a well-formed answer, never a 5xx, never half a change.

One bot (SQLite, workers running) serves all the examples of a test; after each example the database must
still be whole: every incident has its `declared` event and its root post, and a request that was refused
or failed changed nothing at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import string
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from incidentbot.store.tables import due_work, incidents, outbox, timeline_events
from incidentbot.web.auth import PAGE_COOKIE, Viewer
from tests.support import slack_requests as sr
from tests.support.databases import SqliteTemplates
from tests.support.harness import API_TOKEN, Harness, start_harness

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
USERS = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]
VERBS = ["declare", "update", "note", "sev", "resolve", "cancel", "commander", "communicator", "ack", "decline",
         "list", "status", "timeline", "set", "help", "postmortem", "action", "actions", "done", "OUT-1", ""]
FLAGS = ["--division", "--sev", "--company-wide", "--commander", "--communicator", "--drill", "--status", "--",
         "payments", "search", "1", "2", "OUT-1", "OUT-2", "<@U0BOB>", "<@U0CAROL|carol>", "<!channel>", "&amp;",
         "&lt;", "identified", "resolved", "impact=", "service=x", '"', "'", "\\"]  # fmt: skip


@pytest.fixture
def bot(sqlite_templates: SqliteTemplates, tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Harness]:
    with sqlite_templates.clone(tmp_path) as url, start_harness(database_url=url, fake=fake_slack,
                                                                 tmp_path=tmp_path) as harness:  # fmt: skip
        harness.reply("declare --division payments --sev 2 Card auth down", user="U0BOB")  # something to act on
        yield harness


# ----- the database stays whole ----------------------------------------------------------------------------


def state(bot: Harness) -> tuple[int, ...]:
    with bot.bot.db.read_engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                     for table in (incidents, timeline_events, outbox, due_work))  # fmt: skip


def assert_whole(bot: Harness) -> None:
    with bot.bot.db.read_engine.connect() as conn:
        numbers = set(conn.execute(select(incidents.c.number)).scalars())
        declared = set(conn.execute(select(timeline_events.c.incident_number)
                                    .where(timeline_events.c.kind == "declared")).scalars())  # fmt: skip
        rooted = set(conn.execute(select(outbox.c.incident_number).where(outbox.c.purpose == "root")).scalars())
    assert numbers <= declared, f"incidents without their declaration: {numbers - declared}"
    assert numbers <= rooted, f"incidents without a root post: {numbers - rooted}"


def refused(response: Any) -> bool:
    """The answer says nothing was done: an HTTP refusal, an error message, or the form's field errors."""
    if response.status_code >= 400:
        return True
    if response.status_code != 200:  # 201 Created, 303 after a form: done
        return False
    if not response.content:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    blocks = body.get("blocks") or [{}]
    first = str((blocks[0].get("text") or {}).get("text", ""))
    return body.get("response_action") == "errors" or first.startswith("⚠️")  # error_message() and candidates()


def well_formed(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    kind = response.headers.get("content-type", "")
    if "json" in kind and response.content:
        json.loads(response.content)


def check(bot: Harness, send: Any) -> Any:
    # Let the outbox settle first: a post of an earlier example that Slack refuses for good adds a timeline
    # event and notices in the background, which must not be mistaken for this request's doing.
    bot.wait(lambda: bot.outbox_counts()["pending"] == 0, timeout=10, what="the outbox to settle")
    before = state(bot)
    response = send()
    well_formed(response)
    assert_whole(bot)
    if refused(response):
        assert state(bot) == before, (response.status_code, response.text[:300])
    return response


# ----- strategies --------------------------------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
short = text.map(lambda s: s[:12])
words = st.lists(st.one_of(st.sampled_from(FLAGS), text.map(lambda s: s[:20])), max_size=8).map(" ".join)
slash_text = st.one_of(text, st.tuples(st.sampled_from(VERBS), words).map(" ".join))
user_id = st.one_of(st.sampled_from(USERS), st.text(string.ascii_uppercase + string.digits, max_size=12))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(short, children, max_size=4),
    max_leaves=12,
)
button_value = st.one_of(
    text,
    json_values.map(json.dumps),
    st.fixed_dictionaries({"incident": st.one_of(st.integers(-2, 3), text, st.none())},
                          optional={"role": st.sampled_from(["commander", "communicator", "boss", ""]),
                                    "summary": st.one_of(text, st.integers())}).map(json.dumps),
)
action_ids = st.one_of(st.sampled_from([ids.CONFIRM_RESOLVE, ids.CONFIRM_CANCEL, ids.ABORT_CONFIRM,
                                        ids.ACCEPT_HANDOFF, ids.DECLINE_HANDOFF]), text)  # fmt: skip


@st.composite
def block_actions(draw: st.DrawFn) -> dict[str, Any]:
    action = {"type": "button", "action_id": draw(action_ids), "block_id": "b", "value": draw(button_value),
              "action_ts": "1700000000.000001"}  # fmt: skip
    payload: dict[str, Any] = {"type": "block_actions", "team": {"id": sr.TEAM}, "api_app_id": "A_TEST",
                               "user": {"id": draw(user_id)}, "trigger_id": draw(text), "actions": [action],
                               "response_url": "http://127.0.0.1:9/unused"}  # fmt: skip
    if draw(st.booleans()):
        payload["channel"] = {"id": draw(text), "name": draw(text)}
    if draw(st.booleans()):
        payload.update(draw(st.dictionaries(short, json_values, max_size=3)))
    return payload


@st.composite
def view_submissions(draw: st.DrawFn) -> dict[str, Any]:
    element = st.fixed_dictionaries({}, optional={
        "type": text, "value": st.one_of(text, json_values), "selected_user": st.one_of(user_id, json_values),
        "selected_option": st.one_of(st.fixed_dictionaries({"value": st.one_of(text, json_values)}), json_values),
        "selected_options": st.one_of(st.lists(st.fixed_dictionaries({"value": st.one_of(st.just(ids.CHECKED),
                                                                                              text)})), json_values),
    })  # fmt: skip
    blocks = [ids.SUMMARY_BLOCK, ids.DIVISION_BLOCK, ids.SEVERITY_BLOCK, ids.COMPANY_WIDE_BLOCK, ids.DRILL_BLOCK,
              ids.COMMANDER_BLOCK, ids.COMMUNICATOR_BLOCK]  # fmt: skip
    actions = {b: b.removesuffix("_block") for b in blocks}
    values = draw(st.dictionaries(st.sampled_from(blocks), st.just(None), max_size=7))
    state_values: Any = {block: {actions[block]: draw(element)} for block in values}
    if draw(st.integers(0, 9)) == 0:
        state_values = draw(json_values)
    view = {"id": draw(st.one_of(st.just("V_FIXED"), text)), "type": "modal", "hash": "h",
            "callback_id": draw(st.one_of(st.sampled_from([ids.DECLARE_MODAL, ids.DECLARED_VIEW]), text)),
            "private_metadata": draw(text), "state": {"values": state_values}}  # fmt: skip
    return {"type": "view_submission", "team": {"id": sr.TEAM}, "api_app_id": "A_TEST",
            "user": {"id": draw(user_id)}, "trigger_id": draw(text), "view": view}  # fmt: skip


other_payloads = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(["type", "user", "team", "actions", "view", "trigger_id", "callback_id"]),
                    json_values, max_size=5),
    st.fixed_dictionaries({"type": st.sampled_from(["shortcut", "message_action", "view_closed", "block_suggestion",
                                                    "interactive_message", "dialog_submission", "event_callback",
                                                    "url_verification"])}),
)


# ----- /slack/events ---------------------------------------------------------------------------------------


@FUZZ
@given(command_text=slash_text, user=user_id, channel=st.sampled_from(["general", "payments-outage", "x"]),
       command=st.sampled_from(["/outage", "/outage", "/other"]))  # fmt: skip
def test_any_slash_command_text(bot: Harness, command_text: str, user: str, channel: str, command: str) -> None:
    body = sr.slash_command(command_text, user=user, channel_id=f"C_{channel.upper()}", channel_name=channel,
                            response_url=bot.fake.new_response_url(), command=command)  # fmt: skip
    response = check(bot, lambda: bot.post_signed(body))
    if command == "/outage":
        assert response.status_code == 200


@FUZZ
@given(payload=st.one_of(block_actions(), view_submissions(), other_payloads))
def test_any_interaction_payload(bot: Harness, payload: Any) -> None:
    if isinstance(payload, dict) and "response_url" in payload:
        payload["response_url"] = bot.fake.new_response_url()  # where the clicked message's answer goes
    body = urlencode({"payload": json.dumps(payload)})
    check(bot, lambda: bot.post_signed(body))


@FUZZ
@given(body=st.one_of(st.binary(max_size=300), text.map(str.encode),
                      st.dictionaries(short, text, max_size=6).map(lambda d: urlencode(d).encode()),
                      st.dictionaries(short, text, max_size=4).map(
                          lambda d: urlencode({**d, "payload": d.get("x", "{")}).encode()),
                      json_values.map(lambda v: json.dumps(v).encode())),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain", ""]),
       signed=st.booleans())  # fmt: skip
def test_any_body_signed_or_not(bot: Harness, body: bytes, content_type: str, signed: bool) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if signed:
        headers.update(sign_bytes(body))
    response = check(bot, lambda: bot.http.post("/slack/events", content=body, headers=headers))
    if not signed:
        assert response.status_code == 401
    elif not utf8(body):
        assert response.status_code in (400, 401)  # Slack only sends UTF-8; such a body cannot be verified


def sign_bytes(body: bytes) -> dict[str, str]:
    """Slack's signature over any bytes (tests/support/slack_requests.py signs text)."""
    timestamp = str(int(time.time()))
    digest = hmac.new(sr.SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ----- the JSON API, health and runbooks --------------------------------------------------------------------


@FUZZ
@given(path=st.one_of(
           st.just("/api/incidents"), st.just("/healthz"),
           text.map(lambda s: "/api/incidents/" + quote(s, safe="")),
           text.map(lambda s: "/runbooks/" + quote(s, safe="")),
           st.sampled_from(["/stats", "/api/stats", "/incidents/OUT-1/postmortem", "/incidents/OUT-1"]),
           text.map(lambda s: "/incidents/" + quote(s, safe="") + "/postmortem"),
           text.map(lambda s: "/" + quote(s, safe="/"))),
       query=st.dictionaries(st.sampled_from(["status", "limit", "offset", "days", "done", "x"]), text, max_size=3),
       token=st.one_of(st.just(API_TOKEN), st.none(), text),
       method=st.sampled_from(["GET", "GET", "POST", "DELETE", "PUT"]))  # fmt: skip
def test_any_request_to_the_api_pages_and_health(bot: Harness, path: str, query: dict[str, str], token: str | None,
                                                 method: str) -> None:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    try:
        headers["Authorization"].encode("ascii")  # what the HTTP client here can send
    except (KeyError, UnicodeEncodeError):
        headers.pop("Authorization", None)
    response = check(bot, lambda: bot.http.request(method, path, params=query, headers=headers))
    if response.status_code == 200 and path.startswith("/api/"):
        assert token == API_TOKEN
        body = response.json()
        assert isinstance(body, dict) and ("incidents" in body or "id" in body or "sections" in body)
    if path.startswith("/api/") and token != API_TOKEN and method == "GET":
        assert response.status_code in (401, 404)


# ----- the pages, the web fallback's forms and the write API ----------------------------------------------

WRITE_PATHS = ["/api/incidents", "/api/incidents/OUT-1/updates", "/api/incidents/OUT-1/notes",
               "/api/incidents/OUT-1/resolve", "/api/incidents/OUT-7/notes", "/incidents", "/incidents/OUT-1/update",
               "/incidents/OUT-1/note", "/incidents/OUT-1/severity", "/incidents/OUT-1/accept",
               "/incidents/OUT-1/resolve", "/incidents/OUT-9/note", "/signin",
               # the record's forms (issue 11, second part)
               "/incidents/OUT-1/actions", "/incidents/OUT-9/actions", "/incidents/OUT-1/actions/A-1/done",
               "/incidents/OUT-1/actions/A-99/done", "/incidents/OUT-1/postmortem/summary",
               "/incidents/OUT-1/postmortem/what-went-well", "/incidents/OUT-1/postmortem/nope",
               "/incidents/OUT-9/postmortem/timeline", "/incidents/OUT-1/postmortem", "/stats"]  # fmt: skip
FIELD_NAMES = ["summary", "division", "severity", "company_wide", "drill", "text", "status", "role", "secret",
               "owner", "due", "x"]  # fmt: skip
field_value = st.one_of(text, st.sampled_from(["payments", "2", "SEV1", "true", "identified", "resolved",
                                               "commander", "", "U0BOB", "<@U0CAROL>", "2099-01-31",
                                               "2024-02-30"]))  # fmt: skip
write_body = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(field_value, json_values), max_size=5)


@FUZZ
@given(path=st.one_of(st.sampled_from(WRITE_PATHS), text.map(lambda s: "/incidents/" + quote(s, safe="")),
                      text.map(lambda s: "/incidents/OUT-1/actions/" + quote(s, safe="") + "/done"),
                      text.map(lambda s: "/incidents/OUT-1/postmortem/" + quote(s, safe="")),
                      text.map(lambda s: "/signin/" + quote(s, safe=""))),
       body=write_body, as_json=st.booleans(), token=st.booleans(), csrf=st.booleans(),
       actor=st.one_of(st.none(), user_id, text.map(lambda s: s[:40])),
       method=st.sampled_from(["POST", "POST", "GET"]))  # fmt: skip
def test_any_write_or_page_request(bot: Harness, path: str, body: dict[str, Any], as_json: bool, token: bool,
                                   csrf: bool, actor: str | None, method: str) -> None:  # fmt: skip
    bot.http.cookies.set(PAGE_COOKIE, API_TOKEN)  # the pages' forms, signed in with the token
    headers = {"Authorization": f"Bearer {API_TOKEN}"} if token else {}
    if actor is not None and actor.isascii() and actor.isprintable():
        headers["X-Incidentbot-User"] = actor
    if as_json:
        send = lambda: bot.http.request(method, path, json=body, headers=headers)  # noqa: E731
    else:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        form["csrf"] = Viewer(secret=API_TOKEN).csrf if csrf else form.get("csrf", "")
        send = lambda: bot.http.request(method, path, data=form, headers=headers)  # noqa: E731
    response = check(bot, send)
    if path.startswith("/api/") and method == "POST" and response.status_code >= 400:
        assert isinstance(response.json().get("error"), str)
