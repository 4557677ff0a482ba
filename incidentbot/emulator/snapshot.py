"""What one person's Slack window shows, as JSON for the emulator's page: the channels they can see with their
messages and threads, their DMs with the app, what only they see, the modal open in front of them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from .inspection import Inspection
from .people import People
from .state import BOT_USER_ID, Channel, Message


def snapshot(
    slack: Inspection, people: People, user: str, *, links: dict[str, str], banner: str = ""
) -> dict[str, Any]:
    everyone = slack.everyone()
    channels = [_channel(c) for c in slack.all_channels() if _visible(c, user)]
    modal = people.modal(user)
    state = {
        "me": user,
        "people": [{"id": p.id, "name": p.name, "real_name": p.real_name} for p in everyone if not p.is_bot],
        "names": {p.id: p.name for p in everyone},
        "channels": channels,
        "notes": [asdict(n) for n in people.notes(user)],
        "modal": asdict(modal) if modal is not None else None,
        "faults": slack.fault_summary(),
        "links": links,
        "banner": banner,
    }
    state["version"] = hashlib.sha1(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return state


def _visible(channel: Channel, user: str) -> bool:
    if channel.is_im:
        return channel.im_user == user
    return not channel.is_archived and (not channel.is_private or user in channel.members)


def _channel(channel: Channel) -> dict[str, Any]:
    top = channel.top_level()
    return {
        "id": channel.id,
        "name": channel.name,
        "is_im": channel.is_im,
        "topic": channel.topic,
        "bot_member": channel.is_member,
        "messages": [_message(m, channel.thread_replies(m.ts)) for m in top],
    }


def _message(m: Message, replies: list[Message]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ts": m.ts,
        "user": BOT_USER_ID if m.bot_id else m.user,
        "text": m.text or "",
        "blocks": m.blocks or [],
        "edited": bool(m.edits),
    }
    if replies:
        out["replies"] = [_message(r, []) for r in replies]
    return out
