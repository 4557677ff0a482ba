"""An incidentbot running in-process against a fake Slack, driven over HTTP the way Slack drives it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from starlette.testclient import TestClient

from incidentbot.bootstrap import Bot, Options, build_bot
from incidentbot.config import Env, Settings, config_from_mapping
from incidentbot.emulator import FakeSlack
from incidentbot.store import outbox
from incidentbot.store.tables import outbox as outbox_table
from tests.support import slack_requests as sr

API_TOKEN = "test-api-token"


# Test clocks start at a fixed instant, never at the time of day the suite happens to run: a Wednesday at 10:00
# UTC, an hour past the default 09:00 digest and far from a weekend or a DST change. CI runs the scheduling
# tests again from other instants (just before the digest, just before a DST change) with this variable.
CLOCK_ENV = "INCIDENTBOT_TEST_CLOCK"
TIMEZONE_ENV = "INCIDENTBOT_TEST_TIMEZONE"  # e.g. Europe/Berlin: the `timezone` of bots whose test sets none
DEFAULT_START = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


def clock_start() -> datetime:
    """The instant test clocks start at: INCIDENTBOT_TEST_CLOCK (ISO 8601, e.g. 2026-03-29T00:58:00Z) or the default."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return DEFAULT_START
    start = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if start.tzinfo is None:
        raise ValueError(f"{CLOCK_ENV}={value!r} needs a UTC offset, e.g. 2026-03-29T00:58:00Z")
    return start.astimezone(UTC)


def digest_far_from(moment: datetime) -> str:
    """A `daily_digest_at` twelve hours from `moment` in UTC (ten or more in any other `timezone`), for tests
    about something else that jump the clock by minutes or run real processes: no digest falls due mid-test."""
    return f"{(moment + timedelta(hours=12)).astimezone(UTC):%H:%M}"


class Clock:
    """A fixed start instant, plus the real time elapsed since the clock was made, plus an adjustable offset:
    time flows as it does for real (leases, waits), and tests jump ahead without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or clock_start()
        self._made = time.monotonic()
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._made) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def make_settings(database_url: str, fake: FakeSlack, config: dict[str, Any] | None, base_dir: Path) -> Settings:
    env = Env(
        slack_bot_token=SecretStr("xoxb-test"), slack_signing_secret=SecretStr(sr.SIGNING_SECRET),
        slack_app_token=None, slack_api_url=fake.url, database_url=database_url, incidentbot_config=None,
        incidentbot_api_token=SecretStr(API_TOKEN),
    )  # fmt: skip
    config = dict(config or {})
    if os.environ.get(TIMEZONE_ENV) and "timezone" not in config:
        config["timezone"] = os.environ[TIMEZONE_ENV]
    bot_config = config_from_mapping(config, base_dir=base_dir)
    return Settings(env=env, bot=bot_config, config_path=None)


class Harness:
    def __init__(self, *, bot: Bot, fake: FakeSlack, clock: Clock) -> None:
        self.bot = bot
        self.fake = fake
        self.clock = clock
        self.http = TestClient(bot.web, raise_server_exceptions=False)

    def __enter__(self) -> Harness:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)
        self.bot.db.dispose()

    # ----- driving ------------------------------------------------------------------------------------

    def post_signed(self, body: str, **sign_kwargs: Any) -> Any:
        return self.http.post("/slack/events", content=body, headers=sr.sign(body, **sign_kwargs))

    def command(self, text: str, *, user: str = "U0ALICE", channel: str = "general", channel_id: str | None = None,
                trigger_id: str = "") -> Any:
        found = self.fake.channel(channel)
        cid = channel_id or (found.id if found is not None else f"C_{channel.upper().replace('-', '_')}")
        body = sr.slash_command(text, user=user, channel_id=cid, channel_name=channel,
                                response_url=self.fake.new_response_url(), trigger_id=trigger_id)
        return self.post_signed(body)

    def reply(self, text: str, **kwargs: Any) -> str:
        """Run a command and return the ephemeral text shown to the person (asserting HTTP 200)."""
        response = self.command(text, **kwargs)
        assert response.status_code == 200, (response.status_code, response.text)
        if not response.content:
            return ""
        data = response.json()
        return data.get("text", "") + "\n" + json.dumps(data.get("blocks") or [])

    def click(self, action_id: str, value: dict[str, Any], *, user: str) -> tuple[Any, str]:
        """Click a button; returns the HTTP response and the response_url id that received the follow-up."""
        url = self.fake.new_response_url()
        body = sr.block_action(action_id, json.dumps(value), user=user, response_url=url)
        return self.post_signed(body), url.rsplit("/", 1)[1]

    def event(self, event: dict[str, Any], *, event_id: str | None = None) -> Any:
        """An Events API event (checked against the reference's shape), signed as Slack signs it."""
        response = self.post_signed(sr.event_callback(event, event_id=event_id))
        assert response.status_code == 200, (response.status_code, response.text)
        return response

    def click_in(self, action_id: str, value: dict[str, Any], *, user: str, channel_id: str, message_ts: str) -> str:
        """Click a button of a message in a channel, with a trigger the fake accepts; returns the response_url id."""
        url = self.fake.new_response_url()
        body = sr.block_action(action_id, json.dumps(value), user=user, response_url=url, channel_id=channel_id,
                               message_ts=message_ts, trigger_id=self.fake.new_trigger_id(user))
        response = self.post_signed(body)
        assert response.status_code == 200, (response.status_code, response.text)
        return url.rsplit("/", 1)[1]

    def submit(self, callback_id: str, values: dict[str, Any], *, user: str = "U0ALICE", **kw: Any) -> Any:
        return self.post_signed(sr.view_submission(callback_id, values, user=user, **kw))

    def api(self, path: str, token: str | None = API_TOKEN) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.get(path, headers=headers)

    # ----- waiting ------------------------------------------------------------------------------------

    def outbox_counts(self) -> dict[str, int]:
        with self.bot.db.read_engine.connect() as conn:
            return outbox.counts(conn)

    def delivered(self, timeout: float = 10.0) -> None:
        """Wait until every outbox row is delivered (or failed), then check nothing failed."""
        self.wait(lambda: self.outbox_counts()["pending"] == 0, timeout=timeout, what="outbox to drain")
        failed = self.failed_rows()
        assert not failed, f"undeliverable posts: {failed}"

    def failed_rows(self) -> list[dict[str, Any]]:
        with self.bot.db.read_engine.connect() as conn:
            rows = conn.execute(select(outbox_table).where(outbox_table.c.state == "failed")).mappings().all()
        return [dict(r) for r in rows]

    def pass_time(self, delta: timedelta) -> None:
        """Move the clock on and do what fell due. Deliveries finish first: a post still in flight when the
        clock jumps would look like one whose lease ran out, and be claimed again."""
        self.delivered()
        self.clock.advance(delta)
        self.bot.ticker.tick()
        self.delivered()

    def pass_time_to(self, moment: datetime) -> None:
        """Move the clock on to `moment` and do what fell due. The distance is measured after deliveries have
        finished, so time spent waiting for them (long on a loaded machine) does not carry the clock past it."""
        self.delivered()
        self.clock.advance(moment - self.clock())
        self.bot.ticker.tick()
        self.delivered()

    def wait(self, predicate: Callable[[], bool], *, timeout: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def start_harness(
    *, database_url: str, fake: FakeSlack, tmp_path: Path, config: dict[str, Any] | None = None,
    clock: Clock | None = None, **options: Any,
) -> Harness:
    clock = clock or Clock()
    settings = make_settings(database_url, fake, config, tmp_path)
    fast: dict[str, Any] = {"slack_timeout": 2.0, "poll_interval": 0.2, "tick_interval": 0.2, "channel_interval": 0.0}
    opts = Options(clock=clock, migrate=False, **{**fast, **options})
    return Harness(bot=build_bot(settings, opts), fake=fake, clock=clock)
