"""Shared fixtures for the renderer tests: incidents to render and checks every rendered message must pass."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from incidentbot.domain.model import Incident
from incidentbot.domain.policy import Policy
from incidentbot.messages import Message
from incidentbot.messages import text as t

NOW = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
URL = "https://incidents.example.com"
POLICY = Policy()
BROADCASTS = ("<!channel", "<!here", "<!everyone", "<!subteam", "<!group")
HOSTILE = "checkout down <!channel> &amp; <!here|here> <!subteam^S1|@oncall> <!everyone> ask <@U9|bob>"
_TEXT_LIMITS = {"header": t.HEADER, "section": t.SECTION, "context": t.CONTEXT}


def incident(number: int = 12, **overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "summary": "checkout down",
        "division": "payments",
        "severity": 2,
        "declared_by": "U1",
        "now": NOW,
        "policy": POLICY,
    }
    values.update(overrides)
    made = Incident.declare(**values)
    made.number = number
    return made


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def valid(message: Message) -> Message:
    """Assert that Slack would accept the message, and that it cannot ping a crowd."""
    assert isinstance(message, Message)
    assert 0 < len(message.text) <= t.FALLBACK
    assert 0 < len(message.blocks) <= t.MAX_BLOCKS
    for block in message.blocks:
        valid_block(block)
    assert_inert(message)
    return message


def valid_block(block: dict[str, Any]) -> None:
    parsed = Block.parse(block)
    assert parsed is not None, block
    parsed.validate_json()
    # to_dict validates nested elements too, and an unknown or misspelt key would be missing from it.
    assert parsed.to_dict() == block
    limit = _TEXT_LIMITS.get(block["type"])
    if limit is not None and "text" in block:
        assert 0 < len(block["text"]["text"]) <= limit
    for field in block.get("fields", []):
        assert 0 < len(field["text"]) <= t.FIELD
    if block["type"] == "context":
        assert all(0 < len(e["text"]) <= t.CONTEXT for e in block["elements"])
    for element in block.get("elements", []):
        if element.get("type") == "button":
            assert len(element["text"]["text"]) <= t.BUTTON
            assert len(element.get("value", "")) <= t.BUTTON_VALUE


def valid_view(view: dict[str, Any]) -> dict[str, Any]:
    parsed = View(**view)
    parsed.validate_json()
    assert parsed.to_dict() == view
    for block in view["blocks"]:
        valid_block(block)
    assert_inert(view)
    return view


def assert_inert(rendered: object) -> None:
    dumped = json.dumps(rendered.__dict__ if isinstance(rendered, Message) else rendered, ensure_ascii=False)
    for broadcast in BROADCASTS:
        assert broadcast not in dumped


def all_text(message: Message) -> str:
    """Every piece of text in the message, for content assertions."""
    found: list[str] = [message.text]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return "\n".join(found)


def button_values(message: Message) -> dict[str, dict[str, Any]]:
    return {
        element["action_id"]: json.loads(element["value"])
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if "value" in element
    }


def buttons(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def dates_in(text: str) -> list[str]:
    return re.findall(r"<!date\^\d+\^[^|>]*\|[^>]*>", text)
