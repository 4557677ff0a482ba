"""The dedupe record after issue 8: a write command records its trigger id inside its own transaction, a read
records nothing, and a repeated write is still processed once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from incidentbot.store.tables import processed_requests, timeline_events
from tests.e2e.test_concurrency import at_once
from tests.support import slack_requests as sr
from tests.support.harness import Harness


def keys(bot: Harness) -> list[str]:
    with bot.bot.db.read_engine.connect() as conn:
        return list(conn.execute(select(processed_requests.c.key).order_by(processed_requests.c.key)).scalars())


def signed(bot: Harness, text: str, trigger: str) -> str:
    return sr.slash_command(text, user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                            response_url=bot.fake.new_response_url(), trigger_id=trigger)  # fmt: skip


def test_reads_record_nothing_and_are_answered_every_time(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    bot.delivered()  # so that `status` says the same thing both times
    before = keys(bot)
    for text in ("list", "status OUT-1", "timeline OUT-1", "help"):
        body = signed(bot, text, trigger=f"trig-read-{text.split()[0]}")
        answers = [bot.post_signed(body) for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].text and answers[0].text == answers[1].text  # the retry is answered, not swallowed
    assert keys(bot) == before


def test_a_write_records_its_trigger_in_the_same_transaction(bot: Harness) -> None:
    body = signed(bot, "declare --division payments Card auth down", trigger="trig-declare-1")
    assert "OUT-1 declared" in bot.post_signed(body).text
    assert keys(bot) == ["trigger:trig-declare-1"]
    refused = signed(bot, "update OUT-99 nothing to see", trigger="trig-refused")
    assert "OUT-99" in bot.post_signed(refused).text
    assert keys(bot) == ["trigger:trig-declare-1"]  # nothing was written, so nothing remembered either


def test_a_retried_update_posts_once(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    body = signed(bot, "update OUT-1 Rolled back the deploy", trigger="trig-update-1")
    assert "Update posted" in bot.post_signed(body).text
    retried = {**sr.sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    again = bot.http.post("/slack/events", content=body, headers=retried)
    assert again.status_code == 200 and "posted" not in again.text
    responses = at_once(4, lambda _: bot.post_signed(signed(bot, "update OUT-1 Still watching", "trig-update-2")))
    assert [r.status_code for r in responses] == [200] * 4
    assert sum("Update posted" in r.text for r in responses) == 1
    with bot.bot.db.read_engine.connect() as conn:
        kinds = Counter(conn.execute(select(timeline_events.c.kind)).scalars())
        assert kinds["update"] == 2
        assert conn.execute(select(func.count()).select_from(processed_requests)).scalar_one() == 3
