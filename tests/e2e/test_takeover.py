"""Two `incidentbot serve` replicas on one PostgreSQL database: the one delivering a post is SIGKILLed while
Slack holds the answer (the post is stored; the database does not know it). The live replica takes the post
and the rest of the incident's work over once the dead one's short lease lapses (leases are renewed by a
heartbeat only while a process lives), well before the old 120 s lease, and nothing is posted twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from incidentbot.emulator import FakeSlack
from incidentbot.store.database import connect
from incidentbot.store.tables import outbox
from tests.e2e.test_crash_restart import assert_each_post_exactly_once
from tests.support.databases import PostgresTemplates, require_postgres
from tests.support.process import ServeProcess
from tests.support.slack_reading import shown

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def lease_holder(url: str) -> str | None:
    db = connect(url)
    try:
        with db.read_engine.connect() as conn:
            stmt = select(outbox.c.lease_owner).where(outbox.c.lease_owner.is_not(None)).limit(1)
            return conn.execute(stmt).scalar()
    finally:
        db.dispose()


def test_a_killed_replicas_posts_and_due_work_are_taken_over_once(
    pg_templates: PostgresTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    require_postgres()
    config = '[cadence]\nsev2 = "4s"\n'  # an update reminder falls due soon after the kill
    fake_slack.delay("chat.postMessage", 60, after_store=True)  # the first post is stored; its answer never comes
    with pg_templates.clone() as url:
        a = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=config, name="a")
        b = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=config, name="b")
        try:
            a.start()
            b.start()
            assert a.command("declare --division payments --sev 2 Card auth down").status_code == 200
            fake_slack.wait_for(lambda: fake_slack.channel("payments-outage")
                                and fake_slack.messages("payments-outage"))
            fake_slack.wait_for(lambda: lease_holder(url) is not None)
            holder = lease_holder(url)
            dead, live = (a, b) if holder and f":{a.proc and a.proc.pid}:" in holder else (b, a)
            dead.kill()  # mid-delivery, holding its lease
            killed = time.monotonic()
            fake_slack.wait_for(lambda: live.api("/healthz").json()["outbox"]["undelivered"] == 0, timeout=40)
            took = time.monotonic() - killed
            [root] = fake_slack.messages("payments-outage")
            assert "OUT-1" in shown(root)
            assert live.api("/api/incidents/OUT-1").json()["thread_ts"] == root.ts
            assert "was already delivered" in live.log()  # checked against Slack, not posted again
            # The due work goes on in the live replica: the update reminder arrives in the thread.
            fake_slack.wait_for(lambda: any("update" in shown(m).lower()
                                            for m in fake_slack.replies("payments-outage", root.ts)), timeout=30)
            print(f"taken over and delivered {took:.1f} s after the kill")
        finally:
            a.stop()
            b.stop()
        assert_each_post_exactly_once(url, fake_slack)
