"""The Bolt app: verification of every request, then one listener module per kind of request."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from incidentbot.service.context import Context
from incidentbot.slack.listeners import actions, commands, events, postmortem, reports, views
from incidentbot.slack.metered import MeterSlackCalls
from incidentbot.slack.prompt_ack import PromptAck, PromptExecutor
from incidentbot.store import dedupe

log = logging.getLogger("incidentbot.slack")

# More listener threads than requests served at once (Bolt's default is 5), so that no request's listener
# queues behind another's work after its acknowledgement.
LISTENER_THREADS = 48


class _TokenNotice(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN from the environment is unused because we pass `authorize`; the token is
    in fact used (through `authorize`), so the warning would only mislead whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("`token`" in message and ("will be unused" in message or "will be ignored" in message))


def build_app(
    *, ctx: Context, client: WebClient, token: str, signing_secret: str, bot_user_id: str | None = None
) -> App:
    """`client` carries no token: Bolt gives each listener a client with the token `authorize` returns."""

    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        # A single-workspace bot: the token is known, so no auth.test round trip per request (which would
        # make every command fail while Slack's API is down).
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token,
                               bot_user_id=bot_user_id)

    bolt_log = _bolt_log()
    app = App(
        client=client,
        signing_secret=signing_secret,
        authorize=authorize,
        request_verification_enabled=True,
        url_verification_enabled=True,
        ssl_check_enabled=True,
        ignoring_self_events_enabled=False,
        logger=bolt_log,
        raise_error_for_unhandled_request=False,
        listener_executor=PromptExecutor(max_workers=LISTENER_THREADS),
    )
    app.use(PromptAck())
    app.use(Once(ctx))
    app.use(MeterSlackCalls())
    commands.register(app, ctx=ctx)
    actions.register(app, ctx=ctx)
    views.register(app, ctx=ctx)
    postmortem.register(app, ctx=ctx)
    reports.register(app, ctx=ctx)
    events.register(app, ctx=ctx)

    @app.event(re.compile(".*"))
    def ignore_event(ack: Ack) -> None:
        # An event the app has no listener for is acknowledged all the same, or Slack would retry it.
        ack()

    return app


def _bolt_log() -> logging.Logger:
    bolt_log = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _TokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenNotice())
    return bolt_log


def request_key(body: dict[str, Any]) -> str | None:
    """What identifies one request from Slack across its retries and replays: the event id of an event, the
    trigger id of a command, click or submission (Slack makes a new one for every real action)."""
    event_id = body.get("event_id")
    if body.get("type") == "event_callback" and isinstance(event_id, str) and event_id:
        return f"event:{event_id}"
    trigger_id = body.get("trigger_id")
    if isinstance(trigger_id, str) and trigger_id:
        return f"trigger:{trigger_id}"
    return None


class Once(Middleware):
    """Bolt middleware: a request already received (an event Slack retries with `X-Slack-Retry-Num`, a request
    sent twice) is acknowledged without being processed again.

    The key is recorded before the request is processed, so a retry that arrives while the first attempt
    still runs (Slack retries after 3 s) is not processed a second time. `/outage` commands are the exception:
    the key is handed to the listener (`context["request_key"]`), whose first write transaction records it
    (store/dedupe.py), so a write costs one transaction and a read (`list`, `status`) none.
    """

    RETENTION = timedelta(days=1)
    PRUNE_EVERY = 3600.0  # seconds

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._pruned_at = time.monotonic()
        self._lock = threading.Lock()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        key = request_key(req.body) if isinstance(req.body, dict) else None
        req.context["request_key"] = key
        if key is None or self._records_itself(req.body) or self._first_time(key):
            return next()
        retry = req.headers.get("x-slack-retry-num", ["0"])
        log.info("request %s already received (retry %s); not processing it again", key, retry[0] if retry else 0)
        return BoltResponse(status=200, body="")

    def _records_itself(self, body: dict[str, Any]) -> bool:
        if body.get("command") != commands.COMMAND:
            return False
        return commands.records_itself(str(body.get("text") or ""), id_prefix=self._ctx.config.id_prefix)

    def _first_time(self, key: str) -> bool:
        try:
            with self._ctx.new_uow() as uow:
                now = self._ctx.clock()
                first = dedupe.first_time(uow.conn, key, now=now)
                if self._prune_due():
                    dedupe.forget_before(uow.conn, now - self.RETENTION)
                uow.commit()
                return first
        except Exception:
            # Better to risk processing a retry twice than to drop a request: the command itself fails
            # (and says so) if the database really is unavailable.
            log.warning("could not record request %s as received", key, exc_info=True)
            return True

    def _prune_due(self) -> bool:
        with self._lock:
            if time.monotonic() - self._pruned_at < self.PRUNE_EVERY:
                return False
            self._pruned_at = time.monotonic()
            return True
