"""Slack's side of interactivity: what the emulated workspace POSTs to the app's request URL when a person runs a
slash command, clicks a button or submits a modal. Form-encoded and signed with the app's signing secret,
exactly as Slack sends them, so the app cannot tell the emulator from Slack."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .state import APP_ID, TEAM_ID


@dataclass(frozen=True)
class Answer:
    """The app's HTTP answer: its status and, when it sent one, its JSON body ({} for an empty ack)."""

    status: int
    body: dict[str, Any]
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def _person(user: str, name: str | None = None) -> dict[str, str]:
    username = name or user.lower()
    return {"id": user, "username": username, "name": username, "team_id": TEAM_ID}


def slash_command(text: str, *, user: str, user_name: str, channel_id: str, channel_name: str, response_url: str,
                  trigger_id: str, command: str = "/outage") -> str:  # fmt: skip
    return urlencode({
        "token": "emulator", "team_id": TEAM_ID, "team_domain": "emulated", "channel_id": channel_id,
        "channel_name": channel_name, "user_id": user, "user_name": user_name, "command": command,
        "text": text, "api_app_id": APP_ID, "response_url": response_url, "trigger_id": trigger_id,
    })  # fmt: skip


def block_action(action: dict[str, Any], *, user: str, response_url: str, trigger_id: str,
                 container: dict[str, Any], channel: dict[str, str] | None) -> str:  # fmt: skip
    """One click on a button; ``action`` holds its action_id, block_id and value as rendered."""
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "emulated"}, "user": _person(user),
        "api_app_id": APP_ID, "token": "emulator", "trigger_id": trigger_id, "response_url": response_url,
        "container": container,
        "actions": [{"type": "button", "action_ts": f"{time.time():.6f}", **action}],
    }  # fmt: skip
    if channel is not None:
        payload["channel"] = channel
    return urlencode({"payload": json.dumps(payload)})


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user: str, trigger_id: str,
                    user_name: str | None = None) -> str:  # fmt: skip
    """A modal's Submit, shaped as Slack sends it: ``view`` is the view as the app last set it, with every field
    views.open/update answered (id, hash, root_view_id, app_id, bot_id, ...), and ``state.values`` holds the
    inputs as {block_id: {action_id: {"type", "value" | "selected_option" | ...}}} (an empty text input is null)."""
    submitted = {**_VIEW_DEFAULTS, **view, "team_id": TEAM_ID, "state": {"values": values}}
    payload = {
        "type": "view_submission", "team": {"id": TEAM_ID, "domain": "emulated"}, "user": _person(user, user_name),
        "api_app_id": APP_ID, "token": "emulator", "trigger_id": trigger_id, "view": submitted,
        "response_urls": [], "is_enterprise_install": False, "enterprise": None,
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


_VIEW_DEFAULTS: dict[str, Any] = {
    "type": "modal", "callback_id": "", "private_metadata": "", "hash": "", "blocks": [], "title": None,
    "close": None, "submit": None, "clear_on_close": False, "notify_on_close": False, "external_id": "",
    "previous_view_id": None, "root_view_id": None, "app_id": APP_ID, "app_installed_team_id": TEAM_ID,
}  # fmt: skip


def new_trigger_id() -> str:
    return f"{time.time_ns() // 1000}.{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class AppLink:
    """Where the app listens (its request URL, e.g. http://127.0.0.1:3001/slack/events) and its signing secret."""

    request_url: str
    signing_secret: str
    timeout: float = 10.0

    def post(self, body: str) -> Answer:
        request = urllib.request.Request(self.request_url, data=body.encode(), method="POST",
                                         headers=sign(body, self.signing_secret))  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, {}, f"the app answered HTTP {error.code}")
        except (OSError, TimeoutError) as error:  # URLError is an OSError
            return Answer(0, {}, f"the app did not answer: {error}")


def _json(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {"text": raw.decode("utf-8", "replace")}
    return data if isinstance(data, dict) else {}
