"""Every Web API call of the deliverer, held back while Slack's Retry-After for its method runs.

Slack rate-limits the app, not one process: a 429 seen by one process is written to the database, and every
process reads those holds before it calls. Holds are in wall-clock time, not the bot's clock: Retry-After is
Slack's real seconds.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.slack.delivery.pacing import MethodCooldown
from incidentbot.slack.delivery.policy import retry_after
from incidentbot.store import holds
from incidentbot.store.database import Database

log = logging.getLogger(__name__)

# Methods slack_sdk itself sends as JSON; the others go as form fields.
_JSON_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.update", "views.publish"}


class CoolingDown(Exception):
    """Slack asked (HTTP 429, Retry-After) not to call this method again yet; nothing was sent."""

    def __init__(self, method: str, seconds: float) -> None:
        super().__init__(f"waiting out Slack's Retry-After for {method} ({seconds:.1f}s left)")
        self.method = method
        self.seconds = seconds


class HeldCalls:
    """`calls(method, args)` makes the call, or raises `CoolingDown` without calling while a hold runs."""

    def __init__(self, *, client: WebClient, db: Database, cooldown: MethodCooldown) -> None:
        self._client = client
        self._db = db
        self._cooldown = cooldown

    def __call__(self, method: str, args: dict[str, Any]) -> Any:
        self._learn_shared_holds()
        wait = self._cooldown.remaining(method)
        if wait > 0:
            raise CoolingDown(method, wait)
        try:
            if method in _JSON_METHODS:
                return self._client.api_call(method, json=args)
            return self._client.api_call(method, params=args)
        except SlackApiError as error:
            if getattr(error.response, "status_code", 200) == 429:
                pause = retry_after(error) or timedelta(seconds=1)
                self._cooldown.hold(method, pause.total_seconds())
                self._share_hold(method, pause)
            raise

    def _learn_shared_holds(self) -> None:
        now = datetime.now(UTC)
        try:
            with self._db.read_engine.connect() as conn:
                found = holds.active(conn, now)
        except Exception:
            log.warning("could not read Slack's rate-limit holds from the database", exc_info=True)
            return
        for method, until in found.items():
            self._cooldown.hold(method, (until - now).total_seconds())

    def _share_hold(self, method: str, pause: timedelta) -> None:
        try:
            with self._db.engine.begin() as conn:
                holds.hold(conn, method, datetime.now(UTC) + pause)
        except Exception:
            log.warning("could not share Slack's Retry-After for %s with other processes", method, exc_info=True)
