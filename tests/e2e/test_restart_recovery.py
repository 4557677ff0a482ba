"""SQLite has one process per file: at start-up, due work a dead process had claimed is taken back at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from incidentbot.domain.due import DueKind
from incidentbot.emulator import FakeSlack
from incidentbot.store import due_work
from tests.support.databases import SqliteTemplates
from tests.support.harness import start_harness


def test_a_reminder_claimed_by_a_dead_process_is_sent_at_the_next_start(
    sqlite_templates: SqliteTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with sqlite_templates.clone(tmp_path) as url, start_harness(
        database_url=url, fake=fake_slack, tmp_path=tmp_path, tick_interval=3600
    ) as bot:
        bot.reply("declare --division payments --sev 2 Card auth down")
        bot.delivered()
        bot.clock.advance(timedelta(minutes=31))
        bot.bot.ticker.stop()
        with bot.bot.db.engine.begin() as conn:  # claimed, then the process died before acting
            claimed = due_work.claim(conn, owner="dead-process", now=bot.clock(), lease=timedelta(minutes=2))
        # Whatever else fell due in those 31 minutes (the daily digest, from some start instants) went with it.
        assert DueKind.UPDATE_DUE in [row.kind for row in claimed]

        bot.bot.ticker.start()  # what a restarted process does; its first tick runs at once
        bot.wait(lambda: any("due" in m.text.lower() for m in bot.fake.dms("U0ALICE")), timeout=5,
                 what="the reminder, without waiting out the dead process's lease")
        bot.delivered()
        api = bot.api("/api/incidents/OUT-1").json()
        assert [e["kind"] for e in api["timeline"]].count("update_due") == 1
