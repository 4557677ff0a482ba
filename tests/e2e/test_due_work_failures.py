"""A batch of due work that breaks off (the database went away while acting, and again while giving the row
back) leaves its rows leased to a process that lives on. The heartbeat must not keep those leases alive: they
run out like a dead process's, and the work is done once the database is back, without a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from incidentbot.emulator import FakeSlack
from incidentbot.service import reminders
from incidentbot.store import due_work
from incidentbot.store.tables import due_work as due_work_table
from tests.support.harness import Clock, Harness, digest_far_from, start_harness


def database_gone(*_args: Any, **_kwargs: Any) -> None:
    raise OperationalError("UPDATE due_work ...", None, ConnectionError("server closed the connection unexpectedly"))


def leased(bot: Harness) -> list[str | None]:
    with bot.bot.db.engine.connect() as conn:
        return list(conn.execute(select(due_work_table.c.lease_owner).order_by(due_work_table.c.due_at)).scalars())


def test_due_work_left_leased_by_a_broken_off_batch_is_done_while_the_process_lives(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    config = {"daily_digest_at": digest_far_from(clock())}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, tick_interval=3600,
                       clock=clock, config=config) as bot:  # fmt: skip
        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.delivered()
        bot.clock.advance(timedelta(minutes=50))  # the update is due (30 min) and overdue (45 min)
        with monkeypatch.context() as outage:
            outage.setattr(reminders, "act", database_gone)
            outage.setattr(due_work, "release", database_gone)
            bot.bot.ticker.tick()  # claims both, fails on the first, cannot give it back; the second is not reached
        owner = bot.bot.options.owner
        assert leased(bot)[:2] == [owner, owner]

        bot.clock.advance(reminders.LEASE + timedelta(seconds=1))
        bot.bot.ticker.heartbeat()  # the process lives on, and so does its heartbeat
        bot.bot.ticker.tick()
        bot.delivered()
        kinds = [e["kind"] for e in bot.api("/api/incidents/OUT-1").json()["timeline"]]
        assert (kinds.count("update_due"), kinds.count("update_overdue")) == (1, 1)
        assert owner not in leased(bot)
