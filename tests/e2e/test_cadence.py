"""The update cadence end to end: reminders to the right person at the right time, and only while it is open.

One test runs on the real clock with a cadence of seconds (the background ticker does the work); the others
drive the harness clock and tick, so they take no time. Restarts use two bots, one after the other, on one
database.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidentbot.domain.due import DueKind
from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from incidentbot.store import due_work
from tests.support.harness import Clock, Harness, start_harness

DM = {"channel": "directmessage", "channel_id": "D0BOTDM"}


def text_of(message: Any) -> str:
    return (getattr(message, "text", "") or "") + json.dumps(getattr(message, "blocks", None) or [], ensure_ascii=False)


def get(bot: Harness, label: str = "OUT-1") -> dict[str, Any]:
    response = bot.api(f"/api/incidents/{label}")
    assert response.status_code == 200
    return dict(response.json())


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def events(bot: Harness, kind: str, label: str = "OUT-1") -> list[dict[str, Any]]:
    return [e for e in get(bot, label)["timeline"] if e["kind"] == kind]


def root(bot: Harness, label: str = "OUT-1", channel: str = "payments-outage") -> Any:
    found = [m for m in bot.fake.messages(channel) if f"{label} ·" in text_of(m)]
    assert len(found) == 1, f"expected one root message of {label}: {found}\n{bot.fake.dump()}"
    return found[0]


def thread(bot: Harness, label: str = "OUT-1", channel: str = "payments-outage") -> list[str]:
    return [text_of(m) for m in bot.fake.replies(channel, root(bot, label, channel).ts)]


def dms(bot: Harness, user: str, containing: str) -> list[str]:
    return [text_of(m) for m in bot.fake.dms(user) if containing in text_of(m)]


def shows_due_time(message: Any, due: datetime) -> bool:
    return f"<!date^{int(due.timestamp())}^" in text_of(message)



def test_reminders_arrive_on_time_to_the_right_people_and_stop_on_resolve(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    config = {"cadence": {"sev4": "2s"}}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        bot.reply("declare --division payments --sev 4 --communicator <@U0BOB> Refund API slow")
        assert "You are now the communicator of OUT-1" in bot.reply("ack", user="U0BOB", **DM)
        declared = get(bot)
        due = at(declared["next_update_due_at"])
        assert due == at(declared["declared_at"]) + timedelta(seconds=2)
        bot.delivered()
        assert shows_due_time(root(bot), due)

        # The background ticker (every 0.2 s) reminds the communicator once the update is due, not before.
        bot.wait(lambda: bool(events(bot, "update_due")), timeout=6, what="the update reminder")
        [reminded] = events(bot, "update_due")
        assert due <= at(reminded["at"]) < due + timedelta(seconds=1.5), (reminded["at"], due)
        bot.delivered()
        assert any("⏰ <@U0BOB>: a status update on OUT-1 is due now" in p for p in thread(bot))
        assert len(dms(bot, "U0BOB", "is due now")) == 1 and dms(bot, "U0ALICE", "is due now") == []

        # Half a period later it is overdue: the thread says so and the commander is told.
        bot.wait(lambda: bool(events(bot, "update_overdue")), timeout=6, what="the overdue notice")
        [overdue] = events(bot, "update_overdue")
        assert due + timedelta(seconds=1) <= at(overdue["at"]) < due + timedelta(seconds=2.5)
        bot.delivered()
        assert any("⚠️ <@U0ALICE> <@U0BOB>: the status update on OUT-1 is overdue" in p for p in thread(bot))
        [told] = dms(bot, "U0ALICE", "is overdue")
        assert "<@U0BOB> is the communicator" in told and dms(bot, "U0BOB", "is overdue") == []

        # An update re-plans the next one a period later; the root message shows it.
        bot.reply("update OUT-1 Refunds queue drained", user="U0BOB")
        updated = get(bot)
        next_due = at(updated["next_update_due_at"])
        assert next_due == at(updated["last_update_at"]) + timedelta(seconds=2)
        bot.delivered()
        assert shows_due_time(root(bot), next_due)

        response, _ = bot.click(ids.CONFIRM_RESOLVE, {"incident": 1}, user="U0ALICE")
        assert response.status_code == 200
        resolved = get(bot)
        assert resolved["status"] == "resolved" and resolved["next_update_due_at"] is None
        bot.pass_time(timedelta(hours=3))
        assert len(events(bot, "update_due")) == 1 and len(events(bot, "update_overdue")) == 1
        assert len(dms(bot, "U0BOB", "is due now")) == 1 and len(dms(bot, "U0ALICE", "is overdue")) == 1
        with bot.bot.db.read_engine.connect() as conn:
            assert [r.kind for r in due_work.pending(conn, incident_number=1)] == [DueKind.POSTMORTEM_REMINDER]


def test_the_holder_keeps_getting_reminders_until_the_handoff_is_accepted(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    config = {"handoff_timeout": "2h"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        bot.reply("declare --division payments --sev 2 --communicator <@U0BOB> Card auth down")
        bot.delivered()
        bot.pass_time(timedelta(minutes=29, seconds=50))
        assert events(bot, "update_due") == []
        bot.pass_time(timedelta(seconds=10))
        assert any("⏰ <@U0ALICE>: a status update on OUT-1 is due now" in p for p in thread(bot))
        assert len(dms(bot, "U0ALICE", "is due now")) == 1 and dms(bot, "U0BOB", "is due now") == []

        assert "You are now the communicator" in bot.reply("ack OUT-1", user="U0BOB")
        bot.reply("update OUT-1 Failover to the secondary acquirer", user="U0BOB")
        bot.pass_time(timedelta(minutes=30))
        assert any("⏰ <@U0BOB>: a status update on OUT-1 is due now" in p for p in thread(bot))
        assert len(dms(bot, "U0BOB", "is due now")) == 1 and len(dms(bot, "U0ALICE", "is due now")) == 1
        assert events(bot, "update_due")[-1]["text"] == "Status update due from U0BOB"


def test_a_severity_change_re_plans_the_due_time(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 4 Receipts delayed")
    declared_at = at(get(bot)["declared_at"])
    assert at(get(bot)["next_update_due_at"]) == declared_at + timedelta(minutes=120)
    bot.pass_time(timedelta(minutes=10))
    bot.reply("sev 2 OUT-1")
    due = at(get(bot)["next_update_due_at"])
    assert due == declared_at + timedelta(minutes=30)
    bot.delivered()
    assert shows_due_time(root(bot), due)
    bot.pass_time(timedelta(minutes=19, seconds=50))
    assert events(bot, "update_due") == []
    bot.pass_time(timedelta(seconds=10))
    assert len(events(bot, "update_due")) == 1
    # Escalated long after the last update: due at once, and reminded again for the new due time.
    bot.pass_time(timedelta(minutes=5))
    bot.reply("sev 1 OUT-1")
    bot.bot.ticker.tick()
    bot.delivered()
    assert len(events(bot, "update_due")) == 2
    assert len(dms(bot, "U0ALICE", "is due now")) == 2


def test_drills_are_reminded_and_cancel_stops_reminders(bot: Harness) -> None:
    bot.reply("declare --drill --division payments --sev 3 Game day: card router failover")
    bot.reply("declare --division payments --sev 3 Declared by mistake")
    response, _ = bot.click(ids.CONFIRM_CANCEL, {"incident": 2}, user="U0ALICE")
    assert response.status_code == 200 and get(bot, "OUT-2")["next_update_due_at"] is None
    bot.delivered()
    bot.pass_time(timedelta(minutes=60))
    bot.pass_time(timedelta(minutes=30))
    assert any("⏰ <@U0ALICE>: a status update on DRILL OUT-1 is due now" in p for p in thread(bot, "OUT-1"))
    assert any("is overdue" in p for p in thread(bot, "OUT-1"))
    assert not any("is due now" in p or "is overdue" in p for p in thread(bot, "OUT-2"))
    assert events(bot, "update_due", "OUT-2") == [] and len(events(bot, "update_due", "OUT-1")) == 1
    assert bot.fake.channel("company-outage") is None  # neither a drill nor a cancelled outage goes there


def test_a_restart_neither_loses_nor_repeats_a_reminder(database_url: str, fake_slack: FakeSlack,
                                                         tmp_path: Path) -> None:
    clock = Clock()

    def run(*, tick_interval: float = 0.2) -> Harness:
        return start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, clock=clock,
                             tick_interval=tick_interval)

    with run() as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.delivered()
    # Down while the update fell due (not yet overdue): the next process does it once, at start-up.
    clock.advance(timedelta(minutes=31))
    with run(tick_interval=3600) as bot:  # no periodic tick: only the one at start-up can do it
        bot.wait(lambda: bool(events(bot, "update_due")), timeout=5, what="the reminder at start-up")
        bot.delivered()
        assert len(dms(bot, "U0ALICE", "is due now")) == 1
        assert sum("is due now" in p for p in thread(bot)) == 1
    # Started again with nothing new due: nothing is repeated.
    with run() as bot:
        time.sleep(0.5)
        bot.bot.ticker.tick()
        bot.delivered()
        assert len(events(bot, "update_due")) == 1 and len(dms(bot, "U0ALICE", "is due now")) == 1

        # A process that claimed the overdue notice and died before acting: its lease runs out, then the
        # notice is given once.
        clock.advance(timedelta(minutes=15))
        bot.bot.ticker.stop()
        with bot.bot.db.engine.begin() as conn:
            [claimed] = due_work.claim(conn, owner="crashed", now=clock(), lease=timedelta(minutes=2))
        assert claimed.kind is DueKind.UPDATE_OVERDUE
        bot.bot.ticker.tick()
        assert events(bot, "update_overdue") == []
        clock.advance(timedelta(minutes=2, seconds=1))
        bot.bot.ticker.tick()
        bot.bot.ticker.tick()
        bot.delivered()
        assert len(events(bot, "update_overdue")) == 1 and len(dms(bot, "U0ALICE", "is overdue")) == 1


def test_a_silent_incident_is_chased_every_period_until_an_update_and_never_after_close(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 --communicator <@U0BOB> Card auth down")
    assert "You are now the communicator of OUT-1" in bot.reply("ack", user="U0BOB", **DM)
    bot.pass_time(timedelta(minutes=30))  # due: the communicator is reminded
    bot.pass_time(timedelta(minutes=15))  # overdue: the thread says so, the commander is told
    assert len(events(bot, "update_overdue")) == 1 and events(bot, "update_chased") == []

    # Nobody posts. One period after the overdue notice, and at every period after it, the silence is chased:
    # in the thread (saying for how long), and in a DM to the communicator and to the commander.
    bot.pass_time(timedelta(minutes=29, seconds=50))
    assert events(bot, "update_chased") == []
    bot.pass_time(timedelta(seconds=10))
    chase = "still no status update on OUT-1: silent for 1 h 15 min since it was declared"
    assert [p for p in thread(bot) if "still no status update" in p and chase in p and "<@U0ALICE> <@U0BOB>" in p]
    assert len(dms(bot, "U0BOB", "Still no status update on OUT-1")) == 1
    assert len(dms(bot, "U0ALICE", "Still no status update on OUT-1")) == 1
    bot.pass_time(timedelta(minutes=30))
    assert any("silent for 1 h 45 min since it was declared" in p for p in thread(bot))
    assert [len(dms(bot, user, "Still no status update")) for user in ("U0BOB", "U0ALICE")] == [2, 2]
    assert [e["text"] for e in events(bot, "update_chased")] == [
        "Still no status update after 1h15m; U0BOB and U0ALICE chased",
        "Still no status update after 1h45m; U0BOB and U0ALICE chased"]

    # An update stops the chase: the next cycle starts over from a reminder.
    bot.reply("update OUT-1 Failing over to the secondary acquirer", user="U0BOB")
    bot.pass_time(timedelta(minutes=29))
    assert len(events(bot, "update_chased")) == 2 and len(events(bot, "update_due")) == 1
    bot.pass_time(timedelta(minutes=1))
    bot.pass_time(timedelta(minutes=15))
    bot.pass_time(timedelta(minutes=30))
    assert len(events(bot, "update_chased")) == 3
    assert any("silent for 1 h 15 min since the last update" in p for p in thread(bot))

    # Closing it stops everything, however long nobody posts.
    response, _ = bot.click(ids.CONFIRM_RESOLVE, {"incident": 1}, user="U0ALICE")
    assert response.status_code == 200
    bot.pass_time(timedelta(hours=6))
    assert len(events(bot, "update_chased")) == 3
    assert sum("still no status update" in p for p in thread(bot)) == 3
    with bot.bot.db.read_engine.connect() as conn:
        assert [r.kind for r in due_work.pending(conn, incident_number=1)] == [DueKind.POSTMORTEM_REMINDER]
