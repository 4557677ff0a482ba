"""Update and note text up to Slack's own 40,000 characters: stored whole, posted cut to Slack's block limits
with a link to the whole text on the incident page (the fake Slack rejects any call over a limit)."""

from __future__ import annotations

import json

from tests.support.harness import Harness


def long_text(tag: str) -> str:
    """40,000 characters as Slack delivers them: words, a mention, an entity and a link, again and again."""
    chunk = f"{tag} <@U0BOB> checked &amp; <https://status.example|status> ok. "
    text = (chunk * (40_000 // len(chunk) + 1))[:40_000]
    return text[: text.rindex(" ")].rstrip() + "."


def test_a_40000_character_update_and_note_are_stored_whole_and_posted_within_slacks_limits(bot: Harness) -> None:
    assert "OUT-1 declared" in bot.reply("declare --division payments --sev 1 Card auth down")
    update, note = long_text("update"), long_text("note")
    assert "Update posted" in bot.reply(f"update OUT-1 {update}")
    assert "Noted" in bot.reply(f"note OUT-1 {note}")
    bot.delivered()

    timeline = bot.api("/api/incidents/OUT-1").json()["timeline"]
    assert update in [e["text"] for e in timeline]  # whole, not a character lost
    assert note in [e["text"] for e in timeline]

    page = "http://localhost:3000/incidents/OUT-1#timeline|Read the full text on the incident page"
    root = bot.fake.messages("payments-outage")[0]
    posted = [*bot.fake.replies("payments-outage", root.ts), root, *bot.fake.messages("company-outage")]
    with_link = [m for m in posted if page in json.dumps(m.blocks)]
    assert len(with_link) == 3, "the thread update, the root's last update and the company update link the whole"
    assert all("update <@U0BOB> checked" in json.dumps(m.blocks) for m in with_link)
