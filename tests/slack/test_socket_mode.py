"""`incidentbot socket` as a person runs it: a real process that opens a Socket Mode connection to the fake Slack
(apps.connections.open with the app-level token, then a WebSocket) and answers what arrives over it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import create_engine, select
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from incidentbot.emulator import FakeSlack
from incidentbot.store.tables import incidents
from tests.support import slack_requests as sr


def _error(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return str(info.value.response["error"])


def test_apps_connections_open_takes_only_the_app_level_token(fake_slack: FakeSlack) -> None:
    def client(token: str | None) -> WebClient:
        return WebClient(token=token, base_url=fake_slack.url, retry_handlers=[], timeout=3)

    url = client(None).apps_connections_open(app_token="xapp-test")["url"]
    assert url.startswith(f"ws://{fake_slack.host}:") and "ticket=" in url
    assert _error(lambda: client(None).apps_connections_open(app_token="xoxb-test")) == "not_allowed_token_type"
    assert _error(lambda: client(None).apps_connections_open(app_token="xapp-other")) == "invalid_auth"
    assert _error(lambda: client("xapp-test").auth_test()) == "not_allowed_token_type"
    assert _error(lambda: client(None).api_call("apps.connections.open")) == "not_authed"
    assert [r.error for r in fake_slack.clear_rejected()] == [
        "not_allowed_token_type", "invalid_auth", "not_allowed_token_type", "not_authed",
    ]


def test_the_socket_url_says_hello_and_only_with_an_issued_ticket(fake_slack: FakeSlack) -> None:
    url = WebClient(base_url=fake_slack.url, retry_handlers=[]).apps_connections_open(app_token="xapp-test")["url"]
    with pytest.raises(InvalidStatus, match="401"):
        connect(url.replace("ticket=", "ticket=forged"), open_timeout=3).close()
    assert [r.error for r in fake_slack.clear_rejected()] == ["invalid_ticket"]
    with connect(url, open_timeout=3) as app:
        hello = json.loads(app.recv(timeout=3))
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert fake_slack.socket_connected(timeout=3)
        app.send(json.dumps({"envelope_id": "never-sent"}))
        fake_slack.wait_for(lambda: fake_slack.rejected, message="the stray ack to be noticed")
    assert [r.error for r in fake_slack.clear_rejected()] == ["unknown_envelope"]


# ----- the real process ----------------------------------------------------------------------------------------


class SocketProcess:
    """One `python -m incidentbot socket`, logging to a file in `workdir`."""

    def __init__(self, *, database_url: str, slack_api_url: str, workdir: Path) -> None:
        self.log_path = workdir / "socket.log"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "INCIDENTBOT_", "DATABASE_URL"))
               and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}  # fmt: skip
        env.update({
            "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-test", "SLACK_API_URL": slack_api_url,
            "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1",
        })  # fmt: skip
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "incidentbot", "socket"], cwd=workdir, env=env,
                                     stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def socket_bot(fake_slack: FakeSlack, database_url: str, tmp_path: Path) -> Iterator[SocketProcess]:
    bot = SocketProcess(database_url=database_url, slack_api_url=fake_slack.url, workdir=tmp_path)
    try:
        deadline = time.monotonic() + 15
        while not fake_slack.socket_connected(timeout=0.1):
            if bot.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"incidentbot socket did not connect (exit code {bot.proc.poll()}):\n{bot.log()}")
        yield bot
    finally:
        bot.stop()


def slash_command(text: str, *, response_url: str) -> dict[str, str]:
    """The fields Slack POSTs for a slash command, as the dict a Socket Mode envelope carries."""
    body = sr.slash_command(text, user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                            response_url=response_url)  # fmt: skip
    return dict(parse_qsl(body))


def block_action(action_id: str, value: dict[str, Any], *, response_url: str) -> dict[str, Any]:
    """A button click (block_actions), as the dict a Socket Mode `interactive` envelope carries."""
    body = sr.block_action(action_id, json.dumps(value), user="U0ALICE", response_url=response_url)
    return dict(json.loads(dict(parse_qsl(body))["payload"]))


@pytest.mark.slow
def test_socket_mode_declares_delivers_and_cancels(fake_slack: FakeSlack, socket_bot: SocketProcess,
                                                   database_url: str) -> None:
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.response["ok"] is True  # type: ignore[index]

    ack = fake_slack.socket_send(
        "slash_commands",
        slash_command("declare --division payments --sev 2 Checkout down", response_url=fake_slack.new_response_url()),
    )
    assert "OUT-1 declared" in ack["text"], ack

    def root_posted() -> bool:
        return fake_slack.channel("payments-outage") is not None and bool(fake_slack.messages("payments-outage"))

    fake_slack.wait_for(root_posted, timeout=10, message="the root message in #payments-outage")
    assert "OUT-1" in json.dumps(fake_slack.messages("payments-outage")[0].blocks)

    response_url = fake_slack.new_response_url()
    assert fake_slack.socket_send("interactive", block_action("cancel_confirm", {"incident": 1},
                                                              response_url=response_url)) == {}
    rid = response_url.rsplit("/", 1)[1]
    fake_slack.wait_for(lambda: fake_slack.responses[rid], message="the reply to the cancel click")
    assert "OUT-1 is cancelled" in fake_slack.responses[rid][0]["text"]
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(incidents.c.status).where(incidents.c.number == 1)).scalar_one() == "cancelled"
    finally:
        engine.dispose()

    assert len(fake_slack.socket_acks) == 2
    assert fake_slack.rejected == [], socket_bot.log()

    socket_bot.stop()  # SIGTERM, as docker stop sends: a clean stop, not a kill
    assert socket_bot.proc.returncode == 0, socket_bot.log()
    assert "Traceback" not in socket_bot.log(), socket_bot.log()


def test_a_refused_app_token_stops_start_up_with_one_line(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_", "DATABASE_URL"))}
    env.update({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-wrong", "SLACK_API_URL": fake_slack.url,
                "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"})
    result = subprocess.run([sys.executable, "-m", "incidentbot", "socket"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr and "invalid_auth" in result.stderr
    assert "Traceback" not in result.stderr
    fake_slack.clear_rejected()  # the refused call is the point of this test


@pytest.mark.slow
def test_events_arrive_over_the_socket_too(fake_slack: FakeSlack, socket_bot: SocketProcess) -> None:
    """App Home (and every other event) works in Socket Mode: an `events_api` envelope, acknowledged."""
    event = {"type": "app_home_opened", "user": "U0CAROL", "channel": "D0HOME", "tab": "home",
             "event_ts": "1700000000.000200"}  # fmt: skip
    assert fake_slack.socket_send("events_api", json.loads(sr.event_callback(event))) == {}

    def published() -> list[Any]:
        return [v for v in fake_slack.views if v.kind == "home" and v.user == "U0CAROL"]

    fake_slack.wait_for(published, timeout=10, message="the Home tab published over views.publish")
    assert "Nothing is waiting for you." in json.dumps(published()[0].view)
    assert fake_slack.rejected == [], socket_bot.log()
