"""Two `incidentbot serve` replicas on one PostgreSQL database: the one delivering a post is SIGKILLed while
Slack holds the answer (the post is stored; the database does not know it). The live replica takes the post
and the rest of the incident's work over once the dead one's short lease lapses (leases are renewed by a
heartbeat only while a process lives), well before the old 120 s lease, and nothing is posted twice. The second
test kills the replica while it is acting on due work it has claimed, and the live one finishes that work."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select, text

from incidentbot.emulator import FakeSlack
from incidentbot.store.database import Database, connect
from incidentbot.store.tables import due_work, incidents, outbox
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


# Due work in the act of being done when its replica dies. Three sev2 incidents fall due for an update reminder
# a minute after they are declared, and the roll-up three seconds after the first: the overdue notices come
# half a cadence later, well after the takeover, so the posts checked below are all there is.
DUE_CONFIG = 'summary_interval = "63s"\n[cadence]\nsev2 = "60s"\n'
DIVISIONS = ("payments", "search", "checkout")
FIRST = "incident:1:update_due"  # the earliest due: the dead replica acts on it first, and waits there
DUE_KEYS = (FIRST, "incident:2:update_due", "incident:3:update_due", "rollup")


def poll(predicate: Callable[[], object], *, timeout: float, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {predicate}"
        time.sleep(every)


def leases(db: Database, keys: Iterable[str]) -> dict[str, tuple[int, str | None]]:
    """key → (row id, lease owner) of the due-work rows still there."""
    stmt = select(due_work.c.key, due_work.c.id, due_work.c.lease_owner).where(due_work.c.key.in_(list(keys)))
    with db.engine.connect() as conn:
        return {key: (row_id, owner) for key, row_id, owner in conn.execute(stmt)}


def rows_left(db: Database, ids: Iterable[int]) -> int:
    with db.engine.connect() as conn:
        return len(conn.execute(select(due_work.c.id).where(due_work.c.id.in_(list(ids)))).all())


def leased_to(db: Database, owner: str) -> int:
    with db.engine.connect() as conn:
        return len(conn.execute(select(due_work.c.id).where(due_work.c.lease_owner == owner)).all())


def waiting_on(db: Database, pid: int) -> int:
    """How many database sessions wait for a lock that session `pid` holds."""
    with db.engine.connect() as conn:
        stmt = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
        return int(conn.execute(stmt, {"pid": pid}).scalar_one())


def claim_all_at_once_held_at_the_first(db: Database, command: Connection, gate: Connection) -> None:
    """Both replicas tick every second, so rows falling due one by one would be shared out between them. The
    `gate` session row-locks the four rows until all are due: claims skip locked rows, so the first claim after
    the gate opens takes all four. The `command` session plays a command on OUT-1 in progress (it holds the
    incident's row lock), so the claimer's first act, on OUT-1, waits for it after its claim has committed."""
    command.execute(select(incidents.c.number).where(incidents.c.number == 1).with_for_update())
    gate.execute(select(due_work.c.id).where(due_work.c.key.in_(DUE_KEYS)).with_for_update())
    with db.engine.connect() as conn:
        due_at = conn.execute(select(due_work.c.key, due_work.c.due_at).where(due_work.c.key.in_(DUE_KEYS))).all()
    assert sorted(key for key, _ in due_at) == sorted(DUE_KEYS)
    assert min(due_at, key=lambda r: r[1])[0] == FIRST, due_at
    time.sleep(max(0.0, (max(when for _, when in due_at) - datetime.now(UTC)).total_seconds()) + 0.5)
    gate.commit()
    holder = command.execute(text("SELECT pg_backend_pid()")).scalar_one()
    poll(lambda: waiting_on(db, holder) > 0, timeout=20)  # a replica has claimed and is acting on OUT-1


def declare_three(bot: ServeProcess) -> None:
    for division in DIVISIONS:
        assert bot.command(f"declare --division {division} --sev 2 {division} is down").status_code == 200
    poll(lambda: bot.api("/healthz").json()["outbox"]["undelivered"] == 0, timeout=60)


def assert_each_reminder_posted_once(fake: FakeSlack, *, user: str) -> None:
    for number, division in enumerate(DIVISIONS, 1):
        due_now = f"status update on OUT-{number} is due now"  # in the thread, and in a DM to the communicator
        [root] = [m for m in fake.messages(f"{division}-outage") if f"OUT-{number}" in shown(m)]
        assert sum(due_now in shown(m) for m in fake.replies(f"{division}-outage", root.ts)) == 1
        assert sum(due_now in shown(m) for m in fake.dms(user)) == 1
    assert sum("Open outages: 3" in shown(m) for m in fake.messages("company-outage")) == 1


def test_due_work_a_killed_replica_was_acting_on_is_taken_over_once(
    pg_templates: PostgresTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    require_postgres()
    with pg_templates.clone() as url:
        db = connect(url)
        a = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=DUE_CONFIG, name="a")
        b = ServeProcess(database_url=url, slack_api_url=fake_slack.url, workdir=tmp_path, config=DUE_CONFIG, name="b")
        try:
            a.start()
            b.start()
            declare_three(a)
            with db.engine.connect() as command, db.engine.connect() as gate:
                claim_all_at_once_held_at_the_first(db, command, gate)
                held = leases(db, DUE_KEYS)
                [dead_owner] = {owner for _, owner in held.values()}  # one claim took all four, none acted on
                assert dead_owner is not None
                dead, live = (a, b) if f":{a.proc and a.proc.pid}:" in dead_owner else (b, a)
                assert f":{dead.proc and dead.proc.pid}:" in dead_owner
                dead.kill()  # between claim and finish: OUT-1's act waits, the other three are claimed, not done
                killed = time.monotonic()
                command.rollback()  # the command ends; the dead replica's session finds its client gone
            poll(lambda: rows_left(db, [row_id for row_id, _ in held.values()]) == 0, timeout=40, every=0.1)
            took = time.monotonic() - killed
            print(f"due work of the killed replica ({len(held)} rows) done by the live one {took:.1f} s after the kill")
            assert took < 15
            live_pid = live.proc and live.proc.pid
            for key in DUE_KEYS:  # each acted on by the live replica (the dead one acted on none)
                assert re.search(rf"due work {key} \(due [^)]*\) done by \S+:{live_pid}:", live.log()), key
            assert leased_to(db, dead_owner) == 0
            poll(lambda: live.api("/healthz").json()["outbox"]["undelivered"] == 0, timeout=30)
            assert_each_reminder_posted_once(fake_slack, user="U0ALICE")
        finally:
            a.stop()
            b.stop()
            db.dispose()
        assert_each_post_exactly_once(url, fake_slack)
