"""A row's arguments as Slack must see them: `$root` replaced by the incident's thread, `#name` and `@U123`
by channel ids, a Home tab (`$home`) rendered as it is now, and a post tagged with its delivery id (how an
earlier delivery is recognised)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from incidentbot.service.deliveries import RootThread
from incidentbot.service.home import HOME
from incidentbot.service.posts import ROOT
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.store.outbox import OutboxRow

METADATA_EVENT = "incidentbot_delivery"


class RootNotReady(Exception):
    """A row refers to the incident's root message, which is not (yet, or ever) delivered."""


class ThreadMoving(Exception):
    """The incident's thread is being re-created in a new channel; rows for it wait until it exists."""


def resolve(
    row: OutboxRow, *, root_thread: Callable[[int], RootThread], directory: ChannelDirectory,
    home_view: Callable[[str], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Raises `ThreadMoving` or `RootNotReady` when the row refers to a thread that is not there."""
    args = dict(row.args)
    if args.get("view") == HOME:
        if home_view is None:
            raise RuntimeError("this process cannot render Home tabs (no renderer was given to the deliverer)")
        args["view"] = home_view(str(args["user_id"]))
    if ROOT in (args.get("channel"), args.get("thread_ts"), args.get("ts")):
        channel, ts = _root_of(row, root_thread)
        for name in ("channel", "thread_ts", "ts"):
            if args.get(name) == ROOT:
                args[name] = channel if name == "channel" else ts
    if isinstance(args.get("channel"), str):
        args["channel"] = directory.resolve(args["channel"])
    if row.method == "chat.postMessage":
        args["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": row.delivery_id}}
    return args


def delivery_id_of(message: dict[str, Any]) -> str | None:
    """The delivery id a message of ours carries in its metadata (None for other messages)."""
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    found = payload.get("delivery_id")
    return str(found) if found is not None else None


def _root_of(row: OutboxRow, root_thread: Callable[[int], RootThread]) -> tuple[str, str]:
    assert row.incident_number is not None, "a $root reference needs an incident"
    thread = root_thread(row.incident_number)
    if thread.moving:
        raise ThreadMoving()
    if thread.channel is None or thread.ts is None:
        raise RootNotReady(f"the incident's thread could not be created, so this post has nowhere to go "
                           f"({row.method})")
    return thread.channel, thread.ts
