"""Action items over signed HTTP against the fake Slack: added across two incidents with owners and due
dates, listed, closed and reopened; the owner's DM on the due day and weekly while overdue (also after the
incident is resolved); the weekly report at `weekly_report_at` local time; bad input refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidentbot.emulator import FakeSlack
from tests.support.harness import start_harness
from tests.support.record import FixedClock, advance_to, company_texts, dm_texts, resolve

# Friday 27 November 2026, 07:00 in New York (12:00 UTC).
START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CONFIG = {"timezone": "America/New_York", "daily_digest_at": "09:00", "weekly_report_at": "mon 09:00"}


def test_action_items_are_chased_until_closed_and_reported_weekly(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    clock = FixedClock(START)
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=CONFIG,
                       clock=clock) as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.reply("set OUT-1 owner-team=payments-core")
        bot.reply("declare --division search --sev 3 Slow autocomplete", user="U0DAVE")
        assert "Added A-1 to OUT-1" in bot.reply("action OUT-1 Add retries to card-router --owner <@U0BOB> "
                                                 "--due 2026-11-30")
        assert "Added A-2 to OUT-2" in bot.reply("action OUT-2 Alert on p99 latency --owner <@U0CAROL> "
                                                 "--due 2026-11-28", user="U0DAVE")
        assert "Added A-3 to OUT-1" in bot.reply("action OUT-1 Write the failover runbook")
        resolve(bot, 1)
        assert "Added A-4 to OUT-1" in bot.reply("action OUT-1 Review alert routing --owner <@U0ALICE>")
        bot.delivered()
        assert len(dm_texts(bot, "U0BOB", "made you the owner of action item *A-1*")) == 1

        # Lists: all, one incident's, mine, open only.
        everything = bot.reply("actions")
        assert all(f"*A-{n}*" in everything for n in range(1, 5))
        of_one = bot.reply("actions OUT-1")
        assert "All action items of OUT-1* (3)" in of_one and "*A-2*" not in of_one and "*A-3*" in of_one
        mine = bot.reply("actions --mine", user="U0BOB")
        assert "*A-1*" in mine and "*A-3*" not in mine

        # Carol's item is due Saturday: a DM at 09:00 New York time (14:00 UTC), not before.
        advance_to(bot, datetime(2026, 11, 28, 13, 59, tzinfo=UTC))
        assert dm_texts(bot, "U0CAROL", "Action item *A-2*") == []
        bot.pass_time(timedelta(minutes=1, seconds=1))
        [due_day] = dm_texts(bot, "U0CAROL", "Action item *A-2*")
        assert "is due today" in due_day and "/outage done A-2" in due_day
        digest = company_texts(bot, "Outage digest")[-1]  # the same 09:00: the digest lists the open items
        assert "*Open action items (4)*" in digest and "*A-4* · OUT-1 · Review alert routing" in digest

        # Monday 09:00 New York: Bob's due-day DM (his incident is resolved) and the weekly report.
        advance_to(bot, datetime(2026, 11, 30, 13, 59, 50, tzinfo=UTC))
        assert company_texts(bot, "Action items:") == []
        bot.pass_time(timedelta(seconds=11))
        assert "is due today" in dm_texts(bot, "U0BOB", "Action item *A-1*")[0]
        [report] = company_texts(bot, "Action items:")
        assert "4 open, 1 overdue, 0 closed this week" in report
        assert "*payments-core* (3 open)" in report and "*No owner team* (1 open)" in report
        assert "*A-2* · OUT-2 · Alert on p99 latency · owner <@U0CAROL> · due 2026-11-28 ⚠️ overdue" in report

        # Closing and reopening: Alice neither owns A-2 nor commands OUT-2.
        assert "A-2 is done" in bot.reply("done A-2 alert added in grafana", user="U0CAROL")
        assert "Only its owner" in bot.reply("reopen A-2", user="U0ALICE")
        assert "A-2 is open again" in bot.reply("reopen A-2", user="U0DAVE")  # OUT-2's commander
        assert "A-1 is done" in bot.reply("done A-1", user="U0BOB")
        assert "already done" in bot.reply("done A-1", user="U0BOB")

        # A week after its due day Carol's reopened item is chased again; Bob's closed one is not.
        advance_to(bot, datetime(2026, 12, 5, 14, 0, 1, tzinfo=UTC))
        assert "is overdue (it was due 2026-11-28)" in dm_texts(bot, "U0CAROL", "Action item *A-2*")[-1]
        assert len(dm_texts(bot, "U0BOB", "Action item *A-1*")) == 1

        # The next weekly report: what was closed that week.
        advance_to(bot, datetime(2026, 12, 7, 14, 0, 1, tzinfo=UTC))
        latest = company_texts(bot, "Action items:")[-1]
        assert "3 open, 1 overdue, 1 closed this week" in latest and "*A-1*" in latest and "✅ done" in latest

        # The API: every item, the open ones of an owner, and an incident's own.
        items = bot.api("/api/actions").json()["actions"]
        assert [a["id"] for a in items] == ["A-1", "A-2", "A-3", "A-4"]
        assert items[0] == {"id": "A-1", "incident": "OUT-1", "text": "Add retries to card-router",
                            "owner": "U0BOB", "due": "2026-11-30", "created_by": "U0ALICE",
                            "created_at": items[0]["created_at"], "done_at": items[0]["done_at"]}
        assert items[0]["done_at"] is not None
        assert [a["id"] for a in bot.api("/api/actions?open=true&owner=U0CAROL").json()["actions"]] == ["A-2"]
        assert bot.api("/api/actions?open=maybe").status_code == 400
        incident = bot.api("/api/incidents/OUT-1").json()
        assert [a["id"] for a in incident["actions"]] == ["A-1", "A-3", "A-4"]
        assert {"id", "text", "owner", "due", "done_at"} == set(incident["actions"][0])
        kinds = [e["kind"] for e in incident["timeline"]]
        assert kinds.count("action_added") == 3 and "action_done" in kinds


def test_bad_action_input_names_what_to_fix_and_writes_nothing(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=CONFIG,
                       clock=FixedClock(START)) as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        assert "2026-11-26 has passed" in bot.reply("action OUT-1 Retry --due 2026-11-26")
        assert "not a member of this workspace" in bot.reply("action OUT-1 Retry --owner <@U0NOBODY>")
        assert "There is no action item A-9" in bot.reply("done A-9")
        assert "is not an action item" in bot.reply("done B-2")
        assert "There is no outage OUT-7" in bot.reply("action OUT-7 Retry")
        assert "`--days` must be a whole number" in bot.reply("stats --days 0")
        assert "Unknown flag `--weeks`" in bot.reply("stats --weeks 2")
        assert bot.api("/api/actions").json() == {"actions": []}
        assert bot.api("/api/stats?days=abc").status_code == 400
        assert "action_added" not in [e["kind"] for e in bot.api("/api/incidents/OUT-1").json()["timeline"]]
