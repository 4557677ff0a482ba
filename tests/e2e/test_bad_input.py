"""Malformed commands get an ephemeral answer saying what was wrong and the usage; nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from incidentbot.store.tables import due_work, incidents, outbox, timeline_events
from tests.support.harness import Harness


def row_counts(bot: Harness) -> tuple[int, ...]:
    with bot.bot.db.read_engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (incidents, timeline_events, outbox, due_work))


BAD = [
    ("declare --division payments --sev 7 Broken", "--sev", "/outage declare"),
    ("declare --division payments --bogus Broken", "--bogus", "/outage declare"),
    ("declare --division payments", "summary", "/outage declare"),
    ("declare --division Pay$ments Broken", "division", "/outage declare"),
    ("declare --division payments --commander @bob Broken", "Mention the person", "/outage declare"),
    ("declare --division payments --drill=yes Broken", "--drill", "/outage declare"),
    ("declare " + "x" * 600, "500", "/outage declare"),
    ("declare Broken", "--division", "/outage declare"),  # not typed in a division channel
    ("explode now", "explode", "/outage"),
    ("update --status sideways OUT-1 text", "sideways", "/outage update"),
    ("update OUT-1", "text", "/outage update"),
    ("sev 9 OUT-1", "9", "/outage sev"),
    ("resolve OUT-99", "OUT-99", ""),
    ("note OUT-99 hello", "OUT-99", ""),
    ("done abc", "abc", "/outage done"),
    ("set OUT-1 colour=red", "colour", "/outage set"),
]


@pytest.mark.parametrize(("text", "says", "usage"), BAD)
def test_bad_commands_are_answered_and_change_nothing(bot: Harness, text: str, says: str, usage: str) -> None:
    before = row_counts(bot)
    response = bot.command(text)
    assert response.status_code == 200
    body = response.json()
    shown = body["text"] + str(body.get("blocks"))
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert says in shown, shown
    assert usage in shown.replace("&lt;", "<").replace("&gt;", ">")
    assert row_counts(bot) == before


def test_help_lists_every_command(bot: Harness) -> None:
    shown = bot.reply("help")
    for command in ("declare", "update", "commander", "ack", "note", "sev", "resolve", "cancel", "list",
                    "status", "timeline", "set", "postmortem", "action"):
        assert f"/outage {command}" in shown
    assert "/outage declare" in bot.reply("help declare")


def test_commands_on_a_closed_incident_are_refused_with_a_reason(bot: Harness) -> None:
    bot.reply("declare --division payments Cards failing")
    response, _ = bot.click("cancel_confirm", {"incident": 1}, user="U0ALICE")
    assert response.status_code == 200
    before = row_counts(bot)
    assert "cancelled" in bot.reply("update OUT-1 any news?")
    assert "cancelled" in bot.reply("sev 1 OUT-1")
    assert row_counts(bot)[:2] == before[:2]


def test_buttons_with_forged_or_stale_values_change_nothing(bot: Harness) -> None:
    bot.reply("declare --division payments Cards failing")
    before = row_counts(bot)
    for value in ({}, {"incident": "1"}, {"incident": -3}, {"incident": 999}, {"incident": True}):
        response, url_id = bot.click("resolve_confirm", value, user="U0ALICE")
        assert response.status_code == 200
        # the person is told why nothing happened (after the ack, on the response_url)
        def answered(u: str = url_id) -> object:
            return bot.fake.responses[u]

        bot.fake.wait_for(answered, message="the answer to the click")
    assert row_counts(bot) == before
