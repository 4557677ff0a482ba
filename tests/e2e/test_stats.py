"""The service-quality record end to end: `/outage stats` and `GET /api/stats`, checked against values
computed by hand, including an outage spanning three days; drills and cancelled declarations left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from tests.support.harness import Harness, start_harness
from tests.support.record import FixedClock, resolve

T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday, noon UTC
UTC_CONFIG = {"timezone": "UTC"}  # `detected=11:45` below is read in it


def readable(reply: str) -> str:
    """The reply's text and blocks with non-ASCII characters as typed."""
    text, _, blocks = reply.partition("\n")
    return text + json.dumps(json.loads(blocks), ensure_ascii=False)


def run_outages(bot: Harness) -> None:
    # OUT-1, SEV2 (updates every 30 min): impact began 11:00, noticed 11:45, declared 12:00.
    bot.reply("declare --division payments --sev 2 Card auth down")
    assert "Recorded" in bot.reply("set OUT-1 started=2026-11-20T11:00Z detected=11:45 service=checkout "
                                   "cause=deploy")
    bot.pass_time(timedelta(minutes=20))
    bot.reply("update OUT-1 Looking at card-router")  # due 12:30: on time
    bot.pass_time(timedelta(days=2) - timedelta(minutes=20))
    bot.reply("update OUT-1 --status monitoring Rolled back")  # due 12:50: late; mitigated now
    bot.pass_time(timedelta(hours=2))
    resolve(bot, 1)  # the update due 30 min after the last one never came: missed
    # OUT-2, SEV3: a commander handoff acknowledged in 2 minutes, one update on time, resolved in 30 min.
    bot.reply("declare --division search --sev 3 Checkout search slow")
    bot.reply("set OUT-2 service=checkout cause=Deploy")
    bot.reply("commander <@U0BOB> OUT-2")
    bot.pass_time(timedelta(minutes=2))
    bot.reply("ack OUT-2", user="U0BOB")
    bot.pass_time(timedelta(minutes=8))
    bot.reply("update OUT-2 Reindexing")
    bot.pass_time(timedelta(minutes=20))
    resolve(bot, 2)
    # Left out: a drill and a declaration made in error.
    bot.reply("declare --drill --division search --sev 1 Game day")
    bot.reply("declare --division search --sev 4 Oops")
    bot.click(ids.CONFIRM_CANCEL, {"incident": 4}, user="U0ALICE")


def test_stats_by_hand(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=UTC_CONFIG,
                       clock=FixedClock(T)) as bot:
        run_outages(bot)
        stats = bot.api("/api/stats?days=30").json()
        durations = stats.pop("durations")
        assert stats.pop("reports") == {"count": 0, "waiting": 0, "escalated": 0, "respond_median_s": None,
                                        "respond_p90_s": None}  # (an extra field: no report was made)
        assert stats == {
            "days": 30, "incidents": 2, "excluded": {"drills": 1, "cancelled": 1},
            "by_severity": {"1": 0, "2": 1, "3": 1, "4": 0}, "by_division": {"payments": 1, "search": 1},
            "by_service": {"checkout": 2}, "updates_on_time_pct": 50.0, "handoff_ack_median_s": 120.0,
            "repeat_causes": [{"service": "checkout", "cause": "deploy", "incidents": ["OUT-1", "OUT-2"]}],
            "actions": {"open": 0, "overdue": 0},
        }  # fmt: skip
        # detect: 45 min and 0; declare: 15 min and 0; mitigate: 2 d 1 h (OUT-2 never reached monitoring);
        # resolve: 2 d 3 h and 30 min.
        expected = {"detect": (1350, 2430), "declare": (450, 810), "mitigate": (176400, 176400),
                    "resolve": (92700, 1800 + 0.9 * 181800)}  # fmt: skip
        for name, (med, p90) in expected.items():
            assert durations[name]["median_s"] == pytest.approx(med), name
            assert durations[name]["p90_s"] == pytest.approx(p90), name

        answer = readable(bot.reply("stats --days 30"))
        assert "Service quality · last 30 days" in answer
        for fact in ("2 (SEV1: 0, SEV2: 1, SEV3: 1, SEV4: 0)", "median 1d1h45m · p90 1d21h57m", "50%",
                     "median 2m", "checkout / deploy: OUT-1, OUT-2", "Left out: 1 drill(s), 1 cancelled"):
            assert fact in answer, fact
        assert "Service quality · last 90 days · division search: 1 outage\n" in bot.reply("stats --division search")
        one = bot.api("/api/stats?days=1").json()  # only what was declared in the last day
        assert one["incidents"] == 1 and one["excluded"] == {"drills": 1, "cancelled": 1}


def test_an_incident_json_carries_its_milestones(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=UTC_CONFIG,
                       clock=FixedClock(T)) as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        assert "in the future" in bot.reply("set OUT-1 started=12:30")
        assert "Did you mean `deploy`" in bot.reply("set OUT-1 cause=deplyo impact=lots")
        bot.pass_time(timedelta(minutes=5))
        bot.reply("update OUT-1 --status monitoring Rolled back")
        data = bot.api("/api/incidents/OUT-1").json()
        assert data["started_at"] == data["detected_at"] == data["declared_at"] == "2026-11-20T12:00:00Z"
        assert data["mitigated_at"] == "2026-11-20T12:05:00Z" and data["cause"] is None and data["impact"] is None
        assert data["url"] == "http://localhost:3000/incidents/OUT-1"
