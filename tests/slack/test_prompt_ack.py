"""The acknowledgement goes back the moment a listener calls `ack()`, not on Bolt's next 10 ms poll, and what
the listener does afterwards still runs after the answer has gone (slack/prompt_ack.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import thread_runner

from incidentbot.slack.prompt_ack import PromptAck, PromptExecutor
from tests.support import slack_requests as sr


def bolt_app() -> App:
    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-test")

    app = App(signing_secret=sr.SIGNING_SECRET, authorize=authorize, listener_executor=PromptExecutor(8))
    app.use(PromptAck())
    return app


def dispatch(app: App, text: str) -> Any:
    body = sr.slash_command(text, user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                            response_url="http://127.0.0.1:9/response")  # fmt: skip
    return app.dispatch(BoltRequest(body=body, headers={k.lower(): v for k, v in sr.sign(body).items()}))


@pytest.fixture
def polls(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep of Bolt's acknowledgement poll (in the request thread: this test's own thread)."""
    slept: list[float] = []
    real_sleep = thread_runner.time.sleep
    request_thread = threading.current_thread()

    def sleep(seconds: float) -> None:
        if threading.current_thread() is request_thread:
            slept.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(thread_runner.time, "sleep", sleep)
    return slept


def test_the_answer_goes_before_the_work_after_ack_and_without_a_poll(polls: list[float]) -> None:
    app = bolt_app()
    release, finished = threading.Event(), threading.Event()

    @app.command("/outage")
    def outage(ack: Ack) -> None:
        time.sleep(0.03)  # the command's transaction: Bolt alone would poll for the answer meanwhile
        ack(text="OUT-1 declared", response_type="ephemeral")
        release.wait(10)  # work after the answer: still running when the answer is returned
        finished.set()

    response = dispatch(app, "declare Card auth down")
    assert response.status == 200 and "OUT-1 declared" in response.body
    assert not finished.is_set()
    assert polls == []
    release.set()
    assert finished.wait(10)


def test_a_listener_that_fails_before_acknowledging_is_answered_at_once(polls: list[float]) -> None:
    app = bolt_app()

    @app.command("/outage")
    def outage(ack: Ack) -> None:
        raise RuntimeError("boom")

    response = dispatch(app, "list")
    assert response.status == 500  # Bolt's answer for a listener that failed (incidentbot's never do: guard.py)
    assert polls == []


def test_events_are_acknowledged_before_their_listener_runs(polls: list[float]) -> None:
    app = bolt_app()
    release, handled = threading.Event(), threading.Event()

    @app.event("reaction_added")
    def mention(event: dict[str, Any]) -> None:
        release.wait(10)
        handled.set()

    item = {"type": "message", "channel": "C0GENERAL", "ts": "1.000001"}
    body = sr.event_callback({"type": "reaction_added", "user": "U0ALICE", "reaction": "eyes", "item_user": "U0BOB",
                              "item": item, "event_ts": "1.000002"}, event_id="Ev01")
    headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in sr.sign(body).items()}
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 200 and not handled.is_set() and polls == []
    release.set()
    assert handled.wait(10)
