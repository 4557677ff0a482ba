"""A handoff that no longer stands is withdrawn out loud: on the timeline, and to the person it asked."""

from __future__ import annotations

import json

from tests.support.harness import Harness


def said_to(bot: Harness, user: str) -> str:
    return json.dumps([m.blocks for m in bot.fake.dms(user)]) + " ".join(m.text for m in bot.fake.dms(user))


def test_a_replaced_request_is_withdrawn_and_its_target_told(bot: Harness) -> None:
    bot.reply("declare --division payments Card errors")
    bot.reply("commander <@U0BOB> OUT-1")
    bot.reply("commander <@U0CAROL> OUT-1")
    bot.delivered()
    assert "withdrawn" in said_to(bot, "U0BOB") and "someone else was asked" in said_to(bot, "U0BOB")
    incident = bot.api("/api/incidents/OUT-1").json()
    assert [(h["role"], h["to"]) for h in incident["pending_handoffs"]] == [("commander", "U0CAROL")]
    assert "handoff_replaced" in [e["kind"] for e in incident["timeline"]]


def test_closing_an_outage_withdraws_its_pending_handoffs(bot: Harness) -> None:
    bot.reply("declare --division payments --communicator <@U0DAVE> Card errors")
    bot.click("resolve_confirm", {"incident": 1}, user="U0ALICE")
    bot.delivered()
    assert "the outage is resolved" in said_to(bot, "U0DAVE")
    incident = bot.api("/api/incidents/OUT-1").json()
    assert incident["pending_handoffs"] == []
    withdrawn = [e for e in incident["timeline"] if e["kind"] == "handoff_withdrawn"]
    assert len(withdrawn) == 1 and "U0DAVE" in withdrawn[0]["text"]
