"""Scheduled posts: the roll-up to #company-outage, the daily digest, and the postmortem reminder.

The harness clock is advanced and the ticker called, so hours and days pass in milliseconds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from incidentbot.domain.due import next_daily
from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from tests.support.harness import Harness, start_harness


def text_of(message: Any) -> str:
    return (getattr(message, "text", "") or "") + json.dumps(getattr(message, "blocks", None) or [], ensure_ascii=False)


def company(bot: Harness, starting: str) -> list[str]:
    if bot.fake.channel("company-outage") is None:
        return []
    return [text_of(m) for m in bot.fake.messages("company-outage") if (m.text or "").startswith(starting)]



def resolve(bot: Harness, number: int, summary: str = "Fixed", user: str = "U0ALICE") -> None:
    response, _ = bot.click(ids.CONFIRM_RESOLVE, {"incident": number, "summary": summary}, user=user)
    assert response.status_code == 200
    assert bot.api(f"/api/incidents/{number}").json()["status"] == "resolved"


def test_rollup_of_open_outages_every_summary_interval_while_a_real_one_is_open(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    config = {"summary_interval": "10m"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        bot.reply("declare --drill --division search --sev 2 Game day")
        bot.pass_time(timedelta(minutes=11))
        assert bot.fake.channel("company-outage") is None  # a drill alone plans no roll-up

        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.reply("declare --division search --sev 4 Slow autocomplete", user="U0BOB")
        bot.pass_time(timedelta(minutes=3))
        bot.reply("update OUT-2 Failing over to the secondary acquirer")
        bot.pass_time(timedelta(minutes=6, seconds=50))
        assert company(bot, "Open outages") == []
        bot.pass_time(timedelta(seconds=10))
        [first] = company(bot, "Open outages")
        assert "Open outages: 2 (OUT-2, OUT-3)" in first and "OUT-1" not in first
        for fact in ("*<http://localhost:3000/incidents/OUT-2|OUT-2>* · SEV2 · payments · investigating · "
                     "commander <@U0ALICE>",
                     "Last update 7 min ago: Failing over to the secondary acquirer",
                     "*<http://localhost:3000/incidents/OUT-3|OUT-3>* · SEV4 · search · investigating · "
                     "commander <@U0BOB>",
                     "No update yet (declared 10 min ago)", "Next update due: <!date^"):
            assert fact in first, fact

        bot.pass_time(timedelta(minutes=10))
        assert len(company(bot, "Open outages")) == 2
        resolve(bot, 2)
        bot.pass_time(timedelta(minutes=10))
        rollups = company(bot, "Open outages")
        assert len(rollups) == 3 and "Open outages: 1 (OUT-3)" in rollups[-1]
        resolve(bot, 3, user="U0BOB")
        # Only the drill is open: no more roll-ups, and none planned.
        bot.pass_time(timedelta(minutes=10))
        bot.pass_time(timedelta(hours=5))
        assert len(company(bot, "Open outages")) == 3
        # A new outage starts the roll-up again.
        bot.reply("declare --division payments --sev 3 Refunds failing")
        bot.pass_time(timedelta(minutes=10))
        assert len(company(bot, "Open outages")) == 4 and "OUT-4" in company(bot, "Open outages")[-1]


def test_a_rollup_of_many_open_outages_lists_the_worst_and_counts_the_rest(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    config = {"summary_interval": "10m"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        for n in range(1, 25):
            bot.reply(f"declare --division payments --sev 4 Minor outage {n}")
        bot.reply("declare --division search --sev 1 Search is down")  # the worst, declared last
        bot.reply("declare --drill --division search --sev 1 Game day")  # never in the company channel
        bot.pass_time(timedelta(minutes=11))
        [rollup] = company(bot, "Open outages")
        assert rollup.startswith("Open outages: 25 (OUT-25, OUT-1, OUT-2,") and ", …)" in rollup
        assert "OUT-26" not in rollup and "… and 5 more open outages: http://localhost:3000/incidents" in rollup
        assert rollup.count("· SEV4 ·") == 19

def test_daily_digest_at_local_time_lists_the_last_day(database_url: str, fake_slack: FakeSlack,
                                                        tmp_path: Path) -> None:
    zone = ZoneInfo("America/New_York")
    config = {"timezone": "America/New_York", "daily_digest_at": "09:00"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        digest_at = next_daily(bot.clock(), time(9, 0), zone)
        # The first digest falls on a quiet day: nothing is posted, but the next one is planned.
        bot.pass_time_to(digest_at + timedelta(seconds=1))
        assert bot.fake.channel("company-outage") is None

        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.pass_time(timedelta(hours=1, minutes=30))
        resolve(bot, 1, "Rolled back card-router")
        bot.reply("declare --division search --sev 3 Slow autocomplete", user="U0BOB")
        bot.reply("declare --drill --division search --sev 1 Game day")
        bot.reply("declare --division search --sev 4 Declared by mistake")
        bot.click(ids.CONFIRM_CANCEL, {"incident": 4}, user="U0ALICE")
        next_at = next_daily(digest_at, time(9, 0), zone)  # not always 24 h later: a DST change may fall between
        bot.pass_time_to(next_at - timedelta(seconds=5))
        assert company(bot, "Outage digest") == []
        bot.pass_time(timedelta(seconds=5))
        [digest] = company(bot, "Outage digest")
        assert f"Outage digest · {next_at.astimezone(zone):%a %d %b %Y}" in digest
        assert "Outage digest: 2 declared, 1 resolved, 1 still open" in digest
        assert "*Declared in the last day (2)*" in digest and "*Resolved in the last day (1)*" in digest
        assert "OUT-1 SEV2 resolved: Card auth down · payments, resolved after 1 h 30 min" in digest
        assert "OUT-2 SEV3 investigating: Slow autocomplete · search, declared" in digest
        assert "*Still open (1)*" in digest and "commander <@U0BOB>" in digest
        assert "OUT-3" not in digest and "OUT-4" not in digest  # neither a drill nor a mistake is an outage

        # The next day: only what is still open; yesterday's outages are not repeated.
        bot.pass_time(timedelta(days=1))
        digests = company(bot, "Outage digest")
        assert len(digests) == 2
        assert "Outage digest: 0 declared, 0 resolved, 1 still open" in digests[-1] and "OUT-1" not in digests[-1]


def working_days_after(moment: datetime, days: int, zone: tzinfo) -> datetime:
    """`days` whole days later on the local calendar, counting Monday to Friday only (postmortem_due)."""
    local = moment.astimezone(zone)
    while days:
        local = (local + timedelta(days=1)).astimezone(zone)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(UTC)


def test_postmortem_reminder_to_the_commander_after_postmortem_due(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 --commander <@U0BOB> Card auth down")
    bot.reply("ack OUT-1", user="U0BOB")
    bot.reply("declare --division payments --sev 3 Declared by mistake")
    bot.click(ids.CONFIRM_CANCEL, {"incident": 2}, user="U0ALICE")
    bot.pass_time(timedelta(hours=2))
    resolve(bot, 1)
    resolved_at = datetime.fromisoformat(bot.api("/api/incidents/OUT-1").json()["resolved_at"])
    # Two days from early in the week; four from a Thursday.
    due_at = working_days_after(resolved_at, 2, bot.bot.ctx.config.tz)
    bot.pass_time_to(due_at - timedelta(seconds=10))
    assert [m for m in bot.fake.dms("U0BOB") if "postmortem is due" in text_of(m)] == []
    bot.pass_time(timedelta(seconds=10))
    [reminder] = [text_of(m) for m in bot.fake.dms("U0BOB") if "postmortem is due" in text_of(m)]
    assert "OUT-1 was resolved" in reminder and "after 2 h" in reminder and "/outage postmortem OUT-1" in reminder
    bot.pass_time(timedelta(days=5))
    assert len([m for m in bot.fake.dms("U0BOB") if "postmortem is due" in text_of(m)]) == 1
    assert not any("postmortem is due" in text_of(m) for m in bot.fake.dms("U0ALICE"))
    kinds = [e["kind"] for e in bot.api("/api/incidents/OUT-1").json()["timeline"]]
    assert kinds.count("postmortem_reminder") == 1
    assert "postmortem_reminder" not in [e["kind"] for e in bot.api("/api/incidents/OUT-2").json()["timeline"]]
