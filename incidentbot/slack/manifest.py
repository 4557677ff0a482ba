"""The Slack app manifest: everything Slack needs to know to install incidentbot."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from incidentbot.messages import ids
from incidentbot.slack.listeners.commands import COMMAND

BOT_SCOPES = [
    "commands",  # the /outage slash command
    "chat:write",  # posts, thread replies, edits of the root message
    "chat:write.public",  # post in public channels before joining them
    "channels:read",  # find an existing #<division>-outage channel by name
    "channels:manage",  # create missing outage channels, set their topic
    "channels:join",  # join an existing public outage channel
    "channels:history",  # check whether a post arrived before re-sending it after a timeout
    "im:write",  # DMs with duties, handoff requests, reminders
    "im:history",  # check whether a DM arrived before re-sending it after a timeout
    "users:read",  # names and time zones for digests
    "groups:history",  # read a message pinned (📌 or the shortcut) in a private channel the bot is in
    "reactions:read",  # the 📌 reaction puts a message on an outage's timeline
    "links:read",  # incident page links posted in Slack (link_shared)
    "links:write",  # ... unfurl into a status card
    "usergroups:read",  # DM the members of a user group named in `responders`
]

# Events API subscriptions (the bot user's): what App Home, pins and unfurls react to.
BOT_EVENTS = ["app_home_opened", "link_shared", "reaction_added", "reaction_removed"]

SHORTCUTS = [
    {"name": "Report a problem", "type": "global", "callback_id": ids.REPORT_SHORTCUT,
     "description": "Tell the outage triage channel what you see; answered within minutes"},
    {"name": "Add to outage timeline", "type": "message", "callback_id": ids.PIN_SHORTCUT,
     "description": "Put this message on the timeline of the outage it is about"},
]  # fmt: skip


def manifest(
    *, request_url: str, socket_mode: bool = False, name: str = "incidentbot", public_url: str | None = None
) -> dict[str, Any]:
    """`public_url`: where the incident pages are, whose links unfurl (default: the request URL's host)."""
    settings: dict[str, Any] = {
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Declare and run an outage: declare, update, resolve, list, help",
        "usage_hint": "help | declare [--sev N] <summary> | update <text> | resolve | list",
        "should_escape": True,  # mentions arrive as <@U123> and channels as <#C123>
    }
    settings["event_subscriptions"] = {"bot_events": BOT_EVENTS}
    if not socket_mode:
        settings["interactivity"]["request_url"] = request_url
        settings["event_subscriptions"]["request_url"] = request_url
        command["url"] = request_url
    domain = urlsplit(public_url or request_url).hostname
    return {
        "display_information": {
            "name": name,
            "description": "Runs the outage process: one thread per outage, roles, updates, summaries.",
            "background_color": "#b3261e",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
            "shortcuts": SHORTCUTS,
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": True},
            **({"unfurl_domains": [domain]} if domain else {}),
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }
