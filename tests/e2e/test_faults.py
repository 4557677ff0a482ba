"""Slack fails, and nothing is lost or doubled: outages, 429 storms, timeouts after storing, missing channels.

Each test drives the bot over signed HTTP like Slack does, injects faults into the fake Slack, and then
checks what people would see there. Retries are made fast (`retry_cap`) so minutes of trouble fit in seconds.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.bootstrap import Options, build_bot
from incidentbot.emulator import FakeSlack
from incidentbot.store import outbox
from incidentbot.store.tables import outbox as outbox_table
from tests.support.databases import SqliteTemplates
from tests.support.harness import Clock, Harness, make_settings
from tests.support.slack_reading import shown, stored_posts

FAST = {"slack_timeout": 1.0, "poll_interval": 0.05, "tick_interval": 0.2, "channel_interval": 0.0,
        "retry_base": 0.05, "retry_cap": 0.3}  # fmt: skip


def fast_bot(database_url: str, fake: FakeSlack, tmp_path: Path, config: dict[str, Any] | None = None,
             **options: Any) -> Harness:  # fmt: skip
    clock = Clock()
    settings = make_settings(database_url, fake, config, tmp_path)
    return Harness(bot=build_bot(settings, Options(clock=clock, migrate=False, **{**FAST, **options})), fake=fake,
                   clock=clock)  # fmt: skip


@pytest.fixture
def bot(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    """Both databases."""
    with fast_bot(database_url, fake_slack, tmp_path) as harness:
        yield harness


@pytest.fixture
def lite_url(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[str]:
    with sqlite_templates.clone(tmp_path) as url:
        yield url


@pytest.fixture
def lite(lite_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    """SQLite only, for what does not depend on the database."""
    with fast_bot(lite_url, fake_slack, tmp_path) as harness:
        yield harness


# ----- helpers -------------------------------------------------------------------------------------------




def assert_each_post_exactly_once(bot: Harness) -> None:
    """Every post the bot delivered is in Slack exactly once; nothing is pending or failed."""
    with bot.bot.db.read_engine.connect() as conn:
        rows = conn.execute(select(outbox_table.c.delivery_id, outbox_table.c.state)
                            .where(outbox_table.c.method == "chat.postMessage")).all()  # fmt: skip
    stored = stored_posts(bot.fake)
    assert rows and all(state == outbox.DELIVERED for _, state in rows), Counter(state for _, state in rows)
    wrong = {delivery_id: stored[delivery_id] for delivery_id, _ in rows if stored[delivery_id] != 1}
    assert not wrong, f"posts stored in Slack other than exactly once: {wrong}"


def thread_texts(bot: Harness, channel: str) -> list[str]:
    root = bot.fake.messages(channel)[0]
    return [shown(m) for m in bot.fake.replies(channel, root.ts)]


def positions(texts: list[str], needles: list[str]) -> list[int]:
    """Where each needle appears (exactly once each) in `texts`."""
    found = []
    for needle in needles:
        hits = [i for i, text in enumerate(texts) if needle in text]
        assert len(hits) == 1, f"{needle!r} appears {len(hits)} times"
        found.append(hits[0])
    return found


def spy(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str, int, dict[str, Any]]]:
    """(arrival time, method, HTTP status, arguments) of every Web API call."""
    seen: list[tuple[float, str, int, dict[str, Any]]] = []
    original = fake._api

    def api(method: str, query: str, headers: Any, body: bytes) -> Any:
        arrived = time.monotonic()
        reply = original(method, query, headers, body)
        args = json.loads(body) if body.startswith(b"{") else {}
        seen.append((arrived, method, reply.status, args))
        return reply

    monkeypatch.setattr(fake, "_api", api)
    return seen


# ----- Slack down ----------------------------------------------------------------------------------------


def test_slack_down_for_a_while_commands_are_accepted_and_everything_arrives_once_in_order(bot: Harness) -> None:
    bot.fake.outage(3.0)  # "minutes" of 503s, compressed
    assert "OUT-1 declared" in bot.reply("declare --division payments --sev 1 Checkout is down")
    assert "OUT-2 declared" in bot.reply("declare --division search --sev 3 Search is slow", user="U0BOB")
    for n in range(1, 5):
        assert "Update posted" in bot.reply(f"update OUT-1 Step {n} of the fix")
    assert "Noted" in bot.reply("note OUT-2 Indexer restarted", user="U0BOB")

    # While Slack is down, the bot says what it still owes.
    health = bot.http.get("/healthz").json()
    assert health["ok"] is True and health["outbox"]["undelivered"] > 0
    assert "not delivered yet" in bot.reply("status OUT-1")
    assert bot.fake.channel("payments-outage") is None  # nothing got through

    bot.delivered(timeout=20)
    assert len(bot.fake.messages("payments-outage")) == 1 and len(bot.fake.messages("search-outage")) == 1
    steps = [f"Step {n} of the fix" for n in range(1, 5)]
    thread = positions(thread_texts(bot, "payments-outage"), steps)
    assert thread == sorted(thread), "the thread's updates are out of order"
    company = [shown(m) for m in bot.fake.messages("company-outage")]
    assert positions(company, steps) == sorted(positions(company, steps))
    assert sum("OUT-1" in text and "Step" not in text for text in company) == 1  # the announcement, once
    assert "OUT-1" in bot.fake.topic("payments-outage") and "OUT-2" in bot.fake.topic("search-outage")
    assert_each_post_exactly_once(bot)
    assert bot.http.get("/healthz").json()["outbox"] == {"undelivered": 0, "failed": 0}


def test_a_post_stored_by_slack_whose_answer_timed_out_is_not_posted_again(bot: Harness) -> None:
    bot.fake.delay("chat.postMessage", 1.5, after_store=True, times=2)  # the bot's timeout is 1 s
    bot.fake.delay("chat.update", 1.5, after_store=True, times=1)
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.reply("update OUT-1 Rolling back")
    bot.reply("update OUT-1 Rolled back")
    bot.delivered(timeout=20)
    assert len(bot.fake.messages("payments-outage")) == 1
    assert positions(thread_texts(bot, "payments-outage"), ["Rolling back", "Rolled back"]) == [0, 1]
    assert_each_post_exactly_once(bot)
    looked = bot.fake.calls_to("conversations.history") + bot.fake.calls_to("conversations.replies")
    assert looked, "the bot must look for a post whose outcome it does not know"


def test_a_429_storm_is_waited_out_method_by_method(lite: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = lite
    seen = spy(bot.fake, monkeypatch)
    bot.fake.rate_limit(retry_after=1, times=4)  # any method
    bot.reply("declare --division payments --sev 1 Checkout down")
    bot.reply("declare --division search --sev 2 Search down", user="U0BOB")
    bot.reply("update OUT-1 Failing over")
    bot.delivered(timeout=20)
    assert_each_post_exactly_once(bot)
    assert sum(status == 429 for _, _, status, _ in seen) == 4
    for t429, method, status, _ in seen:
        if status != 429:
            continue
        # Calls already on their way when Slack answered cannot be taken back; none may start later.
        early = [round(t - t429, 3) for t, m, _, _ in seen if m == method and t429 + 0.05 < t < t429 + 0.95]
        assert not early, f"{method} called again {early}s after Slack said to wait 1 s"


# ----- channels that are not there -------------------------------------------------------------------------


def test_removed_from_the_channel_the_bot_joins_again_and_posts(lite: Harness) -> None:
    bot = lite
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.delivered()
    bot.fake.remove_bot("payments-outage")
    bot.reply("update OUT-1 --status identified Bad deploy")
    bot.delivered()
    assert bot.fake.calls_to("conversations.join")
    assert positions(thread_texts(bot, "payments-outage"), ["Bad deploy"])
    assert "identified" in shown(bot.fake.messages("payments-outage")[0])
    assert_each_post_exactly_once(bot)


def test_an_archived_division_channel_gets_a_new_thread_in_a_new_channel(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.reply("update OUT-1 Looking at the card router")
    bot.delivered()
    old = bot.fake.channel("payments-outage")
    assert old is not None
    bot.fake.archive("payments-outage")

    bot.reply("update OUT-1 --status identified Bad deploy of card-router")
    bot.delivered()
    moved = bot.fake.channel("payments-outage-2")  # the archived channel keeps its name
    assert moved is not None
    [root] = bot.fake.messages("payments-outage-2")
    assert "OUT-1" in shown(root) and "identified" in shown(root)  # the root shows the current state
    assert positions(thread_texts(bot, "payments-outage-2"), ["Bad deploy of card-router"])
    incident = bot.api("/api/incidents/OUT-1").json()
    assert (incident["channel_id"], incident["thread_ts"]) == (moved.id, root.ts)
    assert any(e["kind"] == "thread_moved" and "continues" in e["text"] for e in incident["timeline"])
    assert "OUT-1" in bot.fake.topic("payments-outage-2")

    # The division's outages now go to the new channel.
    bot.reply("declare --division payments --sev 4 Receipts late", user="U0BOB")
    bot.delivered()
    assert len(bot.fake.messages("payments-outage-2")) == 2
    assert_each_post_exactly_once(bot)


def test_a_deleted_division_channel_is_created_again(lite: Harness) -> None:
    bot = lite
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.delivered()
    old = bot.fake.channel("payments-outage")
    assert old is not None
    bot.fake.delete_channel("payments-outage")
    bot.reply("update OUT-1 Still down")
    bot.delivered()
    new = bot.fake.channel("payments-outage")
    assert new is not None and new.id != old.id
    assert positions(thread_texts(bot, "payments-outage"), ["Still down"])
    assert bot.api("/api/incidents/OUT-1").json()["channel_id"] == new.id


def test_an_archived_company_channel_is_replaced(lite: Harness) -> None:
    bot = lite
    bot.reply("declare --division payments --sev 1 Everything is down")
    bot.delivered()
    bot.fake.archive("company-outage")
    bot.reply("update OUT-1 Failing over to the second region")
    bot.delivered()
    assert any("second region" in shown(m) for m in bot.fake.messages("company-outage-2"))


# ----- giving up ------------------------------------------------------------------------------------------


def test_a_post_slack_refuses_for_good_is_reported_to_the_commander_and_in_the_thread(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down", user="U0BOB")
    bot.delivered()
    bot.fake.error("chat.postMessage", "restricted_action", times=1)
    assert "Update posted" in bot.reply("update OUT-1 This update is refused", user="U0CAROL")
    bot.wait(lambda: bot.outbox_counts()["pending"] == 0, what="outbox to settle")

    assert not any("refused" in text for text in thread_texts(bot, "payments-outage"))
    notice = [m for m in bot.fake.dms("U0BOB") if "could not deliver" in shown(m)]
    assert len(notice) == 1 and "restricted_action" in shown(notice[0])
    assert any("could not deliver" in text for text in thread_texts(bot, "payments-outage"))
    timeline = bot.api("/api/incidents/OUT-1").json()["timeline"]
    assert [e for e in timeline if e["kind"] == "delivery_failed"]
    assert "could not be delivered" in bot.reply("status OUT-1")
    assert bot.http.get("/healthz").json()["outbox"] == {"undelivered": 0, "failed": 1}
    assert bot.api("/api/incidents/OUT-1").json()["failed_posts"] == 1


# ----- pacing --------------------------------------------------------------------------------------------


def test_sustained_posting_to_one_channel_is_paced(lite_url: str, fake_slack: FakeSlack, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    seen = spy(fake_slack, monkeypatch)
    interval = 0.2
    with fast_bot(lite_url, fake_slack, tmp_path, channel_interval=interval, channel_burst=1) as bot:
        bot.reply("declare --division payments --sev 3 Slow refunds")
        for n in range(5):
            bot.reply(f"update OUT-1 Update {n}")
        bot.delivered(timeout=15)
        channel = fake_slack.channel("payments-outage")
        assert channel is not None
        sent = [t for t, method, status, args in seen
                if method == "chat.postMessage" and status == 200 and args.get("channel") == channel.id]  # fmt: skip
        assert len(sent) == 6
        # Slack counts posts over a window: the n-th post arrives no sooner than n-1 paces after the first. (Each
        # post is allowed one pace of lateness on its way through a loaded machine; unpaced, the six would arrive
        # within milliseconds and fail from the third on.)
        gaps = [b - a for a, b in itertools.pairwise(sent)]
        assert all(at - sent[0] >= (n - 1) * interval for n, at in enumerate(sent)), gaps
