"""conversations.* handlers."""

from __future__ import annotations

import re
import time
from typing import Any

from .handlers import MAX_TOPIC, handles, lookup, paginate, ts_key, writable
from .rules import Args, SlackError
from .state import BOT_USER_ID, Channel, Message
from .workspace import Workspace

CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
MAX_CHANNEL_NAME = 80


@handles("conversations.create")
def conversations_create(ws: Workspace, a: Args) -> dict[str, Any]:
    name = a.text("name")
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > MAX_CHANNEL_NAME:
        raise SlackError("invalid_name_maxlength")
    if not CHANNEL_NAME.fullmatch(name):
        raise SlackError("invalid_name_specials")
    if not name.strip("-_"):
        raise SlackError("invalid_name_punctuation")
    if ws.channel_named(name) is not None:
        raise SlackError("name_taken")
    ch = ws.create_channel(name, private=a.flag("is_private"), creator=BOT_USER_ID, members={BOT_USER_ID})
    return {"channel": ch.to_api()}


@handles("conversations.join")
def conversations_join(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = ws.channels.get(a.text("channel"))
    if ch is None:
        raise SlackError("channel_not_found")
    if ch.is_private or ch.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if ch.is_archived:
        raise SlackError("is_archived")
    out: dict[str, Any] = {}
    if BOT_USER_ID in ch.members:
        out = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
    ch.members.add(BOT_USER_ID)
    return {"channel": ch.to_api(), **out}


@handles("conversations.list")
def conversations_list(ws: Workspace, a: Args) -> dict[str, Any]:
    types = set(a.id_list("types")) or {"public_channel"}
    if not types <= {"public_channel", "private_channel", "im", "mpim"}:
        raise SlackError("invalid_types", reject=f"types {sorted(types)}")
    visible = []
    for ch in ws.channels.values():
        if ch.is_im:
            ok = "im" in types
        elif ch.is_private:
            ok = "private_channel" in types and BOT_USER_ID in ch.members
        else:
            ok = "public_channel" in types
        if ok and not (a.flag("exclude_archived") and ch.is_archived):
            visible.append(ch.to_api())
    page, cursor = paginate(a, visible, default_limit=100, max_limit=1000)
    return {"channels": page, "response_metadata": {"next_cursor": cursor}}


@handles("conversations.info")
def conversations_info(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    return {"channel": ch.to_api(num_members=a.flag("include_num_members"))}


@handles("conversations.setTopic")
def conversations_set_topic(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    if ch.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    writable(ch)
    topic = a.text("topic")
    if len(topic) > MAX_TOPIC:
        raise SlackError("too_long")
    ch.topic, ch.topic_set_by, ch.topic_last_set = topic, BOT_USER_ID, int(time.time())
    return {"channel": ch.to_api()}


@handles("conversations.open")
def conversations_open(ws: Workspace, a: Args) -> dict[str, Any]:
    if a.present("channel"):
        ch = lookup(ws, a)
        if not ch.is_im:
            raise SlackError("method_not_supported_for_channel_type")
    else:
        users = a.id_list("users")
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise NotImplementedError("the fake does not support group DMs (conversations.open with several users)")
        if users[0] not in ws.users:
            raise SlackError("user_not_found")
        already = users[0] in ws.dm_by_user
        ch = ws.open_dm(users[0])
        if already:
            return {"no_op": True, "already_open": True, "channel": _im_ref(ch, a)}
    return {"channel": _im_ref(ch, a)}


def _im_ref(ch: Channel, a: Args) -> dict[str, Any]:
    return ch.to_api() if a.flag("return_im") else {"id": ch.id}


def _filter_range(a: Args, messages: list[Message]) -> list[Message]:
    inclusive = a.flag("inclusive")
    out = messages
    if a.present("oldest"):
        lo = ts_key(a.text("oldest"), "invalid_ts_oldest")
        out = [m for m in out if (k := ts_key(m.ts, "")) > lo or (inclusive and k == lo)]
    if a.present("latest"):
        hi = ts_key(a.text("latest"), "invalid_ts_latest")
        out = [m for m in out if (k := ts_key(m.ts, "")) < hi or (inclusive and k == hi)]
    return out


@handles("conversations.history")
def conversations_history(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    if not ch.is_im and BOT_USER_ID not in ch.members:
        raise SlackError("not_in_channel")
    newest_first = list(reversed(_filter_range(a, ch.top_level())))
    page, cursor = paginate(a, newest_first, default_limit=100, max_limit=999)
    meta = a.flag("include_all_metadata")
    messages = [m.to_api(include_metadata=meta, replies=ch.thread_replies(m.ts)) for m in page]
    return {
        "messages": messages,
        "has_more": bool(cursor),
        "pin_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


@handles("conversations.replies")
def conversations_replies(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    msg = ch.find(a.text("ts"))
    if msg is None:
        raise SlackError("thread_not_found")
    root = ch.find(msg.thread_ts) if msg.is_reply and msg.thread_ts else msg
    assert root is not None
    replies = ch.thread_replies(root.ts)
    thread = [root, *replies]
    if a.present("oldest") or a.present("latest"):
        thread = [root, *_filter_range(a, replies)]
    page, cursor = paginate(a, thread, default_limit=1000, max_limit=1000)
    meta = a.flag("include_all_metadata")
    messages = [m.to_api(include_metadata=meta, replies=replies if m is root else None) for m in page]
    return {"messages": messages, "has_more": bool(cursor), "response_metadata": {"next_cursor": cursor}}


@handles("conversations.unarchive")
def conversations_unarchive(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    if ch.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if not ch.is_archived:
        raise SlackError("not_archived")
    ch.is_archived = False
    return {}


@handles("conversations.invite")
def conversations_invite(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    if ch.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    writable(ch)
    users = a.id_list("users")
    if not users:
        raise SlackError("no_user")
    errors: list[dict[str, Any]] = []
    valid: list[str] = []
    for uid in users:
        if uid == BOT_USER_ID:
            errors.append({"user": uid, "ok": False, "error": "cant_invite_self"})
        elif uid not in ws.users:
            errors.append({"user": uid, "ok": False, "error": "user_not_found"})
        elif uid in ch.members:
            errors.append({"user": uid, "ok": False, "error": "already_in_channel"})
        else:
            valid.append(uid)
    if errors and (not a.flag("force") or not valid):
        raise SlackError(errors[0]["error"], extra={"errors": errors})
    ch.members.update(valid)
    out: dict[str, Any] = {"channel": ch.to_api()}
    if errors:
        out["errors"] = errors
    return out
