"""What a newcomer runs into in the first hour: a mistyped ID, "which outage?", right-to-left tricks in text."""

from __future__ import annotations

import json
from datetime import UTC, time, timedelta
from pathlib import Path
from typing import Any

from incidentbot.domain.due import next_daily
from incidentbot.emulator import FakeSlack
from tests.support.harness import Harness, start_harness

RLO = "\u202e"  # right-to-left override: what follows it is shown reversed
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def shown(bot: Harness, text: str, **kwargs: Any) -> str:
    """The ephemeral answer as the person reads it: the fallback text and every block's text."""
    response = bot.command(text, **kwargs)
    assert response.status_code == 200, response.text
    data = response.json()
    return data["text"] + "\n" + json.dumps(data.get("blocks") or [], ensure_ascii=False)


def posted_text(bot: Harness, channel: str) -> str:
    return "\n".join((m.text or "") + json.dumps(m.blocks or [], ensure_ascii=False)
                     for m in bot.fake.messages(channel))


def test_a_mistyped_id_is_named_and_nothing_is_posted(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    answer = shown(bot, "update OUT-abc hello", channel="payments-outage")
    assert "`OUT-abc` is not a valid incident ID: write `OUT-12` or `12`." in answer
    answer = shown(bot, "update #1 rolled back", channel="payments-outage")
    assert "`#1` is not a valid incident ID: write `OUT-1` or `1`." in answer
    assert "Update posted to OUT-1" in shown(bot, "update 5xx errors down to 2%", channel="payments-outage")
    bot.delivered()
    after = posted_text(bot, "payments-outage")
    assert "hello" not in after and "rolled back" not in after and "5xx errors down to 2%" in after


def test_which_outage_hint_repeats_the_command_that_was_typed(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    bot.reply("declare --division payments --sev 3 Refunds slow")
    answer = shown(bot, "update Rolled back the deploy", channel="payments-outage")
    assert "payments has 2 open outages: say which one you mean." in answer
    assert "e.g. `/outage update OUT-1 …`" in answer and "/outage status" not in answer
    answer = shown(bot, "timeline")
    assert "This is not an outage channel" in answer and "e.g. `/outage timeline OUT-1`." in answer
    answer = shown(bot, "sev 1", channel="payments-outage")
    assert "e.g. `/outage sev OUT-1 …`" in answer


def test_right_to_left_override_never_reaches_company_posts_or_the_digest(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    config = {"daily_digest_at": "09:00"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        bot.reply(f"declare --division payments --company-wide --sev 2 Checkout {RLO}down for \u2066EU\u2069")
        bot.reply(f"update OUT-1 Rolled {RLO}back the deploy")
        digest_at = next_daily(bot.clock(), time(9, 0), UTC)
        bot.pass_time_to(digest_at + timedelta(seconds=1))
        bot.delivered()
        company = posted_text(bot, "company-outage")
        assert "Checkout down for EU" in company and "Rolled back the deploy" in company
        assert "Outage digest" in company
        assert not BIDI_CONTROLS & set(company)
        assert not BIDI_CONTROLS & set(posted_text(bot, "payments-outage"))


def test_with_many_open_the_which_outage_answer_names_twenty_and_counts_the_rest(bot: Harness) -> None:
    for n in range(1, 24):
        bot.reply(f"declare --division payments --sev 3 Card payments failing in region {n}")
    answer = shown(bot, "update Rolled back the deploy", channel="payments-outage")
    assert "payments has 23 open outages: say which one you mean." in answer
    assert "Card payments failing in region 20" in answer and "region 21" not in answer
    assert "… and 3 more open: `/outage list` counts them all." in answer
    answer = shown(bot, "status OUT-99")
    assert "There is no outage OUT-99." in answer and "… and 3 more open" in answer
