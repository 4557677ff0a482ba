"""A resolution summary up to Slack's own 40,000 characters: it waits on the server for the Confirm click (the
button carries a token, not the text), is stored whole, and posts are cut to Slack's block limits with a link
to the whole on the incident page. Every Slack call is checked by the fake (the fixture fails on a rejection).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from incidentbot.messages import ids
from tests.e2e.test_long_text import long_text
from tests.support.harness import Harness

PAGE = "http://localhost:3000/incidents/OUT-1#timeline|Read the full text on the incident page"


def confirm_value(bot: Harness, command: str) -> dict[str, Any]:
    """Type `command`, check the question fits Slack's limits, and return its Confirm button's value."""
    response = bot.command(command)
    assert response.status_code == 200, response.text
    blocks = response.json()["blocks"]
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    confirm = next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == ids.CONFIRM_RESOLVE)  # fmt: skip
    assert len(confirm["value"]) <= 2000
    value: dict[str, Any] = json.loads(confirm["value"])
    return value


def click(bot: Harness, value: dict[str, Any], user: str = "U0ALICE") -> str:
    response, url_id = bot.click(ids.CONFIRM_RESOLVE, value, user=user)
    assert response.status_code == 200
    said = bot.fake.wait_for(lambda: bot.fake.responses.get(url_id), message="the answer to the click")
    return json.dumps(said)


def test_a_40000_character_resolution_is_stored_whole_and_posted_within_slacks_limits(bot: Harness) -> None:
    assert "OUT-1 declared" in bot.reply("declare --division payments --sev 1 Card auth down")
    summary = long_text("resolution")
    value = confirm_value(bot, f"resolve OUT-1 {summary}")
    assert value["incident"] == 1 and "summary" not in value and value["pending"]
    assert "is resolved" in click(bot, value)
    bot.delivered()

    api = bot.api("/api/incidents/OUT-1").json()
    assert api["status"] == "resolved" and api["resolution"] == summary  # whole, not a character lost
    assert api["timeline"][-1]["kind"] == "resolved" and api["timeline"][-1]["text"] == summary

    root = bot.fake.messages("payments-outage")[0]
    posted = [*bot.fake.replies("payments-outage", root.ts), root, *bot.fake.messages("company-outage")]
    with_link = [m for m in posted if PAGE in json.dumps(m.blocks)]
    assert len(with_link) == 3, "the thread post, the root and the company post link the whole"
    assert all("resolution <@U0BOB> checked" in json.dumps(m.blocks) for m in with_link)


def test_update_status_resolved_keeps_a_long_summary_for_the_click(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    summary = long_text("fixed")
    value = confirm_value(bot, f"update OUT-1 --status resolved {summary}")
    assert "is resolved" in click(bot, value)
    assert bot.api("/api/incidents/OUT-1").json()["resolution"] == summary


def test_a_used_confirmation_clicked_again_says_so_and_writes_nothing(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    value = confirm_value(bot, "resolve OUT-1 Rolled back card-router")
    assert "is resolved" in click(bot, value)
    bot.delivered()
    before = bot.api("/api/incidents/OUT-1").json()

    again = click(bot, value)
    assert "already used" in again and "nothing changed" in again
    bot.delivered()
    assert bot.api("/api/incidents/OUT-1").json() == before


def test_an_expired_confirmation_says_so_and_leaves_the_outage_open(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    value = confirm_value(bot, "resolve OUT-1 Rolled back card-router")
    bot.pass_time(timedelta(days=1, minutes=1))
    said = click(bot, value)
    assert "expired" in said and "nothing changed" in said
    assert bot.api("/api/incidents/OUT-1").json()["status"] != "resolved"
    forged = click(bot, {"incident": 1, "pending": "not-a-token"})
    assert "no longer known" in forged
    assert bot.api("/api/incidents/OUT-1").json()["status"] != "resolved"


def test_a_refused_click_leaves_the_confirmation_usable(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    value = confirm_value(bot, "resolve OUT-1 Rolled back card-router")
    refused = click(bot, value, user="U0MALLORY")
    assert "is resolved" not in refused
    assert "is resolved" in click(bot, value)
    assert bot.api("/api/incidents/OUT-1").json()["resolution"] == "Rolled back card-router"


def test_an_old_style_button_with_the_summary_in_its_value_still_resolves(bot: Harness) -> None:
    """Buttons posted before the upgrade carry the summary itself."""
    bot.reply("declare --division payments --sev 2 Card auth down")
    assert "is resolved" in click(bot, {"incident": 1, "summary": "Rolled back card-router"})
    api = bot.api("/api/incidents/OUT-1").json()
    assert (api["status"], api["resolution"]) == ("resolved", "Rolled back card-router")
