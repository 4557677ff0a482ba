"""The Slack app manifest: everything Slack needs to know to install incidentbot."""

from __future__ import annotations

from typing import Any

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
]


def manifest(*, request_url: str, socket_mode: bool = False, name: str = "incidentbot") -> dict[str, Any]:
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
    if not socket_mode:
        settings["interactivity"]["request_url"] = request_url
        command["url"] = request_url
    return {
        "display_information": {
            "name": name,
            "description": "Runs the outage process: one thread per outage, roles, updates, summaries.",
            "background_color": "#b3261e",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }
