"""Requests exactly as Slack sends them: form-encoded, signed with the app's signing secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "test-signing-secret"
TEAM = "T_TEST"


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command(
    text: str, *, user: str, channel_id: str, channel_name: str, response_url: str, trigger_id: str = "",
    command: str = "/outage", user_name: str | None = None,
) -> str:
    return urlencode({
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "test", "channel_id": channel_id,
        "channel_name": channel_name, "user_id": user, "user_name": user_name or user.lower(), "command": command,
        "text": text, "api_app_id": "A_TEST", "response_url": response_url,
        "trigger_id": trigger_id or f"trig-{uuid.uuid4().hex[:8]}",
    })  # fmt: skip


def block_action(
    action_id: str, value: str, *, user: str, response_url: str, channel_id: str | None = None,
    message_ts: str = "1700000000.000100", trigger_id: str | None = None,
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A_TEST",
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or f"trig-{uuid.uuid4().hex[:8]}",
        "response_url": response_url,
        "container": {"type": "message", "message_ts": message_ts, "is_ephemeral": channel_id is None},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": f"{time.time():.6f}"}],
    }
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "somewhere"}
    return urlencode({"payload": json.dumps(payload)})


def view_submission(
    callback_id: str, values: dict[str, Any], *, user: str, view_id: str | None = None, private_metadata: str = ""
) -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A_TEST",
        "token": "legacy-verification-token",
        "trigger_id": f"trig-{uuid.uuid4().hex[:8]}",
        "view": {
            "id": view_id or f"V{uuid.uuid4().hex[:10].upper()}", "team_id": TEAM, "type": "modal",
            "callback_id": callback_id, "private_metadata": private_metadata, "hash": "h",
            "state": {"values": values}, "blocks": [],
        },
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> str:
    """An Events API request (JSON) around `event`, checked against the reference's shape for it first."""
    from incidentbot.emulator.events import check_event

    check_event(event)
    return json.dumps({
        "token": "legacy-verification-token", "team_id": TEAM, "api_app_id": "A_TEST", "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()), "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
    })  # fmt: skip


def shortcut(callback_id: str, *, user: str, trigger_id: str) -> str:
    """A global shortcut (the lightning-bolt menu)."""
    return urlencode({"payload": json.dumps({
        "type": "shortcut", "token": "legacy-verification-token", "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM, "domain": "test"}, "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "callback_id": callback_id, "trigger_id": trigger_id,
    })})  # fmt: skip


def message_action(
    callback_id: str, *, user: str, channel_id: str, message: dict[str, Any], response_url: str, trigger_id: str
) -> str:
    """A message shortcut ("…" menu of a message): the message comes with it."""
    return urlencode({"payload": json.dumps({
        "type": "message_action", "token": "legacy-verification-token", "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM, "domain": "test"}, "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "channel": {"id": channel_id, "name": "somewhere"}, "callback_id": callback_id, "trigger_id": trigger_id,
        "message_ts": message["ts"], "message": {"type": "message", **message}, "response_url": response_url,
    })})  # fmt: skip
