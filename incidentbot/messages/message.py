"""The message type and the Block Kit builders every renderer uses.

This is the one place where text is made safe: each builder runs `inert` on mrkdwn and `trim`s to the
limit of the slot it fills, so a renderer cannot produce a block Slack rejects or a broadcast it did not
mean.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from incidentbot.messages import text as t

Block = dict[str, Any]
EMPTY = "—"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[Block]


def compose(fallback: str, blocks: Iterable[Block]) -> Message:
    """A message: one-line notification text, and at most MAX_BLOCKS blocks."""
    return Message(text=t.trim(t.inert(t.one_line(fallback)) or EMPTY, t.FALLBACK), blocks=finish(list(blocks)))


def finish(blocks: list[Block]) -> list[Block]:
    """At most MAX_BLOCKS blocks: the tail beyond them is summarised as "… N more"."""
    if len(blocks) <= t.MAX_BLOCKS:
        return blocks
    kept = blocks[: t.MAX_BLOCKS - 1]
    return [*kept, context(f"… {len(blocks) - len(kept)} more")]


# ----- text objects -------------------------------------------------------------------------------------


def mrkdwn(text: str, limit: int) -> dict[str, Any]:
    # verbatim: Slack must not auto-parse plain words such as "@here" in what people wrote; the bot writes
    # every mention, link and date as an explicit token, which verbatim text still honours.
    return {"type": "mrkdwn", "text": t.trim(t.inert(text), limit) or EMPTY, "verbatim": True}


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": t.trim(t.one_line(text), limit) or EMPTY, "emoji": True}


# ----- blocks -------------------------------------------------------------------------------------------


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, t.HEADER)}


def section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text, t.SECTION)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields(pairs: Sequence[tuple[str, str]]) -> list[Block]:
    """Label/value pairs shown two per row; a section holds at most 10."""
    items = [mrkdwn(f"*{label}*\n{value}", t.FIELD) for label, value in pairs]
    return [{"type": "section", "fields": items[i : i + 10]} for i in range(0, len(items), 10)]


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text, t.CONTEXT) for text in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def button(
    text: str,
    *,
    action_id: str,
    value: dict[str, Any] | None = None,
    style: Literal["primary", "danger"] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, t.BUTTON), "action_id": action_id}
    if value is not None:
        element["value"] = button_value(value)
    if style is not None:
        element["style"] = style
    return element


def button_value(value: dict[str, Any]) -> str:
    """What a button carries back to the bot: compact JSON (at most BUTTON_VALUE characters)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def lines(rows: Iterable[str]) -> list[Block]:
    """Rows of text packed into as few sections as fit (each row trimmed to fit one section on its own)."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for row in (t.trim(t.inert(r), t.SECTION) for r in rows):
        if chunk and size + 1 + len(row) > t.SECTION:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        size += len(row) + (1 if chunk else 0)
        chunk.append(row)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def say(sentence: str, *extra: Block) -> Message:
    """A one-sentence message: the sentence is the notification text and the first block."""
    return compose(sentence, [section(sentence), *extra])
