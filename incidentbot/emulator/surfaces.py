"""chat.unfurl, usergroups.users.list and reactions.get: what App Home, pins, unfurls and report escalation use.

State they need lives on the workspace as attributes added here (``unfurls``, ``usergroups``), so this file
stays a self-contained addition to the fake.
"""

from __future__ import annotations

from typing import Any

from .handlers import handles, lookup
from .rules import Args, SlackError, parse_blocks
from .workspace import Workspace


def usergroups(ws: Workspace) -> dict[str, list[str]]:
    if not hasattr(ws, "usergroups"):
        ws.usergroups = {}  # type: ignore[attr-defined]
    return ws.usergroups  # type: ignore[attr-defined,no-any-return]


def unfurls(ws: Workspace) -> list[dict[str, Any]]:
    if not hasattr(ws, "unfurls"):
        ws.unfurls = []  # type: ignore[attr-defined]
    return ws.unfurls  # type: ignore[attr-defined,no-any-return]


@handles("chat.unfurl")
def chat_unfurl(ws: Workspace, a: Args) -> dict[str, Any]:
    given = a.value("unfurls")
    if not isinstance(given, dict) or not given:
        raise SlackError("invalid_unfurls_format", reject=f"unfurls must be a JSON object of url → unfurl: {given!r}")
    for url, unfurl in given.items():
        if not isinstance(unfurl, dict):
            raise SlackError("invalid_unfurls_format", reject=f"unfurl of {url} is not an object")
        if "blocks" in unfurl:
            try:
                parse_blocks(unfurl["blocks"])
            except SlackError as bad:  # the method's own error for it (invalid_blocks is not in its list)
                raise SlackError("invalid_unfurls_format", reject=f"unfurl of {url}: {bad.reject}") from None
    if a.present("unfurl_id"):
        if not a.present("source"):
            raise SlackError("missing_source", reject="unfurl_id without source")
        target = {"unfurl_id": a.text("unfurl_id"), "source": a.text("source")}
    else:
        if not a.present("channel"):
            raise SlackError("missing_channel", reject="neither channel+ts nor unfurl_id+source")
        if not a.present("ts"):
            raise SlackError("missing_ts", reject="channel without ts")
        ch = lookup(ws, a)
        if ch.find(a.text("ts")) is None:
            raise SlackError("cannot_find_message")
        target = {"channel": ch.id, "ts": a.text("ts")}
    unfurls(ws).append({**target, "unfurls": given})
    return {}


@handles("usergroups.users.list")
def usergroups_users_list(ws: Workspace, a: Args) -> dict[str, Any]:
    members = usergroups(ws).get(a.text("usergroup"))
    if members is None:
        raise SlackError("no_such_subteam")
    return {"users": list(members)}


@handles("reactions.get")
def reactions_get(ws: Workspace, a: Args) -> dict[str, Any]:
    ch = lookup(ws, a)
    msg = ch.find(a.text("timestamp"))
    if msg is None:
        raise SlackError("message_not_found")
    return {"type": "message", "channel": ch.id, "message": msg.to_api()}
