"""How each failure of a Web API call is treated, from real slack_sdk errors raised against the fake Slack."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from incidentbot.emulator import FakeSlack
from incidentbot.slack.delivery.policy import Action, backoff, classify, passing, retry_after


@pytest.fixture
def client(fake_slack: FakeSlack) -> Iterator[WebClient]:
    fake_slack.create_channel("ops", member=True)
    yield WebClient(token="xoxb-test", base_url=fake_slack.url, timeout=1, retry_handlers=[])


def post(client: WebClient) -> BaseException:
    try:
        client.api_call("chat.postMessage", json={"channel": "ops", "text": "hello"})
    except Exception as error:
        return error
    raise AssertionError("the call succeeded")


def api_error(status: int, data: dict[str, Any], headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data=data, headers=headers or {}, status_code=status)
    return SlackApiError("failed", response)


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    for attempt in range(12):
        ceiling = min(300.0, 2.0**attempt)
        waits = {backoff(attempt).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= w <= ceiling for w in waits), (attempt, waits)
        assert len(waits) > 1, "no jitter"
    assert backoff(50, base=0.1, cap=0.5) <= timedelta(seconds=0.5)
    assert backoff(0, base=0.1, cap=0.5) <= timedelta(seconds=0.1)


def test_http_503_is_retried_with_backoff_and_the_outcome_is_unknown(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.fail("chat.postMessage", status=503)
    verdict = classify(post(client), attempt=3, base=1.0, cap=300.0)
    assert verdict.action is Action.RETRY and verdict.unknown_outcome
    assert timedelta(seconds=4) <= verdict.delay <= timedelta(seconds=8)
    assert classify(post_with(fake_slack, client, 500), attempt=0).action is Action.RETRY


def post_with(fake: FakeSlack, client: WebClient, status: int) -> BaseException:
    fake.fail("chat.postMessage", status=status)
    return post(client)


def test_http_429_waits_exactly_what_retry_after_says(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=17)
    error = post(client)
    verdict = classify(error, attempt=0)
    assert verdict.action is Action.RETRY and verdict.rate_limited and not verdict.unknown_outcome
    assert verdict.delay == timedelta(seconds=17)
    assert retry_after(error) == timedelta(seconds=17)


def test_http_429_without_retry_after_backs_off() -> None:
    error = api_error(429, {"ok": False, "error": "ratelimited"})
    assert retry_after(error) is None
    verdict = classify(error, attempt=2, base=1.0, cap=300.0)
    assert verdict.rate_limited and timedelta(seconds=2) <= verdict.delay <= timedelta(seconds=4)


def test_a_timeout_after_sending_leaves_the_outcome_unknown(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.delay("chat.postMessage", 1.5, after_store=True)
    verdict = classify(post(client), attempt=0)
    assert verdict.action is Action.RETRY and verdict.unknown_outcome
    assert len(fake_slack.messages("ops")) == 1  # it did arrive: hence the check before posting again


def test_connection_errors(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.stop()
    refused = classify(post(client), attempt=0)
    assert refused.action is Action.RETRY and not refused.unknown_outcome  # nothing was sent
    reset = classify(urllib.error.URLError(ConnectionResetError("reset by peer")), attempt=0)
    assert reset.action is Action.RETRY and reset.unknown_outcome  # it may have been received
    assert classify(ConnectionAbortedError(), attempt=0).unknown_outcome


@pytest.mark.parametrize(
    ("error", "action"),
    [
        ("not_in_channel", Action.JOIN),
        ("channel_not_found", Action.RECREATE),
        ("is_archived", Action.RECREATE),
        ("restricted_action", Action.FAIL),
        ("invalid_blocks", Action.FAIL),
        ("service_unavailable", Action.RETRY),
        ("request_timeout", Action.RETRY),
        ("invalid_auth", Action.RETRY),  # kept until the token is fixed, never dropped
        ("missing_scope", Action.RETRY),
    ],
)
def test_slack_errors(fake_slack: FakeSlack, client: WebClient, error: str, action: Action) -> None:
    fake_slack.error("chat.postMessage", error)
    assert classify(post(client), attempt=0).action is action


def test_credentials_problems_are_retried_slowly() -> None:
    verdict = classify(api_error(200, {"ok": False, "error": "token_revoked"}), attempt=0, base=1.0, cap=300.0)
    assert verdict.delay >= timedelta(seconds=8)


def test_a_bug_is_not_retried_forever() -> None:
    verdict = classify(ValueError("bad"), attempt=0)
    assert verdict.action is Action.FAIL and "ValueError" in verdict.reason


def test_passing_failures_are_told_apart_from_ones_that_need_a_fix() -> None:
    assert passing(api_error(503, {"ok": False, "error": "x"}))
    assert passing(api_error(429, {"ok": False, "error": "ratelimited"}))
    assert passing(TimeoutError())
    assert passing(api_error(200, {"ok": False, "error": "service_unavailable"}))
    assert not passing(api_error(200, {"ok": False, "error": "missing_scope"}))
    assert not passing(api_error(200, {"ok": False, "error": "invalid_auth"}))
    assert not passing(api_error(200, {"ok": False, "error": "restricted_action"}))
    assert not passing(ValueError("bug"))
