"""Security end to end: signatures, inert user text, who may do what, secrets, and Slack's size limits."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from incidentbot.config import Env
from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.store.tables import incidents, outbox, processed_requests, timeline_events
from incidentbot.web import auth as web_auth
from incidentbot.web.slack_events import signed_by_slack
from tests.support import slack_requests as sr
from tests.support.databases import PostgresTemplates, SqliteTemplates, fresh_database
from tests.support.harness import API_TOKEN, Harness, start_harness
from tests.support.process import ServeProcess

SECRETS = ("xoxb-test", sr.SIGNING_SECRET, API_TOKEN)
POSTING = {"chat.postMessage", "chat.update", "chat.postEphemeral", "conversations.setTopic", "views.open",
           "views.update", "views.publish"}  # fmt: skip


def counts(bot: Harness) -> tuple[int, ...]:
    with bot.bot.db.read_engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                     for table in (incidents, timeline_events, outbox, processed_requests))  # fmt: skip


@pytest.fixture
def database_url(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[str]:
    """SQLite for this module (what it tests does not depend on the database), except where a test asks for
    `both_databases`."""
    with sqlite_templates.clone(tmp_path) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both_databases(request: pytest.FixtureRequest, tmp_path: Path, pg_templates: PostgresTemplates,
                   sqlite_templates: SqliteTemplates) -> Iterator[str]:  # fmt: skip
    with fresh_database(request.param, tmp_path=tmp_path, pg=pg_templates, sqlite=sqlite_templates) as url:
        yield url


@pytest.fixture
def admin_bot(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path,
                       config={"admins": ["U0DAVE"]}) as harness:  # fmt: skip
        yield harness


# ----- signatures ----------------------------------------------------------------------------------------


def declare_body() -> str:
    return sr.slash_command("declare --division payments Card auth down", user="U0ALICE", channel_id="C0GENERAL",
                            channel_name="general", response_url="http://127.0.0.1:9/unused")  # fmt: skip


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: {"Content-Type": "application/x-www-form-urlencoded"}, id="unsigned"),
        pytest.param(lambda body: sr.sign(body, secret="not-the-secret"), id="forged"),
        pytest.param(lambda body: sr.sign(body, timestamp=int(time.time()) - 6 * 60), id="stale"),
        pytest.param(lambda body: sr.sign(body, timestamp=int(time.time()) + 6 * 60), id="from-the-future"),
        pytest.param(lambda body: sr.sign(body + "&text=resolve"), id="tampered-body"),
        pytest.param(lambda body: {**sr.sign(body), "X-Slack-Request-Timestamp": "soon"}, id="garbage-timestamp"),
        pytest.param(lambda body: {**sr.sign(body), "X-Slack-Signature": "v0=" + "0" * 64}, id="wrong-signature"),
        pytest.param(lambda body: {k: v for k, v in sr.sign(body).items() if k != "X-Slack-Signature"},
                     id="no-signature"),
    ],
)
def test_a_request_not_signed_by_slack_gets_401_and_changes_nothing(bot: Harness, headers: Any) -> None:
    body = declare_body()
    before = counts(bot)
    response = bot.http.post("/slack/events", content=body, headers=headers(body))
    assert response.status_code == 401
    assert counts(bot) == before
    assert bot.fake.calls == []


def test_signed_requests_are_accepted_within_five_minutes(bot: Harness) -> None:
    body = declare_body()
    response = bot.http.post("/slack/events", content=body, headers=sr.sign(body, timestamp=int(time.time()) - 240))
    assert response.status_code == 200 and "OUT-1 declared" in response.text


def test_unsigned_clicks_submissions_events_and_ssl_checks_are_refused(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    before = counts(bot)
    click = sr.block_action(ids.CONFIRM_RESOLVE, json.dumps({"incident": 1}), user="U0ALICE",
                            response_url=bot.fake.new_response_url())  # fmt: skip
    submission = sr.view_submission(ids.DECLARE_MODAL, {}, user="U0ALICE")
    for body in (click, submission, "ssl_check=1&token=x", '{"type": "url_verification", "challenge": "c"}'):
        assert bot.http.post("/slack/events", content=body).status_code == 401
    assert counts(bot) == before
    assert bot.api("/api/incidents/OUT-1").json()["status"] == "investigating"


def test_an_empty_signing_secret_verifies_nothing() -> None:
    body = b"command=/outage&text=help"
    headers = {k.lower(): v for k, v in sr.sign(body.decode(), secret="").items()}
    assert not signed_by_slack(body, headers, "")
    good = {k.lower(): v for k, v in sr.sign(body.decode()).items()}
    assert signed_by_slack(body, good, sr.SIGNING_SECRET)


def test_serve_has_no_switch_to_turn_verification_off() -> None:
    helped = subprocess.run([sys.executable, "-m", "incidentbot", "serve", "--help"], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    switches = set(re.findall(r"--[\w-]+", helped))
    assert switches <= {"--host", "--port", "--help", "--config", "--log-level"}, switches
    assert not [name for name in Env.model_fields if re.search("verif|insecure|skip|signature", name)]


@pytest.mark.slow
def test_a_real_server_refuses_unsigned_requests_and_keeps_secrets_out_of_its_log(fake_slack: FakeSlack,
                                                                                 tmp_path: Path) -> None:  # fmt: skip
    server = ServeProcess(database_url=f"sqlite:///{tmp_path}/bot.db", slack_api_url=fake_slack.url,
                          workdir=tmp_path)  # fmt: skip
    with server:
        body = declare_body()

        assert httpx.post(f"{server.url}/slack/events", content=body, timeout=10).status_code == 401
        stale = sr.sign(body, timestamp=int(time.time()) - 600)
        assert httpx.post(f"{server.url}/slack/events", content=body, headers=stale, timeout=10).status_code == 401
        assert httpx.get(f"{server.url}/api/incidents", headers={"Authorization": "Bearer wrong"},
                         timeout=10).status_code == 401  # fmt: skip
        assert server.api("/api/incidents").json()["incidents"] == []
        assert server.post_signed(body).status_code == 200
        fake_slack.wait_for(lambda: fake_slack.channel("payments-outage"))
    log = server.log()
    assert log and not [secret for secret in SECRETS if secret in log]


# ----- inert text ----------------------------------------------------------------------------------------

# As Slack delivers a slash command (should_escape): broadcasts as tokens, typed `&<>` as entities.
HOSTILE = ("<!channel> <!here> <!everyone> <!here|@here> <!subteam^S0ONCALL|@oncall> <!channel|all> "
           "@channel @here AT&amp;T &lt;b&gt;bold&lt;/b&gt; &lt;!channel&gt; <@U0BOB>")  # fmt: skip
# As typed into the declare form: raw text.
HOSTILE_RAW = "<!channel> <!here|here> @everyone AT&T <b>bold</b> <!subteam^S0ONCALL|@oncall> > quote"

LIVE = re.compile(r"<!(?:channel|here|everyone|group)\b|<!subteam\^", re.IGNORECASE)
TOKEN = re.compile(r"<([^<>]*)>")
ALLOWED_TOKEN = re.compile(r"(@[UW][A-Z0-9]+|#C[A-Z0-9]+|!date\^|https?://|mailto:)")
ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
SKIP_KEYS = {"value", "action_id", "block_id", "callback_id", "private_metadata", "url", "metadata", "image_url"}


def strings(data: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) of every string a person could see in `data` (blocks, views, replies)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in SKIP_KEYS:
                yield from strings(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item, key)
    elif isinstance(data, str) and key in {"text", "topic", "fallback", "title"}:
        yield key, data


def problems(text: str) -> list[str]:
    found = [f"live broadcast {m.group()!r}" for m in LIVE.finditer(text)]
    found += [f"token <{m.group(1)}>" for m in TOKEN.finditer(text) if not ALLOWED_TOKEN.match(m.group(1))]
    rest = TOKEN.sub("", text)
    found += [f"stray {ch!r}" for ch in "<>" if ch in rest]
    found += [f"bare & at {m.start()}" for m in ENTITY.finditer(text)]
    return found


def everything_said(bot: Harness, responses: list[Any]) -> list[tuple[str, Any]]:
    """What the bot sent anywhere: Web API posts, topics, views, command replies and response_url replies."""
    said: list[tuple[str, Any]] = []
    for call in bot.fake.calls:
        if call.method in POSTING and isinstance(call.response, dict) and call.response.get("ok"):
            said.append((call.method, {k: v for k, v in call.args.items() if k in {"text", "blocks", "topic",
                                                                                 "view"}}))  # fmt: skip
    said += [("command reply", r.json()) for r in responses if r.content]
    said += [("response_url", payload) for payload in bot.fake.all_responses()]
    return said


def assert_all_inert(said: list[tuple[str, Any]]) -> None:
    bad = []
    for where, data in said:
        for key, text in strings(data):
            if key == "text" and isinstance(data, dict) and data.get("type") == "plain_text":
                continue
            bad += [f"{where}: {p} in {text[:120]!r}" for p in problems(text)]
    assert not bad, "\n".join(bad[:20])


def test_what_people_type_is_repeated_inert_everywhere(bot: Harness) -> None:
    responses = [
        bot.command(f"declare --division payments --sev 1 --commander <@U0BOB> {HOSTILE}"),
        bot.command(f"update OUT-1 --status identified {HOSTILE}"),
        bot.command(f"note OUT-1 {HOSTILE}"),
        bot.command(f"set OUT-1 impact={HOSTILE}"),
        bot.command("status OUT-1"),
        bot.command("timeline OUT-1"),
        bot.command("list"),
        bot.command(f"declare --division {HOSTILE}"),  # an error that quotes what was typed
    ]
    confirm = bot.command(f"resolve OUT-1 {HOSTILE}")
    responses.append(confirm)
    [button] = [e for b in confirm.json()["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ids.CONFIRM_RESOLVE]  # fmt: skip
    clicked, _ = bot.click(ids.CONFIRM_RESOLVE, json.loads(button["value"]), user="U0ALICE")
    assert clicked.status_code == 200
    form = {
        ids.SUMMARY_BLOCK: {ids.SUMMARY_ACTION: {"type": "plain_text_input", "value": HOSTILE_RAW}},
        ids.DIVISION_BLOCK: {ids.DIVISION_ACTION: {"type": "plain_text_input", "value": "search"}},
    }
    responses.append(bot.submit(ids.DECLARE_MODAL, form))
    bot.delivered()

    said = everything_said(bot, responses)
    places = {where for where, _ in said}
    assert {"chat.postMessage", "chat.update", "conversations.setTopic", "command reply", "response_url"} <= places
    assert_all_inert(said)
    # Inert, but not lost: people still read what was written, and the database keeps it as typed.
    root = json.dumps(bot.fake.messages("payments-outage")[0].blocks)
    assert "@channel" in root and "@oncall" in root and "AT&amp;T" in root and "&lt;b&gt;" in root
    assert "<@U0BOB>" in root  # a mention of a person still works
    assert any("@here" in json.dumps(m.blocks) for m in bot.fake.messages("company-outage"))
    assert any("@channel" in json.dumps(m.blocks) for m in bot.fake.dms("U0BOB"))
    assert any("@channel" in call.args["topic"] for call in bot.fake.calls_to("conversations.setTopic"))
    assert bot.api("/api/incidents/OUT-1").json()["summary"] == HOSTILE
    assert bot.api("/api/incidents/OUT-2").json()["summary"] == t.escape(HOSTILE_RAW)


# ----- who may do what -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["sev 1 OUT-1", "resolve OUT-1", "cancel OUT-1", "commander <@U0CAROL> OUT-1", "communicator <@U0CAROL> OUT-1"],
)
def test_outsiders_are_refused_managing_an_outage_and_nothing_changes(admin_bot: Harness, command: str) -> None:
    bot = admin_bot
    bot.reply("declare --division payments --sev 3 Card auth down", user="U0BOB")
    bot.delivered()
    before = counts(bot)
    said = bot.reply(command, user="U0CAROL")
    assert "Only the commander (<@U0BOB>), the communicator (<@U0BOB>), the declarer (<@U0BOB>) or an admin" in said
    assert ids.CONFIRM_RESOLVE not in said and ids.CONFIRM_CANCEL not in said  # no button to click
    assert counts(bot)[:3] == before[:3]


def test_clicking_a_confirmation_meant_for_someone_else_is_refused(admin_bot: Harness) -> None:
    bot = admin_bot
    bot.reply("declare --division payments --sev 3 Card auth down", user="U0BOB")
    for action in (ids.CONFIRM_RESOLVE, ids.CONFIRM_CANCEL):
        response, url_id = bot.click(action, {"incident": 1}, user="U0CAROL")
        assert response.status_code == 200
        said = bot.fake.wait_for(lambda: bot.fake.responses[url_id])  # sent after the ack  # noqa: B023
        assert "Only the commander" in json.dumps(said)
    assert bot.api("/api/incidents/OUT-1").json()["status"] == "investigating"


def test_anyone_may_declare_update_note_list_and_look(admin_bot: Harness) -> None:
    bot = admin_bot
    bot.reply("declare --division payments --sev 3 Card auth down", user="U0BOB")
    assert "OUT-2 declared" in bot.reply("declare --division search Search down", user="U0CAROL")
    assert "Update posted" in bot.reply("update OUT-1 Seen from support", user="U0CAROL")
    assert "Noted" in bot.reply("note OUT-1 Customer calls rising", user="U0CAROL")
    assert "OUT-1" in bot.reply("list", user="U0CAROL")
    assert "OUT-1" in bot.reply("status OUT-1", user="U0CAROL")


def test_commander_communicator_declarer_and_admins_may_manage(admin_bot: Harness) -> None:
    bot = admin_bot
    bot.reply("declare --division payments --sev 3 --commander <@U0ALICE> --communicator <@U0CAROL> Card auth down",
              user="U0BOB")  # fmt: skip
    bot.reply("ack OUT-1", user="U0ALICE")
    bot.reply("ack OUT-1", user="U0CAROL")
    incident = bot.api("/api/incidents/OUT-1").json()
    assert (incident["commander"], incident["communicator"], incident["declared_by"]) == ("U0ALICE", "U0CAROL",
                                                                                        "U0BOB")  # fmt: skip
    assert "SEV2" in bot.reply("sev 2 OUT-1", user="U0ALICE")  # commander
    assert "SEV1" in bot.reply("sev 1 OUT-1", user="U0CAROL")  # communicator
    assert "SEV2" in bot.reply("sev 2 OUT-1", user="U0BOB")  # declarer
    assert "SEV3" in bot.reply("sev 3 OUT-1", user="U0DAVE")  # admin
    assert "Asked <@U0DAVE>" in bot.reply("commander <@U0DAVE> OUT-1", user="U0DAVE")
    assert ids.CONFIRM_RESOLVE in bot.reply("resolve OUT-1", user="U0DAVE")
    _, url_id = bot.click(ids.CONFIRM_RESOLVE, {"incident": 1}, user="U0DAVE")
    assert "resolved" in json.dumps(bot.fake.wait_for(lambda: bot.fake.responses[url_id]))
    assert bot.api("/api/incidents/OUT-1").json()["status"] == "resolved"


# ----- the JSON API and secrets --------------------------------------------------------------------------


def test_api_tokens_are_compared_in_constant_time(bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = web_auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(web_auth.hmac, "compare_digest", spy)
    assert bot.api("/api/incidents", token="wrong").status_code == 401
    assert bot.api("/api/incidents", token=API_TOKEN[:-1]).status_code == 401
    assert bot.api("/api/incidents", token=API_TOKEN + "x").status_code == 401
    assert bot.api("/api/incidents/OUT-1", token=None).status_code == 401
    assert bot.http.get("/api/incidents", headers={"Authorization": f"Basic {API_TOKEN}"}).status_code == 401
    assert bot.api("/api/incidents").status_code == 200
    assert (API_TOKEN.encode(), API_TOKEN.encode()) in compared
    assert len(compared) >= 4


def test_no_secret_appears_in_logs_or_answers(database_url: str, fake_slack: FakeSlack, tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, retry_cap=0.2) as bot:
        secrets_stay_secret(bot, caplog, monkeypatch)


def secrets_stay_secret(bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[str] = []
    body = declare_body()
    answers.append(bot.http.post("/slack/events", content=body, headers=sr.sign(body, secret="guess")).text)
    answers.append(bot.api("/api/incidents", token="guess").text)
    answers.append(bot.api("/api/incidents/OUT-9").text)
    bot.fake.error("chat.postMessage", "invalid_auth")  # retried; logged
    bot.fake.error("chat.postMessage", "restricted_action")  # given up; logged, reported
    bot.fake.fail("conversations.setTopic", status=500)
    answers.append(bot.reply("declare --division payments --sev 1 Card auth down"))
    bot.wait(lambda: bot.outbox_counts()["pending"] == 0, timeout=20)

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("incidentbot.service.queries.first_open", explode)
    answers.append(bot.reply("list"))  # a crash in a listener: logged with its traceback
    assert "error id" in answers[-1]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR], "expected errors to be logged"
    logged = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    for secret in SECRETS:
        assert secret not in logged, f"{secret!r} was logged"
        assert not [a for a in answers if secret in a], f"{secret!r} was answered"


# ----- Slack's size limits -------------------------------------------------------------------------------


def test_over_long_input_is_trimmed_to_slacks_limits_without_breaking_tokens(
    fake_slack: FakeSlack, both_databases: str, tmp_path: Path
) -> None:
    channel = "c" * 80  # as long as Slack allows
    division = "d" * 60  # as long as the parser allows
    config = {"divisions": [{"name": division, "channel": channel}]}
    summary = "<@U0BOB> " + "Checkout fails &amp; refunds &lt;stuck&gt; for " * 10 + "EU cards"
    update = "x" * 2980 + " <@U0BOB> &amp; done"  # a mention and an entity right at Slack's 3,000 limit
    with start_harness(database_url=both_databases, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        responses = [bot.command(f"declare --division {division} --sev 1 {summary}")]
        assert "OUT-1 declared" in responses[0].text, responses[0].text
        responses.append(bot.command(f"update OUT-1 {update}"))
        responses.append(bot.command(f"set OUT-1 impact={'y' * 2500} &amp; root-cause={'z' * 2500}"))
        for n in range(60):
            bot.command(f"note OUT-1 Note {n}")
        responses.append(bot.command("timeline OUT-1"))
        responses.append(bot.command(f"resolve OUT-1 {'r' * 2980} &amp; <@U0BOB>"))
        bot.delivered()

        # The database keeps the whole text.
        stored = bot.api("/api/incidents/OUT-1").json()
        assert stored["summary"] == summary.strip()
        assert any(e["text"] == update for e in stored["timeline"])

        said = everything_said(bot, responses)
        assert fake_slack.channel(channel) is not None
        for where, data in said:
            if where == "conversations.setTopic":
                assert len(data["topic"]) <= t.TOPIC
            blocks = data.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            assert len(blocks) <= t.MAX_BLOCKS, where
            for block in blocks:
                if block["type"] == "header":
                    assert len(block["text"]["text"]) <= t.HEADER
                if block["type"] == "section" and "text" in block:
                    assert len(block["text"]["text"]) <= t.SECTION
                for field in block.get("fields") or []:
                    assert len(field["text"]) <= t.FIELD
        assert_all_inert(said)  # no cut left half a mention or an entity behind
        timeline = [r for r in responses if "Timeline of" in r.text]
        assert timeline and len(timeline[0].json()["blocks"]) <= t.MAX_BLOCKS
        thread = fake_slack.replies(channel, fake_slack.messages(channel)[0].ts)
        posted = [json.dumps(m.blocks, ensure_ascii=False) for m in thread]
        assert any("…" in text and "x" * 100 in text for text in posted)  # the long update, cut
