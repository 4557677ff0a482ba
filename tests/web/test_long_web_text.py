"""The web fallback takes update and resolution text up to Slack's own 40,000 characters, like the slash command."""

from __future__ import annotations

from tests.support.harness import API_TOKEN, Harness

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
LONG = ("Rolled back card-router and drained the queue. " * 1000)[:40_000]


def test_40000_characters_of_update_and_resolution_are_taken_whole_and_one_more_is_refused(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    too_long = bot.http.post("/api/incidents/OUT-1/updates", json={"text": LONG + "x"}, headers=AUTH)
    assert too_long.status_code == 400 and "at most 40000" in too_long.text
    assert bot.http.post("/api/incidents/OUT-1/updates", json={"text": LONG}, headers=AUTH).status_code == 200
    assert bot.http.post("/api/incidents/OUT-1/resolve", json={"summary": LONG},
                         headers={**AUTH, "X-Incidentbot-User": "U0ALICE"}).status_code == 200  # the commander
    bot.delivered()
    shown = bot.api("/api/incidents/OUT-1").json()
    assert shown["resolution"] == LONG.strip() and LONG.strip() in [e["text"] for e in shown["timeline"]]
