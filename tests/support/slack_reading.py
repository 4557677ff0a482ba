"""Reading back what the fake Slack holds: a message as searchable text, and how often each post was stored."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from incidentbot.emulator import FakeSlack


def shown(message: Any) -> str:
    """A message's blocks and fallback text as one string, for `in` checks."""
    return json.dumps(getattr(message, "blocks", None) or []) + (getattr(message, "text", "") or "")


def stored_posts(fake: FakeSlack) -> Counter[str]:
    """How many times Slack stored each of the bot's posts (by the delivery id in its metadata)."""
    seen: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        if isinstance(call.response, dict) and call.response.get("ok"):
            metadata = call.args.get("metadata") or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            seen[str((metadata.get("event_payload") or {}).get("delivery_id"))] += 1
    return seen
