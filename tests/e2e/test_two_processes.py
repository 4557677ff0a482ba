"""Two `incidentbot serve` processes on one PostgreSQL database: each reminder and each scheduled post once.

Real processes on the real clock, so the cadence and the roll-up interval are seconds. Both schedulers tick
and race for the same due rows; the database claim (FOR UPDATE SKIP LOCKED with a lease) lets one win.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.domain.due import DueKind
from incidentbot.emulator import FakeSlack
from incidentbot.service import reminders
from incidentbot.store import due_work
from incidentbot.store.database import connect
from incidentbot.store.tables import outbox
from tests.support.databases import PostgresTemplates, require_postgres
from tests.support.harness import Clock, digest_far_from, start_harness
from tests.support.process import ServeProcess

ROLLUP_EVERY = 2.0


def text_of(message: Any) -> str:
    return (message.text or "") + json.dumps(message.blocks or [], ensure_ascii=False)


def wait(predicate: Callable[[], bool], *, timeout: float, what: str, servers: list[ServeProcess]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    logs = "\n".join(s.log()[-3000:] for s in servers)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")


def kinds(server: ServeProcess, label: str) -> Counter[str]:
    return Counter(e["kind"] for e in server.api(f"/api/incidents/{label}").json()["timeline"])


@pytest.mark.slow
@pytest.mark.postgres
def test_two_processes_send_each_reminder_and_each_scheduled_post_once(
    pg_templates: PostgresTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    require_postgres()
    # About the wall clock: the digest falls due for real, soon after both processes are up. Starting two
    # processes can take several seconds on a loaded machine, and a digest time already passed when they
    # plan it would be tomorrow's: leave room.
    digest_at = (datetime.now(UTC) + timedelta(seconds=15)).time().replace(microsecond=0)
    config = (
        f'summary_interval = "{ROLLUP_EVERY:g}s"\n'
        f"daily_digest_at = {digest_at.isoformat()}\n"  # a TOML local time, to the second
        '[cadence]\nsev2 = "2s"\nsev3 = "3s"\n'
    )
    with pg_templates.clone() as url:
        a = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=config, name="a")
        b = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=config, name="b")
        servers = [a, b]
        try:
            a.start()
            b.start()
            assert a.command("declare --division payments --sev 2 Card auth down").status_code == 200
            assert b.command("declare --division search --sev 3 Slow autocomplete", user="U0BOB").status_code == 200

            def rollups() -> list[Any]:
                if fake_slack.channel("company-outage") is None:
                    return []
                return [m for m in fake_slack.messages("company-outage") if m.text.startswith("Open outages")]

            def digests() -> list[Any]:
                if fake_slack.channel("company-outage") is None:
                    return []
                return [m for m in fake_slack.messages("company-outage") if m.text.startswith("Outage digest")]

            wait(lambda: kinds(b, "OUT-2")["update_overdue"] == 1 and kinds(a, "OUT-1")["update_overdue"] == 1
                 and len(rollups()) >= 3 and len(digests()) == 1, timeout=25,
                 what="both overdue notices, three roll-ups and the digest", servers=servers)
            # An update through one process re-plans the work both processes watch: one more cycle, once.
            assert b.command("update OUT-1 Failing over to the secondary acquirer").status_code == 200
            wait(lambda: kinds(a, "OUT-1")["update_overdue"] == 2, timeout=10, what="the second overdue notice",
                 servers=servers)
            time.sleep(0.5)  # let a duplicate, if there were one, arrive
            for label, cycles in (("OUT-1", 2), ("OUT-2", 1)):
                seen = kinds(a, label)
                assert (seen["update_due"], seen["update_overdue"]) == (cycles, cycles), (label, seen)

            # One process stops; the other's scheduler alone carries on.
            a.stop()
            before = len(rollups())
            wait(lambda: len(rollups()) > before, timeout=10, what="a roll-up from the remaining process",
                 servers=servers)
            b.stop()
        finally:
            for server in servers:
                server.stop()

        def thread_posts(channel: str, containing: str) -> int:
            [root] = fake_slack.messages(channel)
            return sum(containing in text_of(m) for m in fake_slack.replies(channel, root.ts))

        def dms(user: str, containing: str) -> int:
            return sum(containing in text_of(m) for m in fake_slack.dms(user))

        assert (thread_posts("payments-outage", "is due now"), thread_posts("payments-outage", "is overdue")) == (2, 2)
        assert (thread_posts("search-outage", "is due now"), thread_posts("search-outage", "is overdue")) == (1, 1)
        assert (dms("U0ALICE", "is due now"), dms("U0ALICE", "is overdue")) == (2, 2)
        assert (dms("U0BOB", "is due now"), dms("U0BOB", "is overdue")) == (1, 1)
        assert len(digests()) == 1

        # Every roll-up slot produced one post: consecutive roll-ups are a whole interval apart, never twins.
        db = connect(url)
        try:
            with db.read_engine.connect() as conn:
                made = conn.execute(
                    select(outbox.c.created_at, outbox.c.state).where(outbox.c.ordering_key == "rollup")
                    .order_by(outbox.c.created_at)
                ).all()
        finally:
            db.dispose()
        assert [state for _, state in made] == ["delivered"] * len(made) and len(made) == len(rollups()) >= 4
        gaps = [(later - earlier).total_seconds() for (earlier, _), (later, _) in pairwise(made)]
        assert min(gaps) >= ROLLUP_EVERY - 0.05, gaps

        # The two logs together name each roll-up once; both processes took part in the work.
        done = [re.findall(r"due work (\S+) \(due (\S+)\) done by", s.log()) for s in servers]
        all_done = done[0] + done[1]
        assert len(all_done) == len(set(all_done)), Counter(all_done).most_common(3)
        assert sum(key == "rollup" for key, _ in all_done) == len(made)
        assert all(done), "each process did some of the due work"


def test_two_schedulers_acting_on_one_incident_at_once_do_not_deadlock(database_url: str, fake_slack: FakeSlack,
                                                                       tmp_path: Path) -> None:
    """Two processes each claimed one of an incident's due rows and act at the same moment. Both lock the
    incident before the due row, as commands do, so neither waits on the other in a cycle."""
    clock = Clock()
    config = {"daily_digest_at": digest_far_from(clock())}  # a digest due as well would be the first row claimed
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, tick_interval=3600,
                       clock=clock, config=config) as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.delivered()  # before the clock jumps, so no post in flight looks abandoned
        bot.clock.advance(timedelta(minutes=50))  # the update is due (30 min) and overdue (45 min)
        with bot.bot.db.engine.begin() as conn:
            [first] = due_work.claim(conn, owner="p1", now=bot.clock(), lease=timedelta(minutes=2), limit=1)
        with bot.bot.db.engine.begin() as conn:
            [second] = due_work.claim(conn, owner="p2", now=bot.clock(), lease=timedelta(minutes=2), limit=1)
        assert (first.kind, second.kind) == (DueKind.UPDATE_DUE, DueKind.UPDATE_OVERDUE)

        start = threading.Barrier(2)
        failures: list[BaseException] = []

        def act(row: due_work.DueRow, owner: str) -> None:
            start.wait()
            try:
                reminders.act(bot.bot.ctx, row, owner=owner)
            except BaseException as error:  # e.g. psycopg's DeadlockDetected
                failures.append(error)

        threads = [threading.Thread(target=act, args=(first, "p1")), threading.Thread(target=act, args=(second, "p2"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert failures == []
        bot.bot.ticker.tick()  # whatever was re-planned under the other's feet is done now, once
        bot.delivered()
        seen = Counter(e["kind"] for e in bot.api("/api/incidents/OUT-1").json()["timeline"])
        assert (seen["update_due"], seen["update_overdue"]) == (1, 1)
