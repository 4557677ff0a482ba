"""Method handlers: ``(workspace, args) -> ok payload`` or ``raise SlackError``, one per Web API method,
registered with ``@handles``. This module has the shared helpers and auth/users/chat; conversations.py
and views.py hold the rest.

Input checks (blocks, text length, metadata, views) come before state checks, so a malformed call is
reported as a rejection whatever the state of the workspace.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from .rules import (
    Args,
    SlackError,
    check_text,
    parse_blocks,
    parse_metadata,
)
from .state import (
    BOT_ID,
    BOT_NAME,
    BOT_USER_ID,
    PERMALINK_BASE,
    TEAM_ID,
    TEAM_NAME,
    TEAM_URL,
    Channel,
    Ephemeral,
    Message,
)
from .workspace import Workspace

Handler = Callable[[Workspace, Args], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}

MAX_TOPIC = 250


def handles(method: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[method] = fn
        return fn

    return register


# ---------------------------------------------------------------------------------------------- helpers


def lookup(ws: Workspace, a: Args, *, names: bool = False) -> Channel:
    """The channel named by the ``channel`` argument, as the bot can see it: private channels the bot
    is not in do not exist for it. ``names``: also accept ``#name`` / ``name`` / a user id (chat.postMessage)."""
    ref = a.text("channel")
    ch = ws.channels.get(ref)
    if ch is None and names:
        ch = ws.open_dm(ref) if ref in ws.users else ws.channel_named(ref)
    if ch is None or (ch.is_private and BOT_USER_ID not in ch.members):
        raise SlackError("channel_not_found")
    return ch


def writable(ch: Channel) -> None:
    if ch.is_archived:
        raise SlackError("is_archived")
    if BOT_USER_ID not in ch.members:
        raise SlackError("not_in_channel")


def ts_key(ts: str, error: str) -> tuple[int, int]:
    sec, _, frac = ts.partition(".")
    if not sec.isdigit() or (frac and not frac.isdigit()):
        raise SlackError(error, reject=f"not a timestamp: {ts!r}")
    return int(sec), int(frac.ljust(6, "0")[:6] or 0)


def _message_content(a: Args) -> dict[str, Any]:
    """Validated content arguments of chat.postMessage/update/postEphemeral (only those given)."""
    check_text(a.value("text"), a.value("markdown_text"))
    out: dict[str, Any] = {}
    if a.value("blocks") is not None:
        out["blocks"] = parse_blocks(a.value("blocks"))
    if a.value("metadata") is not None:
        out["metadata"] = parse_metadata(a.value("metadata"))
    if a.value("attachments") is not None:
        out["attachments"] = a.value("attachments")
    if a.value("text") is not None or a.value("markdown_text") is not None:
        out["text"] = a.text("text") or a.text("markdown_text")
    return out


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def paginate(a: Args, items: list[Any], *, default_limit: int, max_limit: int) -> tuple[list[Any], str]:
    try:
        limit = a.number("limit", default_limit) or default_limit
    except ValueError:
        raise SlackError("invalid_limit", reject=f"limit {a.value('limit')!r}") from None
    limit = min(limit, max_limit)
    if limit < 1:
        raise SlackError("invalid_limit", reject=f"limit {limit}")
    offset = 0
    if a.present("cursor"):
        try:
            kind, _, n = base64.urlsafe_b64decode(a.text("cursor")).decode().partition(":")
            offset = int(n)
            if kind != "offset" or offset < 0:
                raise ValueError(kind)
        except ValueError:
            raise SlackError("invalid_cursor", reject=f"cursor {a.text('cursor')!r}") from None
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, _encode_cursor(offset + limit) if more else ""


# ---------------------------------------------------------------------------------------------- methods


@handles("apps.connections.open")
def apps_connections_open(ws: Workspace, a: Args) -> dict[str, Any]:
    # The dispatcher has checked the app-level token (see APP_TOKEN_METHODS).
    if ws.socket_mode_url is None:
        raise SlackError("service_unavailable")
    return {"url": ws.socket_mode_url()}


@handles("auth.test")
def auth_test(ws: Workspace, a: Args) -> dict[str, Any]:
    return {
        "url": TEAM_URL,
        "team": TEAM_NAME,
        "user": BOT_NAME,
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


@handles("users.info")
def users_info(ws: Workspace, a: Args) -> dict[str, Any]:
    user = ws.users.get(a.text("user"))
    if user is None:
        raise SlackError("user_not_found")
    return {"user": user.to_api()}


@handles("chat.postMessage")
def chat_post_message(ws: Workspace, a: Args) -> dict[str, Any]:
    content = _message_content(a)
    ch = lookup(ws, a, names=True)
    writable(ch)
    thread_ts = a.text("thread_ts") or None
    if thread_ts is not None:
        root = ch.find(thread_ts)
        if root is None or root.is_reply:
            what = "a reply, not a thread root" if root else "no such message"
            raise SlackError("thread_not_found", reject=f"thread_ts {thread_ts} in {ch.id}: {what}")
    msg = Message(ts=ws.next_ts(), channel=ch.id, user=BOT_USER_ID, thread_ts=thread_ts, text="")
    for key, value in content.items():
        setattr(msg, key, value)
    ch.messages.append(msg)
    return {"channel": ch.id, "ts": msg.ts, "message": msg.to_api(include_metadata=True)}


@handles("chat.update")
def chat_update(ws: Workspace, a: Args) -> dict[str, Any]:
    content = _message_content(a)
    ch = lookup(ws, a)
    msg = ch.find(a.text("ts"))
    if msg is None:
        raise SlackError("message_not_found")
    if msg.user != BOT_USER_ID:
        raise SlackError("cant_update_message")
    msg.history.append(
        {"text": msg.text, "blocks": msg.blocks, "attachments": msg.attachments, "metadata": msg.metadata}
    )
    for key, value in content.items():  # omitted fields keep their previous value, as in Slack
        setattr(msg, key, value)
    msg.edits += 1
    return {"channel": ch.id, "ts": msg.ts, "text": msg.text, "message": msg.to_api(include_metadata=True)}


@handles("chat.postEphemeral")
def chat_post_ephemeral(ws: Workspace, a: Args) -> dict[str, Any]:
    content = _message_content(a)
    ch = lookup(ws, a)
    writable(ch)
    user = a.text("user")
    if user not in ch.members:
        raise SlackError("user_not_in_channel")
    eph = Ephemeral(
        channel=ch.id,
        user=user,
        text=content.get("text", ""),
        blocks=content.get("blocks"),
        thread_ts=a.text("thread_ts") or None,
        ts=ws.next_ts(),
    )
    ws.ephemerals.append(eph)
    return {"message_ts": eph.ts}


@handles("chat.getPermalink")
def chat_get_permalink(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    msg = ch.find(a.text("message_ts"))
    if msg is None:
        raise SlackError("message_not_found")
    link = f"{PERMALINK_BASE}/{ch.id}/p{msg.ts.replace('.', '')}"
    if msg.is_reply:
        link += f"?thread_ts={msg.thread_ts}&cid={ch.id}"
    return {"channel": ch.id, "permalink": link}
